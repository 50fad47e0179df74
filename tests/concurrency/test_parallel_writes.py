"""Ten identical requests at once to each write endpoint: no server error, one outcome.

A double tap on a slow phone, several open tabs, two staff on one queue: the server answers
each request (done, refused, or redirected), never 500 "database is locked", and the data
shows the work done once.
"""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from applications import lifecycle
from applications import services as applying
from applications.models import Application, ApplicationDocument, Status
from applications.tests.fixtures import attach_documents, fill
from applications.tests.uploadfixtures import photo
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def assert_no_server_error(burst) -> None:
    assert burst.server_errors == 0, f"{burst.statuses}: {[b[:300] for b in burst.bodies if 'locked' in b]}"


def events(action: str, application) -> int:
    return AuditEvent.objects.filter(action=action, object_id=str(application.pk)).count()


@pytest.fixture
def submitted(people, complete_draft):
    return applying.submit_application(people["applicant"], complete_draft)


# --- the applicant -----------------------------------------------------------------------------


def test_starting_an_application_ten_times_at_once_starts_one(parallel, people, open_campaign):
    burst = parallel.post(people["applicant"], reverse("applications:start_in", args=[open_campaign.slug]))
    assert_no_server_error(burst)
    application = Application.objects.get(applicant=people["applicant"])
    # Every tap lands on the one draft (its first step or its page), none on an error.
    assert {response.headers["Location"] for response in burst.responses} <= {
        reverse("applications:step", args=[application.pk, "person"]),
        reverse("applications:detail", args=[application.pk]),
    }


def test_saving_a_step_ten_times_at_once(parallel, people, draft):
    data = {
        "version": draft.version,
        "full_name": "王小明",
        "ethnicity": "蒙古族",
        "education": "technical_school",
        "education_related": "on",
        "phone": "13800000001",
        "work_started_on": "2005-07-01",
        "employer": "呼和浩特市公路养护中心",
        "city": people["hohhot_co"].city.pk,
    }
    burst = parallel.post(people["applicant"], reverse("applications:step", args=[draft.pk, "person"]), data)
    assert_no_server_error(burst)
    assert burst.statuses.count(302) >= 1  # one saved; the others found the form out of date
    draft.refresh_from_db()
    assert draft.employer == "呼和浩特市公路养护中心" and draft.version == data["version"] + 1


def test_uploading_to_one_slot_ten_times_at_once_keeps_one_document_and_one_file(parallel, people, draft):
    fill(draft)
    media = Path(settings.MEDIA_ROOT)
    before = set(media.rglob("*.*"))  # earlier tests' files (ids are reused after a flush)
    burst = parallel.post(
        people["applicant"],
        reverse("applications:documents", args=[draft.pk]),
        {"slot": "photo"},
        files={"file": ("photo.jpg", photo(), "image/jpeg")},
    )
    assert_no_server_error(burst)
    assert set(burst.statuses) == {302}
    document = ApplicationDocument.objects.get(application=draft, slot="photo")
    assert set(media.rglob("*.*")) - before == {Path(document.file.path)}  # the replaced files are gone


def test_submitting_ten_times_at_once_submits_once(parallel, people, complete_draft):
    burst = parallel.post(people["applicant"], reverse("applications:review", args=[complete_draft.pk]))
    assert_no_server_error(burst)
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.SUBMITTED
    assert events("applications.submitted", complete_draft) == 1


def test_withdrawing_ten_times_at_once_withdraws_once(parallel, people, submitted):
    burst = parallel.post(people["applicant"], reverse("applications:withdraw", args=[submitted.pk]))
    assert_no_server_error(burst)
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN
    assert events("applications.withdrawn", submitted) == 1


# --- reviewers ---------------------------------------------------------------------------------


def test_the_city_approving_ten_times_at_once_approves_once(parallel, people, submitted):
    burst = parallel.post(people["hohhot_co"], reverse("review:decide", args=[submitted.pk]), {"decision": "approve"})
    assert_no_server_error(burst)
    submitted.refresh_from_db()
    assert submitted.status == Status.CITY_APPROVED
    assert submitted.review_rounds.count() == 1


