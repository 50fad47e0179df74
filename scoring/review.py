"""综合评审 rules (pure: no Django): who may review whom, who reviews whom, how the experts' totals
make a score, and what one expert's weighted sheet adds up to.

Notice 四: 技师/高级技师 candidates are reviewed by the city's 技能人才评审委员; ≥ 60 passes. An expert
never reviews a candidate of their own work unit, nor one they declared a relation with (by the
candidate's ID number lookup hash, so neither side's number is needed here).
"""

import heapq
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Spaces of every width and punctuation of every script (Unicode categories Z* and P*), plus the
# symbols people put between the parts of a unit's name.
_SEPARATORS = re.compile(r"[\s·・\-—_/\\|]")


def normalise_unit(text: str | None) -> str:
    """A work unit as compared: NFKC (full width folded), lower case, no spaces or punctuation.

    "呼和浩特市 第二中学", "呼和浩特市　第二中学" and "呼和浩特市第二中学" are one unit."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    folded = _SEPARATORS.sub("", folded)
    return "".join(c for c in folded if unicodedata.category(c)[0] not in "PZ")


@dataclass(frozen=True)
class ExpertFacts:
    """What the rules need of an expert: the unit as given, specialties (occupation ids) and the
    declared relations {ID lookup hash: relation}."""

    id: int
    unit: str
    specialties: frozenset[int] = frozenset()
    relations: Mapping[str, str] = field(default_factory=dict)
    name: str = ""
    unit_key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit_key", normalise_unit(self.unit))


@dataclass(frozen=True)
class CandidateFacts:
    """What the rules need of a candidate: occupation id, work unit (Application.employer), ID hash."""

    id: int
    occupation: int | None
    unit: str
    id_hash: str = ""
    unit_key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit_key", normalise_unit(self.unit))


def conflict(expert: ExpertFacts, candidate: CandidateFacts) -> str | None:
    """Why `expert` must not review `candidate` (in Chinese), or None."""
    if expert.unit_key and expert.unit_key == candidate.unit_key:
        return f"与考生同一工作单位（{candidate.unit.strip()}）"
    if candidate.id_hash and candidate.id_hash in expert.relations:
        return f"已申报与考生的回避关系（{expert.relations[candidate.id_hash]}）"
    return None


def eligible(candidate: CandidateFacts, experts: Iterable[ExpertFacts]) -> tuple[list[ExpertFacts], list[str]]:
    """(the experts of the candidate's occupation without a conflict, the reasons of those excluded)."""
    fit, excluded = [], []
    for expert in experts:
        if candidate.occupation not in expert.specialties:
            continue
        reason = conflict(expert, candidate)
        if reason is None:
            fit.append(expert)
        else:
            excluded.append(f"{expert.name or expert.id}{reason}")
    return fit, excluded


@dataclass(frozen=True)
class Unassignable:
    candidate: int
    reason: str


@dataclass(frozen=True)
class Plan:
    """Each assigned candidate's experts (by id, ascending), those who could not get enough, and
    each expert's number of candidates."""

    assignments: dict[int, tuple[int, ...]]
    unassignable: tuple[Unassignable, ...]
    load: dict[int, int]

    @property
    def pairs(self) -> list[tuple[int, int]]:
        """(candidate, expert) of every review to create, in candidate order."""
        return [(c, e) for c, experts in self.assignments.items() for e in experts]


def shortage_reason(available: int, size: int, excluded: Sequence[str]) -> str:
    reason = f"符合评审专业且无需回避的专家只有 {available} 位，每位考生需要 {size} 位"
    if excluded:
        reason += "；回避：" + "；".join(excluded)
    return reason


def assign(candidates: Iterable[CandidateFacts], experts: Iterable[ExpertFacts], size: int) -> Plan:
    """Give each candidate `size` distinct experts of their occupation without a conflict, the
    least loaded first (ties by expert id), candidates in id order so that a re-run gives the
    same plan. A candidate with fewer than `size` such experts gets none and is listed with why.

    Cost: O(candidates × experts of the occupation); the conflict check compares precomputed
    unit keys and looks up a set, and the load pick is a partial selection, not a sort."""
    if size < 1:
        raise ValueError("size must be at least 1")
    pool = sorted(experts, key=lambda e: e.id)
    by_occupation: dict[int | None, list[ExpertFacts]] = {}
    for expert in pool:
        for occupation in expert.specialties:
            by_occupation.setdefault(occupation, []).append(expert)
    load = {expert.id: 0 for expert in pool}
    assignments: dict[int, tuple[int, ...]] = {}
    unassignable: list[Unassignable] = []
    for candidate in sorted(candidates, key=lambda c: c.id):
        fit, excluded = eligible(candidate, by_occupation.get(candidate.occupation, ()))
        if len(fit) < size:
            unassignable.append(Unassignable(candidate.id, shortage_reason(len(fit), size, excluded)))
            continue
        chosen = heapq.nsmallest(size, (e.id for e in fit), key=lambda pk: (load[pk], pk))
        for pk in chosen:
            load[pk] += 1
        assignments[candidate.id] = tuple(sorted(chosen))
    return Plan(assignments, tuple(unassignable), load)


# --- the score of a candidate ---------------------------------------------------------------------

TRIM_FROM = 5  # with five or more totals the highest and the lowest are dropped


def aggregate(totals: Iterable[Decimal], decimals: int = 0) -> Decimal:
    """The candidate's 综合评审 score: the mean of the experts' totals, after dropping one highest
    and one lowest when there are five or more; rounded half up to `decimals` places."""
    values = sorted(Decimal(t) for t in totals)
    if not values:
        raise ValueError("no totals to aggregate")
    if len(values) >= TRIM_FROM:
        values = values[1:-1]
    mean = sum(values, Decimal(0)) / len(values)
    return mean.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def spread(totals: Iterable[Decimal]) -> Decimal:
    """Highest minus lowest total (0 for none or one)."""
    values = [Decimal(t) for t in totals]
    return max(values) - min(values) if values else Decimal(0)


def flagged(totals: Iterable[Decimal], threshold: Decimal) -> bool:
    """Whether the experts disagree by more than the campaign's threshold: the chair looks again."""
    return spread(totals) > Decimal(threshold)


# --- one expert's sheet ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionFacts:
    id: int
    name: str
    weight: int


@dataclass(frozen=True)
class SheetResult:
    """The points as numbers {criterion id: points}, their total, and errors by criterion id."""

    points: dict[int, Decimal]
    total: Decimal | None
    errors: dict[int, str]

    @property
    def ok(self) -> bool:
        return not self.errors


POINT_PLACES = 1  # points are given to the half or tenth of a point at most


def _number(value: object) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite():
        raise ValueError
    return number


def sheet_total(points: Mapping[int, object], criteria: Sequence[CriterionFacts]) -> SheetResult:
    """Check each criterion's points (given, a number, 0..weight, at most one decimal) and add
    them up; any error leaves the total None."""
    numbers: dict[int, Decimal] = {}
    errors: dict[int, str] = {}
    for criterion in criteria:
        try:
            number = _number(points.get(criterion.id))
        except ValueError:
            errors[criterion.id] = f"“{criterion.name}”的评分不是有效的数字"
            continue
        if number is None:
            errors[criterion.id] = f"请填写“{criterion.name}”的评分"
        elif not 0 <= number <= criterion.weight:
            errors[criterion.id] = f"“{criterion.name}”的评分应在 0 到 {criterion.weight} 分之间"
        elif number != number.quantize(Decimal(1).scaleb(-POINT_PLACES), rounding=ROUND_HALF_UP):
            errors[criterion.id] = f"“{criterion.name}”的评分最多保留 {POINT_PLACES} 位小数"
        else:
            numbers[criterion.id] = number
    if errors or not criteria:
        return SheetResult(numbers, None, errors)
    return SheetResult(numbers, sum(numbers.values(), Decimal(0)), errors)


def weights_problem(weights: Sequence[int]) -> str | None:
    """Why a campaign's criteria cannot be saved (they must be one or more and sum to 100)."""
    if not weights:
        return "至少需要一个评审项目"
    if sum(weights) != 100:
        return f"各评审项目分值之和应为 100 分（现为 {sum(weights)} 分）"
    return None
