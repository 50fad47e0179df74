"""Sending one-time codes in the background, by the code row's id.

The text exists in clear only in the row's encrypted `outgoing` field until it is sent,
and is emptied whatever the outcome: a code is never retried (it is short-lived; the user
asks for another) and never logged. Only the console SMS backend of the demo writes it out.
"""

import logging

from django.db import transaction
from django.tasks import task

from accounts.models import PhoneCode
from notifications import channels
from notifications.models import Channel

logger = logging.getLogger(__name__)


@task
def send_phone_code(code_id: int) -> str:
    with transaction.atomic():
        row = PhoneCode.objects.select_for_update().filter(pk=code_id).first()
        if row is None or not row.outgoing or not row.to:
            return "nothing"
        to, text = row.to, row.outgoing
        PhoneCode.objects.filter(pk=row.pk).update(outgoing="", to="")
    if not channels.enabled(Channel.SMS):
        logger.warning("phone code %s not sent: no SMS backend configured", code_id)
        return "disabled"
    try:
        channels.backend(Channel.SMS).send_text(to, text, f"skillcert-code-{code_id}")
    except Exception as error:  # any gateway failure; its message may echo the text, so only the type
        logger.warning("phone code %s not sent: %s", code_id, type(error).__name__)
        return "failed"
    return "sent"
