"""The 考务手册 of a site: the audited download, the co-organizer's submission (a stored
snapshot), and the deadline reminders. Its current files, rendered in the background and cached
by the data's fingerprint, are `exams.services.handbook_files`.

A submission copies the current pair under `handbooks/<year>/` and never changes after: later
edits make new cache files, not new snapshots. It is refused while the pair is being rendered.
"""

import hashlib
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
from exams.models import Arrangement, HandbookSubmission, Site
from exams.services.common import require_arranger
from exams.services.handbook_files import HandbookFiles, current_status, read_file
from notifications.models import Message
from notifications.services import notify
from skillcert.lib.workdays import working_days_between
from skillcert.refusals import TransitionRefused

REMINDER_KINDS = {"soon": "exams.handbook_due_soon", "today": "exams.handbook_due_today"}
SOON = 2  # working days before the due day


def require_reader(actor: User, site: Site) -> None:
    """The handbook carries names and photos: its city's co-organizer and regulator, the association."""
    require(actor, "exams.handbook")
    if not same_city(actor, site.city_id):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("another city's handbook")


@transaction.atomic
def record_download(
    actor: User, site: Site, *, fmt: str, key: str, submission: HandbookSubmission | None = None
) -> None:
    """One audit event per file served, written before it leaves."""
    require_reader(actor, site)
    after: dict[str, str | int] = {"format": fmt, "fingerprint": key}
    if submission is not None:
        after["submission"] = submission.pk
    record("exams.handbook.downloaded", actor=actor, obj=site, after=after, city=site.city)


# --- the submission ---------------------------------------------------------------------------


def submit(actor: User, site: Site, *, now: datetime | None = None) -> tuple[HandbookSubmission, bool]:
    """The co-organizer hands in the site's handbook as it is now: (the submission, whether new).

    Refused before the tickets are published (the handbook has no ticket numbers yet). The
    same content handed in again (a double click) returns the latest submission; changed
    content is a resubmission, kept beside the earlier ones. After the due day it is late.
    Refused while the current pair is still being rendered (or failed): never rendered here."""
    require_arranger(actor, site.city_id)
    published = Arrangement.objects.filter(
        campaign=site.campaign_id, city=site.city_id, state=Arrangement.State.PUBLISHED
    ).exists()
    if not published:
        raise TransitionRefused(_("准考证尚未发布，考务手册还没有准考证号，请发布准考证后再提交。"))
    status = current_status(site)  # queues the render if nobody asked for this data yet
    if status.failed:
        raise TransitionRefused(_("考务手册生成失败，请先点击“重新生成”，生成完成后再提交。"))
    if status.files is None:
        raise TransitionRefused(_("请稍候，手册正在生成，生成完成后再提交。"))
    files = status.files
    pdf, xlsx = read_file(files.pdf), read_file(files.xlsx)
    return _store_submission(actor, site, files, pdf, xlsx, now or timezone.now())


@transaction.atomic
def _store_submission(
    actor: User, site: Site, files: HandbookFiles, pdf: bytes, xlsx: bytes, now: datetime
) -> tuple[HandbookSubmission, bool]:
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


def get_submission_for(actor: User, pk: int) -> HandbookSubmission:
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
