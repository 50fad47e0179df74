"""The current files of a site's 考务手册: rendered in the background, cached by the data's fingerprint.

Files: `handbooks/cache/site-<pk>/<fingerprint>.pdf|.xlsx` in private storage hold the handbook
as the data is now. A request never renders: it reads the fingerprint (a few queries), and when
no pair is cached for it, queues one render (`exams.handbook_tasks.render_site_handbook`, deduped
by the `HandbookRender` row of the site and fingerprint) and says 生成中. Changes to what the
handbook prints queue the render on commit (`exams.handbook_tasks.refresh_on_commit`), so the
pair is usually ready before anyone asks. A render that raises is logged and shown as 生成失败
with a retry; a finished render drops the site's stale pair.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from exams import handbook_selectors as selectors
from exams import states
from exams.handbook_data import HandbookData, fingerprint
from exams.handbook_pdf import render_handbook
from exams.handbook_xlsx import render_handbook_xlsx
from exams.models import HandbookRender, Site
from skillcert.jobs import enqueue_on_commit
from skillcert.storage import private_storage

logger = logging.getLogger(__name__)

CACHE_DIR = "handbooks/cache"
# A render still queued or running after this long has lost its worker: the page offers a retry.
STUCK_AFTER = timedelta(minutes=10)
Render = HandbookRender.State


@dataclass(frozen=True)
class HandbookFiles:
    fingerprint: str
    pdf: str  # names in private storage
    xlsx: str
    data: HandbookData


@dataclass(frozen=True)
class HandbookStatus:
    """Where the site's current handbook stands: ready (with its files), pending, or failed."""

    site: Site
    fingerprint: str
    state: str  # a HandbookRender.State, READY only when both files are there
    files: HandbookFiles | None = None
    error: str = ""
    since: datetime | None = None  # when it was asked for (pending) or finished (ready, failed)
    stuck: bool = False

    @property
    def ready(self) -> bool:
        return self.files is not None

    @property
    def failed(self) -> bool:
        return self.state == Render.FAILED

    @property
    def pending(self) -> bool:
        return not self.ready and not self.failed

    @property
    def retryable(self) -> bool:
        return self.failed or self.stuck


def _folder(site: Site) -> str:
    return f"{CACHE_DIR}/site-{site.pk}"


def _names(site: Site, key: str) -> tuple[str, str]:
    return f"{_folder(site)}/{key}.pdf", f"{_folder(site)}/{key}.xlsx"


def read_file(name: str) -> bytes:
    with private_storage.open(name, "rb") as handle:
        return handle.read()


def _read_photo(names: dict[str, str], sha256: str) -> bytes | None:
    name = names.get(sha256)
    if not name:
        return None
    try:
        return read_file(name)
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


def _cached(site: Site, key: str, data: HandbookData) -> HandbookFiles | None:
    pdf, xlsx = _names(site, key)
    if private_storage.exists(pdf) and private_storage.exists(xlsx):
        return HandbookFiles(key, pdf, xlsx, data)
    return None


def render_files(site: Site, data: HandbookData | None = None, *, drop_stale: bool = True) -> HandbookFiles:
    """Render the pair now unless it is cached (takes seconds to minutes): the task's work, and the bench's."""
    data = data or selectors.handbook_data(site)
    key = fingerprint(data)
    files = _cached(site, key, data)
    if files is None:
        photos = selectors.photo_files(site)
        pdf, xlsx = _names(site, key)
        _write(pdf, render_handbook(data, photo=lambda sha: _read_photo(photos, sha)))
        _write(xlsx, render_handbook_xlsx(data))
        files = HandbookFiles(key, pdf, xlsx, data)
    if drop_stale:
        _drop_stale(site, keep=key)
    return files


# --- asking for the current pair (requests) -----------------------------------------------------


def _enqueue(site: Site, key: str) -> None:
    from exams.handbook_tasks import render_site_handbook

    enqueue_on_commit(render_site_handbook, site.pk, key)


@transaction.atomic
def _queue(site: Site, key: str) -> HandbookRender:
    render, created = states.queue_render(site, key)
    if created:
        _enqueue(site, key)
    return render


