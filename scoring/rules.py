"""The rules of marking, pure (no Django): what a typed cell means, when two entries agree, and
when a candidate passes (notice 四: every part the level requires at 60 or more)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

SCORE = "score"
ABSENT = "absent"
VOID = "void"

THEORY = "theory"
SKILL = "skill"
REVIEW = "review"

PASS_MARK = Decimal(60)
# What staff type for 缺考 / 违纪 in the grid or the xlsx (the xlsx template writes the first).
ABSENT_WORDS = frozenset({"缺考", "缺", "Q", "q"})
VOID_WORDS = frozenset({"违纪", "W", "w"})


@dataclass(frozen=True)
class Cell:
    """One part of one candidate: a score, 缺考 or 违纪 (with its note)."""

    mark: str
    value: Decimal | None = None
    note: str = ""

    def same_as(self, other: "Cell") -> bool:
        """Two entries agree when mark and value agree (notes may differ)."""
        return self.mark == other.mark and self.value == other.value

    def shown(self) -> str:
        if self.mark == SCORE and self.value is not None:
            return shown_points(self.value)
        return "缺考" if self.mark == ABSENT else "违纪"


def shown_points(value: Decimal | int | str) -> str:
    """Points as people write them: stored with two places, 75.00 reads 75 and 80.50 reads 80.5."""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class CellError(ValueError):
    """What is wrong with a typed cell, in Chinese."""


def quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def parse_cell(text: object, decimals: int) -> Cell:
    """A typed cell (a number 0–100 with at most `decimals` decimals, or 缺考/违纪). Raises CellError."""
    raw = str(text).strip() if text is not None else ""
    if not raw:
        raise CellError("未填写成绩")
    if raw in ABSENT_WORDS:
        return Cell(ABSENT)
    if raw in VOID_WORDS:
        return Cell(VOID)
    try:
        value = Decimal(raw.replace("，", ".").replace("。", "."))
    except InvalidOperation:
        raise CellError(f"“{raw[:20]}”不是成绩：请填写 0–100 的数字，或“缺考”“违纪”") from None
    if not value.is_finite():
        raise CellError(f"“{raw[:20]}”不是成绩：请填写 0–100 的数字")
    if value < 0 or value > 100:
        raise CellError(f"成绩 {raw} 超出 0–100 的范围")
    if value != value.quantize(quantum(decimals), rounding=ROUND_HALF_UP):
        allowed = "整数" if decimals == 0 else f"最多 {decimals} 位小数"
        raise CellError(f"成绩 {raw} 的精度不对：本批次成绩为{allowed}")
    return Cell(SCORE, value.quantize(quantum(decimals)))


def check_against_day(cell: Cell, day_outcome: str) -> None:
    """An absent candidate cannot get a score (缺考 from check-in is final unless check-in is corrected)."""
    if day_outcome == ABSENT and cell.mark != ABSENT:
        raise CellError("签到记录为缺考，不能录入成绩（如签到有误，请先更正签到记录）")


@dataclass(frozen=True)
class Mismatch:
    application: int
    first: Cell
    second: Cell


def mismatches(first: Mapping[int, Cell], second: Mapping[int, Cell]) -> list[Mismatch]:
    """The candidates both rounds entered and disagree on, in the order of `first`."""
    return [
        Mismatch(pk, cell, second[pk]) for pk, cell in first.items() if pk in second and not cell.same_as(second[pk])
    ]


def required_parts(level: int) -> tuple[str, ...]:
    """二级/技师 and 一级/高级技师 add 综合评审 to the two written parts."""
    return (THEORY, SKILL, REVIEW) if level <= 2 else (THEORY, SKILL)


@dataclass(frozen=True)
class Result:
    passed: bool
    complete: bool  # every required part has a final cell
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        if not self.complete:
            return "待定"
        return "合格" if self.passed else "不合格"


PART_NAMES = {THEORY: "理论知识考试", SKILL: "技能考核", REVIEW: "综合评审"}


def result(level: int, parts: Mapping[str, Cell]) -> Result:
    """Pass when every part the level requires is a score of 60 or more (notice 四)."""
    reasons: list[str] = []
    complete = True
    for part in required_parts(level):
        cell = parts.get(part)
        name = PART_NAMES[part]
        if cell is None:
            complete = False
            reasons.append(f"{name}成绩未确定")
        elif cell.mark == ABSENT:
            reasons.append(f"{name}缺考")
        elif cell.mark == VOID:
            reasons.append(f"{name}违纪，成绩无效")
        elif cell.value is None or cell.value < PASS_MARK:
            reasons.append(f"{name} {cell.shown()} 分，未达 60 分")
    return Result(passed=complete and not reasons, complete=complete, reasons=tuple(reasons))


def all_complete(results: Iterable[Result]) -> bool:
    return all(r.complete for r in results)