def test_the_association_approving_ten_times_at_once_approves_once(parallel, people, submitted):
    city_approved = lifecycle.approve(people["hohhot_co"], submitted, tier="city")
    url = reverse("review:decide", args=[city_approved.pk])
    burst = parallel.post(people["association"], url, {"decision": "approve"})
    assert_no_server_error(burst)
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert submitted.review_rounds.count() == 2


def test_returning_ten_times_at_once_returns_once(parallel, people, submitted):
    data = {"decision": "return", "items": ["photo"], "reason_photo": "photo_not_white"}
    burst = parallel.post(people["hohhot_co"], reverse("review:decide", args=[submitted.pk]), data)
    assert_no_server_error(burst)
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED and submitted.returned_items == ["photo"]
    assert submitted.review_rounds.count() == 1


def test_resubmitting_ten_times_at_once_resubmits_once(parallel, people, submitted):
    from review import services as reviewing

    returned = reviewing.return_for_changes(
        people["hohhot_co"], submitted, items=[("employer", "", "请写单位全称")], comment=""
    )
    applying.save_step(
        people["applicant"], returned, {"employer": "呼和浩特市公路养护中心（全称）"}, expected_version=returned.version
    )
    burst = parallel.post(people["applicant"], reverse("applications:review", args=[submitted.pk]))
    assert_no_server_error(burst)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert events("applications.resubmitted", submitted) == 1


def test_bulk_approving_ten_times_at_once_approves_each_once(parallel, people, submitted, other_applicant):
    from review.models import Flag

    second = fill(applying.start_application(other_applicant, submitted.campaign))
    attach_documents(second)
    second = applying.submit_application(other_applicant, second)
    Flag.objects.all().delete()  # the fixtures' documents are byte-identical, which flags both
    data = {"ids": [submitted.pk, second.pk], "campaign": submitted.campaign.slug}
    burst = parallel.post(people["hohhot_co"], reverse("review:bulk_approve"), data)
    assert_no_server_error(burst)
    for application in (submitted, second):
        application.refresh_from_db()
        assert application.status == Status.CITY_APPROVED
        assert application.review_rounds.count() == 1


def test_recording_the_paper_form_ten_times_at_once_records_it_once(parallel, people, submitted):
    from review.models import PaperFormReceipt

    city_approved = lifecycle.approve(people["hohhot_co"], submitted, tier="city")
    lifecycle.approve(people["association"], city_approved, tier="association")
    url = reverse("review:paper_form", args=[submitted.pk])
    burst = parallel.post(people["hohhot_co"], url, {"received_on": date.today().isoformat()})
    assert_no_server_error(burst)
    assert PaperFormReceipt.objects.filter(application=submitted).count() == 1


def test_extending_the_review_ten_times_at_once(parallel, people, submitted):
    until = submitted.campaign.review_closes + timedelta(days=3)
    data = {"campaign": submitted.campaign.slug, "until": until.isoformat()}
    burst = parallel.post(people["association"], reverse("review:extend"), data)
    assert_no_server_error(burst)
    submitted.campaign.refresh_from_db()
    assert submitted.campaign.review_extended_until == until


# --- paying ------------------------------------------------------------------------------------


@pytest.fixture
def order(people, approved):
    from payments import services as paying

    return paying.open_order(people["applicant"], approved)


@pytest.fixture
def paid_order(people, order):
    from payments import services as paying

    paying.record_offline_payment(
        people["association"], order, channel="cash", receipt_number="NM-1", amount="180", paid_on=date.today()
    )
    order.refresh_from_db()
    return order


def test_starting_a_payment_ten_times_at_once_opens_one_order_and_one_attempt(
    parallel, people, approved, scripted_wechat
):
    from payments.models import Order, Payment

    burst = parallel.post(people["applicant"], reverse("payments:start", args=[approved.pk]))
    assert_no_server_error(burst)
    assert Order.objects.filter(application=approved).count() == 1
    assert list(Payment.objects.filter(order__application=approved).values_list("state", flat=True)) == ["pending"]


