"""The 人员名册 (notice 九.三): the city's passed candidates, one line each; pure.

Columns: 序号, 准考证号, 姓名, 性别 (from the ID number), 身份证号 (masked unless asked for in full,
which is audited), 职业, 等级, 工作单位, and each part's final score — 综合评审 only when a
candidate of the roster has one (二级/一级)."""

from collections.abc import Sequence
from dataclasses import dataclass, field

PARTS = (("theory", "理论知识"), ("skill", "技能考核"), ("review", "综合评审"))
FIXED = ("序号", "准考证号", "姓名", "性别", "身份证号", "职业", "等级", "工作单位")


@dataclass(frozen=True)
class RosterLine:
    ticket: str
    name: str
    sex: str
    id_number: str  # masked unless the roster was asked for in full
    occupation: str
    level: str
    work_unit: str
    scores: dict[str, str] = field(default_factory=dict)  # part -> "85" / "缺考" / "违纪"


def parts_shown(lines: Sequence[RosterLine]) -> list[tuple[str, str]]:
    """Theory and skill always; 综合评审 when some line has it."""
    return [(key, label) for key, label in PARTS if key != "review" or any("review" in line.scores for line in lines)]


def headings(lines: Sequence[RosterLine]) -> list[str]:
    return [*FIXED, *(label for _, label in parts_shown(lines))]


def rows(lines: Sequence[RosterLine]) -> list[list[str]]:
    parts = parts_shown(lines)
    return [
        [
            str(index),
            line.ticket or "—",
            line.name,
            line.sex or "—",
            line.id_number,
            line.occupation,
            line.level,
            line.work_unit or "—",
            *(line.scores.get(key, "—") for key, _ in parts),
        ]
        for index, line in enumerate(lines, start=1)
    ]
