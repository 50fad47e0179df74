"""Score entry: two blind entries by two people, mismatches decided, confirmation, amendments."""

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from scoring.models import Amendment, Entry, Round, Score, Sheet
from scoring.services import entry
from skillcert.refusals import TransitionRefused


@pytest.fixture
def theory_sheet(sat) -> Sheet:
    return entry.ensure_sheet(sat.rooms[0], sat.theory)


def typed_all(sat, sheet, value: str = "75") -> dict[int, str]:
    return {a.pk: value for a in sat.seated(sheet.room, sheet.session)}


def test_exam_day_fixes_absent_and_incident_lines(sat, theory_sheet, people):
    absent, incident, *rest = sat.seated(theory_sheet.room, theory_sheet.session)
    with pytest.raises(entry.EntryErrors):  # 缺考 needs no entry; a typed number for another room refused
        entry.save_entries(people["hohhot_reg"], theory_sheet, Round.FIRST, {absent.pk: "80", 999999: "70"})
    assert entry.save_entries(people["hohhot_reg"], theory_sheet, Round.FIRST, typed_all(sat, theory_sheet)) == len(
        rest
    )
    assert not Entry.objects.filter(application__in=[absent, incident]).exists()


def test_a_wrong_row_saves_nothing_and_names_the_row(sat, theory_sheet, people):
    lines = sat.seated(theory_sheet.room, theory_sheet.session)
    typed = typed_all(sat, theory_sheet) | {lines[2].pk: "101", lines[3].pk: "八十", lines[4].pk: "80.5"}
    with pytest.raises(entry.EntryErrors) as refused:
        entry.save_entries(people["hohhot_reg"], theory_sheet, Round.FIRST, typed)
    assert set(refused.value.errors) == {lines[2].pk, lines[3].pk, lines[4].pk}
    assert "精度" in refused.value.errors[lines[4].pk]  # the campaign's precision is whole points
    assert not Entry.objects.exists()


def test_two_people_enter_blind_and_a_mismatch_is_decided_before_confirming(
    sat, theory_sheet, people, second_regulator
):
    first, second = people["hohhot_reg"], second_regulator
    lines = sat.seated(theory_sheet.room, theory_sheet.session)
    entry.save_entries(first, theory_sheet, Round.FIRST, typed_all(sat, theory_sheet))
    with pytest.raises(TransitionRefused, match="两位不同"):
        entry.save_entries(first, theory_sheet, Round.SECOND, typed_all(sat, theory_sheet))
    entry.save_entries(second, theory_sheet, Round.SECOND, typed_all(sat, theory_sheet) | {lines[5].pk: "57"})
    from scoring import selectors

    [mismatch] = selectors.mismatches(theory_sheet)
    assert (mismatch.application, mismatch.first.value, mismatch.second.value) == (lines[5], 75, 57)
    with pytest.raises(TransitionRefused, match="待裁定"):
        entry.confirm(first, theory_sheet)
    with pytest.raises(TransitionRefused, match="无需裁定"):
        entry.resolve(first, theory_sheet, lines[6].pk, "70")
    entry.resolve(first, theory_sheet, lines[5].pk, "57")
    made = entry.confirm(second, theory_sheet)
    assert made == len(lines)
    scores = {s.application_id: s for s in Score.objects.filter(part="theory")}
    assert scores[lines[0].pk].mark == "absent" and scores[lines[1].pk].mark == "void"
    assert scores[lines[1].pk].note == "携带手机进入考场"
    assert scores[lines[5].pk].value == 57 and scores[lines[6].pk].value == 75
    assert entry.confirm(second, theory_sheet) == 0  # twice: quiet
    with pytest.raises(TransitionRefused, match="已确认"):
        entry.save_entries(first, theory_sheet, Round.FIRST, {lines[6].pk: "90"})
    assert AuditEvent.objects.filter(action="scoring.sheet.confirmed").count() == 1


def test_only_the_citys_regulator_enters(sat, theory_sheet, people):
    from django.core.exceptions import PermissionDenied

    for who in ("baotou_reg", "hohhot_co", "association", "hohhot_expert"):
        with pytest.raises(PermissionDenied):
            entry.save_entries(people[who], theory_sheet, Round.FIRST, typed_all(sat, theory_sheet))
    assert not Entry.objects.exists()


def confirmed(sat, sheet, first, second) -> None:
    entry.save_entries(first, sheet, Round.FIRST, typed_all(sat, sheet))
    entry.save_entries(second, sheet, Round.SECOND, typed_all(sat, sheet))
    entry.confirm(first, sheet)


def test_a_final_score_changes_only_with_the_associations_approval(sat, theory_sheet, people, second_regulator):
    confirmed(sat, theory_sheet, people["hohhot_reg"], second_regulator)
    score = Score.objects.filter(part="theory", mark="score").first()
    with pytest.raises(TransitionRefused, match="原因"):
        entry.request_amendment(people["hohhot_reg"], score, "80", "", "")
    amendment = entry.request_amendment(people["hohhot_reg"], score, "80", "", "复查试卷发现漏计一题")
    score.refresh_from_db()
    assert score.value == 75  # not yet
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        entry.decide_amendment(people["hohhot_reg"], amendment, approve=True)
    entry.decide_amendment(people["association"], amendment, approve=True, note="同意")
    score.refresh_from_db()
    assert (score.value, score.revision) == (Decimal(80), 1)
    assert Amendment.objects.get().state == "approved"
    event = AuditEvent.objects.get(action="scoring.amendment.approved")
    assert (event.before["score"], event.after["score"]) == ("75", "80")


def test_a_room_with_a_score_sheet_cannot_be_deleted(sat, theory_sheet, people):
    from exams.models import SeatAssignment
    from exams.services import setup

    SeatAssignment.objects.filter(room=sat.rooms[0]).delete()  # as if everyone had left the room
    with pytest.raises(TransitionRefused, match="成绩登记"):
        setup.delete_room(people["hohhot_co"], sat.rooms[0])
    assert Sheet.objects.filter(pk=theory_sheet.pk).exists()


def test_the_association_sets_the_precision_until_entry_begins(sat, theory_sheet, people):
    from scoring.selectors import rules_of
    from scoring.services import reviewing

    rules = rules_of(sat.campaign)
    rules.decimals = 1
    reviewing.save_review_rules(people["association"], rules)
    seated = sat.seated(theory_sheet.room, theory_sheet.session)
    entry.save_entries(people["hohhot_reg"], theory_sheet, Round.FIRST, {seated[2].pk: "80.5"})
    rules.decimals = 0
    with pytest.raises(TransitionRefused, match="小数位数"):
        reviewing.save_review_rules(people["association"], rules)
    assert rules_of(sat.campaign).decimals == 1
