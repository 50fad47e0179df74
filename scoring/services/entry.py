"""Score entry (录入 → 复核 → 确认): two staff of the city's regulator enter a sheet independently,
mismatches are decided, confirming makes the scores final; a final score changes only by an
amendment the association approves. Every use case locks the sheet row first (then its entries),
checks the actor and the state, writes, audits.

Exam day fixes a part: a candidate checked in 缺考 cannot get a score, one with an incident (违纪)
has the part void with the incident's note; those lines need no entry (correct the check-in first
if it was wrong)."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.permissions import require, same_city
from audit.services import record
from catalog.models import ExamSession
from exams.models import Room
from scoring import rules, selectors, states
from scoring.models import Amendment, Entry, Publicity, Round, Score, Sheet
from scoring.services import bulk
from skillcert.refusals import TransitionRefused


class EntryErrors(TransitionRefused):
    """Some typed cells are wrong: {application id: message}. Nothing was saved."""

    def __init__(self, errors: Mapping[int, str]) -> None:
        self.errors = dict(errors)
        super().__init__(_("有 %(n)d 行成绩有误，均未保存，请改正后再保存。") % {"n": len(self.errors)})


def ensure_sheet(room: Room, session: ExamSession) -> Sheet:
    """The sheet of a room and session (made on first use; two first uses make one)."""
    site = room.site
    defaults = {"campaign_id": site.campaign_id, "city_id": site.city_id, "part": selectors.part_of(session)}
    try:
        with transaction.atomic():
            sheet, _created = Sheet.objects.get_or_create(room=room, session=session, defaults=defaults)
    except IntegrityError:  # the other first use won
        sheet = Sheet.objects.get(room=room, session=session)
    return sheet


def require_marker(actor: User, sheet: Sheet) -> None:
    require(actor, "scoring.enter")
    if not (actor.role == Role.REGULATOR and same_city(actor, sheet.city_id)):
        raise PermissionDenied("not the regulator of this sheet's city")


def _lock(sheet: Sheet) -> Sheet:
    """The sheet locked: the first row of the lock order (then its entries)."""
    return Sheet.objects.select_for_update().select_related("room__site", "session", "campaign").get(pk=sheet.pk)


def locked_open(sheet: Sheet) -> Sheet:
    """The sheet locked; a confirmed one refuses (its scores are final)."""
    locked = _lock(sheet)
    if locked.is_confirmed:
        raise TransitionRefused(_("该成绩登记表已确认，成绩已生效；如需更正，请提交成绩更正申请。"))
    return locked


def require_round(actor: User, sheet: Sheet, round_: int) -> None:
    """Each round of a sheet is one person's, and 复核 is never the person who did 录入."""
    if round_ not in (Round.FIRST, Round.SECOND):
        raise TransitionRefused(_("录入轮次不正确。"))
    owner = selectors.round_owner(sheet, round_)
    if owner is not None and owner != actor:
        raise TransitionRefused(
            _("本考场的“%(round)s”由 %(name)s 负责，请选择另一轮。")
            % {"round": Round(round_).label, "name": owner.full_name or owner.username}
        )
    other = selectors.round_owner(sheet, Round.SECOND if round_ == Round.FIRST else Round.FIRST)
    if other == actor:
        raise TransitionRefused(_("录入和复核须由两位不同的工作人员独立完成。"))


@dataclass
class _Checked:
    cells: dict[int, rules.Cell] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)


def cell_parser(decimals: int) -> Callable[[object], rules.Cell]:
    """`rules.parse_cell` at `decimals`, each distinct text parsed once (a sheet of 100,000 rows
    holds a few hundred texts); raises `rules.CellError` as it does."""
    parsed: dict[str, rules.Cell] = {}

    def parse(text: object) -> rules.Cell:
        key = "" if text is None else str(text)
        cell = parsed.get(key)
        if cell is None:
            cell = parsed[key] = rules.parse_cell(key, decimals)
        return cell

    return parse


def _check(sheet: Sheet, typed: Mapping[int, str], notes: Mapping[int, str]) -> _Checked:
    """Every typed cell parsed against the sheet's candidates and exam day (ids only: two cheap
    queries however large the sheet)."""
    parse = cell_parser(selectors.rules_of(sheet.campaign).decimals)
    people = selectors.candidate_ids(sheet.room, sheet.session)
    day = selectors.room_day_outcomes(sheet.room, sheet.session)
    checked = _Checked()
    for pk, text in typed.items():
        if pk not in people:
            checked.errors[pk] = _("该考生不在本考场本场次")
            continue
        if pk in day:
            continue  # fixed by exam day: nothing to enter
        if not str(text).strip():
            continue  # left blank: not entered yet
        try:
            cell = parse(text)
        except rules.CellError as error:
            checked.errors[pk] = str(error)
            continue
        note = (notes.get(pk) or "").strip()[:500]
        if cell.mark == rules.VOID and not note:
            checked.errors[pk] = _("标记违纪须在备注中写明情况")
            continue
        checked.cells[pk] = rules.Cell(cell.mark, cell.value, note) if note else cell
    return checked


