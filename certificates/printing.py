"""What a printed certificate shows, from the register: the record, the full ID number, the photo
of the application and the QR (this site's verification URL carrying the signed record)."""

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.urls import reverse

from applications.models import ApplicationDocument, DocumentSlot
from certificates.certificate_pdf import Calibration
from certificates.models import Certificate, PrintCalibration
from certificates.record import ID_TYPE, PrintedCertificate
from certificates.services.issuing import record_of, scan_url
from skillcert.storage import private_storage


def print_offsets(calibration: PrintCalibration) -> Calibration:
    """The association's calibration as the print takes it."""
    return Calibration(float(calibration.offset_x_mm), float(calibration.offset_y_mm))


def query_addresses() -> tuple[str, ...]:
    """This site's verification page first, then the national and the provincial query."""
    here = f"本平台证书查询 {settings.SITE_URL.rstrip('/')}{reverse('verify:form')}"
    return (here, *settings.CERTIFICATE_QUERY_ADDRESSES)


def _photos(application_ids: list[int]) -> dict[int, str]:
    """The stored photo file of each application, in one query."""
    rows = ApplicationDocument.objects.filter(application__in=application_ids, slot=DocumentSlot.PHOTO).order_by("pk")
    return {document.application_id: document.file.name or "" for document in rows}


def _read(name: str | None) -> bytes | None:
    if not name:
        return None
    with private_storage.open(name, "rb") as handle:
        return handle.read()


def printed(certificate: Certificate, *, photo: bytes | None = None, read_photo: bool = True) -> PrintedCertificate:
    if photo is None and read_photo:
        photo = _read(_photos([certificate.application_id]).get(certificate.application_id))
    return PrintedCertificate(
        record=record_of(certificate),
        id_type=ID_TYPE,
        id_number=certificate.id_number,
        photo=photo,
        qr=scan_url(certificate.credential),
        query_addresses=query_addresses(),
    )


def printed_many(certificates: Iterable[Certificate], chunk: int = 200) -> Iterator[PrintedCertificate]:
    """A batch for printing: photos looked up per chunk (one query each), read one at a time."""
    pending: list[Certificate] = []
    for certificate in certificates:
        pending.append(certificate)
        if len(pending) == chunk:
            yield from _chunk(pending)
            pending = []
    yield from _chunk(pending)


def _chunk(certificates: list[Certificate]) -> Iterator[PrintedCertificate]:
    photos = _photos([c.application_id for c in certificates])
    for certificate in certificates:
        yield printed(certificate, photo=_read(photos.get(certificate.application_id)), read_photo=False)