def test_refreshing_a_payment_ten_times_at_once_pays_once(parallel, people, approved, scripted_wechat):
    from payments import services as paying
    from payments.models import Payment

    order = paying.open_order(people["applicant"], approved)
    paying.start_payment(people["applicant"], order, channel="native")
    scripted_wechat.success(Payment.objects.get())  # paid; the notification is late
    burst = parallel.post(people["applicant"], reverse("payments:status", args=[approved.pk]))
    assert_no_server_error(burst)
    approved.refresh_from_db()
    assert approved.status == Status.PAID
    assert events("applications.paid", approved) == 1


def test_ten_copies_of_a_wechat_notification_at_once_pay_once(parallel, people, approved, wechat_sim):
    from payments import services as paying
    from payments.models import Payment

    order = paying.open_order(people["applicant"], approved)
    payment = paying.start_payment(people["applicant"], order, channel="native").payment
    headers, body = wechat_sim.notification(payment)
    burst = parallel.post(None, reverse("payments:notify", args=["wechat"]), body, headers=headers)
    assert_no_server_error(burst)
    assert set(burst.statuses) <= {200, 204}  # a success answer: WeChat stops retrying
    assert Payment.objects.get(pk=payment.pk).state == "confirmed"
    approved.refresh_from_db()
    assert approved.status == Status.PAID
    assert events("applications.paid", approved) == 1


def test_recording_an_offline_payment_ten_times_at_once_records_one(parallel, people, order):
    from payments.models import Payment

    data = {
        "channel": "bank_transfer",
        "receipt_number": "NM-7",
        "amount": "180.00",
        "paid_on": date.today().isoformat(),
    }
    burst = parallel.post(people["association"], reverse("payments_staff:record_offline", args=[order.code]), data)
    assert_no_server_error(burst)
    assert Payment.objects.filter(order=order, state="confirmed").count() == 1
    order.refresh_from_db()
    assert order.state == "paid"


def test_refunding_ten_times_at_once_refunds_once(parallel, people, paid_order):
    from applications import lifecycle
    from payments.models import Refund

    lifecycle.withdraw_after_approval(people["association"], paid_order.application, reason="本人申请退出")
    payment = paid_order.payments.get()
    data = {"payment": payment.pk, "amount": "180", "reason": "withdrawal", "reference": "HD-1"}
    burst = parallel.post(people["association"], reverse("payments_staff:refund", args=[paid_order.code]), data)
    assert_no_server_error(burst)
    assert Refund.objects.filter(payment=payment).count() == 1


def test_asking_for_an_invoice_ten_times_at_once_asks_once(parallel, people, paid_order):
    from payments.models import InvoiceRequest

    data = {"kind": "personal", "title": "王小明", "tax_number": "", "email": "wang@example.cn"}
    url = reverse("payments:invoice_request", args=[paid_order.application_id])
    burst = parallel.post(people["applicant"], url, data)
    assert_no_server_error(burst)
    assert InvoiceRequest.objects.filter(order=paid_order).count() == 1


def test_issuing_an_invoice_ten_times_at_once_issues_once(parallel, people, paid_order):
    from payments import invoicing

    invoice = invoicing.request_invoice(
        people["applicant"], paid_order, kind="personal", title="王小明", tax_number="", email="wang@example.cn"
    )
    url = reverse("payments_staff:invoice_issue", args=[invoice.pk])
    burst = parallel.post(people["association"], url, {f"inv{invoice.pk}-invoice_number": "23152000000012345678"})
    assert_no_server_error(burst)
    invoice.refresh_from_db()
    assert invoice.state == "issued" and invoice.invoice_number == "23152000000012345678"
    assert AuditEvent.objects.filter(object_id=str(invoice.pk), action__contains="issued").count() == 1


