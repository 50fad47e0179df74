"""notify(): what is stored, when deliveries run (after commit only), retries and failure."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from notifications.kinds import KINDS, render
from notifications.models import Delivery, DeliveryState, Message
from notifications.services import notify
from notifications.tasks import send_delivery

RETURNED_ITEMS = [
    {"label": "证件照", "reason": "照片不是白底"},
    {"label": "工作经历", "reason": "缺少 2010 年以前的经历 <见原件>"},
]


def _context(application, **extra):
    return {"application": application, "url": reverse("applications:detail", args=[application.pk]), **extra}


class BrokenSMS:
    def send(self, delivery, to):
        raise RuntimeError("gateway down")


class FlakySMS:
    calls = 0

    def send(self, delivery, to):
        FlakySMS.calls += 1
        if FlakySMS.calls == 1:
            raise TimeoutError("timed out")
        return "flaky-ok"


class RefusingSMS:
    def send(self, delivery, to):
        from notifications.channels import PermanentError

        raise PermanentError("invalid number")


def test_notify_stores_the_inbox_message_and_one_delivery_per_reachable_channel(people, complete_draft):
    applicant = people["applicant"]
    message = notify(applicant, "application.submitted", context=_context(complete_draft), obj=complete_draft)
    message.refresh_from_db()
    assert message.recipient == applicant and message.kind == "application.submitted"
    assert message.title == "申报已提交"
    assert complete_draft.campaign.title in message.body
    assert "汽车维修工" in message.body and str(complete_draft.level) in message.body
    assert complete_draft.get_status_display() in message.body
    assert message.url == f"/applications/{complete_draft.pk}/"
    assert (message.object_type, message.object_id) == ("applications.application", str(complete_draft.pk))
    assert message.read_at is None
    # The applicant has a phone and no e-mail or WeChat: one SMS delivery, waiting for the commit.
    delivery = message.deliveries.get()
    assert (delivery.channel, delivery.state, delivery.attempts) == ("sms", DeliveryState.PENDING, 0)


def test_staff_without_a_phone_get_the_inbox_message_only(people, complete_draft):
    message = notify(people["hohhot_co"], "application.submitted", context=_context(complete_draft))
    assert message.deliveries.count() == 0 and message.object_type == ""


def test_email_and_wechat_when_the_user_has_them(
    people, complete_draft, monkeypatch, outbox, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(User, "email", "wang@example.cn", raising=False)
    monkeypatch.setattr(User, "wechat_openid", "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", raising=False)
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(people["applicant"], "application.approved", context=_context(complete_draft))
    states = dict(message.deliveries.values_list("channel", "state"))
    assert states == {"sms": "sent", "email": "sent", "wechat": "sent"}
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["wang@example.cn"]
    assert mail.outbox[0].subject == "资格审核已通过" and "《申报表》原件" in mail.outbox[0].body
    assert "o6_bmjrPTlm6_2sgVt7hMZOPfL2M" in outbox.read_text()  # the console WeChat backend, no network


def test_a_channel_with_an_empty_backend_setting_is_off(people, complete_draft, settings):
    settings.NOTIFICATIONS_SMS_BACKEND = ""
    message = notify(people["applicant"], "application.submitted", context=_context(complete_draft))
    assert message.deliveries.count() == 0


def test_unknown_kind_is_refused_and_nothing_is_stored(people, complete_draft):
    with pytest.raises(ValueError, match="unknown notification kind"):
        notify(people["applicant"], "application.exploded", context=_context(complete_draft))
    with pytest.raises(ValueError, match="path on this site"):
        notify(people["applicant"], "application.submitted", context={"application": complete_draft, "url": "//x.cn"})
    assert not Message.objects.exists()


# Messages to applicants (staff reminders, e.g. exams.handbook_*, are tested beside their app).
@pytest.mark.parametrize(
    "kind", sorted(kind for kind in KINDS if not kind.startswith(("accounts.", "exams.handbook_")))
)
def test_every_application_kind_has_a_chinese_title_and_body(people, complete_draft, kind):
    title, body = render(kind, _context(complete_draft, items=RETURNED_ITEMS))
    assert title and "\n" not in title and len(title) < 30
    assert complete_draft.campaign.title in body and complete_draft.occupation.name in body
    assert "{{" not in body and "&lt;" not in body


def test_returned_message_lists_each_item_with_its_reason(people, complete_draft):
    context = _context(complete_draft, items=RETURNED_ITEMS)
    message = notify(people["applicant"], "application.returned", context=context, obj=complete_draft)
    assert message.title == "申报被退回，请修改"
    assert "1. 证件照：照片不是白底" in message.body
    assert "2. 工作经历：缺少 2010 年以前的经历 <见原件>" in message.body  # plain text, not HTML-escaped
    assert complete_draft.campaign.review_ends.strftime("%Y年").lstrip("0") in message.body


def test_deliveries_are_sent_after_the_commit(people, complete_draft, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        message = notify(people["applicant"], "application.submitted", context=_context(complete_draft))
    delivery = message.deliveries.get()
    assert len(callbacks) == 1
    assert delivery.state == DeliveryState.PENDING and not outbox.exists()  # nothing sent inside the transaction
    callbacks[0]()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.SENT and delivery.attempts == 1 and delivery.sent_at
    assert delivery.provider_message_id == f"skillcert-delivery-{delivery.pk}"
    assert "申报已提交" in outbox.read_text()


def test_a_rolled_back_change_sends_nothing(people, complete_draft, outbox, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(people["applicant"], "application.submitted", context=_context(complete_draft))
        raise RuntimeError("the review action failed")
    assert callbacks == []
    assert not Message.objects.exists() and not Delivery.objects.exists()
    assert not outbox.exists()


def test_a_failing_channel_is_retried_then_marked_failed_without_raising(
    people, complete_draft, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.tests.test_notify.BrokenSMS"
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(people["applicant"], "application.returned", context=_context(complete_draft, items=[]))
    delivery = message.deliveries.get()
    assert delivery.state == DeliveryState.FAILED
    assert delivery.attempts == 1 + len(settings.NOTIFICATIONS_RETRY_DELAYS)
    assert delivery.last_error == "RuntimeError: gateway down" and delivery.next_attempt_at is None
    assert Message.objects.filter(pk=message.pk).exists()  # the inbox entry stays


def test_a_transient_failure_is_sent_on_the_retry(people, complete_draft, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.tests.test_notify.FlakySMS"
    FlakySMS.calls = 0
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(people["applicant"], "application.submitted", context=_context(complete_draft))
    delivery = message.deliveries.get()
    assert (delivery.state, delivery.attempts, delivery.provider_message_id) == ("sent", 2, "flaky-ok")
    assert delivery.last_error == "TimeoutError: timed out"


def test_a_refusal_is_not_retried(people, complete_draft, settings, django_capture_on_commit_callbacks):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.tests.test_notify.RefusingSMS"
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(people["applicant"], "application.submitted", context=_context(complete_draft))
    delivery = message.deliveries.get()
    assert (delivery.state, delivery.attempts) == ("failed", 1)
    assert "invalid number" in delivery.last_error


def test_retries_are_deferred_on_the_database_backend(
    people, complete_draft, settings, django_capture_on_commit_callbacks
):
    """The run-time backend: the first run is enqueued after commit, a retry with run_after."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.tests.test_notify.BrokenSMS"
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(people["applicant"], "application.submitted", context=_context(complete_draft))
    delivery = message.deliveries.get()
    first = DBTaskResult.objects.get()
    assert first.task_path == "notifications.tasks.send_delivery" and first.args_kwargs["args"] == [delivery.pk]
    assert delivery.attempts == 0  # waiting for a worker

    with django_capture_on_commit_callbacks(execute=True):
        assert send_delivery.call(delivery.pk) == "pending"  # what the worker runs
    delivery.refresh_from_db()
    retry = DBTaskResult.objects.exclude(pk=first.pk).get()
    assert delivery.attempts == 1 and delivery.last_error == "RuntimeError: gateway down"
    assert abs((retry.run_after - delivery.next_attempt_at).total_seconds()) < 5
    assert 55 < (retry.run_after - first.enqueued_at).total_seconds() < 120


def test_a_sent_or_missing_delivery_is_not_sent_again(
    people, complete_draft, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(people["applicant"], "application.submitted", context=_context(complete_draft))
    delivery = message.deliveries.get()
    assert send_delivery.call(delivery.pk) == "sent"
    assert send_delivery.call(999_999) == "missing"
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and outbox.read_text().count("申报已提交") == 1


def test_submitting_an_application_tells_the_applicant(people, complete_draft):
    from applications.services import submit_application

    submit_application(people["applicant"], complete_draft)
    message = Message.objects.get(recipient=people["applicant"])
    assert message.kind == "application.submitted" and "已提交" in message.body
