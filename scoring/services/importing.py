"""Score sheets as xlsx: the template of a room and session, and importing a filled one.

An upload is checked whole (container checks, then one read-only pass over the rows): any wrong
row gives a report (row, column, what is wrong) and nothing is stored. A good file is kept as a
preview with its differences from what the uploader already entered; applying it writes every
row in one transaction through the same rules as the grid (`entry.save_entries`)."""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record
from scoring import rules, score_xlsx, selectors, states
from scoring.models import Entry, ScoreImport, Sheet
from scoring.services import entry
from skillcert.lib.masking import mask_id_number
from skillcert.refusals import TransitionRefused
from skillcert.uploads.files import UploadRejected
from skillcert.uploads.xlsx import XLSX_MAX_ROWS, check_xlsx_container


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str


class ImportRefused(TransitionRefused):
    """The file was not imported; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(_("表格有 %(n)d 处问题，未导入任何成绩，请改正后重新上传。") % {"n": len(problems)})


def template_for(actor: User, sheet: Sheet, round_: int | None) -> bytes:
    """The template (names and masked ID numbers; audited), with the actor's round filled in."""
    entry.require_marker(actor, sheet)
    lines = selectors.lines(sheet.room, sheet.session, sheet, round_)
    rows = [
        score_xlsx.TemplateRow(
            line.number,
            line.application.full_name,
            mask_id_number(line.application.id_number),
            fixed=line.fixed.shown() if line.fixed else "",
            note=line.day_note or (line.entry.note if line.entry else ""),
            value=line.entry.shown() if line.entry else "",
        )
        for line in lines
    ]
    record("scoring.template.downloaded", actor=actor, obj=sheet, city=sheet.city, after={"rows": len(rows)})
    title = f"{sheet.room.site.name} {sheet.room.number} 考场 {sheet.get_part_display()}"
    return score_xlsx.template(title, rows)


def _parse(sheet: Sheet, data: bytes) -> tuple[dict[int, list], list[Problem]]:
    """{application id: [typed, note]} for every row, and the problems found. The candidates are
    plain rows and each distinct typed text is parsed once: a sheet is 100,000 rows at most."""
    people = {number: (pk, name) for pk, name, number in selectors.candidate_rows(sheet.room, sheet.session)}
    day = selectors.room_day_outcomes(sheet.room, sheet.session)
    parse = entry.cell_parser(selectors.rules_of(sheet.campaign).decimals)
    shown_fixed = {pk: rules.Cell(mark).shown() for pk, (mark, _note) in day.items()}
    rows: dict[int, list] = {}
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    try:
        for row in score_xlsx.read(data, max_rows=XLSX_MAX_ROWS):
            person = people.get(row.number)
            if person is None:
                problems.append(Problem(row.line, "B", f"准考证号“{row.number[:20]}”不在本考场本场次"))
                continue
            if row.number in seen:
                problems.append(Problem(row.line, "B", f"准考证号 {row.number} 与第 {seen[row.number]} 行重复"))
                continue
            seen[row.number] = row.line
            pk, name = person
            if row.name != name:
                problems.append(Problem(row.line, "C", f"姓名“{row.name[:20]}”与准考证号 {row.number} 的考生不符"))
                continue
            if pk in shown_fixed:
                if str(row.score or "").strip() not in ("", shown_fixed[pk]):
                    problems.append(Problem(row.line, "E", "签到记录为缺考或违纪，不能录入成绩"))
                continue
            text = "" if row.score is None else str(row.score).strip()
            try:
                cell = parse(text)
            except rules.CellError as error:
                problems.append(Problem(row.line, "E", str(error)))
                continue
            if cell.mark == rules.VOID and not row.note:
                problems.append(Problem(row.line, "F", "标记违纪须在备注中写明情况"))
                continue
            rows[pk] = [text, row.note[:500]]
    except score_xlsx.HeaderError as error:
        return {}, [Problem(1, "A", str(error))]
    except ValueError as error:  # past the row or column bound
        return {}, [Problem(0, "", str(error))]
    except Exception as error:  # openpyxl on a hostile file raises many types: all mean unreadable
        raise UploadRejected(_("表格文件已损坏或不完整，无法打开，请另存为 .xlsx 后重新上传。")) from error
    return rows, problems


@transaction.atomic
def check_import(actor: User, sheet: Sheet, round_: int, data: bytes, file_name: str) -> ScoreImport:
    """Check an uploaded sheet; a good one is stored as a preview (nothing entered yet)."""
    entry.require_marker(actor, sheet)
    sheet = entry.locked_open(sheet)
    entry.require_round(actor, sheet, round_)
    check_xlsx_container(data)
    rows, problems = _parse(sheet, data)
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise ImportRefused([Problem(0, "", "表格中没有任何成绩")])
    states.discard_previews(sheet, round_)
    preview = ScoreImport.objects.create(
        sheet=sheet,
        round=round_,
        file_name=file_name[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        rows={str(pk): values for pk, values in rows.items()},
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    record("scoring.import.checked", actor=actor, obj=sheet, city=sheet.city, after={"rows": len(rows)})
    return preview


@dataclass(frozen=True)
class Difference:
    number: str
    name: str
    before: str  # "" when not entered yet
    after: str


def differences(preview: ScoreImport) -> list[Difference]:
    """What applying would change in the uploader's round, in ticket order."""
    current = {
        pk: rules.Cell(mark, value, note)
        for pk, mark, value, note in Entry.objects.filter(sheet=preview.sheet, round=preview.round).values_list(
            "application_id", "mark", "value", "note"
        )
    }
    parse = entry.cell_parser(selectors.rules_of(preview.sheet.campaign).decimals)
    result = []
    for pk, name, number in selectors.candidate_rows(preview.sheet.room, preview.sheet.session):
        values = preview.rows.get(str(pk))
        if values is None:
            continue
        cell = parse(values[0])
        old = current.get(pk)
        if old is not None and old.same_as(cell) and old.note == values[1]:
            continue
        result.append(Difference(number, name, old.shown() if old else "", cell.shown()))
    return result


@transaction.atomic
def apply_import(actor: User, preview: ScoreImport) -> int:
    """Write the previewed rows (all or nothing); applying twice is quiet (0)."""
    preview = ScoreImport.objects.select_for_update().select_related("sheet__campaign").get(pk=preview.pk)
    if preview.state == ScoreImport.State.APPLIED:
        return 0
    if preview.state != ScoreImport.State.PREVIEW or preview.uploaded_by_id != actor.pk:
        raise TransitionRefused(_("该导入已放弃或不是您上传的，请重新上传。"))
    typed = {int(pk): values[0] for pk, values in preview.rows.items()}
    notes = {int(pk): values[1] for pk, values in preview.rows.items()}
    changed = entry.save_entries(actor, preview.sheet, preview.round, typed, notes)
    states.apply_import(preview)
    record(
        "scoring.import.applied",
        actor=actor,
        obj=preview.sheet,
        city=preview.sheet.city,
        after={"rows": len(typed), "changed": changed, "round": preview.round},
    )
    return changed
