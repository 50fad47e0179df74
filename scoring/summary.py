"""The 汇总表 (notice 六.二) as rows: one per occupation × level, a total row, the pass rate. Pure: no Django.

The counts come from `scoring.report_selectors.summary_counts` (one grouped query); this module
orders them, adds the total and formats the pass rate. What each count means is written on
`LineCounts`; the selector is its implementation.
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

NO_RATE = "—"
TOTAL = "合计"
HEADINGS = (
    "序号",
    "职业编码",
    "职业名称",
    "等级",
    "申报人数",
    "审核通过",
    "已缴费",
    "已安排考试",
    "实考人数",
    "缺考人数",
    "合格人数",
    "合格率",
)
SIGNATURES = ("制表人", "审核人", "负责人")


@dataclass(frozen=True)
class LineCounts:
    """The counts of one occupation × level of a city in a campaign.

    * applied: submitted (not a draft, nor a draft withdrawn unsubmitted; withdrawn or disqualified
      after submitting still count).
    * approved: reached 审核通过 (the association's 复审 approval) — now approved or any later state
      (paid … delivered), or approved and then withdrawn or disqualified. Returned and withdrawn
      before the approval, and still waiting at 初审/复审, do not count.
    * paid: now paid or any later state, or paid and then withdrawn or disqualified.
    * seated: has a seat, or a ticket that is not void.
    * sat: present in at least one written part (理论/技能): the part's score is not 缺考, or — while
      that part has no score yet — the candidate's check-in of that part's session says present or 违纪.
    * absent: seated, not sat, and absent (缺考 score, or 缺考 check-in) in at least one written part:
      absent in every written part that has a record. Seated candidates with no record at all are in
      neither `sat` nor `absent` (before the exam, or records not entered).
    * passed: the result is final and passed (合格, 已发证, 已领证), or, while the city's results are in
      publicity (已考试), passing by the pass rule on the published scores (the 汇总表 goes with the 公示).
    """

    occupation_code: str
    occupation_name: str
    level_number: int  # 5 … 1 (五级 … 一级); the table lists 5 first
    level_name: str
    applied: int = 0
    approved: int = 0
    paid: int = 0
    seated: int = 0
    sat: int = 0
    absent: int = 0
    passed: int = 0


COUNTED = tuple(f.name for f in fields(LineCounts))[4:]


def pass_rate(passed: int, sat: int) -> str:
    """合格率 = passed / sat, one decimal, half up («66.7%»); «—» when nobody sat."""
    if sat <= 0:
        return NO_RATE
    rate = (Decimal(passed) * 100 / Decimal(sat)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rate}%"


@dataclass(frozen=True)
class SummaryTable:
    lines: tuple[LineCounts, ...]
    total: LineCounts

    def rows(self) -> list[list[str]]:
        """The table's body as text cells, in HEADINGS order, the total row last."""
        body = [_cells(str(index), line) for index, line in enumerate(self.lines, start=1)]
        body.append(_cells(TOTAL, self.total))
        return body


def _cells(first: str, line: LineCounts) -> list[str]:
    counts = [str(getattr(line, name)) for name in COUNTED]
    return [
        first,
        line.occupation_code,
        line.occupation_name,
        line.level_name,
        *counts,
        pass_rate(line.passed, line.sat),
    ]


def build(lines: Iterable[LineCounts]) -> SummaryTable:
    """Order by occupation code, then level 5 → 1, and add the total (the sum of every count)."""
    ordered = tuple(sorted(lines, key=lambda line: (line.occupation_code, -line.level_number)))
    sums = {name: sum(getattr(line, name) for line in ordered) for name in COUNTED}
    total = LineCounts("", "", 0, "", **sums)
    return SummaryTable(ordered, total)
