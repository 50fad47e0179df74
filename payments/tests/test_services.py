"""The rules of money in payments.services, against a scripted provider."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from applications import lifecycle
from applications.models import Application, Status
from audit.models import AuditEvent
from catalog.models import Campaign, FeeRule
from notifications.models import Message
from payments import services
from payments.models import Order, Payment, Refund
from skillcert.refusals import TransitionRefused


def _order(people, approved) -> Order:
    return services.open_order(people["applicant"], approved)


def _pay_started(people, approved, scripted_wechat) -> Payment:
    order = _order(people, approved)
    return services.start_payment(people["applicant"], order, channel="native").payment


# --- Orders --------------------------------------------------------------------------------


def test_order_fixes_the_fee_of_the_level_when_created(people, approved):
    order = _order(people, approved)
    assert order.amount == Decimal("180.00")  # 四级
    assert order.state == Order.State.PENDING
    FeeRule.objects.filter(campaign=approved.campaign, level_id=4).update(amount=Decimal("999.00"))
    assert services.open_order(people["applicant"], approved).amount == Decimal("180.00")
    assert Order.objects.count() == 1


def test_an_occupation_fee_beats_the_level_fee(people, approved):
    FeeRule.objects.create(
        campaign=approved.campaign, level_id=4, occupation=approved.occupation, amount=Decimal("210.50")
    )
    assert _order(people, approved).amount == Decimal("210.50")


def test_order_deadline_is_the_end_of_the_last_payment_day(people, approved):
    order = _order(people, approved)
    local = timezone.localtime(order.expires_at)
    assert local.date() == approved.campaign.payment_closes + timedelta(days=1)
    assert (local.hour, local.minute) == (0, 0)


def test_no_order_before_the_payment_window(people, approved):
    Campaign.objects.filter(pk=approved.campaign_id).update(payment_opens=timezone.localdate() + timedelta(days=1))
    approved.refresh_from_db()
    with pytest.raises(TransitionRefused, match="缴费尚未开始"):
        _order(people, approved)
    assert not Order.objects.exists()


def test_no_order_after_the_payment_window(people, approved):
    yesterday = timezone.localdate() - timedelta(days=1)
    Campaign.objects.filter(pk=approved.campaign_id).update(
        payment_opens=yesterday - timedelta(days=2),
        payment_closes=yesterday,
        review_closes=yesterday - timedelta(days=3),
    )
    approved.refresh_from_db()
    with pytest.raises(TransitionRefused, match="缴费已于"):
        _order(people, approved)


def test_no_order_for_an_application_that_is_not_approved(people, approved):
    Application.objects.filter(pk=approved.pk).update(status=Status.CITY_APPROVED)
    approved.refresh_from_db()
    with pytest.raises(TransitionRefused, match="资格审核通过后才能缴费"):
        _order(people, approved)


def test_no_order_without_a_fee(people, approved):
    FeeRule.objects.filter(campaign=approved.campaign).delete()
    with pytest.raises(TransitionRefused, match="收费标准尚未公布"):
        _order(people, approved)


def test_only_the_applicant_opens_their_order(people, approved):
    with pytest.raises(PermissionDenied):
        services.open_order(people["association"], approved)


def test_sweep_creates_orders_for_every_approved_application_in_the_window(people, approved, scripted_wechat):
    counts = services.sweep()
    assert counts["orders_created"] == 1
    assert approved.order.amount == Decimal("180.00")
    assert services.sweep()["orders_created"] == 0


# --- Paying online -------------------------------------------------------------------------------


def test_start_payment_gives_a_code_url_and_reuses_a_recent_attempt(people, approved, scripted_wechat):
    order = _order(people, approved)
    first = services.start_payment(people["applicant"], order, channel="native")
    assert first.instructions.code_url.startswith("weixin://wxpay/bizpayurl?pr=")
    assert first.payment.state == Payment.State.PENDING
    assert first.payment.amount == order.amount
    again = services.start_payment(people["applicant"], order, channel="native")
    assert again.payment.pk == first.payment.pk
    assert scripted_wechat.started == [first.payment.out_trade_no]


def test_provider_down_fails_the_attempt_with_a_message(people, approved, scripted_wechat):
    scripted_wechat.down = True
    order = _order(people, approved)
    with pytest.raises(TransitionRefused, match="暂时无法连接"):
        services.start_payment(people["applicant"], order, channel="native")
    assert order.payments.get().state == Payment.State.FAILED


def test_paying_outside_the_window_is_refused(people, approved, scripted_wechat):
    order = _order(people, approved)
    yesterday = timezone.localdate() - timedelta(days=1)
    Campaign.objects.filter(pk=approved.campaign_id).update(
        payment_opens=yesterday - timedelta(days=2),
        payment_closes=yesterday,
        review_closes=yesterday - timedelta(days=3),
    )
    with pytest.raises(TransitionRefused, match="缴费已于"):
        services.start_payment(people["applicant"], order, channel="native")
    assert not order.payments.exists()


def test_success_confirms_the_order_and_marks_the_application_paid(people, approved, scripted_wechat):
    payment = _pay_started(people, approved, scripted_wechat)
    txn = scripted_wechat.success(payment)
    assert services.apply_transaction(payment, txn, source="notify") == "applied"
    payment.refresh_from_db()
    approved.refresh_from_db()
    assert payment.state == Payment.State.CONFIRMED
    assert payment.reference == txn.transaction_id
    assert payment.order.state == Order.State.PAID
    assert approved.status == Status.PAID
    assert Message.objects.filter(recipient=people["applicant"], kind="payment.confirmed").count() == 1
    assert AuditEvent.objects.filter(action="applications.paid", object_id=str(approved.pk)).count() == 1


def test_the_same_success_ten_times_confirms_once(people, approved, scripted_wechat):
    payment = _pay_started(people, approved, scripted_wechat)
    txn = scripted_wechat.success(payment)
    outcomes = [services.apply_transaction(payment, txn, source="notify") for _ in range(10)]
    assert outcomes == ["applied"] + ["duplicate"] * 9
    assert AuditEvent.objects.filter(action="payments.payment.confirmed").count() == 1
    assert Message.objects.filter(kind="payment.confirmed").count() == 1
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"amount_fen": 1}, "金额不符"),
        ({"currency": "USD"}, "币种不符"),
        ({"mchid": "1230000109"}, "商户号不符"),
        ({"appid": "wx0000000000000000"}, "应用ID不符"),
    ],
)
def test_wrong_money_facts_are_not_confirmed_and_flag_the_order(people, approved, scripted_wechat, changes, problem):
    payment = _pay_started(people, approved, scripted_wechat)
    txn = scripted_wechat.success(payment, **changes)
    assert services.apply_transaction(payment, txn, source="notify") == "mismatch"
    payment.refresh_from_db()
    approved.refresh_from_db()
    assert payment.state == Payment.State.PENDING
    assert approved.status == Status.APPROVED
    assert payment.order.flagged and problem in payment.order.flag_reason


def test_a_second_successful_payment_is_refunded_automatically_and_flagged(
    people, approved, scripted_wechat, django_capture_on_commit_callbacks
):
    order = _order(people, approved)
    first = services.start_payment(people["applicant"], order, channel="native").payment
    # The applicant opened the page in WeChat too: a second attempt with its own out_trade_no.
    second = services.start_payment(people["applicant"], order, channel="jsapi", openid="o-payer").payment
    assert first.pk != second.pk
    assert services.apply_transaction(first, scripted_wechat.success(first), source="notify") == "applied"
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.apply_transaction(second, scripted_wechat.success(second), source="query")
    assert outcome == "second_payment"
    second.refresh_from_db()
    order.refresh_from_db()
    assert second.is_duplicate
    assert second.state == Payment.State.REFUNDED  # the refund went through at once
    refund = second.refunds.get()
    assert (refund.reason, refund.amount, refund.state) == (Refund.Reason.DUPLICATE, second.amount, Refund.State.DONE)
    assert scripted_wechat.refunds == [(refund.out_refund_no, 18000)]
    assert order.state == Order.State.PAID  # the first payment still pays the order
    assert order.flagged and second.out_trade_no in order.flag_reason


def test_query_recovers_a_missing_notification(people, approved, scripted_wechat, settings):
    payment = _pay_started(people, approved, scripted_wechat)
    scripted_wechat.success(payment)  # paid, but the notification never came
    later = timezone.now() + timedelta(seconds=settings.PAYMENTS_QUERY_AFTER + 1)
    counts = services.sweep(now=later)
    assert counts["confirmed"] == 1
    approved.refresh_from_db()
    assert approved.status == Status.PAID


def test_sweep_closes_stale_attempts_and_expires_unpaid_orders(people, approved, scripted_wechat):
    payment = _pay_started(people, approved, scripted_wechat)
    after_deadline = payment.order.expires_at + timedelta(minutes=5)
    counts = services.sweep(now=after_deadline)
    assert (counts["closed"], counts["expired"]) == (1, 1)
    assert scripted_wechat.closed == [payment.out_trade_no]
    assert services.sweep(now=after_deadline + timedelta(minutes=5))["expired"] == 0
    payment.refresh_from_db()
    assert payment.state == Payment.State.CANCELED
    assert payment.order.state == Order.State.EXPIRED


def test_a_closed_attempt_that_turns_out_paid_is_confirmed_not_closed(people, approved, scripted_wechat):
    payment = _pay_started(people, approved, scripted_wechat)
    scripted_wechat.success(payment)
    assert services.close_payment(payment) == "applied"
    assert scripted_wechat.closed == []


# --- Offline ----------------------------------------------------------------------------------


def _offline(people, order, **changes):
    values = {
        "channel": "bank_transfer",
        "receipt_number": "NM2023-000123",
        "amount": "180",
        "paid_on": timezone.localdate(),
        **changes,
    }
    return services.record_offline_payment(people["association"], order, **values)


def test_association_records_an_offline_payment(people, approved):
    order = _order(people, approved)
    payment = _offline(people, order)
    approved.refresh_from_db()
    assert (payment.provider, payment.state, payment.reference) == ("offline", "confirmed", "NM2023-000123")
    assert approved.status == Status.PAID
    assert AuditEvent.objects.filter(action="payments.offline.recorded", actor=people["association"]).exists()


TOMORROW = object()  # the day after the test runs, not after it was collected (a run may cross midnight)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "170"}, "不一致"),
        ({"amount": "abc"}, "金额格式不正确"),
        ({"amount": "180.001"}, "两位小数"),
        ({"receipt_number": "  "}, "收据号"),
        ({"channel": "alipay"}, "缴费方式"),
        ({"paid_on": TOMORROW}, "不能晚于今天"),
    ],
)
def test_bad_offline_records_are_refused_and_nothing_is_saved(people, approved, changes, message):
    order = _order(people, approved)
    changes = {k: timezone.localdate() + timedelta(days=1) if v is TOMORROW else v for k, v in changes.items()}
    with pytest.raises(TransitionRefused, match=message):
        _offline(people, order, **changes)
    assert not Payment.objects.exists()
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


def test_a_receipt_number_is_recorded_once_and_an_order_paid_once(people, approved):
    order = _order(people, approved)
    _offline(people, order)
    with pytest.raises(TransitionRefused, match="已缴费"):
        _offline(people, order, receipt_number="OTHER-1")
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("who", ["hohhot_co", "hohhot_reg", "applicant"])
def test_only_the_association_records_offline_payments(people, approved, who):
    order = _order(people, approved)
    with pytest.raises(PermissionDenied):
        services.record_offline_payment(
            people[who], order, channel="cash", receipt_number="X1", amount="180", paid_on=timezone.localdate()
        )


# --- Refunds ------------------------------------------------------------------------------------


def _paid_online(people, approved, scripted_wechat) -> Payment:
    payment = _pay_started(people, approved, scripted_wechat)
    services.apply_transaction(payment, scripted_wechat.success(payment), source="notify")
    payment.refresh_from_db()
    return payment


def test_refund_for_withdrawal_needs_the_withdrawal_recorded_first(people, approved, scripted_wechat):
    payment = _paid_online(people, approved, scripted_wechat)
    with pytest.raises(TransitionRefused, match="请先登记"):
        services.request_refund(people["association"], payment, amount="180", reason="withdrawal")
    lifecycle.withdraw_after_approval(people["hohhot_co"], payment.order.application, reason="工作调动，不能参加考试")
    refund = services.request_refund(people["association"], payment, amount="180", reason="withdrawal")
    payment.refresh_from_db()
    assert refund.state == Refund.State.DONE
    assert payment.state == Payment.State.REFUNDED
    assert payment.order.state == Order.State.REFUNDED
    assert Message.objects.filter(recipient=people["applicant"], kind="payment.refunded").exists()


def test_partial_refunds_up_to_the_amount_paid(people, approved, scripted_wechat):
    payment = _paid_online(people, approved, scripted_wechat)
    lifecycle.disqualify(people["association"], payment.order.application, reason="提供虚假证明材料")
    first = services.request_refund(people["association"], payment, amount="100", reason="disqualified")
    assert first.state == Refund.State.DONE
    assert services.refundable(payment) == Decimal("80.00")
    with pytest.raises(TransitionRefused, match=r"超过可退金额 80\.00"):
        services.request_refund(people["association"], payment, amount="80.01", reason="disqualified")
    services.request_refund(people["association"], payment, amount="80", reason="disqualified")
    payment.refresh_from_db()
    assert payment.state == Payment.State.REFUNDED
    assert [r.amount for r in payment.refunds.all()] == [Decimal("100.00"), Decimal("80.00")]
    assert len({r.out_refund_no for r in payment.refunds.all()}) == 2


def test_a_processing_refund_completes_on_query(people, approved, scripted_wechat, settings):
    payment = _paid_online(people, approved, scripted_wechat)
    lifecycle.disqualify(people["association"], payment.order.application, reason="替考")
    scripted_wechat.refund_state = "PROCESSING"
    refund = services.request_refund(people["association"], payment, amount="180", reason="disqualified")
    assert refund.state == Refund.State.PENDING
    services.sweep(now=timezone.now() + timedelta(seconds=settings.PAYMENTS_QUERY_AFTER + 1))
    refund.refresh_from_db()
    assert refund.state == Refund.State.DONE


def test_a_refund_that_could_not_be_sent_is_retried_by_the_sweep(people, approved, scripted_wechat):
    payment = _paid_online(people, approved, scripted_wechat)
    lifecycle.disqualify(people["association"], payment.order.application, reason="替考")
    scripted_wechat.down = True
    refund = services.request_refund(people["association"], payment, amount="180", reason="disqualified")
    assert refund.state == Refund.State.CREATED and "无法连接" in refund.info["error"]
    scripted_wechat.down = False
    services.sweep()
    refund.refresh_from_db()
    assert refund.state == Refund.State.DONE


def test_offline_refund_is_recorded_with_its_voucher(people, approved):
    order = _order(people, approved)
    payment = _offline(people, order)
    lifecycle.withdraw_after_approval(people["association"], approved, reason="本人申请退出")
    with pytest.raises(TransitionRefused, match="凭证号"):
        services.request_refund(people["association"], payment, amount="180", reason="withdrawal")
    refund = services.request_refund(
        people["association"], payment, amount="180", reason="withdrawal", reference="HD-778899"
    )
    assert (refund.state, refund.reference) == (Refund.State.DONE, "HD-778899")


@pytest.mark.parametrize("who", ["hohhot_co", "hohhot_reg", "hohhot_expert", "applicant"])
def test_only_the_association_refunds(people, approved, scripted_wechat, who):
    payment = _paid_online(people, approved, scripted_wechat)
    with pytest.raises(PermissionDenied):
        services.request_refund(people[who], payment, amount="180", reason="other", note="x")


def test_withdrawal_cancels_an_unpaid_order_and_closes_its_attempts(
    people, approved, scripted_wechat, django_capture_on_commit_callbacks
):
    payment = _pay_started(people, approved, scripted_wechat)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw_after_approval(people["hohhot_co"], approved, reason="本人申请退出")
    payment.refresh_from_db()
    assert payment.order.state == Order.State.CANCELED
    assert payment.state == Payment.State.CANCELED
    assert scripted_wechat.closed == [payment.out_trade_no]


def test_money_for_a_canceled_order_is_given_back(
    people, approved, scripted_wechat, django_capture_on_commit_callbacks
):
    payment = _pay_started(people, approved, scripted_wechat)
    lifecycle.withdraw_after_approval(people["hohhot_co"], approved, reason="本人申请退出")
    Payment.objects.filter(pk=payment.pk).update(state=Payment.State.PENDING)  # the close raced a payment
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.apply_transaction(payment, scripted_wechat.success(payment), source="query")
    assert outcome == "second_payment"
    payment.refresh_from_db()
    assert payment.state == Payment.State.REFUNDED
    assert payment.refunds.get().reason == Refund.Reason.OTHER


def test_city_staff_cannot_withdraw_another_citys_application(people, approved):
    with pytest.raises(PermissionDenied):
        lifecycle.withdraw_after_approval(people["baotou_co"], approved, reason="x")


def test_disqualify_is_the_associations(people, approved):
    with pytest.raises(PermissionDenied):
        lifecycle.disqualify(people["hohhot_co"], approved, reason="x")


def test_the_offline_provider_refuses_what_it_cannot_do():
    from payments.providers.base import ProviderError
    from payments.providers.offline import OfflineProvider

    provider = OfflineProvider()
    with pytest.raises(ProviderError, match="不支持在线支付"):
        provider.start(None, channel="cash", description="", expires_at=timezone.now())
    with pytest.raises(ProviderError, match="不支持查询支付状态"):
        provider.query(None)
    assert provider.trade_bill(timezone.localdate()) == []
