"""The xlsx template and import: a row-level report, all or nothing, differences before applying."""

import io
from unittest import mock

import pytest
from openpyxl import load_workbook

from scoring.models import Entry, Round, ScoreImport
from scoring.services import entry, importing


@pytest.fixture
def sheet(sat):
    return entry.ensure_sheet(sat.rooms[0], sat.theory)


def filled(template: bytes, scores: dict[int, object]) -> bytes:
    """The template with column E filled by row index (0 = first candidate)."""
    book = load_workbook(io.BytesIO(template))
    ws = book.active
    for index, value in scores.items():
        ws.cell(index + 2, 5).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_lists_the_room_in_ticket_order_with_masked_ids(sat, sheet, people):
    data = importing.template_for(people["hohhot_reg"], sheet, Round.FIRST)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    seated = sat.seated(sheet.room, sheet.session)
    assert rows[0] == ("序号", "准考证号", "姓名", "身份证号", "成绩", "备注")
    assert [r[2] for r in rows[1:]] == [a.full_name for a in seated]
    assert all("*" in r[3] and r[3] != a.id_number for r, a in zip(rows[1:], seated, strict=True))
    assert rows[1][4] == "缺考" and rows[2][4] == "违纪" and rows[2][5] == "携带手机进入考场"


def test_a_file_with_bad_rows_is_reported_row_by_row_and_imports_nothing(sat, sheet, people):
    template = importing.template_for(people["hohhot_reg"], sheet, Round.FIRST)
    n = len(sat.seated(sheet.room, sheet.session))
    scores = {i: 70 for i in range(2, n)} | {3: 130, 4: "abc"}
    with pytest.raises(importing.ImportRefused) as refused:
        importing.check_import(people["hohhot_reg"], sheet, Round.FIRST, filled(template, scores), "a.xlsx")
    assert [(p.line, p.column) for p in refused.value.problems] == [(5, "E"), (6, "E")]
    assert "0–100" in refused.value.problems[0].message
    assert not ScoreImport.objects.exists() and not Entry.objects.exists()


def test_reimporting_shows_the_differences_then_applies(sat, sheet, people):
    reg = people["hohhot_reg"]
    n = len(sat.seated(sheet.room, sheet.session))
    template = importing.template_for(reg, sheet, Round.FIRST)
    first = importing.check_import(reg, sheet, Round.FIRST, filled(template, {i: 70 for i in range(2, n)}), "a.xlsx")
    assert len(importing.differences(first)) == n - 2
    assert importing.apply_import(reg, first) == n - 2
    again = importing.template_for(reg, sheet, Round.FIRST)  # carries what was entered
    corrected = importing.check_import(reg, sheet, Round.FIRST, filled(again, {2: 71}), "b.xlsx")
    [difference] = importing.differences(corrected)
    assert (difference.before, difference.after) == ("70", "71")
    importing.apply_import(reg, corrected)
    assert sorted(Entry.objects.values_list("value", flat=True).distinct()) == [70, 71]


def test_an_import_killed_half_way_leaves_nothing(sat, sheet, people):
    reg = people["hohhot_reg"]
    n = len(sat.seated(sheet.room, sheet.session))
    preview = importing.check_import(
        reg, sheet, Round.FIRST, filled(importing.template_for(reg, sheet, 1), {i: 66 for i in range(2, n)}), "a.xlsx"
    )
    killed = mock.patch.object(Entry.objects, "bulk_update", side_effect=SystemExit("killed"))
    with killed, pytest.raises(SystemExit):
        importing.apply_import(reg, preview)  # the new rows were inserted, then the process died
    assert not Entry.objects.exists()
    preview.refresh_from_db()
    assert preview.state == ScoreImport.State.PREVIEW  # it can be applied again


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(sat, sheet, people):
    from skillcert.uploads.files import UploadRejected

    with pytest.raises(UploadRejected, match="Excel"):
        importing.check_import(people["hohhot_reg"], sheet, Round.FIRST, b"%PDF-1.7 not a sheet", "a.xlsx")


def test_numbers_typed_as_numbers_read_as_typed(sat, sheet, people):
    """Excel keeps a retyped ticket number or score as a number (202615…, 80.5): read as typed."""
    reg = people["hohhot_reg"]
    from scoring.selectors import rules_of

    rules = rules_of(sat.campaign)
    rules.decimals = 1
    rules.save()
    book = load_workbook(io.BytesIO(importing.template_for(reg, sheet, Round.FIRST)))
    ws = book.active
    for line in range(4, ws.max_row + 1):
        ws.cell(line, 2).value = int(ws.cell(line, 2).value)
        ws.cell(line, 5).value = 80.5
    out = io.BytesIO()
    book.save(out)
    preview = importing.check_import(reg, sheet, Round.FIRST, out.getvalue(), "numbers.xlsx")
    assert {values[0] for values in preview.rows.values()} == {"80.5"}
    assert len(preview.rows) == ws.max_row - 3  # the 缺考 and 违纪 rows stay theirs
