"""allowed_actions(user, order): what each user may do with an order in each state."""

from pathlib import Path

import pytest

from applications import lifecycle
from payments import services
from payments.actions import allowed_actions
from payments.models import Order


@pytest.fixture
def order(people, approved) -> Order:
    return services.open_order(people["applicant"], approved)


def _offline(people, order) -> None:
    services.record_offline_payment(
        people["association"],
        order,
        channel="bank_transfer",
        receipt_number="NM-1",
        amount=str(order.amount),
        paid_on=order.campaign.payment_opens,
    )
    order.refresh_from_db()


def test_the_applicant_may_pay_and_ask_for_an_invoice_of_an_unpaid_order(people, order):
    actions = allowed_actions(people["applicant"], order)
    assert actions.pay and actions.request_invoice
    assert not (actions.record_offline or actions.refund or actions.leave or actions.issue_invoice)


def test_the_association_records_offline_and_may_record_either_way_of_leaving(people, order):
    actions = allowed_actions(people["association"], order)
    assert actions.record_offline and actions.withdraw_after_approval and actions.disqualify
    assert not (actions.pay or actions.request_invoice or actions.refund)


def test_a_co_organizer_may_record_a_withdrawal_but_not_disqualify_or_handle_money(people, order):
    actions = allowed_actions(people["hohhot_co"], order)
    assert actions.withdraw_after_approval and not actions.disqualify
    assert not (actions.record_offline or actions.refund or actions.sync)


def test_another_citys_co_organizer_may_not_record_a_withdrawal(people, order):
    assert not allowed_actions(people["baotou_co"], order).leave


def test_a_paid_order_can_be_refunded_but_not_paid_again(people, order):
    _offline(people, order)
    applicant, association = allowed_actions(people["applicant"], order), allowed_actions(people["association"], order)
    assert not applicant.pay and applicant.request_invoice
    assert association.refund and not association.record_offline
    assert not association.issue_invoice  # nothing asked for yet


def test_the_association_may_issue_an_asked_for_invoice_of_a_paid_order(people, order):
    from payments import invoicing

    invoicing.request_invoice(
        people["applicant"], order, kind="personal", title="王小明", tax_number="", email="wang@example.cn"
    )
    assert not allowed_actions(people["association"], order).issue_invoice  # not paid yet
    _offline(people, order)
    assert allowed_actions(people["association"], order).issue_invoice


def test_an_expired_order_can_still_be_recorded_offline_but_not_paid_online(people, order):
    Order.objects.filter(pk=order.pk).update(state=Order.State.EXPIRED)
    order.refresh_from_db()
    assert allowed_actions(people["association"], order).record_offline
    assert not allowed_actions(people["applicant"], order).pay
    assert not allowed_actions(people["applicant"], order).request_invoice


def test_a_canceled_order_allows_nothing_with_money(people, order):
    lifecycle.disqualify(people["association"], order.application, reason="替考")
    order.refresh_from_db()
    actions = allowed_actions(people["association"], order)
    assert not (actions.record_offline or actions.refund or actions.pay or actions.disqualify)


def test_the_service_refuses_exactly_what_the_actions_do_not_allow(people, order):
    from applications.lifecycle import TransitionRefused

    _offline(people, order)
    assert not allowed_actions(people["association"], order).record_offline
    with pytest.raises(TransitionRefused, match="已缴费"):
        _offline(people, order)


def test_payments_templates_compare_no_state_strings():
    templates = Path(__file__).resolve().parents[1] / "templates"
    strays = [
        f"{path.name}: {line.strip()}"
        for path in templates.rglob("*.html")
        for line in path.read_text().splitlines()
        if any(f"{field} {op} " in line for field in (".state", ".status") for op in ("==", "!="))
    ]
    assert strays == []