ENTRY_COLUMNS = ("sheet_id", "application_id", "round", "mark", "value", "note", "entered_by_id", "entered_at")


def _write(actor: User, sheet: Sheet, round_: int, cells: Mapping[int, rules.Cell]) -> int:
    """Upsert the round's entries; returns how many changed. New entries go in as plain rows
    (COPY on PostgreSQL); the changed ones, usually few, are updated through the ORM."""
    now = timezone.now()
    existing = {
        pk: (entry_pk, (mark, value, note))
        for entry_pk, pk, mark, value, note in Entry.objects.select_for_update()
        .filter(sheet=sheet, round=round_)
        .values_list("pk", "application_id", "mark", "value", "note")
    }
    entered_at = bulk.db_value(Entry, "entered_at", now)
    new, changed = [], []
    for pk, cell in cells.items():
        found = existing.get(pk)
        if found is None:
            new.append((sheet.pk, pk, round_, cell.mark, cell.value, cell.note, actor.pk, entered_at))
        elif found[1] != (cell.mark, cell.value, cell.note):
            changed.append(Entry(pk=found[0], mark=cell.mark, value=cell.value, note=cell.note, entered_at=now))
    bulk.insert_rows(Entry, ENTRY_COLUMNS, new)
    Entry.objects.bulk_update(changed, ["mark", "value", "note", "entered_at"], batch_size=1000)
    return len(new) + len(changed)


@transaction.atomic
def save_entries(
    actor: User, sheet: Sheet, round_: int, typed: Mapping[int, str], notes: Mapping[int, str] | None = None
) -> int:
    """Save one round's typed cells of a sheet ({application id: "85" | "缺考" | "违纪"}): all or
    nothing (EntryErrors names every wrong row). Returns how many entries changed."""
    require_marker(actor, sheet)
    sheet = locked_open(sheet)
    require_round(actor, sheet, round_)
    checked = _check(sheet, typed, notes or {})
    if checked.errors:
        raise EntryErrors(checked.errors)
    changed = _write(actor, sheet, round_, checked.cells)
    if changed:
        record(
            "scoring.entries.saved",
            actor=actor,
            obj=sheet,
            city=sheet.city,
            after={"round": round_, "changed": changed},
        )
    return changed


@transaction.atomic
def resolve(actor: User, sheet: Sheet, application_id: int, text: str, note: str = "") -> rules.Cell:
    """The decision (裁定) on a mismatch, after looking at the answer sheet."""
    require_marker(actor, sheet)
    sheet = locked_open(sheet)
    mismatch = next((m for m in selectors.mismatches(sheet) if m.application.pk == application_id), None)
    if mismatch is None:
        raise TransitionRefused(_("该考生两次录入一致，无需裁定。"))
    checked = _check(sheet, {application_id: text}, {application_id: note})
    if checked.errors:
        raise EntryErrors(checked.errors)
    cell = checked.cells[application_id]
    _write(actor, sheet, Round.DECISION, {application_id: cell})
    record(
        "scoring.mismatch.resolved",
        actor=actor,
        obj=mismatch.application,
        city=sheet.city,
        before={"first": mismatch.first.shown(), "second": mismatch.second.shown()},
        after={"decision": cell.shown(), "sheet": sheet.pk},
    )
    return cell


@dataclass(frozen=True)
class Readiness:
    missing_first: int
    missing_second: int
    undecided: int

    @property
    def ready(self) -> bool:
        return not (self.missing_first or self.missing_second or self.undecided)


def readiness(sheet: Sheet, mismatches: list[selectors.MismatchLine] | None = None) -> Readiness:
    """What still keeps a sheet from being confirmed (`mismatches` when the caller has them already)."""
    lines = selectors.lines(sheet.room, sheet.session, sheet, None)
    needed = {line.application.pk for line in lines if not line.day}
    by_round: dict[int, set[int]] = {r: set() for r in Round.values}
    for pk, round_ in Entry.objects.filter(sheet=sheet).values_list("application_id", "round"):
        by_round[round_].add(pk)
    found = selectors.mismatches(sheet) if mismatches is None else mismatches
    undecided = [m for m in found if m.decision is None]
    return Readiness(len(needed - by_round[Round.FIRST]), len(needed - by_round[Round.SECOND]), len(undecided))


