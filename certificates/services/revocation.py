"""九.二 取消证书 and re-issue, by the association: thin use cases over the lifecycle (its receivers
change the certificate's state)."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from applications import lifecycle
from certificates.models import Certificate
from skillcert.refusals import TransitionRefused


def _require_valid(certificate: Certificate, doing: str) -> None:
    if not certificate.is_valid:
        raise TransitionRefused(
            _("该证书已%(state)s，不能%(doing)s。") % {"state": certificate.get_state_display(), "doing": doing}
        )


def revoke(actor: User, certificate: Certificate, *, reason: str) -> Certificate:
    _require_valid(certificate, _("撤销"))
    lifecycle.revoke_certificate(actor, certificate.application, reason=reason)
    certificate.refresh_from_db()
    return certificate


def reissue(actor: User, certificate: Certificate, *, reason: str, issued_on: date | None = None) -> Certificate:
    """A new certificate with a new number; returns the new one (the old one reads 已补发新证)."""
    _require_valid(certificate, _("补发"))
    lifecycle.reissue_certificate(
        actor, certificate.application, reason=reason, issued_on=issued_on or timezone.localdate()
    )
    return Certificate.objects.get(replaces=certificate)
