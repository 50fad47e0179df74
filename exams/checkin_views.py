"""Exam day on the invigilator's phone (pretixSCAN is the model): pick a post, download its manifest,
scan or type ticket numbers, sync. Works offline once loaded (the service worker and IndexedDB,
exams/static/exams/checkin.js); without JavaScript the typed-number form posts one scan at a time.
Thin: access, one service, answer."""

import hashlib
import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST

from accounts.permissions import require
from exams import checkin_selectors as selectors
from exams.checkin import OUTCOME_LABELS, Outcome, Result
from exams.services import checkin as service
from skillcert.lib.masking import mask_id_number

# The scanning page runs the QR decoder's WebAssembly: only this page's policy allows compiling it.
SCANNER_CSP = {**settings.SECURE_CSP, "script-src": [*settings.SECURE_CSP["script-src"], CSP.WASM_UNSAFE_EVAL]}
# What the service worker keeps for offline use besides the pages it has shown (static paths).
OFFLINE_ASSETS = ("css/site.css", "exams/checkin.css", "exams/checkin.js", "vendor/zxing-wasm/reader/index.js")
OFFLINE_ASSETS += ("vendor/zxing-wasm/zxing_reader.wasm",)
OFFLINE_TREES = ("vendor/jose/",)


def _today():
    return timezone.localdate()


@login_required
def home(request):
    """The invigilator's rooms and sessions of today."""
    require(request.user, "exams.checkin")
    return render(request, "exams/checkin_home.html", {"posts": selectors.posts_of(request.user, _today())})


def _device(request) -> str:
    return request.headers.get("User-Agent", "")[:100]


@login_required
@csp_override(SCANNER_CSP)
def room(request, room: int, session: int):
    """The scanning page; its list is the server's until the script takes over with the manifest."""
    post = selectors.get_post_for(request.user, room, session, _today())
    lines = selectors.roster(post.room, post.session)
    context = {"post": post, "lines": lines, "counts": selectors.counts(lines), "outcomes": OUTCOME_LABELS}
    context["client_id"] = uuid.uuid4()  # the typed-number form posted twice records one scan
    context["wasm_url"] = staticfiles_storage.url("vendor/zxing-wasm/zxing_reader.wasm")
    return render(request, "exams/checkin_room.html", context)


@login_required
def manifest(request, room: int, session: int):
    """The room's manifest for offline use (audited: it carries names and photos)."""
    post = selectors.get_post_for(request.user, room, session, _today())
    data = service.download_manifest(request.user, post.room, post.session)
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def sync(request):
    """A batch of queued scans from a phone (same-origin fetch with the CSRF header)."""
    require(request.user, "exams.checkin")
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return HttpResponseBadRequest("invalid JSON")
    scans = body.get("scans") if isinstance(body, dict) else None
    if not isinstance(scans, list):
        return HttpResponseBadRequest("scans: a list")
    answers = service.sync(request.user, scans, device=_device(request), today=_today())
    return JsonResponse({"answers": [a.as_dict() for a in answers]}, json_dumps_params={"ensure_ascii": False})


def _room_url(room: int, session: int) -> str:
    return reverse("exams:checkin_room", kwargs={"room": room, "session": session})


@login_required
@require_POST
def scan(request, room: int, session: int):
    """The typed-number form, without JavaScript: one scan, then back to the page with the answer."""
    post = selectors.get_post_for(request.user, room, session, _today())
    item = {key: request.POST.get(key, "") for key in ("client_id", "number", "outcome", "note")}
    item |= {"room": post.room.pk, "session": post.session.pk, "correction": request.POST.get("correction") == "1"}
    item["scanned_at"] = timezone.now().isoformat()
    answer = service.sync(request.user, [item], device=_device(request), today=_today())[0]
    if answer.result == Result.REFUSED:
        messages.error(request, answer.reason or _("未能记录。"))
    else:
        label = OUTCOME_LABELS.get(Outcome(answer.outcome), "") if answer.outcome else ""
        done = _("已记录：%(number)s %(label)s") % {"number": answer.number, "label": label}
        messages.success(request, f"{done}{'（' + answer.reason + '）' if answer.reason else ''}")
    return redirect(_room_url(room, session))


@login_required
@require_POST
def rest_absent(request, room: int, session: int):
    """「其余考生记为缺考」 at the end of the session (the page asks to confirm)."""
    post = selectors.get_post_for(request.user, room, session, _today())
    marked = service.mark_rest_absent(request.user, post.room, post.session, device=_device(request), today=_today())
    messages.success(request, _("已将 %(n)d 名未签到考生记为缺考。") % {"n": marked})
    return redirect(_room_url(room, session))


@login_required
def status(request, room: int, session: int):
    """A room's check-in, read-only: the city's desk staff, the association, the invigilator."""
    post = selectors.get_status_for(request.user, room, session, _today())
    lines = selectors.roster(post.room, post.session)
    rows = [(line, mask_id_number(line.id_number)) for line in lines]
    absent = selectors.absences(post.room, post.session)
    context = {"post": post, "rows": rows, "counts": selectors.counts(lines), "absent": absent}
    return render(request, "exams/checkin_status.html", context)


@login_required
def board(request):
    """Exam day at a glance for the desk: each room and session of the city with its counts."""
    from catalog import selectors as catalog_selectors
    from exams.selectors import city_for

    city = city_for(request.user, request.GET.get("city"))  # 403 without exams.view
    key = request.GET.get("campaign", "")
    campaign = catalog_selectors.campaign_by_key(key) if key else catalog_selectors.featured_campaign(_today())
    if city is None or campaign is None:
        raise Http404
    context = {"campaign": campaign, "city": city, "lines": selectors.board(campaign, city)}
    return render(request, "exams/checkin_board.html", context)


def _offline_urls() -> list[str]:
    """The static files the page needs offline. Ours as the storage names them (hashed in production);
    the JOSE library's modules import each other by their plain names, so those are kept plain."""
    urls = [staticfiles_storage.url(name) for name in OFFLINE_ASSETS]
    finder = finders.get_finder("django.contrib.staticfiles.finders.FileSystemFinder")
    for path, storage in finder.list([]):
        name = f"{storage.prefix}/{path}" if getattr(storage, "prefix", None) else path
        if name.startswith(OFFLINE_TREES) and name.endswith(".js"):
            urls.append(settings.STATIC_URL + name)
    return sorted(set(urls))


@login_required
def service_worker(request):
    """The service worker, served here so that its scope covers the exam-day pages."""
    require(request.user, "exams.checkin")
    assets = json.dumps(_offline_urls())
    version = hashlib.blake2b(assets.encode(), digest_size=6).hexdigest()  # new files: a new cache
    context = {"assets": assets, "jwks": reverse("jwks"), "static": settings.STATIC_URL, "version": version}
    response = render(request, "exams/checkin_sw.js", context, content_type="text/javascript")
    response["Service-Worker-Allowed"] = reverse("exams:checkin_home")
    return response
