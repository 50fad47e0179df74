"""Giving 证书编号: the body's codes from settings, serials from a locked counter row."""

from django.conf import settings

from certificates.models import CertificateSerial
from certificates.numbering import Body, certificate_number


def body() -> Body:
    """The evaluation body's codes (settings CERTIFICATE_BODY_*); ValueError when misconfigured."""
    return Body(
        kind=settings.CERTIFICATE_BODY_KIND,
        filing=settings.CERTIFICATE_BODY_FILING,
        province=settings.CERTIFICATE_BODY_PROVINCE,
        code=settings.CERTIFICATE_BODY_CODE,
    )


def take_numbers(year: int, level: int, count: int) -> list[str]:
    """`count` consecutive numbers for (body, year, level), in order. Must run inside the issuing
    transaction: the counter row stays locked until it commits, so two issuers queue here, and a
    rolled-back issue gives its serials back (no gaps)."""
    if count <= 0:
        return []
    issuer = body()
    CertificateSerial.objects.get_or_create(body=issuer.prefix, year=year, level=level)
    counter = CertificateSerial.objects.select_for_update().get(body=issuer.prefix, year=year, level=level)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [certificate_number(issuer, year, level, serial) for serial in range(first, first + count)]
