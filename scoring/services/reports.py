"""The 汇总表 and its signed scan, the 人员名册 and the materials zip: the audited downloads and the
regulator's upload of the scan (notice 六.二, 九.三).

Every file that carries names or ID numbers leaves with one audit event, written before it is sent.
"""

import uuid
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.permissions import require, same_city
from audit.services import record
from catalog.models import Campaign, City
from scoring.models import SummaryScan
from scoring.report_selectors import READS, require_city_reader
from skillcert.uploads import (
    DOCUMENT_MAX_BYTES,
    CheckedUpload,
    StoredFile,
    UploadRejected,
    check_pdf,
    check_size,
    detect_kind,
    reencode_image,
    refuse_type,
)
from skillcert.uploads.files import IMAGE_KINDS
from skillcert.uploads.images import stored_file

SCAN_MAX_BYTES = DOCUMENT_MAX_BYTES  # a scanned page or a phone photo of it


def require_scan_uploader(actor: User, city: City) -> None:
    """The city's regulator (scoring.reports, a regulator of that city); 403 otherwise."""
    require(actor, READS)
    if actor.role != Role.REGULATOR or not same_city(actor, city.pk):
        raise PermissionDenied("only the city's regulator hands in its summary")


def check_scan(data: bytes) -> tuple[CheckedUpload, StoredFile]:
    """A PDF (the safety walk of `check_pdf`) or an image (JPEG, PNG, BMP; pixel bombs refused from
    the header, stored re-encoded without metadata); refused with the reason otherwise."""
    check_size(data, SCAN_MAX_BYTES, _("汇总表扫描件"))
    kind = detect_kind(data)
    if kind == "pdf":
        checked = check_pdf(data)
        return checked, stored_file(data, "pdf", notes=())
    if kind not in IMAGE_KINDS:
        raise refuse_type(kind, expected=" PDF 或图片", accepted="PDF、JPG、PNG 或 BMP", noun=_("扫描件"))
    stored = reencode_image(data, kind)  # opens it with `open_image` first: pixel bombs refused from the header
    return CheckedUpload(kind, stored.extension, stored.content_type, len(data), stored.sha256), stored


def upload_summary_scan(actor: User, campaign: Campaign, city: City, data: bytes) -> SummaryScan:
    """The regulator hands in the signed and stamped 汇总表 (a new scan beside the earlier ones; the
    latest counts). The same file again returns the latest scan. Raises UploadRejected (nothing
    stored) or PermissionDenied. The client's file name is never used."""
    require_scan_uploader(actor, city)
    _checked, stored = check_scan(data)
    latest = SummaryScan.objects.filter(campaign=campaign, city=city).first()
    if latest is not None and latest.sha256 == stored.sha256:
        return latest  # a double click, or the same file twice
    storage = SummaryScan.file.field.storage
    name = storage.save(f"summaries/{campaign.year}/{uuid.uuid4().hex}{stored.extension}", ContentFile(stored.data))
    try:
        with transaction.atomic():
            scan = _store(actor, campaign, city, stored, name)
    except BaseException:
        storage.delete(name)  # the row was not written: leave no file behind
        raise
    return scan


def _store(actor: User, campaign: Campaign, city: City, stored: StoredFile, name: str) -> SummaryScan:
    # The campaign's row is the lock: two uploads of one city at once are written one after the other.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    latest = SummaryScan.objects.filter(campaign=campaign, city=city).first()
    scan = SummaryScan.objects.create(
        campaign=campaign,
        city=city,
        file=name,
        content_type=stored.content_type,
        size=len(stored.data),
        sha256=stored.sha256,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    record(
        "scoring.summary.scan_uploaded",
        actor=actor,
        obj=scan,
        before={"scan": latest.pk} if latest else None,
        after={"scan": scan.pk, "sha256": stored.sha256, "size": len(stored.data), "type": stored.content_type},
        city=city,
    )
    return scan


@transaction.atomic
def record_summary_download(actor: User, campaign: Campaign, city: City, *, fmt: str, scan: int | None = None) -> None:
    require_city_reader(actor, city.pk)
    after: dict[str, str | int] = {"format": fmt, "campaign": campaign.pk}
    if scan is not None:
        after["scan"] = scan
    record("scoring.summary.downloaded", actor=actor, obj=city, after=after, city=city)


@transaction.atomic
def record_roster_download(
    actor: User, campaign: Campaign, city: City, *, fmt: str, full_ids: bool, lines: int
) -> None:
    """Every roster that leaves (names; ID numbers masked or in full) is one event."""
    require_city_reader(actor, city.pk)
    after = {"format": fmt, "campaign": campaign.pk, "full_id_numbers": full_ids, "lines": lines}
    record("scoring.roster.downloaded", actor=actor, obj=city, after=after, city=city)


def require_materials_reader(actor: User, city: City) -> None:
    """The zip holds ID card scans and the printed 申报表 with full ID and phone numbers: the
    printouts' capability (the association) as well as scoring.reports of the city."""
    require_city_reader(actor, city.pk)
    require(actor, "documents.print")


@transaction.atomic
def record_materials_download(actor: User, campaign: Campaign, city: City, application_ids: Sequence[int]) -> None:
    require_materials_reader(actor, city)
    after = {"campaign": campaign.pk, "candidates": len(application_ids), "applications": list(application_ids)}
    record("scoring.materials.downloaded", actor=actor, obj=city, after=after, city=city)


__all__ = [
    "UploadRejected",
    "check_scan",
    "record_materials_download",
    "record_roster_download",
    "record_summary_download",
    "require_materials_reader",
    "require_scan_uploader",
    "upload_summary_scan",
]
