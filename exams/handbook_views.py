"""The 考务手册 pages: a city's handbooks with the deadline countdown and the submission, the
association's overview of every city, and the audited downloads (current files and snapshots).

The current files are rendered in the background: a page shows 生成中 and polls the site's
status fragment until the links appear; a download of a pair not ready yet says so (202)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import has_capability, require
from catalog.views import requested_campaign
from exams import handbook_selectors, selectors
from exams.handbook_xlsx import XLSX_CONTENT_TYPE
from exams.services import handbook, handbook_files
from skillcert.refusals import TransitionRefused

CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE}


def _page(campaign, city=None) -> str:
    query = f"?campaign={campaign.slug}" + (f"&city={city.code}" if city is not None else "")
    return reverse("exams:handbooks") + query


@login_required
def handbooks(request):
    """A city's handbooks (co-organizer, regulator; the association with ?city=), or every city's."""
    require(request.user, "exams.handbook")
    campaign = requested_campaign(request)
    city = selectors.city_for(request.user, request.GET.get("city"))
    deadline = handbook_selectors.deadline(campaign, timezone.localdate())
    context = {"campaign": campaign, "city": city, "deadline": deadline}
    if city is None:
        context["cities"] = handbook_selectors.overview(campaign, deadline.due)
        return render(request, "exams/handbook_overview.html", context)
    context["handbooks"] = handbook_selectors.city_handbooks(campaign, city, deadline.due)
    # Reading each site's status queues the render of data nobody has asked for yet.
    context["sites"] = [(s, handbook_files.current_status(s.site)) for s in context["handbooks"].sites]
    context["can_submit"] = has_capability(request.user, "exams.arrange")
    return render(request, "exams/handbook_city.html", context)


def _attachment(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}.{fmt}"
    response["Cache-Control"] = "private, no-store"
    return response


def _site_for_reader(request, pk: int):
    site = selectors.get_site_for(request.user, pk, need="view")
    handbook.require_reader(request.user, site)  # before anything is queued for it
    return site


@login_required
def current(request, pk: int, fmt: str):
    """The handbook as the data is now; while its pair is being rendered, a page that says so."""
    site = _site_for_reader(request, pk)
    status = handbook_files.current_status(site)
    if status.files is None:
        response = render(request, "exams/handbook_pending.html", {"site": site, "current": status})
        response.status_code = 409 if status.failed else 202
        if status.pending:
            response["Retry-After"] = "5"
        return response
    handbook.record_download(request.user, site, fmt=fmt, key=status.fingerprint)
    name = status.files.pdf if fmt == "pdf" else status.files.xlsx
    return _attachment(handbook.read_file(name), fmt, f"handbook-site-{site.pk}")


@login_required
def files_status(request, pk: int):
    """The site's current files (the fragment the page polls while a render is on its way)."""
    site = _site_for_reader(request, pk)
    status = handbook_files.status_of(site, request.GET.get("key", ""))
    response = render(request, "exams/_handbook_files.html", {"site": site, "current": status})
    if status.ready and request.htmx:
        response["HX-Refresh"] = "true"  # the whole page again: its submit button needs the files too
    return response


@login_required
@require_POST
def rerender(request, pk: int):
    """生成失败 (or stuck): queue the render of the current data again."""
    site = _site_for_reader(request, pk)
    queued = handbook_files.retry(site)
    if request.htmx:
        status = handbook_files.current_status(site)
        return render(request, "exams/_handbook_files.html", {"site": site, "current": status})
    if queued:
        messages.success(request, _("已重新开始生成考务手册，完成后本页显示下载链接。"))
    else:
        messages.info(request, _("考务手册已生成或正在生成，无需重新生成。"))
    return redirect(_page(site.campaign, site.city))


@login_required
@require_POST
def submit(request, pk: int):
    site = selectors.get_site_for(request.user, pk)  # the city's co-organizer (403/404 otherwise)
    try:
        _submission, new = handbook.submit(request.user, site)
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if new:
            messages.success(request, _("考务手册已提交。"))
        else:
            messages.info(request, _("考务手册内容没有变化，无需重复提交。"))
    return redirect(_page(site.campaign))


@login_required
def submitted_file(request, pk: int, fmt: str):
    """A stored snapshot, exactly as it was handed in."""
    submission = handbook.get_submission_for(request.user, pk)
    handbook.record_download(request.user, submission.site, fmt=fmt, key=submission.sha256, submission=submission)
    field = submission.pdf if fmt == "pdf" else submission.xlsx
    name = f"handbook-site-{submission.site_id}-{timezone.localtime(submission.submitted_at):%Y%m%d-%H%M%S}"
    return _attachment(handbook.read_file(field.name), fmt, name)
