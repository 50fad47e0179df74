"""The reviewer's note to the applicant ("给申报人的说明") reaches them: the application page,
the inbox message and, shortened, the SMS."""

from django.urls import reverse

from conftest import client_for
from notifications.channels import SMS_MAX_CHARACTERS, sms_text
from notifications.models import Message

NOTE = "照片请到照相馆重新拍摄，背景须为纯白色。"


def return_with(client, application, comment):
    return client.post(
        reverse("review:decide", args=[application.pk]),
        {"decision": "return", "items": ["photo"], "reason_photo": "photo_not_white", "comment": comment},
    )


def test_the_applicant_reads_the_note_on_the_application_page(people, submitted):
    return_with(client_for(people["hohhot_co"]), submitted, NOTE)
    body = client_for(people["applicant"]).get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert "审核人的说明" in body and NOTE in body


def test_the_inbox_message_carries_the_note_and_the_items(people, submitted):
    return_with(client_for(people["hohhot_co"]), submitted, NOTE)
    message = Message.objects.get(recipient=people["applicant"], kind="application.returned")
    assert f"审核说明：{NOTE}" in message.body
    assert "证件照" in message.body or "照片" in message.body
    page = client_for(people["applicant"]).get(reverse("notifications:detail", args=[message.pk]))
    assert NOTE in page.content.decode()


def test_a_long_note_is_whole_in_the_inbox_and_shortened_in_the_sms(people, submitted):
    note = "请补充说明。" * 80  # 480 characters
    return_with(client_for(people["hohhot_co"]), submitted, note)
    message = Message.objects.get(recipient=people["applicant"], kind="application.returned")
    assert note in message.body
    sms = sms_text(message)
    assert "审核说明：请补充说明。" in sms and note not in sms
    assert "全文见站内消息" in sms and len(sms.split("\n详情：")[0]) <= SMS_MAX_CHARACTERS + 10


def test_a_short_note_reaches_the_sms_whole(people, submitted, settings):
    return_with(client_for(people["hohhot_co"]), submitted, NOTE)
    message = Message.objects.get(recipient=people["applicant"], kind="application.returned")
    assert NOTE in sms_text(message)


def test_without_a_note_nothing_empty_is_shown(people, submitted):
    return_with(client_for(people["hohhot_co"]), submitted, "")
    message = Message.objects.get(recipient=people["applicant"], kind="application.returned")
    assert "审核说明" not in message.body
    body = client_for(people["applicant"]).get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert "审核人的说明" not in body


def test_a_note_with_an_approval_reaches_the_applicant(people, submitted):
    client_for(people["hohhot_co"]).post(
        reverse("review:decide", args=[submitted.pk]), {"decision": "approve", "comment": "材料齐全，请按时缴费。"}
    )
    message = Message.objects.get(recipient=people["applicant"], kind="application.city_approved")
    assert "材料齐全，请按时缴费。" in message.body
    body = client_for(people["applicant"]).get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert "材料齐全，请按时缴费。" in body


def test_an_old_note_is_not_shown_after_resubmission(people, submitted):
    from applications import services as applying

    return_with(client_for(people["hohhot_co"]), submitted, NOTE)
    submitted.refresh_from_db()
    applying.submit_application(people["applicant"], submitted)
    body = client_for(people["applicant"]).get(reverse("applications:detail", args=[submitted.pk])).content.decode()
    assert NOTE not in body
