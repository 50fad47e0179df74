"""What the printed 申报表 (annex 2) and 诚信承诺书 (annex 3) show. Pure module.

The application model fills an `ApplicationSheet`; the PDF renderer only reads it,
so documents can be rendered and tested without a database.
"""

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class ApplicationSheet:
    full_name: str  # 姓名
    gender: str  # 性别: "男" | "女"
    ethnicity: str  # 民族, e.g. "蒙古族"
    id_number: str  # 身份证号码 (printed in full: the applicant signs it)
    education: str  # 文化程度, display text, e.g. "大学本科"
    phone: str  # 联系电话
    work_started_on: date | None  # 参加工作时间
    occupation_years: int | None  # 本职业工龄 (years)
    employer: str  # 工作单位
    occupation: str  # 申报职业, e.g. "汽车维修工"
    occupation_code: str  # e.g. "4-12-01-01"
    level: str  # 申报等级, display text, e.g. "三级/高级工"
    work_type: str  # 申报工种 (may be empty)
    category: str  # 申报类别, display text: 初次 / 晋级 / 平转 / 贯通 / 退役军人
    prior_certificate_occupation: str  # 上一级证书职业 (may be empty)
    prior_certificate_number: str  # 上一级证书编号 (may be empty)
    work_history: str  # 工作简历 (multi-line)
    achievements: str  # 历次参加技术革新、技术攻关和技能竞赛的成绩（成果）、传授技艺情况
    specialties: str  # 技术特长以及在本工种生产工艺、关键操作技术方面解决难题的表现、业绩
    campaign_year: int  # e.g. 2023, printed in the pledge
    photo_jpeg: bytes | None = None  # 1.5-inch white-background photo, JPEG bytes
    city: str = ""  # 盟市 of the co-organizer
    extra: dict[str, str] = field(default_factory=dict)
