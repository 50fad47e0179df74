"""The review queue as reviewers use it: switching campaigns, resubmissions that look like
resubmissions, flagged applications approved only after confirmation, exporting the list."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.demo import demo_id_number
from accounts.models import Role, User
from accounts.permissions import CAPABILITIES
from applications import services as applying
from applications.models import Application, Status
from applications.tests.fixtures import attach_documents, fill
from audit.models import AuditEvent
from conftest import PASSWORD, client_for
from review.models import Flag

QUEUE = reverse("review:queue")
EXPORT = reverse("review:export")


def second_application(campaign, name="李华", first17="15010219900101002", phone="13800000002") -> Application:
    applicant = User.objects.create_user(
        None, PASSWORD, role=Role.APPLICANT, full_name=name, id_number=demo_id_number(first17), phone=phone
    )
    application = fill(applying.start_application(applicant, campaign))
    attach_documents(application)
    return applying.submit_application(applicant, application)


def names(response) -> list[str]:
    return [a.full_name for a in response.context["page"].object_list]


# --- Campaigns ----------------------------------------------------------------------------------


def test_the_queue_offers_every_campaign_and_keeps_the_chosen_one_when_filtering(people, submitted):
    client = client_for(people["hohhot_co"])
    body = client.get(QUEUE, {"campaign": "demo"}).content.decode()
    assert 'href="?campaign=2023"' in body and 'href="?campaign=demo" aria-current="page"' in body
    assert '<input type="hidden" name="campaign" value="demo">' in body
    assert names(client.get(QUEUE, {"campaign": "demo", "status": "", "text": ""})) == ["王小明"]
    assert names(client.get(QUEUE, {"campaign": "2023", "status": "", "text": ""})) == []
    # the status shortcuts stay in the campaign too
    assert "?campaign=demo&status=submitted" in body


# --- Resubmissions ------------------------------------------------------------------------------


def returned_and_resubmitted(people, application) -> Application:
    from review import services as reviewing

    reviewing.return_for_changes(people["hohhot_co"], application, items=[("photo", "", "请重拍")])
    application.refresh_from_db()
    return applying.submit_application(people["applicant"], application)


def test_a_resubmission_is_marked_with_its_time_and_sorted_by_it(people, submitted, open_campaign):
    Application.objects.filter(pk=submitted.pk).update(submitted_at=timezone.now() - timedelta(days=3))
    other = second_application(open_campaign)
    Application.objects.filter(pk=other.pk).update(submitted_at=timezone.now() - timedelta(days=1))
    submitted.refresh_from_db()
    resubmitted = returned_and_resubmitted(people, submitted)
    assert resubmitted.resubmitted_at is not None and resubmitted.resubmitted_at > resubmitted.submitted_at

    client = client_for(people["hohhot_co"])
    response = client.get(QUEUE, {"campaign": "demo", "status": "submitted", "text": ""})
    assert names(response) == ["李华", "王小明"]  # 王小明 came back last
    assert names(client.get(QUEUE, {"campaign": "demo", "status": "submitted", "sort": "-submitted"})) == [
        "王小明",
        "李华",
    ]
    body = response.content.decode()
    assert body.count("重新提交</span>") == 1
    assert f"首次提交 {timezone.localtime(resubmitted.submitted_at):%m-%d %H:%M}" in body


# --- Flags --------------------------------------------------------------------------------------


def decide(client, application, **data):
    return client.post(reverse("review:decide", args=[application.pk]), {"decision": "approve", **data}, follow=True)


def test_a_flagged_application_is_not_approved_without_confirming_the_flags(people, submitted):
    flag = Flag.objects.create(application=submitted, kind="same_file", detail="photo")
    client = client_for(people["hohhot_co"])
    body = client.get(reverse("review:screen", args=[submitted.pk])).content.decode()
    assert "已核实风险提示" in body and f'name="flag" value="{flag.pk}"' in body

    response = decide(client, submitted, flag=[flag.pk])  # box not ticked
    assert "风险提示未核实" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_a_flag_raised_after_the_screen_was_opened_must_be_looked_at(people, submitted):
    seen = Flag.objects.create(application=submitted, kind="same_file", detail="photo")
    Flag.objects.create(application=submitted, kind="scan_length", detail="technical_summary")
    decide(client_for(people["hohhot_co"]), submitted, flag=[seen.pk], flags_verified="on")
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_confirmed_flags_are_recorded_with_the_approval(people, submitted):
    flag = Flag.objects.create(application=submitted, kind="same_file", detail="photo")
    decide(client_for(people["hohhot_co"]), submitted, flag=[flag.pk], flags_verified="on")
    submitted.refresh_from_db()
    assert submitted.status == Status.CITY_APPROVED
    event = AuditEvent.objects.get(action="review.city.approved", object_id=str(submitted.pk))
    assert event.after["verified_flags"] == [{"id": flag.pk, "kind": "same_file", "detail": "photo", "other": None}]


def test_an_unflagged_application_is_approved_without_a_confirmation(people, submitted):
    decide(client_for(people["hohhot_co"]), submitted)
    submitted.refresh_from_db()
    assert submitted.status == Status.CITY_APPROVED
    assert "verified_flags" not in AuditEvent.objects.get(action="review.city.approved").after


# --- Export -------------------------------------------------------------------------------------


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == "private, no-store"
    return load_workbook(io.BytesIO(response.content)).active


def rows_of(sheet) -> list[dict]:
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, (cell.value for cell in row), strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_the_export_is_the_filtered_list_with_numbers_masked(people, submitted, open_campaign):
    second_application(open_campaign, name='=HYPERLINK("http://evil","x")', first17="15010219900101010")
    client = client_for(people["hohhot_co"])
    sheet = sheet_of(client.post(EXPORT + "?campaign=demo&status=submitted&text=王小明"))
    (row,) = rows_of(sheet)
    assert row["姓名"] == "王小明" and row["职业"] == "汽车维修工" and row["状态"] == "已提交，待初审"
    assert row["身份证号码"] == "1501**********" + submitted.id_number[-4:] and row["联系电话"] == "138****0001"
    event = AuditEvent.objects.get(action="exports.review_queue")
    assert event.actor == people["hohhot_co"]
    assert event.after == {
        "filter": {"campaign": "demo", "status": "submitted", "text": "王小明"},
        "rows": 1,
        "personal_data": False,
    }


def test_text_in_the_export_is_never_a_formula(people, submitted, open_campaign):
    evil = '=HYPERLINK("http://evil","x")'
    second_application(open_campaign, name=evil, first17="15010219900101010")
    sheet = sheet_of(client_for(people["hohhot_co"]).post(EXPORT + "?campaign=demo&status=&text="))
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value == evil]
    assert cells and all(cell.data_type == "s" for cell in cells)


def test_numbers_in_clear_are_exported_only_on_request_and_audited(people, submitted):
    client = client_for(people["hohhot_reg"])
    sheet = sheet_of(client.post(EXPORT + "?campaign=demo&status=", {"personal": "on"}))
    (row,) = rows_of(sheet)
    assert row["身份证号码"] == submitted.id_number and row["联系电话"] == "13800000001"
    event = AuditEvent.objects.get(action="exports.review_queue")
    assert event.actor == people["hohhot_reg"] and event.after["personal_data"] is True and event.after["rows"] == 1


def test_without_the_unmask_permission_numbers_in_clear_are_refused(people, submitted, monkeypatch):
    monkeypatch.setitem(CAPABILITIES, "personal_data.unmask", frozenset({Role.ASSOCIATION}))
    client = client_for(people["hohhot_co"])
    assert "导出完整身份证号" not in client.get(QUEUE, {"campaign": "demo"}).content.decode()
    assert client.post(EXPORT + "?campaign=demo", {"personal": "on"}).status_code == 403
    assert not AuditEvent.objects.filter(action="exports.review_queue").exists()
    assert sheet_of(client.post(EXPORT + "?campaign=demo"))  # masked is still fine


def test_the_export_is_scoped_like_the_queue(people, submitted):
    sheet = sheet_of(client_for(people["baotou_co"]).post(EXPORT + "?campaign=demo&status="))
    assert rows_of(sheet) == []


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anon", 302),
        ("applicant", 403),
        ("hohhot_expert", 403),
        ("hohhot_co", 200),
        ("baotou_co", 200),
        ("hohhot_reg", 200),
        ("association", 200),
    ],
)
def test_who_may_export_the_queue(people, submitted, who, status):
    client = client_for(None if who == "anon" else people[who])
    assert client.post(EXPORT + "?campaign=demo").status_code == status
    assert client.get(EXPORT + "?campaign=demo").status_code == 405  # an export is an audited action