def test_editing_a_fee_ten_times_at_once_keeps_one_rule(parallel, people, open_campaign):
    from catalog.models import FeeRule

    data = {"campaign": open_campaign.slug, "action": "level", "level": "5", "level5-amount": "150"}
    burst = parallel.post(people["association"], reverse("payments_staff:fees"), data)
    assert_no_server_error(burst)
    assert FeeRule.objects.filter(campaign=open_campaign, level__number=5, occupation=None).count() == 1


# --- accounts and notifications ----------------------------------------------------------------


def test_registering_the_same_person_ten_times_at_once_makes_one_account(parallel, catalog_2023, settings, tmp_path):
    import re

    from django.test import Client

    from accounts.demo import demo_id_number
    from accounts.models import User

    settings.NOTIFICATIONS_OUTBOX_FILE = str(tmp_path / "sms.txt")
    data = {
        "full_name": "赵六",
        "id_number": demo_id_number("15010219900101003"),
        "phone": "13800007777",
        "password1": "Correct-horse-42",
        "password2": "Correct-horse-42",
    }
    # Ten visitors ask for a code for one phone at once: no error, and no account before a code.
    burst = parallel.post(None, reverse("accounts:register"), data)
    assert_no_server_error(burst)
    assert not User.objects.filter(full_name="赵六").exists()
    # One visitor's registration, its code typed ten times at once: one account.
    visitor = Client()
    data["phone"] = "13800008888"
    assert visitor.post(reverse("accounts:register"), data).status_code == 302
    code = re.findall(r"验证码 (\d{6})", (tmp_path / "sms.txt").read_text(encoding="utf-8"))[-1]
    session = visitor.cookies[settings.SESSION_COOKIE_NAME].value
    burst = parallel.post(None, reverse("accounts:register_verify"), {"code": code}, session=session)
    assert_no_server_error(burst)
    assert User.objects.filter(full_name="赵六").count() == 1


def test_logging_in_ten_times_at_once(parallel, people):
    data = {"identifier": "13800000001", "password": "Correct-horse-42"}
    burst = parallel.post(None, reverse("accounts:login"), data)
    assert_no_server_error(burst)
    # Attempts in flight count before their password is checked (so parallel guesses cannot pass
    # the limit): on PostgreSQL, logins beyond the free attempts wait; on SQLite they queue.
    assert 302 in burst.statuses and set(burst.statuses) <= {200, 302}
    waiting = [body for status, body in zip(burst.statuses, burst.bodies, strict=True) if status == 200]
    assert all("登录失败次数过多" in body for body in waiting)


def test_revealing_an_id_number_ten_times_at_once_audits_each_reveal(parallel, people):
    subject = people["applicant"]
    url = reverse("accounts:reveal", args=[subject.pk, "id_number"])
    burst = parallel.post(people["association"], url)
    assert_no_server_error(burst)
    assert set(burst.statuses) == {200}
    assert AuditEvent.objects.filter(object_id=str(subject.pk), action="personal_data.unmasked").count() == 10


def test_changing_the_password_ten_times_at_once(parallel, people):
    data = {
        "old_password": "Correct-horse-42",
        "new_password1": "Another-horse-43",
        "new_password2": "Another-horse-43",
    }
    burst = parallel.post(people["applicant"], reverse("accounts:password_change"), data)
    assert_no_server_error(burst)
    people["applicant"].refresh_from_db()
    assert people["applicant"].check_password("Another-horse-43")


def test_logging_out_everywhere_ten_times_at_once(parallel, people):
    from django.contrib.sessions.models import Session

    burst = parallel.post(people["applicant"], reverse("accounts:logout_everywhere"))
    assert_no_server_error(burst)
    user_id = str(people["applicant"].pk)
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == user_id]


def test_marking_the_inbox_read_ten_times_at_once(parallel, people, submitted):
    from notifications.models import Message

    assert Message.objects.filter(recipient=people["applicant"], read_at=None).exists()
    burst = parallel.post(people["applicant"], reverse("notifications:mark_all_read"))
    assert_no_server_error(burst)
    assert not Message.objects.filter(recipient=people["applicant"], read_at=None).exists()
