"""七: the co-organizer tells holders (or their units) that certificates have arrived and records
each collection: by the holder (ID checked) or by the unit (unit and collector), date and staff."""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import has_capability, same_city
from applications import lifecycle
from audit.services import record
from catalog.models import Campaign, City
from certificates.models import Certificate, Handout
from notifications.services import Notice, notify_many
from skillcert.refusals import TransitionRefused


def hand_out(
    actor: User,
    certificate: Certificate,
    *,
    way: str,
    collector: str = "",
    unit: str = "",
    id_checked: bool = False,
    collected_on: date | None = None,
    note: str = "",
) -> Certificate:
    """Record that a valid certificate was collected; refused with a message otherwise."""
    today = timezone.localdate()
    collected_on = collected_on or today
    if not certificate.is_valid:
        raise TransitionRefused(_("该证书已%(state)s，不能发放。") % {"state": certificate.get_state_display()})
    if way == Handout.Way.HOLDER:
        if not id_checked:
            raise TransitionRefused(_("本人领取须核验身份证件，请核验后勾选。"))
        collector, unit = certificate.name, ""
    elif way == Handout.Way.UNIT:
        if not unit.strip() or not collector.strip():
            raise TransitionRefused(_("单位代领须填写代领单位和领取人姓名。"))
    else:
        raise TransitionRefused(_("请选择领取方式。"))
    if collected_on > today:
        raise TransitionRefused(_("领取日期不能晚于今天。"))
    if collected_on < certificate.issued_on:
        raise TransitionRefused(_("领取日期不能早于发证日期。"))
    lifecycle.deliver(
        actor,
        certificate.application,
        way=way,
        collector=collector.strip(),
        unit=unit.strip(),
        collected_on=collected_on,
        note=note.strip(),
    )
    certificate.refresh_from_db()
    return certificate


@transaction.atomic
def hand_out_to_unit(
    actor: User,
    certificates: Sequence[Certificate],
    *,
    unit: str,
    collector: str,
    collected_on: date | None = None,
    note: str = "",
) -> int:
    """A unit collects several of its staff's certificates at once (七: 通知考生单位领取): each
    recorded as `hand_out` records it, all or none. Returns how many were handed out."""
    if not certificates:
        raise TransitionRefused(_("请选择要由单位代领的证书。"))
    for certificate in certificates:
        hand_out(
            actor,
            certificate,
            way=Handout.Way.UNIT,
            unit=unit,
            collector=collector,
            collected_on=collected_on,
            note=note,
        )
    return len(certificates)


@transaction.atomic
def tell_arrival(actor: User, campaign: Campaign, city: City) -> int:
    """Tell each holder of the city whose certificate is uncollected and who was not told yet that it
    has arrived (once each). Returns how many were told."""
    if not (has_capability(actor, "certificates.handout") and same_city(actor, city.pk)):
        raise PermissionDenied("not the co-organizer of this city")
    waiting = list(
        Certificate.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, city=city, state=Certificate.State.VALID, handout__isnull=True)
        .filter(arrival_told_at__isnull=True)
        .select_related("application__applicant", "application__campaign", "application__occupation")
        .select_related("application__level", "application__city")
    )
    now = timezone.now()
    Certificate.objects.filter(pk__in=[c.pk for c in waiting]).update(arrival_told_at=now)
    notify_many(
        "certificates.arrived",
        [
            Notice(
                c.application.applicant,
                {
                    "application": c.application,
                    "certificate": c,
                    "url": reverse("applications:detail", args=[c.application_id]),
                },
                c.application,
            )
            for c in waiting
        ],
    )
    if waiting:
        record(
            "certificates.arrival_told", actor=actor, obj=city, after={"campaign": campaign.slug, "told": len(waiting)}
        )
    return len(waiting)
