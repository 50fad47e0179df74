"""The reviewers' pages, for every role; the queue's filters and its query bound."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.generator import generate
from applications.models import Application, Status
from conftest import client_for
from review.models import Flag

QUEUE = reverse("review:queue")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anon", 302),
        ("applicant", 403),
        ("hohhot_expert", 403),
        ("hohhot_co", 200),
        ("hohhot_reg", 200),
        ("association", 200),
    ],
)
def test_who_opens_the_queue(people, submitted, who, status):
    client = client_for(None if who == "anon" else people[who])
    assert client.get(QUEUE, {"campaign": "demo"}).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("hohhot_co", 200),
        ("hohhot_reg", 200),
        ("association", 200),
        ("baotou_co", 404),
        ("baotou_reg", 404),
        ("applicant", 403),
    ],
)
def test_who_opens_the_review_screen(people, submitted, who, status):
    response = client_for(people[who]).get(reverse("review:screen", args=[submitted.pk]))
    assert response.status_code == status


def test_the_screen_shows_everything_a_reviewer_needs(people, submitted):
    Flag.objects.create(application=submitted, kind="same_file", detail="photo")
    body = client_for(people["hohhot_co"]).get(reverse("review:screen", args=[submitted.pk])).content.decode()
    for text in [
        "符合申报条件",
        "白底证件照",
        "与他人上传了相同文件",
        "审核通过",
        "退回修改",
        "提交申报",
        "照片不是白底",
    ]:
        assert text in body
    assert submitted.id_number not in body  # masked


def test_the_regulator_reads_but_cannot_decide(people, submitted):
    client = client_for(people["hohhot_reg"])
    assert "审核结论" not in client.get(reverse("review:screen", args=[submitted.pk])).content.decode()
    assert client.post(reverse("review:decide", args=[submitted.pk]), {"decision": "approve"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_approve_from_the_screen(people, submitted):
    client_for(people["hohhot_co"]).post(reverse("review:decide", args=[submitted.pk]), {"decision": "approve"})
    submitted.refresh_from_db()
    assert submitted.status == Status.CITY_APPROVED


def test_return_from_the_screen_with_reasons_per_item(people, submitted):
    client = client_for(people["hohhot_co"])
    client.post(
        reverse("review:decide", args=[submitted.pk]),
        {
            "decision": "return",
            "items": ["photo", "employer"],
            "reason_photo": "photo_not_white",
            "note_employer": "请写单位全称",
        },
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED and submitted.returned_items == ["employer", "photo"]
    body = client_for(people["applicant"]).get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert "照片不是白底" in body and "请写单位全称" in body and "重新提交" in body


def test_return_without_a_reason_is_explained(people, submitted):
    client = client_for(people["hohhot_co"])
    response = client.post(
        reverse("review:decide", args=[submitted.pk]), {"decision": "return", "items": ["photo"]}, follow=True
    )
    assert "请选择原因或填写说明" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_the_queue_shows_only_the_citys_submissions(people, submitted, open_campaign):
    generate(open_campaign, 60)
    rows = client_for(people["hohhot_co"]).get(QUEUE, {"campaign": "demo"}).context["page"].object_list
    assert rows and all(a.city.code == "hohhot" and a.status == Status.SUBMITTED for a in rows)
    baotou = client_for(people["baotou_co"]).get(QUEUE, {"campaign": "demo"}).context["page"].object_list
    assert all(a.city.code == "baotou" for a in baotou) and submitted not in baotou


def test_search_by_name_id_tail_and_phone_tail(people, submitted):
    client = client_for(people["hohhot_co"])
    for text in ["王小明", submitted.id_number[-4:], "0001"]:
        rows = client.get(QUEUE, {"campaign": "demo", "text": text, "status": ""}).context["page"].object_list
        assert [a.pk for a in rows] == [submitted.pk], text
    assert not client.get(QUEUE, {"campaign": "demo", "text": "李四", "status": ""}).context["page"].object_list


def test_filters_and_counts(people, submitted, open_campaign):
    generate(open_campaign, 40)
    Flag.objects.create(application=submitted, kind="same_file", detail="photo")
    client = client_for(people["association"])
    flagged = client.get(QUEUE, {"campaign": "demo", "status": "", "flagged": "yes"}).context["page"].object_list
    assert [a.pk for a in flagged] == [submitted.pk]
    response = client.get(QUEUE, {"campaign": "demo", "status": "submitted", "level": "4", "text": ""})
    assert all(a.level_id == 4 for a in response.context["page"].object_list)
    counts = response.context["counts"]
    assert counts["submitted"] == Application.objects.filter(status="submitted").count()


def queries_for(client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(QUEUE, {"campaign": "demo", "status": "", "text": "", **params}).status_code == 200
    return len(captured)


def test_the_queue_takes_the_same_few_queries_for_10_or_10000_applications(people, open_campaign):
    client = client_for(people["association"])
    generate(open_campaign, 10)
    few = queries_for(client)
    generate(open_campaign, 9_990, batch=5000)
    Flag.objects.bulk_create(Flag(application=a, kind="scan_length") for a in Application.objects.all()[:500])
    many = queries_for(client)
    assert Application.objects.count() == 10_000
    assert many == few
    assert many <= 17  # with the campaign switcher


def test_bulk_approve_from_the_queue(people, submitted):
    client = client_for(people["hohhot_co"])
    client.post(reverse("review:bulk_approve"), {"ids": [submitted.pk], "campaign": "demo"})
    submitted.refresh_from_db()
    assert submitted.status == Status.CITY_APPROVED


def test_bulk_approve_ignores_other_citys_applications(people, submitted):
    client_for(people["baotou_co"]).post(reverse("review:bulk_approve"), {"ids": [submitted.pk], "campaign": "demo"})
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_paper_form_list_and_receipt(people, submitted):
    from review import services

    services.approve(people["hohhot_co"], submitted)
    services.approve(people["association"], submitted)
    client = client_for(people["hohhot_co"])
    missing = client.get(QUEUE, {"campaign": "demo", "status": "", "text": "", "paper_form_missing": "on"})
    assert [a.pk for a in missing.context["page"].object_list] == [submitted.pk]
    client.post(reverse("review:paper_form", args=[submitted.pk]), {"received_on": "2020-01-01"})
    assert (
        not client.get(QUEUE, {"campaign": "demo", "status": "", "text": "", "paper_form_missing": "on"})
        .context["page"]
        .object_list
    )


def test_the_applicant_reads_every_step_of_the_timeline_in_words_and_no_admin_edits(people, submitted):
    from django.utils import timezone

    from audit.services import record
    from review import services

    Application.objects.filter(pk=submitted.pk).update(status=Status.APPROVED)
    services.record_paper_form(people["hohhot_co"], submitted, received_on=timezone.localdate())
    record("admin.applications.application.changed", actor=people["association"], obj=submitted)
    for user, url in [
        (people["applicant"], reverse("applications:detail", args=[submitted.pk])),
        (people["hohhot_co"], reverse("review:screen", args=[submitted.pk])),
    ]:
        timeline = client_for(user).get(url).content.decode().split('<ol class="timeline">')[1]
        assert "提交申报" in timeline and "协办单位收到纸质申报表" in timeline
        assert "admin." not in timeline and "review.paper_form_received" not in timeline
