"""Notifications: encrypted and signed like WeChat's, delivered after commit, retried, logged."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from payments.models import Payment
from paysim import services
from paysim.models import SimNotification

pytestmark = pytest.mark.django_db
RECEIVER = "http://merchant.test/notify"


@pytest.fixture
def paid_to_receiver(wechat_sim, settings):
    """A paid order whose notify_url is a fake merchant (answers set per test)."""

    def pay(statuses: list[int] | None = None):
        settings.WECHATPAY_NOTIFY_URL = RECEIVER
        log = wechat_sim.receiver(RECEIVER, statuses)
        payment = Payment(out_trade_no="SCDLV0000001", amount=Decimal("180.00"))
        wechat_sim.provider.start(
            payment, channel="native", description="认定费", expires_at=timezone.now() + timedelta(hours=1)
        )
        wechat_sim.pay(payment)
        return payment, log

    return pay


def test_a_delivered_notification_is_what_the_adapter_accepts(wechat_sim, paid_to_receiver):
    payment, log = paid_to_receiver()
    (sent,) = log
    body = json.loads(sent.body)
    assert body["event_type"] == "TRANSACTION.SUCCESS" and body["resource_type"] == "encrypt-resource"
    assert body["resource"]["original_type"] == "transaction"
    assert body["resource"]["algorithm"] == "AEAD_AES_256_GCM"
    assert body["summary"] == "支付成功"
    notice = wechat_sim.provider.parse_notification(sent.headers, sent.body)
    assert notice.transaction.out_trade_no == payment.out_trade_no and notice.notification_id == body["id"]
    (record,) = wechat_sim.notifications()
    assert (record.state, record.attempts, record.log[0]["status"]) == ("delivered", 1, 204)


def test_failures_are_retried_with_a_fresh_signature(wechat_sim, paid_to_receiver):
    _, log = paid_to_receiver(statuses=[500, 503])
    assert len(log) == 3
    assert len({sent.headers["Wechatpay-Nonce"] for sent in log}) == 3
    assert {sent.body for sent in log} == {log[0].body}  # same notification, same id
    (record,) = wechat_sim.notifications()
    assert record.state == "delivered" and [entry["status"] for entry in record.log] == [500, 503, 204]


def test_delivery_gives_up_after_the_last_retry(wechat_sim, paid_to_receiver):
    _, log = paid_to_receiver(statuses=[500] * 20)
    assert len(log) == len(services.RETRY_DELAYS) + 1
    (record,) = wechat_sim.notifications()
    assert record.state == SimNotification.State.FAILED and record.next_attempt_at is None


def test_an_unreachable_merchant_is_logged(wechat_sim, settings):
    settings.WECHATPAY_NOTIFY_URL = "http://unreachable.test/notify"
    payment = Payment(out_trade_no="SCDLV0000002", amount=Decimal("1.00"))
    wechat_sim.provider.start(payment, channel="native", description="认定费", expires_at=timezone.now() + timedelta(1))
    wechat_sim.pay(payment, deliver=False)
    assert wechat_sim.deliver_pending() == ["pending"]
    (record,) = wechat_sim.notifications()
    assert "ConnectionError" in record.log[0]["error"] and record.next_attempt_at is not None


def test_nothing_is_delivered_before_commit(wechat_sim, paid_to_receiver, settings):
    settings.WECHATPAY_NOTIFY_URL = RECEIVER
    log = wechat_sim.receiver(RECEIVER)
    payment = Payment(out_trade_no="SCDLV0000003", amount=Decimal("1.00"))
    wechat_sim.provider.start(payment, channel="native", description="认定费", expires_at=timezone.now() + timedelta(1))
    services.pay(payment.out_trade_no)  # inside the test's transaction: never committed
    assert log == []
    assert wechat_sim.deliver_pending() == ["delivered"] and len(log) == 1


def test_refunds_send_refund_success(wechat_sim, paid_to_receiver):
    from payments.models import Refund

    payment, log = paid_to_receiver()
    refund = Refund(payment=payment, out_refund_no="RFDLV0000001", amount=Decimal("80.00"), reason="withdrawal")
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        wechat_sim.provider.refund(refund, total=payment.amount)
    assert len(log) == 2
    notice = wechat_sim.provider.parse_notification(log[1].headers, log[1].body)
    assert notice.event_type == "REFUND.SUCCESS"
    assert (notice.refund.out_refund_no, notice.refund.state, notice.refund.amount_fen) == (
        "RFDLV0000001",
        "SUCCESS",
        8000,
    )