@transaction.atomic
def confirm(actor: User, sheet: Sheet) -> int:
    """确认: both rounds complete and every mismatch decided → the sheet's scores are final.
    Confirming twice is quiet (0). Returns how many scores were made final."""
    require_marker(actor, sheet)
    sheet = _lock(sheet)
    if sheet.is_confirmed:
        return 0
    state = readiness(sheet)
    if not state.ready:
        raise TransitionRefused(
            _("还不能确认：录入缺 %(a)d 人，复核缺 %(b)d 人，%(c)d 人两次录入不一致待裁定。")
            % {"a": state.missing_first, "b": state.missing_second, "c": state.undecided}
        )
    entries: dict[int, dict[int, Entry]] = {r: {} for r in Round.values}
    for entry in Entry.objects.filter(sheet=sheet):
        entries[entry.round][entry.application_id] = entry
    now = timezone.now()
    scores = []
    for line in selectors.lines(sheet.room, sheet.session, sheet, None):
        pk = line.application.pk
        cell = line.fixed or selectors.cell_of(entries[Round.DECISION].get(pk) or entries[Round.FIRST][pk])
        scores.append(
            Score(
                application_id=pk,
                part=sheet.part,
                mark=cell.mark,
                value=cell.value,
                note=cell.note,
                sheet=sheet,
                finalized_by=actor,
                finalized_at=now,
            )
        )
    if Score.objects.filter(application__in=[s.application_id for s in scores], part=sheet.part).exists():
        raise TransitionRefused(_("本考场有考生的该科成绩已在其他登记表确认，请联系就促会核对。"))
    Score.objects.bulk_create(scores, batch_size=1000)
    states.confirm_sheet(sheet, actor=actor, now=now)
    record("scoring.sheet.confirmed", actor=actor, obj=sheet, city=sheet.city, after={"scores": len(scores)})
    return len(scores)


# --- Amendments of final scores ------------------------------------------------------------------


def _require_not_final(score: Score) -> None:
    application = score.application
    if application.city_id is None:
        return
    closed = Publicity.objects.filter(
        campaign_id=application.campaign_id, city_id=application.city_id, state=Publicity.State.CLOSED
    )
    if closed.exists():
        raise TransitionRefused(_("该盟市成绩公示已结束，认定结果已确定，不能再更正成绩。"))
    if score.voided_at is not None:
        raise TransitionRefused(_("该考生已被取消资格，成绩已作废。"))


@transaction.atomic
def request_amendment(actor: User, score: Score, text: str, note: str, reason: str) -> Amendment:
    """The city's regulator asks to change a final score, with a reason."""
    score = Score.objects.select_for_update().select_related("application__campaign").get(pk=score.pk)
    require(actor, "scoring.enter")
    if not (actor.role == Role.REGULATOR and same_city(actor, score.application.city_id)):
        raise PermissionDenied("not the regulator of this score's city")
    _require_not_final(score)
    if not reason.strip():
        raise TransitionRefused(_("请填写更正原因。"))
    if score.amendments.filter(state=Amendment.State.PENDING).exists():
        raise TransitionRefused(_("该成绩已有一项更正申请待就促会审批。"))
    try:
        cell = rules.parse_cell(text, selectors.rules_of(score.application.campaign).decimals)
    except rules.CellError as error:
        raise TransitionRefused(str(error)) from None
    if cell.mark == rules.VOID and not note.strip():
        raise TransitionRefused(_("标记违纪须在备注中写明情况。"))
    if cell == selectors.cell_of(score):
        raise TransitionRefused(_("新成绩与现有成绩相同。"))
    amendment = Amendment.objects.create(
        score=score,
        old_mark=score.mark,
        old_value=score.value,
        new_mark=cell.mark,
        new_value=cell.value,
        new_note=note.strip()[:500],
        reason=reason.strip()[:500],
        requested_by=actor,
        requested_at=timezone.now(),
    )
    record(
        "scoring.amendment.requested",
        actor=actor,
        obj=score.application,
        before={"part": score.part, "score": selectors.cell_of(score).shown()},
        after={"score": cell.shown(), "reason": amendment.reason},
    )
    return amendment


@transaction.atomic
def decide_amendment(actor: User, amendment: Amendment, *, approve: bool, note: str = "") -> Amendment:
    """The association approves (the score changes) or rejects; deciding twice is quiet."""
    require(actor, "scoring.approve_amendment")
    amendment = Amendment.objects.select_for_update().select_related("score__application").get(pk=amendment.pk)
    if amendment.state != Amendment.State.PENDING:
        return amendment
    score = Score.objects.select_for_update().get(pk=amendment.score_id)
    score.application = amendment.score.application
    if approve:
        _require_not_final(score)
    before = selectors.cell_of(score).shown()
    states.decide_amendment(amendment, approve=approve, actor=actor, note=note)
    if approve:
        score.mark, score.value, score.note = amendment.new_mark, amendment.new_value, amendment.new_note
        score.revision += 1
        score.save(update_fields=["mark", "value", "note", "revision"])
    record(
        "scoring.amendment.approved" if approve else "scoring.amendment.rejected",
        actor=actor,
        obj=score.application,
        before={"part": score.part, "score": before},
        after={"score": selectors.cell_of(score).shown(), "reason": amendment.reason, "note": amendment.decision_note},
    )
    return amendment
