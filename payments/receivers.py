"""What payments does when an application moves: registered on the lifecycle in PaymentsConfig.ready.

They run inside the transition's transaction and write only payments' rows; closing an
attempt at WeChat is network work, queued for after the commit.
"""

from collections.abc import Mapping
from typing import Any

from accounts.models import User
from applications import lifecycle
from applications.models import Application
from payments import states, tasks
from payments.models import Order
from skillcert.jobs import enqueue_on_commit


@lifecycle.on(lifecycle.Transition.WITHDRAW_AFTER_APPROVAL)
@lifecycle.on(lifecycle.Transition.DISQUALIFY)
def cancel_unpaid_order(
    application: Application, *, actor: User | None, before: str, after: str, context: Mapping[str, Any]
) -> None:
    """考前退出 / 取消资格: an unpaid order is canceled and its open attempts closed after the commit.
    A paid order stays paid; staff refund it (the reason needs the status this transition set)."""
    order = Order.objects.filter(application=application).first()
    if order is None or not states.cancel_unpaid_order(order, actor=actor):
        return
    for payment_id in order.payments.filter(state__in=states.OPEN_PAYMENT_STATES).values_list("pk", flat=True):
        enqueue_on_commit(tasks.close_payment, payment_id)
