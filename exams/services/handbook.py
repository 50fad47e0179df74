"""The 考务手册 of a site: its current files (cached by the data's fingerprint), the audited
download, the co-organizer's submission (a stored snapshot), and the deadline reminders.

Files: `handbooks/cache/site-<pk>/<fingerprint>.pdf|.xlsx` in private storage hold the
handbook as the data is now; any change to what it prints (a seat, a name, a photo, a staff
assignment, a room's place) changes the fingerprint, and the next read renders again and drops
the stale pair. A submission copies the current pair under `handbooks/<year>/` and never
changes after: later edits make new cache files, not new snapshots.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.permissions import require, same_city
from audit.services import record
from catalog.models import Campaign
from exams import handbook_selectors as selectors
from exams.handbook_data import HandbookData, fingerprint
from exams.handbook_pdf import render_handbook
from exams.handbook_xlsx import render_handbook_xlsx
from exams.models import Arrangement, HandbookSubmission, Site
from exams.services.common import require_arranger
from notifications.models import Message
from notifications.services import notify
from skillcert.lib.workdays import working_days_between
from skillcert.refusals import TransitionRefused
from skillcert.storage import private_storage

logger = logging.getLogger(__name__)

CACHE_DIR = "handbooks/cache"
REMINDER_KINDS = {"soon": "exams.handbook_due_soon", "today": "exams.handbook_due_today"}
SOON = 2  # working days before the due day


@dataclass(frozen=True)
class HandbookFiles:
    fingerprint: str
    pdf: str  # names in private storage
    xlsx: str
    data: HandbookData


def _folder(site: Site) -> str:
    return f"{CACHE_DIR}/site-{site.pk}"


def _read_photo(names: dict[str, str], sha256: str) -> bytes | None:
    name = names.get(sha256)
    if not name:
        return None
    try:
        with private_storage.open(name, "rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("photo %s is missing from storage; the sign-in sheet prints none", name)
        return None


def _write(name: str, content: bytes) -> None:
    """Store under exactly `name`; a twin rendered at the same time already holds the same data."""
    if private_storage.exists(name):
        return
    stored = private_storage.save(name, ContentFile(content))
    if stored != name:  # another render won the race: its file says the same
        private_storage.delete(stored)


def _drop_stale(site: Site, keep: str) -> None:
    folder = _folder(site)
    try:
        _dirs, files = private_storage.listdir(folder)
    except FileNotFoundError:
        return
    for file in files:
        if not file.startswith(keep):
            private_storage.delete(f"{folder}/{file}")


def current_files(site: Site) -> HandbookFiles:
    """The handbook as the data is now: the cached pair when the fingerprint matches, else rendered."""
    data = selectors.handbook_data(site)
    key = fingerprint(data)
    pdf, xlsx = f"{_folder(site)}/{key}.pdf", f"{_folder(site)}/{key}.xlsx"
    if not (private_storage.exists(pdf) and private_storage.exists(xlsx)):
        photos = selectors.photo_files(site)
        _write(pdf, render_handbook(data, photo=lambda sha: _read_photo(photos, sha)))
        _write(xlsx, render_handbook_xlsx(data))
        _drop_stale(site, keep=key)
    return HandbookFiles(key, pdf, xlsx, data)


def read_file(name: str) -> bytes:
    with private_storage.open(name, "rb") as handle:
        return handle.read()


def require_reader(actor, site: Site) -> None:
    """The handbook carries names and photos: its city's co-organizer and regulator, the association."""
    require(actor, "exams.handbook")
    if not same_city(actor, site.city_id):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("another city's handbook")


@transaction.atomic
def record_download(actor, site: Site, *, fmt: str, key: str, submission: HandbookSubmission | None = None) -> None:
    """One audit event per file served, written before it leaves."""
    require_reader(actor, site)
    after = {"format": fmt, "fingerprint": key}
    if submission is not None:
        after["submission"] = submission.pk
    record("exams.handbook.downloaded", actor=actor, obj=site, after=after, city=site.city)


# --- the submission ---------------------------------------------------------------------------


