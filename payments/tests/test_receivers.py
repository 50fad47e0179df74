"""Leaving after approval through the lifecycle: one call does what payments needs, whoever calls it."""

import pytest

from applications import lifecycle
from applications.lifecycle import Transition
from applications.models import Status
from audit.models import AuditEvent
from payments import receivers, services
from payments.models import Order, Payment


def _unpaid_order(people, approved) -> Order:
    return services.open_order(people["applicant"], approved)


def test_disqualifying_through_the_lifecycle_closes_the_unpaid_order(
    people, approved, scripted_wechat, django_capture_on_commit_callbacks
):
    order = _unpaid_order(people, approved)
    payment = services.start_payment(people["applicant"], order, channel="native").payment
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.disqualify(people["association"], approved, reason="替考")
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.state == Order.State.CANCELED
    assert payment.state == Payment.State.CANCELED
    assert scripted_wechat.closed == [payment.out_trade_no]
    canceled = AuditEvent.objects.get(action="payments.order.canceled")
    assert canceled.actor == people["association"]


def test_the_order_is_canceled_in_the_transitions_transaction_and_the_provider_is_asked_after_it(
    people, approved, scripted_wechat, django_capture_on_commit_callbacks
):
    order = _unpaid_order(people, approved)
    services.start_payment(people["applicant"], order, channel="native")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lifecycle.withdraw_after_approval(people["hohhot_co"], approved, reason="本人申请退出")
        order.refresh_from_db()
        assert order.state == Order.State.CANCELED  # written before the commit
    assert scripted_wechat.closed == []  # no network call inside the transaction
    assert len(callbacks) >= 1


def test_a_paid_order_stays_paid_when_its_applicant_withdraws(people, approved, scripted_wechat):
    order = _unpaid_order(people, approved)
    payment = services.start_payment(people["applicant"], order, channel="native").payment
    services.apply_transaction(payment, scripted_wechat.success(payment), source="notify")
    lifecycle.withdraw_after_approval(people["hohhot_co"], approved, reason="本人申请退出")
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert not AuditEvent.objects.filter(action="payments.order.canceled").exists()


def test_disqualifying_twice_cancels_the_order_once(people, approved):
    _unpaid_order(people, approved)
    lifecycle.disqualify(people["association"], approved, reason="替考")
    lifecycle.disqualify(people["association"], approved, reason="替考")
    assert AuditEvent.objects.filter(action="payments.order.canceled").count() == 1


def test_a_failing_receiver_undoes_the_whole_transition(people, approved, monkeypatch):
    order = _unpaid_order(people, approved)

    def refuse(application, *, actor, before, after, context):
        raise RuntimeError("a receiver failed")

    registered = lifecycle.receivers(Transition.DISQUALIFY)
    monkeypatch.setitem(lifecycle._receivers, Transition.DISQUALIFY, [*registered, refuse])
    with pytest.raises(RuntimeError):
        lifecycle.disqualify(people["association"], approved, reason="替考")
    approved.refresh_from_db()
    order.refresh_from_db()
    assert approved.status == Status.APPROVED
    assert order.state == Order.State.PENDING
    assert not AuditEvent.objects.filter(action__in=["applications.disqualified", "payments.order.canceled"]).exists()


def test_payments_listens_to_both_ways_of_leaving():
    for transition in (Transition.WITHDRAW_AFTER_APPROVAL, Transition.DISQUALIFY):
        assert receivers.cancel_unpaid_order in lifecycle.receivers(transition)
