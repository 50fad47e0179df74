"""Telling an objector the outcome, by SMS to the contact they gave (they need no account)."""

import logging
from typing import cast

from django.tasks import task

from notifications import channels
from notifications.models import Channel
from scoring.models import Objection

logger = logging.getLogger(__name__)


def objector_text(objection: Objection) -> str:
    outcome = objection.outcome if len(objection.outcome) <= 120 else objection.outcome[:118] + "……"
    return (
        f"【职业技能等级认定】您对{objection.publicity.city.name}成绩公示提出的异议（受理编号 {objection.reference}）"
        f"已有调查结果：{outcome} 可凭受理编号在公示页面查询。"
    )


@task
def tell_objector(objection_id: int) -> str:
    objection = Objection.objects.select_related("publicity__city").filter(pk=objection_id).first()
    if objection is None or objection.state != Objection.State.ANSWERED:
        return "nothing"
    if not channels.enabled(Channel.SMS):
        logger.warning("objection %s: no SMS backend configured", objection_id)
        return "disabled"
    try:
        sms = cast(channels.TextChannel, channels.backend(Channel.SMS))  # SMS backends send plain texts
        sms.send_text(objection.contact_phone, objector_text(objection), f"skillcert-objection-{objection.pk}")
    except Exception as error:  # any gateway failure; the outcome stays on the status page
        logger.warning("objection %s not told: %s", objection_id, type(error).__name__)
        return "failed"
    return "sent"
