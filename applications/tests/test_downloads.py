"""Documents with personal data: who may download or print them, under which name, and the audit."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from applications.downloads import DOWNLOADED
from applications.models import Application, Status
from applications.tests.fixtures import attach_documents, fill
from audit.models import AuditEvent
from conftest import client_for


@pytest.fixture
def submitted(draft):
    fill(draft)
    attach_documents(draft)
    Application.objects.filter(pk=draft.pk).update(status=Status.SUBMITTED)
    draft.refresh_from_db()
    return draft


def _downloads(application):
    return list(AuditEvent.objects.filter(action=DOWNLOADED, object_id=str(application.pk)).order_by("pk"))


def test_an_expert_cannot_open_an_unassigned_application_or_its_documents(people, submitted):
    client = client_for(people["hohhot_expert"])
    for url in [
        reverse("applications:detail", args=[submitted.pk]),
        reverse("applications:document_file", args=[submitted.pk, "id_front"]),
        reverse("applications:printable", args=[submitted.pk, "form"]),
        reverse("review:screen", args=[submitted.pk]),
    ]:
        assert client.get(url).status_code in {403, 404}, url
    assert _downloads(submitted) == []


def test_a_regulator_reads_the_record_but_not_the_materials_with_a_chinese_reason(people, submitted):
    client = client_for(people["hohhot_reg"])
    assert client.get(reverse("applications:detail", args=[submitted.pk])).status_code == 200
    refused = client.get(reverse("applications:document_file", args=[submitted.pk, "id_front"]))
    assert refused.status_code == 403 and "不能查看申报人上传的材料" in refused.content.decode()
    printed = client.get(reverse("applications:printable", args=[submitted.pk, "form"]))
    assert printed.status_code == 403 and "只有就促会可以下载打印" in printed.content.decode()
    assert _downloads(submitted) == []


def test_the_regulators_review_screen_embeds_no_document_and_no_print_link(people, submitted):
    body = client_for(people["hohhot_reg"]).get(reverse("review:screen", args=[submitted.pk])).content.decode()
    assert reverse("applications:document_file", args=[submitted.pk, "id_front"]) not in body
    assert reverse("applications:printable", args=[submitted.pk, "form"]) not in body
    assert "本角色不能查看" in body


def test_a_co_organizer_reviews_the_materials_but_cannot_print_the_form(people, submitted):
    client = client_for(people["hohhot_co"])
    body = client.get(reverse("review:screen", args=[submitted.pk])).content.decode()
    assert reverse("applications:document_file", args=[submitted.pk, "id_front"]) in body
    assert reverse("applications:printable", args=[submitted.pk, "form"]) not in body
    assert client.get(reverse("applications:document_file", args=[submitted.pk, "id_front"])).status_code == 200
    for document in ("form", "pledge"):
        assert client.get(reverse("applications:printable", args=[submitted.pk, document])).status_code == 403


def test_every_download_is_one_audit_event_with_who_what_which_application_and_when(people, submitted):
    client = client_for(people["hohhot_co"])
    client.get(reverse("applications:document_file", args=[submitted.pk, "id_front"]))
    client.get(reverse("applications:document_file", args=[submitted.pk, "id_front"]))
    client_for(people["association"]).get(reverse("applications:printable", args=[submitted.pk, "form"]))
    events = _downloads(submitted)
    assert [(e.actor, e.after) for e in events] == [
        (people["hohhot_co"], {"kind": "upload", "slot": "id_front"}),
        (people["hohhot_co"], {"kind": "upload", "slot": "id_front"}),
        (people["association"], {"kind": "printout", "slot": "form"}),
    ]
    assert all(e.object_type == "applications.application" and e.at and e.city.code == "hohhot" for e in events)


def test_the_applicants_own_downloads_stay_allowed_and_are_audited_but_not_in_their_timeline(people, submitted):
    client = client_for(people["applicant"])
    assert client.get(reverse("applications:document_file", args=[submitted.pk, "diploma"])).status_code == 200
    assert client.get(reverse("applications:printable", args=[submitted.pk, "form"])).status_code == 200
    assert client.get(reverse("applications:printable", args=[submitted.pk, "pledge"])).status_code == 200
    assert [e.after["slot"] for e in _downloads(submitted)] == ["diploma", "form", "pledge"]
    body = client.get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert DOWNLOADED not in body and "下载申报表" in body


def test_the_detail_page_offers_the_printouts_only_to_who_may_print_them(people, submitted):
    url = reverse("applications:printable", args=[submitted.pk, "form"])
    detail = reverse("applications:detail", args=[submitted.pk])
    assert url not in client_for(people["hohhot_co"]).get(detail).content.decode()
    assert url not in client_for(people["hohhot_reg"]).get(detail).content.decode()
    assert url in client_for(people["association"]).get(detail).content.decode()


@pytest.mark.parametrize(("who", "full"), [("applicant", True), ("association", True), ("hohhot_co", False)])
def test_the_photos_export_name_carries_the_full_id_number_only_for_who_may_see_it(people, submitted, who, full):
    response = client_for(people[who]).get(reverse("applications:document_file", args=[submitted.pk, "photo"]))
    disposition = response["Content-Disposition"]
    number = submitted.id_number
    masked = f"王小明-{number[:4]}{'x' * 10}{number[-4:]}.jpg"
    assert (quote(f"王小明-{number}.jpg") in disposition) is full
    assert (quote(masked) in disposition) is not full
    (event,) = _downloads(submitted)
    assert event.after.get("export_name", False) is full


def test_another_citys_staff_download_nothing_and_leave_no_download_event(people, submitted):
    for who in ("baotou_co", "baotou_reg"):
        client = client_for(people[who])
        assert client.get(reverse("applications:document_file", args=[submitted.pk, "photo"])).status_code == 404
        assert client.get(reverse("applications:printable", args=[submitted.pk, "form"])).status_code == 404
    assert _downloads(submitted) == []


def test_a_missing_slot_is_not_found_and_not_audited(people, submitted):
    response = client_for(people["association"]).get(
        reverse("applications:document_file", args=[submitted.pk, "paper"])
    )
    assert response.status_code == 404
    assert _downloads(submitted) == []


def test_a_download_costs_one_audit_insert(people, submitted):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(people["hohhot_co"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("applications:document_file", args=[submitted.pk, "diploma"])).status_code == 200
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT") and "audit" in q["sql"]]
    assert len(inserts) == 1


def test_the_citys_regulator_finds_who_downloaded_what_in_the_audit_trail(people, submitted):
    client_for(people["hohhot_co"]).get(reverse("applications:document_file", args=[submitted.pk, "id_front"]))
    search = reverse("audit:search") + f"?action={DOWNLOADED}"
    body = client_for(people["hohhot_reg"]).get(search).content.decode()
    assert "hohhot-co" in body and "id_front" in body
    assert "hohhot-co" not in client_for(people["baotou_reg"]).get(search).content.decode()


def test_an_assignment_is_all_an_expert_needs_to_read_an_application(people, submitted, monkeypatch):
    from django.db.models import Q

    from applications import selectors

    # What expert review will provide; the rest of the access rule stays as it is.
    monkeypatch.setattr(selectors, "_assigned_to", lambda expert: Q(pk=submitted.pk))
    client = client_for(people["hohhot_expert"])
    assert client.get(reverse("applications:detail", args=[submitted.pk])).status_code == 200
    # The ID card scans and the printouts stay out of an expert's reach.
    assert client.get(reverse("applications:document_file", args=[submitted.pk, "id_front"])).status_code == 403
    assert client.get(reverse("applications:printable", args=[submitted.pk, "form"])).status_code == 403
