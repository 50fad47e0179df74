"""Money correctness through the real path: the simulator signs and encrypts, the notify
endpoint verifies with the real adapter, `payments.services` applies — for every way a
notification can be wrong."""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from applications import lifecycle
from applications.models import Status
from payments import services
from payments.models import Order, Payment, ProviderNotification, Refund


@pytest.fixture
def pending(people, approved, wechat_sim) -> Payment:
    order = services.open_order(people["applicant"], approved)
    return services.start_payment(people["applicant"], order, channel="native").payment


def _outcomes() -> list[str]:
    return list(ProviderNotification.objects.order_by("pk").values_list("outcome", flat=True))


def test_paying_through_the_simulator_confirms_the_order(pending, wechat_sim, approved):
    wechat_sim.pay(pending)  # scan, confirm; the simulator posts its notification to us
    pending.refresh_from_db()
    approved.refresh_from_db()
    assert pending.state == Payment.State.CONFIRMED
    assert pending.reference == wechat_sim.transaction(pending).transaction_id
    assert approved.status == Status.PAID
    assert _outcomes() == ["applied"]


def test_the_same_notification_ten_times_confirms_once(pending, wechat_sim, approved):
    headers, body = wechat_sim.notification(pending)
    answers = [wechat_sim.post_notification(headers, body).status_code for _ in range(10)]
    assert answers == [204] * 10  # WeChat is told "received" every time, so it stops retrying
    assert _outcomes() == ["applied"] + ["duplicate"] * 9
    assert Payment.objects.filter(state=Payment.State.CONFIRMED).count() == 1
    assert not Refund.objects.exists()


def test_a_bad_signature_is_refused_and_changes_nothing(pending, wechat_sim, approved):
    headers, body = wechat_sim.notification(pending, wrong_signature=True)
    response = wechat_sim.post_notification(headers, body)
    assert response.status_code >= 400 and response.json()["code"] == "FAIL"
    pending.refresh_from_db()
    assert pending.state == Payment.State.PENDING
    assert ProviderNotification.objects.get().outcome == "rejected"


def test_a_tampered_ciphertext_is_refused(pending, wechat_sim):
    headers, body = wechat_sim.notification(pending, tamper_ciphertext=True)
    assert wechat_sim.post_notification(headers, body).status_code >= 400
    pending.refresh_from_db()
    assert pending.state == Payment.State.PENDING
    assert ProviderNotification.objects.get().outcome == "rejected"


def test_a_notification_encrypted_with_another_apiv3_key_is_refused(pending, wechat_sim):
    headers, body = wechat_sim.notification(pending, wrong_apiv3_key=True)
    assert wechat_sim.post_notification(headers, body).status_code >= 400
    assert Payment.objects.get().state == Payment.State.PENDING


@pytest.mark.parametrize("age", [-3600, 301, 86400])
def test_a_replayed_notification_outside_the_window_is_refused(pending, wechat_sim, age):
    headers, body = wechat_sim.notification(pending, age=age)
    assert wechat_sim.post_notification(headers, body).status_code >= 400
    refusal = ProviderNotification.objects.get()
    assert refusal.outcome == "rejected"
    assert Payment.objects.get().state == Payment.State.PENDING


def test_a_notification_from_an_unknown_certificate_is_refused(pending, wechat_sim):
    headers, body = wechat_sim.notification(pending, unknown_serial=True)
    assert wechat_sim.post_notification(headers, body).status_code >= 400
    assert Payment.objects.get().state == Payment.State.PENDING


FORGERIES = {
    "bad signature": ({"wrong_signature": True}, 401, "签名验证失败"),
    "unknown serial": ({"unknown_serial": True}, 401, "未知的平台证书序列号"),
    "replay": ({"age": 3600}, 401, "疑似重放"),
    "tampered ciphertext": ({"tamper_ciphertext": True}, 400, "资源解密失败"),
}


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_notification_gets_wechats_fail_answer_and_one_warning(pending, wechat_sim, caplog, forgery):
    knobs, status, reason = FORGERIES[forgery]
    headers, body = wechat_sim.notification(pending, **knobs)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = wechat_sim.post_notification(headers, body)
    # WeChat's contract: 4XX/5XX with {"code": "FAIL", "message": …} means "not received".
    assert response.status_code == status
    assert response.json() == {"code": "FAIL", "message": "验签或解密失败"}
    # Anyone can post a forgery: no "Internal Server Error", nothing at ERROR, one WARNING.
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.levelname for r in warnings] == ["WARNING"], [r.getMessage() for r in warnings]
    assert reason in warnings[0].getMessage()
    assert "Internal Server Error" not in caplog.text
    assert Payment.objects.get().state == Payment.State.PENDING


