"""Every state change of a certificate; nothing else assigns `Certificate.state`.

    valid → revoked   (九.二 取消证书: the association, with the day and the reason)
    valid → replaced  (re-issued with a new number for a lost or corrected certificate)

A revoked or replaced certificate never becomes valid again; its number is never given again.
Called by the certificates' lifecycle receivers, inside the application's transition. Each change
renews the public data version: the verification answers every worker holds are dropped.
"""

from datetime import date

from certificates.models import Certificate
from skillcert.public_cache import public_data_changed


def revoke(certificate: Certificate, *, on: date, reason: str) -> Certificate:
    certificate.state = Certificate.State.REVOKED
    certificate.revoked_on = on
    certificate.revocation_reason = reason[:500]
    certificate.save(update_fields=["state", "revoked_on", "revocation_reason"])
    public_data_changed()  # every worker answers the verification afresh
    return certificate


def replace(certificate: Certificate) -> Certificate:
    """The old certificate of a re-issue: out of force before its successor is created (one valid
    certificate per application, a database constraint)."""
    certificate.state = Certificate.State.REPLACED
    certificate.save(update_fields=["state"])
    public_data_changed()
    return certificate
