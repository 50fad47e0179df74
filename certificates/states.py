"""Every state change of a certificate; nothing else assigns `Certificate.state`.

    valid → revoked   (九.二 取消证书: the association, with the day and the reason)
    valid → replaced  (re-issued with a new number for a lost or corrected certificate)

A revoked or replaced certificate never becomes valid again; its number is never given again.
Called by the certificates' lifecycle receivers, inside the application's transition.
"""

from datetime import date

from certificates.models import Certificate


def revoke(certificate: Certificate, *, on: date, reason: str) -> Certificate:
    certificate.state = Certificate.State.REVOKED
    certificate.revoked_on = on
    certificate.revocation_reason = reason[:500]
    certificate.save(update_fields=["state", "revoked_on", "revocation_reason"])
    return certificate


def replace(certificate: Certificate) -> Certificate:
    """The old certificate of a re-issue: out of force before its successor is created (one valid
    certificate per application, a database constraint)."""
    certificate.state = Certificate.State.REPLACED
    certificate.save(update_fields=["state"])
    return certificate
