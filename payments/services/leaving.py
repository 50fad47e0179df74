"""考前退出 and 取消资格: the reasons for a refund; an unpaid order is canceled."""

import logging

from django.db import transaction

from accounts.models import User
from applications import lifecycle
from applications.models import Application
from audit.services import record
from payments.models import Order
from payments.services.common import OPEN_PAYMENT_STATES
from payments.services.paying import close_payment

logger = logging.getLogger(__name__)


# --- Leaving after approval (the reasons for a refund) -------------------------------------------


def withdraw_after_approval(actor: User, application: Application, *, reason: str) -> Application:
    """Staff record 考前退出; an unpaid order is canceled and its open payments closed."""
    application = lifecycle.withdraw_after_approval(actor, application, reason=reason)
    _cancel_unpaid_order(application, actor)
    return application


def disqualify(actor: User, application: Application, *, reason: str) -> Application:
    """The association disqualifies (取消资格); an unpaid order is canceled."""
    application = lifecycle.disqualify(actor, application, reason=reason)
    _cancel_unpaid_order(application, actor)
    return application


def _cancel_unpaid_order(application: Application, actor: User) -> None:
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(application=application).first()
        if order is None or order.state != Order.State.PENDING:
            return
        order.state = Order.State.CANCELED
        order.save(update_fields=["state"])
        record(
            "payments.order.canceled", actor=actor, obj=order, before={"state": "pending"}, after={"state": "canceled"}
        )
    for payment in order.payments.filter(state__in=OPEN_PAYMENT_STATES):
        close_payment(payment)
