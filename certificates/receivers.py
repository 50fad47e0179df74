"""What certificates do when an application moves: registered on the lifecycle in
CertificatesConfig.ready. Each writes only certificates' rows, inside the transition."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from applications import lifecycle
from applications.models import Application
from audit.services import record
from certificates import states
from certificates.models import Certificate, Handout
from certificates.services.issuing import create_certificates
from notifications.services import notify


@lifecycle.on_many(lifecycle.Transition.CERTIFY)
def issue_certificates(
    applications: Sequence[Application],
    *,
    actor: User | None,
    before: str,
    after: str,
    contexts: Sequence[Mapping[str, Any]],
) -> None:
    if not applications or actor is None:
        return
    create_certificates(applications, actor=actor, issued_on=contexts[0]["issued_on"], batch=contexts[0].get("batch"))


def _valid(application: Application) -> Certificate:
    return Certificate.objects.select_for_update().get(application=application, state=Certificate.State.VALID)


@lifecycle.on(lifecycle.Transition.DELIVER)
def record_handout(
    application: Application, *, actor: User | None, before: str, after: str, context: Mapping[str, Any]
) -> None:
    certificate = _valid(application)
    handout = Handout(
        certificate=certificate,
        way=context["way"],
        unit=str(context.get("unit", "")).strip(),
        collector=str(context["collector"]).strip(),
        collected_on=context.get("collected_on") or timezone.localdate(),
        note=str(context.get("note", "")).strip(),
        recorded_by=actor,
    )
    handout.full_clean(exclude=["certificate", "recorded_by"])
    handout.save()
    record(
        "certificates.handed_out",
        actor=actor,
        obj=certificate,
        after={"way": handout.way, "unit": handout.unit, "collector": handout.collector},
    )


@lifecycle.on(lifecycle.Transition.REVOKE_CERTIFICATE)
def revoke(
    application: Application, *, actor: User | None, before: str, after: str, context: Mapping[str, Any]
) -> None:
    certificate = states.revoke(_valid(application), on=timezone.localdate(), reason=str(context["reason"]))
    record(
        "certificates.revoked",
        actor=actor,
        obj=certificate,
        after={"state": certificate.state, "reason": certificate.revocation_reason},
    )
    notify(
        application.applicant,
        "certificates.revoked",
        context={
            "application": application,
            "certificate": certificate,
            "url": reverse("applications:detail", args=[application.pk]),
        },
        obj=application,
    )


@lifecycle.on(lifecycle.Transition.REISSUE_CERTIFICATE)
def reissue(
    application: Application, *, actor: User | None, before: str, after: str, context: Mapping[str, Any]
) -> None:
    if actor is None:
        return
    old = states.replace(_valid(application))
    issued_on: date = context["issued_on"]
    (new,) = create_certificates([application], actor=actor, issued_on=issued_on, replacing={application.pk: old})
    record(
        "certificates.replaced",
        actor=actor,
        obj=old,
        after={"state": old.state, "replaced_by": new.number, "reason": str(context["reason"])},
    )
