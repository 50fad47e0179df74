"""Notifications for one order arriving at the same moment, on PostgreSQL's row locks."""

import threading

import pytest
from django.db import connection, connections

from applications.models import Status
from payments import services
from payments.models import Order, Payment, Refund

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (make test runs this file on PostgreSQL too)")


def _race(calls) -> list[str]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            outcomes.append(call())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_eight_simultaneous_notifications_pay_the_order_once(postgres_only, people, approved, scripted_wechat):
    order = services.open_order(people["applicant"], approved)
    payment = services.start_payment(people["applicant"], order, channel="native").payment
    txn = scripted_wechat.success(payment)
    outcomes = _race([lambda: services.apply_transaction(payment, txn, source="notify")] * 8)
    assert sorted(outcomes) == ["applied"] + ["duplicate"] * 7
    approved.refresh_from_db()
    assert approved.status == Status.PAID
    assert Payment.objects.filter(state=Payment.State.CONFIRMED).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_attempts_paid_at_once_pay_the_order_once_and_refund_the_other(
    postgres_only, people, approved, scripted_wechat
):
    order = services.open_order(people["applicant"], approved)
    first = services.start_payment(people["applicant"], order, channel="native").payment
    second = services.start_payment(people["applicant"], order, channel="jsapi", openid="o-payer").payment
    calls = [
        lambda: services.apply_transaction(first, scripted_wechat.success(first), source="notify"),
        lambda: services.apply_transaction(second, scripted_wechat.success(second), source="notify"),
    ]
    outcomes = _race(calls)
    assert sorted(outcomes) == ["applied", "second_payment"]
    order.refresh_from_db()
    assert order.state == Order.State.PAID and order.flagged
    assert Refund.objects.get().reason == Refund.Reason.DUPLICATE


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_signed_notification_posted_eight_times_at_once_pays_once(postgres_only, people, approved, wechat_sim):
    from payments.models import ProviderNotification

    order = services.open_order(people["applicant"], approved)
    payment = services.start_payment(people["applicant"], order, channel="native").payment
    headers, body = wechat_sim.notification(payment)
    answers = _race([lambda: wechat_sim.post_notification(headers, body).status_code] * 8)
    assert answers == [204] * 8
    # (Paying on the simulator may already have delivered the same notification once.)
    outcomes = list(ProviderNotification.objects.values_list("outcome", flat=True))
    assert outcomes.count("applied") == 1
    assert set(outcomes) == {"applied", "duplicate"} and len(outcomes) >= 8
    approved.refresh_from_db()
    assert approved.status == Status.PAID
    assert Payment.objects.get().state == Payment.State.CONFIRMED