@pytest.mark.parametrize(
    ("header", "value", "reason"),
    [
        ("Wechatpay-Signature", "not base64!", "签名验证失败"),
        ("Wechatpay-Signature", "c2hvcnQ=", "签名验证失败"),
        ("Wechatpay-Serial", "not-hex", "未知的平台证书序列号"),
        ("Wechatpay-Timestamp", "9" * 5000, "时间戳格式错误"),
        ("Wechatpay-Signature-Type", "WECHATPAY2-SM2-WITH-SM3", "不支持的签名类型"),
    ],
)
def test_junk_in_a_signature_header_is_refused_with_one_warning(pending, wechat_sim, caplog, header, value, reason):
    headers, body = wechat_sim.notification(pending)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = wechat_sim.post_notification({**headers, header: value}, body)
    assert response.status_code == 401 and response.json()["code"] == "FAIL"
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and reason in warnings[0].getMessage()


def test_a_post_without_wechats_headers_is_refused_with_one_warning(pending, wechat_sim, caplog):
    with caplog.at_level(logging.INFO):
        response = wechat_sim.post_notification({}, b"{}")
    assert response.status_code == 401 and response.json()["code"] == "FAIL"
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "缺少签名头" in warnings[0].getMessage()


def test_a_genuine_notification_logs_no_warning(pending, wechat_sim, caplog):
    headers, body = wechat_sim.notification(pending)
    with caplog.at_level(logging.INFO):
        assert wechat_sim.post_notification(headers, body).status_code == 204
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_notification_for_an_unknown_order_is_acknowledged_and_ignored(pending, wechat_sim):
    headers, body = wechat_sim.notification(pending)
    Payment.objects.filter(pk=pending.pk).update(out_trade_no="SC000000XXXXXXXX-9")  # we never sent this one
    assert wechat_sim.post_notification(headers, body).status_code == 204
    logged = ProviderNotification.objects.get()
    assert (logged.outcome, logged.reason) == ("ignored", "未知的商户订单号")
    assert logged.out_trade_no == pending.out_trade_no


def test_a_notification_for_a_closed_attempt_is_ignored_with_its_reason(pending, wechat_sim):
    headers, body = wechat_sim.notification(pending)
    Payment.objects.filter(pk=pending.pk).update(state=Payment.State.CANCELED)
    assert wechat_sim.post_notification(headers, body).status_code == 204
    logged = ProviderNotification.objects.get()
    assert logged.outcome == "ignored" and "已关闭" in logged.reason
    assert Order.objects.get().state == Order.State.PENDING


def test_a_wrong_amount_is_not_confirmed_and_flags_the_order(pending, wechat_sim, approved):
    # The order's amount changed under the payment (as if someone edited the database).
    Payment.objects.filter(pk=pending.pk).update(amount=Decimal("100.00"))
    headers, body = wechat_sim.notification(pending)
    assert wechat_sim.post_notification(headers, body).status_code == 204
    order = Order.objects.get()
    assert order.flagged and "金额不符" in order.flag_reason
    assert Payment.objects.get().state == Payment.State.PENDING
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert ProviderNotification.objects.get().outcome == "ignored"


def test_a_missing_notification_is_recovered_by_the_query_task(pending, wechat_sim, approved, settings):
    wechat_sim.pay(pending, deliver=False)  # paid at WeChat; the notification never reaches us
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED
    from payments.tasks import sweep_payments

    later = timezone.now() + timedelta(seconds=settings.PAYMENTS_QUERY_AFTER + 1)
    counts = services.sweep(now=later)
    assert counts["confirmed"] == 1
    approved.refresh_from_db()
    assert approved.status == Status.PAID
    assert sweep_payments.enqueue().return_value["confirmed"] == 0  # nothing left to recover