def _is_stuck(render: HandbookRender) -> bool:
    started = render.started_at or render.requested_at
    return render.state in (Render.QUEUED, Render.RUNNING) and timezone.now() - started > STUCK_AFTER


def _status(site: Site, key: str, data: HandbookData | None, render: HandbookRender | None) -> HandbookStatus:
    if render is None:
        render = _queue(site, key)
    if render.state == Render.READY:
        files = _cached(site, key, data or selectors.handbook_data(site))
        if files is not None:
            return HandbookStatus(site, key, Render.READY, files, since=render.finished_at)
        # The row says ready but the files are gone (removed by hand): render again.
        with transaction.atomic():
            if states.requeue_render(render, allowed={Render.READY}):
                _enqueue(site, key)
        return HandbookStatus(site, key, Render.QUEUED, since=timezone.now())
    if render.state == Render.FAILED:
        return HandbookStatus(site, key, Render.FAILED, error=render.error, since=render.finished_at)
    return HandbookStatus(site, key, render.state, since=render.requested_at, stuck=_is_stuck(render))


def current_status(site: Site) -> HandbookStatus:
    """The handbook as the data is now: its files when they are ready, else the render it waits for
    (queued here when nobody had asked for this data yet). Never renders."""
    data = selectors.handbook_data(site)
    key = fingerprint(data)
    render = HandbookRender.objects.filter(site=site, fingerprint=key).first()
    return _status(site, key, data, render)


def status_of(site: Site, key: str) -> HandbookStatus:
    """The status of the render the page is waiting for, without reading the data again (the poll);
    the current status when that render is gone (the data moved on)."""
    render = HandbookRender.objects.filter(site=site, fingerprint=key).first() if key else None
    if render is None:
        return current_status(site)
    return _status(site, key, None, render)


def retry(site: Site) -> bool:
    """Queue the current data's render again after a failure, or when it is stuck; False when
    there is nothing to retry (it is ready, or still on its way)."""
    status = current_status(site)
    if not status.retryable:
        return False
    render = HandbookRender.objects.get(site=site, fingerprint=status.fingerprint)
    allowed: set[str] = {Render.FAILED} | ({Render.QUEUED, Render.RUNNING} if status.stuck else set())
    with transaction.atomic():
        queued = states.requeue_render(render, allowed=allowed)
        if queued:
            _enqueue(site, status.fingerprint)
    return queued


# --- the background render (the task's body) -----------------------------------------------------


def _site(site_id: int) -> Site | None:
    return Site.objects.select_related("campaign", "city").filter(pk=site_id).first()


def _clean_up(site_id: int, key: str) -> None:
    """Drop the stale pair and rows, only while `key` is still the current data: with several
    workers a newer render may have finished during this one, and its pair must stay."""
    site = _site(site_id)  # read again: its own fields may have changed during the render
    if site is not None and fingerprint(selectors.handbook_data(site)) == key:
        _drop_stale(site, keep=key)
        states.forget_renders(site, keep=key)


def run_render(site_id: int, key: str) -> str:
    """Render the pair of `key` if this run claims its queued row; says what happened.

    A duplicate run claims nothing. When the data moved on since the render was queued, the
    row is dropped and the current data's render queued instead (one render per fingerprint).
    An exception is logged and leaves the row failed (the page offers a retry)."""
    site = _site(site_id)
    render = states.claim_render(site_id, key) if site is not None else None
    if site is None or render is None:
        return "skipped"  # a duplicate run, or the site was deleted (its rows with it)
    try:
        data = selectors.handbook_data(site)
        if fingerprint(data) != key:
            states.drop_render(render)
            current_status(site)  # queues the render of the data as it is now
            return "superseded"
        render_files(site, data, drop_stale=False)
    except Exception as error:
        logger.exception("the handbook of site %s (%s) failed to render", site_id, key[:12])
        states.fail_render(render, f"{type(error).__name__}: {error}")
        return "failed"
    states.finish_render(render)
    _clean_up(site_id, key)
    return "ready"
