"""Demo accounts for `make run`: one login per role, and a few applicants."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from stdnum.cn import ric

from accounts.models import Role, User
from catalog.models import City

DEMO_PASSWORD = "Skillcert2026"  # noqa: S105 - printed by `make run`, refused in production


@dataclass(frozen=True)
class DemoLogin:
    role: str
    login: str
    city: str
    note: str


STAFF = [
    ("association", Role.ASSOCIATION, None, "就促会 工作人员"),
    ("hohhot-co", Role.CO_ORGANIZER, "hohhot", "呼和浩特市 协办单位"),
    ("baotou-co", Role.CO_ORGANIZER, "baotou", "包头市 协办单位"),
    ("hohhot-reg", Role.REGULATOR, "hohhot", "呼和浩特市 人社监管部门"),
    # Double entry needs a second person of the regulator (复核); a panel needs three experts.
    ("hohhot-reg2", Role.REGULATOR, "hohhot", "呼和浩特市 人社监管部门（复核员）"),
    ("hohhot-expert", Role.EXPERT, "hohhot", "呼和浩特市 评审专家（评审组组长）"),
    ("hohhot-expert2", Role.EXPERT, "hohhot", "呼和浩特市 评审专家"),
    ("hohhot-expert3", Role.EXPERT, "hohhot", "呼和浩特市 评审专家"),
    ("hohhot-invigilator", Role.INVIGILATOR, "hohhot", "呼和浩特市 考务人员（监考员，考试日签到）"),
]

# Made-up people; numbers are valid in form only (13800000xxx is a test range).
APPLICANTS = [
    ("王小明", "15010219850315001", "13800000001"),
    ("李红", "15020319900708002", "13800000002"),
    ("张建国", "15010519880120003", "13800000003"),
]


def demo_id_number(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")  # it ignores the last digit


@transaction.atomic
def ensure_demo_accounts() -> list[DemoLogin]:
    if settings.PRODUCTION:
        raise RuntimeError("demo accounts are never created when SKILLCERT_ENV=production")
    logins = []
    for username, role, city_code, label in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            city = City.objects.get(code=city_code) if city_code else None
            User.objects.create_user(username, DEMO_PASSWORD, role=role, city=city, full_name=label)
        logins.append(DemoLogin(Role(role).label, username, city_code or "全区", label))
    for name, first17, phone in APPLICANTS:
        id_number = demo_id_number(first17)
        if not User.objects.filter(phone_hash=_phone_hash(phone)).exists():
            User.objects.create_user(
                None, DEMO_PASSWORD, role=Role.APPLICANT, full_name=name, id_number=id_number, phone=phone
            )
        logins.append(DemoLogin(Role.APPLICANT.label, phone, "", f"{name}（也可用身份证号 {id_number} 登录）"))
    return logins


def _phone_hash(phone: str) -> str:
    from skillcert.fields import lookup_hash

    return lookup_hash(User, "phone", phone)