def submit(actor, site: Site, *, now: datetime | None = None) -> tuple[HandbookSubmission, bool]:
    """The co-organizer hands in the site's handbook as it is now: (the submission, whether new).

    Refused before the tickets are published (the handbook has no ticket numbers yet). The
    same content handed in again (a double click) returns the latest submission; changed
    content is a resubmission, kept beside the earlier ones. After the due day it is late."""
    require_arranger(actor, site.city_id)
    published = Arrangement.objects.filter(
        campaign=site.campaign_id, city=site.city_id, state=Arrangement.State.PUBLISHED
    ).exists()
    if not published:
        raise TransitionRefused(_("准考证尚未发布，考务手册还没有准考证号，请发布准考证后再提交。"))
    files = current_files(site)  # rendering takes seconds: outside the transaction
    pdf, xlsx = read_file(files.pdf), read_file(files.xlsx)
    return _store_submission(actor, site, files, pdf, xlsx, now or timezone.now())


@transaction.atomic
def _store_submission(actor, site, files: HandbookFiles, pdf: bytes, xlsx: bytes, now: datetime):
    site = Site.objects.select_for_update().select_related("campaign", "city").get(pk=site.pk)
    digest = hashlib.sha256(pdf).hexdigest()  # the PDF's bytes follow the data exactly
    latest = HandbookSubmission.objects.filter(site=site).first()
    if latest is not None and latest.sha256 == digest:
        return latest, False
    due = selectors.deadline(site.campaign, timezone.localdate(now)).due
    late = selectors.is_late(now, due)
    stamp = f"{timezone.localtime(now):%Y%m%d-%H%M%S}"
    submission = HandbookSubmission(site=site, submitted_by=actor, submitted_at=now, sha256=digest)
    submission.pdf.save(f"site-{site.pk}-{stamp}.pdf", ContentFile(pdf), save=False)
    submission.xlsx.save(f"site-{site.pk}-{stamp}.xlsx", ContentFile(xlsx), save=False)
    try:
        submission.save()
    except Exception:
        submission.pdf.delete(save=False)  # the row was not written: leave no file behind
        submission.xlsx.delete(save=False)
        raise
    record(
        "exams.handbook.submitted",
        actor=actor,
        obj=site,
        after={
            "submission": submission.pk,
            "pdf_sha256": digest,
            "xlsx_sha256": hashlib.sha256(xlsx).hexdigest(),
            "fingerprint": files.fingerprint,
            "candidates": files.data.candidates,
            "rooms": len(files.data.rooms),
            "due": due.isoformat() if due else None,
            "late": late,
            "resubmission": latest is not None,
        },
        city=site.city,
    )
    return submission, True


def get_submission_for(actor, pk: int) -> HandbookSubmission:
    """A submission of a site the actor may read (404 otherwise)."""
    from django.shortcuts import get_object_or_404

    from accounts.permissions import scope_by_city

    require(actor, "exams.handbook")
    submissions = HandbookSubmission.objects.select_related("site__city", "site__campaign")
    return get_object_or_404(scope_by_city(submissions, actor, city_field="site__city"), pk=pk)


# --- reminders ---------------------------------------------------------------------------------


def _stage(campaign: Campaign, today: date) -> tuple[str, date] | None:
    """ "soon" within 2 working days before the due day, "today" on it, else None."""
    due = selectors.deadline(campaign, today).due
    if due is None or today > due:
        return None
    if today == due:
        return "today", due
    left = working_days_between(today, due, selectors._holidays())
    return ("soon", due) if left <= SOON else None


def send_reminders(today: date | None = None) -> int:
    """Tell each co-organizer whose city has not handed in every site's handbook: once when
    the due day is 2 working days away (or nearer), once on the day. Returns messages sent."""
    today = today or timezone.localdate()
    sent = 0
    for campaign in Campaign.objects.filter(exam_date__gte=today):
        stage = _stage(campaign, today)
        if stage is not None:
            sent += _remind(campaign, *stage)
    return sent


@transaction.atomic
def _remind(campaign: Campaign, stage: str, due: date) -> int:
    """The campaign's row is locked: two runs at once queue here, and the second finds the messages."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    kind = REMINDER_KINDS[stage]
    sent = 0
    for city in selectors.cities_needing_a_handbook(campaign):
        recipients = User.objects.filter(role=Role.CO_ORGANIZER, city=city, is_active=True)
        told = set(
            Message.objects.filter(
                kind=kind, object_type="catalog.campaign", object_id=str(campaign.pk), recipient__in=recipients
            ).values_list("recipient_id", flat=True)
        )
        for user in recipients.exclude(pk__in=told):
            context = {"campaign": campaign, "city": city, "due": f"{due:%Y年%-m月%-d日}", "url": _page(campaign)}
            notify(user, kind, context=context, obj=campaign)
            sent += 1
    return sent


def _page(campaign: Campaign) -> str:
    from django.urls import reverse

    return reverse("exams:handbooks") + f"?campaign={campaign.slug}"
