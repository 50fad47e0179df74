"""Every state change of an arrangement and of a handbook render; nothing else assigns their `state`.

    Arrangement: draft → published (its tickets are given; seating is no longer re-run)
    Its background publication (`Arrangement.publication`, what the seating page shows):
        none / failed → queued (the page asked) → running (the task started) → done (published)
                                                                           ↘ failed (with the reason)
    A run that left no word for PUBLICATION_STALLS_AFTER (its worker died) counts as failed.
    HandbookRender: queued → running → ready | failed; failed (a retry), stuck or ready
        without its files → queued again

Written like the application lifecycle: lock the row, return quietly when already done,
check the state, write, audit. The services in `exams.services` decide whether to move.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import record
from catalog.models import Campaign, City
from exams.models import Arrangement, HandbookRender, Publication, Site
from skillcert.refusals import TransitionRefused

# A publication of 4,000 takes seconds; one "running" this long has lost its worker.
PUBLICATION_STALLS_AFTER = timedelta(minutes=30)


def lock_arrangement(campaign: Campaign, city: City) -> Arrangement:
    """The (campaign, city) arrangement, created on first use, locked for this transaction.

    Every writer of a city's seats and tickets takes this lock first (then the applications,
    then the ticket serial): two staff seating one city at once queue here."""
    Arrangement.objects.get_or_create(campaign=campaign, city=city)
    return Arrangement.objects.select_for_update().select_related("campaign", "city").get(campaign=campaign, city=city)


@transaction.atomic
def publish(arrangement: Arrangement, *, actor: User, tickets: int) -> bool:
    """draft → published; False when it was published already."""
    arrangement = lock_arrangement(arrangement.campaign, arrangement.city)
    if arrangement.state == Arrangement.State.PUBLISHED:
        return False
    if arrangement.state != Arrangement.State.DRAFT:
        raise TransitionRefused(_("编排状态为“%(state)s”，不能发布。") % {"state": arrangement.get_state_display()})
    arrangement.state = Arrangement.State.PUBLISHED
    arrangement.published_at = timezone.now()
    arrangement.published_by = actor
    arrangement.version += 1
    _set_publication(arrangement, Publication.DONE)
    arrangement.save(
        update_fields=[
            "state",
            "published_at",
            "published_by",
            "version",
            "publication",
            "publication_error",
            "publication_changed_at",
        ]
    )
    record(
        "exams.arrangement.published",
        actor=actor,
        obj=arrangement,
        before={"state": Arrangement.State.DRAFT},
        after={"state": Arrangement.State.PUBLISHED, "tickets": tickets},
        city=arrangement.city,
    )
    return True


def publication_stalled(arrangement: Arrangement, now: datetime | None = None) -> bool:
    """Running with no word for PUBLICATION_STALLS_AFTER: the worker died; shown as failed, retried."""
    now = now or timezone.now()
    changed = arrangement.publication_changed_at
    running = arrangement.publication == Publication.RUNNING
    return running and (changed is None or now - changed > PUBLICATION_STALLS_AFTER)


def _set_publication(arrangement: Arrangement, publication: str, error: str = "") -> None:
    arrangement.publication = publication
    arrangement.publication_error = error[:500]
    arrangement.publication_changed_at = timezone.now()


def _move_publication(
    arrangement: Arrangement, to: str, before: str, *, actor: User, action: str, error: str = ""
) -> None:
    """Write the publication's new state (with the failure's reason) and audit the move."""
    _set_publication(arrangement, to, error)
    arrangement.save(update_fields=["publication", "publication_error", "publication_changed_at"])
    after = {"publication": to} | ({"reason": arrangement.publication_error} if to == Publication.FAILED else {})
    record(action, actor=actor, obj=arrangement, before={"publication": before}, after=after, city=arrangement.city)


@transaction.atomic
def queue_publication(arrangement: Arrangement, *, actor: User) -> bool:
    """none / failed (or a stalled run) → queued; False when it is queued, running or published already
    (a double click queues one task)."""
    arrangement = lock_arrangement(arrangement.campaign, arrangement.city)
    before = arrangement.publication
    if arrangement.is_published or before == Publication.QUEUED:
        return False
    if before == Publication.RUNNING and not publication_stalled(arrangement):
        return False
    _move_publication(arrangement, Publication.QUEUED, before, actor=actor, action="exams.publication.queued")
    return True


@transaction.atomic
def start_publication(arrangement: Arrangement, *, actor: User) -> bool:
    """queued (or none, failed, stalled: a task run by hand) → running, committed before the work so the
    page shows it; False when published already or another run is on it."""
    arrangement = lock_arrangement(arrangement.campaign, arrangement.city)
    before = arrangement.publication
    if arrangement.is_published or (before == Publication.RUNNING and not publication_stalled(arrangement)):
        return False
    _move_publication(arrangement, Publication.RUNNING, before, actor=actor, action="exams.publication.started")
    return True


@transaction.atomic
def fail_publication(arrangement: Arrangement, *, actor: User, reason: str) -> bool:
    """queued / running → failed with the reason in Chinese, for the page to show; False when it was
    published (or never asked) in the meantime."""
    arrangement = lock_arrangement(arrangement.campaign, arrangement.city)
    before = arrangement.publication
    if arrangement.is_published or before not in (Publication.QUEUED, Publication.RUNNING):
        return False
    _move_publication(
        arrangement, Publication.FAILED, before, actor=actor, action="exams.publication.failed", error=reason
    )
    return True


# --- handbook renders: a cache's bookkeeping, not a decision, so no audit event ------------------

Render = HandbookRender.State


@transaction.atomic
def queue_render(site: Site, fingerprint: str) -> tuple[HandbookRender, bool]:
    """The render row of (site, fingerprint); True when this call queued it (a new row).

    The unique pair is the dedupe: two pages asking at once make one row, and only the
    one that made it enqueues the task."""
    return HandbookRender.objects.get_or_create(
        site=site, fingerprint=fingerprint, defaults={"state": Render.QUEUED, "requested_at": timezone.now()}
    )


@transaction.atomic
def requeue_render(render: HandbookRender, *, allowed: set[str]) -> bool:
    """→ queued again from one of `allowed` (a retry after a failure, a stuck render, lost files);
    False when the row is in another state now (someone else requeued it first)."""
    locked = HandbookRender.objects.select_for_update().filter(pk=render.pk).first()
    if locked is None or locked.state not in allowed:
        return False
    locked.state = Render.QUEUED
    locked.error = ""
    locked.requested_at = timezone.now()
    locked.started_at = locked.finished_at = None
    locked.save(update_fields=["state", "error", "requested_at", "started_at", "finished_at"])
    return True


def claim_render(site_id: int, fingerprint: str) -> HandbookRender | None:
    """queued → running for this run only (a conditional update: a duplicate run claims nothing)."""
    rows = HandbookRender.objects.filter(site=site_id, fingerprint=fingerprint, state=Render.QUEUED)
    if not rows.update(state=Render.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1):
        return None
    return HandbookRender.objects.get(site=site_id, fingerprint=fingerprint)


def finish_render(render: HandbookRender) -> bool:
    """running → ready."""
    rows = HandbookRender.objects.filter(pk=render.pk, state=Render.RUNNING)
    return bool(rows.update(state=Render.READY, finished_at=timezone.now(), error=""))


def fail_render(render: HandbookRender, error: str) -> bool:
    """running → failed, with what went wrong (for the log and the staff page)."""
    rows = HandbookRender.objects.filter(pk=render.pk, state=Render.RUNNING)
    return bool(rows.update(state=Render.FAILED, finished_at=timezone.now(), error=error[:2000]))


def forget_renders(site: Site, *, keep: str) -> int:
    """Drop the site's finished rows of other fingerprints: their files are gone with the stale pair."""
    finished = HandbookRender.objects.filter(site=site, state__in=[Render.READY, Render.FAILED])
    deleted, _by_model = finished.exclude(fingerprint=keep).delete()
    return deleted


def drop_render(render: HandbookRender) -> None:
    """A claimed render whose data moved on before it ran: the current data's render replaces it."""
    HandbookRender.objects.filter(pk=render.pk, state=Render.RUNNING).delete()