def test_paying_two_attempts_refunds_the_second_through_wechat(
    people, approved, wechat_sim, django_capture_on_commit_callbacks
):
    order = services.open_order(people["applicant"], approved)
    first = services.start_payment(people["applicant"], order, channel="native").payment
    Payment.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=3))
    second = services.start_payment(people["applicant"], order, channel="native").payment
    assert first.pk != second.pk
    wechat_sim.pay(first)
    with django_capture_on_commit_callbacks(execute=True):
        wechat_sim.pay(second)
    second.refresh_from_db()
    assert second.is_duplicate and second.state == Payment.State.REFUNDED
    assert wechat_sim.transaction(second).state == "REFUND"
    order.refresh_from_db()
    assert order.state == Order.State.PAID and order.flagged


def test_full_and_partial_refunds_through_wechat(people, pending, wechat_sim):
    wechat_sim.pay(pending)
    pending.refresh_from_db()
    lifecycle.disqualify(people["association"], pending.order.application, reason="提供虚假材料")
    part = services.request_refund(people["association"], pending, amount="30.50", reason="disqualified")
    rest = services.request_refund(people["association"], pending, amount="149.50", reason="disqualified")
    assert [part.state, rest.state] == [Refund.State.DONE, Refund.State.DONE]
    assert part.reference and rest.reference and part.reference != rest.reference
    with pytest.raises(services.TransitionRefused):
        services.request_refund(people["association"], pending, amount="0.01", reason="disqualified")
    pending.refresh_from_db()
    assert pending.state == Payment.State.REFUNDED
    assert pending.order.state == Order.State.REFUNDED
    refunds = wechat_sim.transaction(pending).refunds.order_by("pk")
    assert [r.refund for r in refunds] == [3050, 14950]


def test_refund_notifications_are_applied_once_and_checked(people, pending, wechat_sim, settings):
    from payments.providers import reset_providers

    settings.WECHATPAY_NOTIFY_URL = "http://testserver/sink/"  # we post the refund notifications ourselves
    reset_providers()
    wechat_sim.receiver(settings.WECHATPAY_NOTIFY_URL)
    wechat_sim.pay(pending, deliver=False)
    services.sync_payment(pending)
    lifecycle.disqualify(people["association"], pending.order.application, reason="替考")
    refund = services.request_refund(people["association"], pending, amount="180", reason="disqualified")
    assert refund.state == Refund.State.DONE  # the simulator answered SUCCESS at once
    headers, body = wechat_sim.notification(pending, event_type="REFUND.SUCCESS", refund=refund)
    assert wechat_sim.post_notification(headers, body).status_code == 204
    assert ProviderNotification.objects.get().outcome == "duplicate"  # already known from the answer

    Refund.objects.filter(pk=refund.pk).update(out_refund_no="UNKNOWN-R9")  # one our records do not know
    assert wechat_sim.post_notification(headers, body).status_code == 204
    logged = ProviderNotification.objects.order_by("-pk").first()
    assert (logged.outcome, logged.reason) == ("ignored", "未知的退款单号")


def test_a_refund_notification_with_another_amount_flags_the_order(people, pending, wechat_sim, settings):
    from payments.providers import reset_providers

    settings.WECHATPAY_NOTIFY_URL = "http://testserver/sink/"
    reset_providers()
    wechat_sim.receiver(settings.WECHATPAY_NOTIFY_URL)
    wechat_sim.pay(pending, deliver=False)
    services.sync_payment(pending)
    lifecycle.disqualify(people["association"], pending.order.application, reason="替考")
    refund = services.request_refund(people["association"], pending, amount="100", reason="disqualified")
    headers, body = wechat_sim.notification(pending, event_type="REFUND.SUCCESS", refund=refund)
    Refund.objects.filter(pk=refund.pk).update(state=Refund.State.PENDING, amount=Decimal("90.00"))
    assert wechat_sim.post_notification(headers, body).status_code == 204
    refund.refresh_from_db()
    assert refund.state == Refund.State.PENDING
    order = Order.objects.get()
    assert order.flagged and "金额不符" in order.flag_reason


def test_the_last_day_reminds_each_unpaid_applicant_once(people, approved, scripted_wechat):
    from catalog.models import Campaign
    from notifications.models import Message

    services.open_order(people["applicant"], approved)
    today = timezone.localdate()
    Campaign.objects.filter(pk=approved.campaign_id).update(payment_closes=today, review_closes=today)
    assert services.sweep()["reminded"] == 1
    assert services.sweep()["reminded"] == 0
    message = Message.objects.get(kind="payment.reminder")
    assert message.recipient == people["applicant"] and "180.00" in message.body
