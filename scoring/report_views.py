"""The 汇总表, its signed scans, the 人员名册, the materials zip and the archive register: thin views."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import AnyUser, has_capability
from catalog.models import Campaign, City
from catalog.views import requested_campaign
from scoring import report_selectors as selectors
from scoring.materials_zip import stream_zip
from scoring.models import ArchivePack
from scoring.report_forms import PackForm, PackSearchForm, RetentionForm, ScanForm
from scoring.roster_pdf import ROSTER_TITLE, render_roster_pdf
from scoring.roster_xlsx import render_roster_xlsx
from scoring.services import archive, reports
from scoring.summary_pdf import SUMMARY_TITLE, Heading, render_summary_pdf
from scoring.summary_xlsx import XLSX_CONTENT_TYPE, render_summary_xlsx
from skillcert.refusals import TransitionRefused
from skillcert.uploads import UploadRejected

CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE}


def _page(name: str, campaign: Campaign, city: City | None = None) -> str:
    return reverse(name) + f"?campaign={campaign.slug}" + (f"&city={city.code}" if city is not None else "")


def _city(request: HttpRequest) -> tuple[Campaign, City]:
    """The campaign and the city a download is about (the association names it: ?city=)."""
    campaign = requested_campaign(request)
    city = selectors.city_for(request.user, request.GET.get("city") or request.POST.get("city"))
    if city is None:
        raise Http404("no city")
    return campaign, city


def _heading(title: str, campaign: Campaign, city: City) -> Heading:
    return Heading(title, campaign.title, city.name, f"{timezone.localdate():%Y年%-m月%-d日}")


def _user(user: AnyUser) -> User:
    """The signed-in user of a `login_required` view."""
    assert isinstance(user, User)
    return user


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response


# --- 汇总表 ----------------------------------------------------------------------------------------


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    """A city's 汇总表 with its scans and the upload (its regulator); the association's overview."""
    campaign = requested_campaign(request)
    city = selectors.city_for(request.user, request.GET.get("city"))
    due = selectors.results_due(campaign)
    today = timezone.localdate()
    if city is None:
        overview = selectors.scan_overview(campaign, due.day, today)
        return render(request, "scoring/report_overview.html", {"campaign": campaign, "due": due, "rows": overview})
    scans = selectors.scans_of(campaign, city)
    context = {
        "campaign": campaign,
        "city": city,
        "due": due,
        "table": selectors.summary_table(campaign, city),
        "scans": scans,
        "late": selectors.is_late_scan(scans[-1].uploaded_at if scans else None, due.day, today),
        "can_upload": selectors.is_city_regulator(request.user, city.pk),
        "can_download_materials": has_capability(request.user, "documents.print"),
        "form": ScanForm(),
    }
    return render(request, "scoring/report_summary.html", context)


@login_required
def summary_file(request: HttpRequest, fmt: str) -> HttpResponse:
    campaign, city = _city(request)
    table = selectors.summary_table(campaign, city)
    reports.record_summary_download(_user(request.user), campaign, city, fmt=fmt)
    heading = _heading(SUMMARY_TITLE, campaign, city)
    content = render_summary_pdf(table, heading) if fmt == "pdf" else render_summary_xlsx(table, heading)
    return _attachment(content, CONTENT_TYPES[fmt], f"汇总表-{city.name}.{fmt}")


@login_required
@require_POST
def scan_upload(request: HttpRequest) -> HttpResponse:
    user = _user(request.user)
    if user.city is None:  # only a city's regulator hands in its city's scan
        raise PermissionDenied("no city")
    campaign, city = requested_campaign(request), user.city
    reports.require_scan_uploader(user, city)  # before the file is read
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            reports.upload_summary_scan(_user(request.user), campaign, city, form.cleaned_data["file"].read())
        except UploadRejected as rejected:
            form.add_error("file", str(rejected))
        else:
            messages.success(request, _("签字盖章的汇总表扫描件已上传。"))
            return redirect(_page("scoring:summary", campaign))
    context = {
        "campaign": campaign,
        "city": city,
        "due": selectors.results_due(campaign),
        "table": selectors.summary_table(campaign, city),
        "scans": selectors.scans_of(campaign, city),
        "can_upload": True,
        "form": form,
    }
    return render(request, "scoring/report_summary.html", context, status=400)


@login_required
def scan_file(request: HttpRequest, pk: int) -> HttpResponse:
    scan = selectors.get_scan_for(request.user, pk)
    reports.record_summary_download(_user(request.user), scan.campaign, scan.city, fmt="scan", scan=scan.pk)
    with scan.file.open("rb") as handle:
        content = handle.read()
    extension = selectors.file_extension(scan.file.name or "")
    stamp = f"{timezone.localtime(scan.uploaded_at):%Y%m%d-%H%M}"
    return _attachment(content, scan.content_type, f"汇总表签章扫描件-{scan.city.name}-{stamp}{extension}")


# --- 人员名册 and the materials ---------------------------------------------------------------------


@login_required
def roster_file(request: HttpRequest, fmt: str) -> HttpResponse:
    """Masked ID numbers; `full=1` prints them in full. Either way the download is audited."""
    campaign, city = _city(request)
    full_ids = request.GET.get("full") == "1"
    lines = selectors.roster(campaign, city, full_ids=full_ids)
    reports.record_roster_download(_user(request.user), campaign, city, fmt=fmt, full_ids=full_ids, lines=len(lines))
    heading = _heading(ROSTER_TITLE, campaign, city)
    content = render_roster_pdf(lines, heading) if fmt == "pdf" else render_roster_xlsx(lines, heading)
    return _attachment(content, CONTENT_TYPES[fmt], f"合格人员名册-{city.name}.{fmt}")


@login_required
def materials(request: HttpRequest) -> StreamingHttpResponse:
    """The passed candidates' materials as one zip, streamed as it is made."""
    campaign, city = _city(request)
    reports.require_materials_reader(_user(request.user), city)
    ids = selectors.passed_ids(campaign, city)
    reports.record_materials_download(_user(request.user), campaign, city, ids)
    response = StreamingHttpResponse(stream_zip(selectors.materials_members(ids)), content_type="application/zip")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'合格人员申报材料-{city.name}.zip')}"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the archive register ---------------------------------------------------------------------------


@login_required
def archive_list(request: HttpRequest) -> HttpResponse:
    campaign = requested_campaign(request)
    city = selectors.city_for(request.user, request.GET.get("city"))
    form = PackSearchForm(request.GET or None, campaign=campaign, city=city)
    query = selectors.PackFilter(city=city.pk if city else None)
    if form.is_valid():
        data = form.cleaned_data
        query = selectors.PackFilter(
            box_number=data["box_number"],
            storage_place=data["storage_place"],
            site=data["site"].pk if data["site"] else None,
            room=data["room"].pk if data["room"] else None,
            session=data["session"].pk if data["session"] else None,
            city=query.city,
        )
    context = {
        "campaign": campaign,
        "city": city,
        "form": form,
        "packs": selectors.search_packs(request.user, campaign, query),
        "can_write": has_capability(request.user, archive.WRITES),
    }
    return render(request, "scoring/archive_list.html", context)


def _pack_facts(form: PackForm) -> archive.PackFacts:
    data = form.cleaned_data
    return archive.PackFacts(
        room=data["room"],
        session=data["session"],
        sheet_count=data["sheet_count"],
        box_number=data["box_number"],
        storage_place=data["storage_place"],
        retention_years=data["retention_years"],
        note=data["note"],
    )


def _pack_form(request: HttpRequest, campaign: Campaign, city: City, pack: ArchivePack | None = None) -> HttpResponse:
    initial = None
    if pack is not None:
        initial = {
            "room": pack.room,
            "session": pack.session,
            "sheet_count": pack.sheet_count,
            "box_number": pack.box_number,
            "storage_place": pack.storage_place,
            "retention_years": pack.retention_years,
            "note": pack.note,
        }
    form = PackForm(request.POST or None, initial=initial, campaign=campaign, city=city)
    if request.method == "POST" and form.is_valid():
        try:
            archive.save_pack(_user(request.user), campaign, _pack_facts(form), pack=pack)
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("试卷归档记录已保存。"))
            return redirect(_page("scoring:archive", campaign))
    context = {"campaign": campaign, "city": city, "form": form, "pack": pack}
    return render(request, "scoring/archive_form.html", context, status=400 if form.errors else 200)


@login_required
def archive_new(request: HttpRequest) -> HttpResponse:
    user = _user(request.user)
    archive.require_archivist(user, user.city_id)  # the city's regulator; the association only reads
    campaign = requested_campaign(request)
    assert user.city is not None  # a regulator has a city
    return _pack_form(request, campaign, user.city)


@login_required
def archive_edit(request: HttpRequest, pk: int) -> HttpResponse:
    pack = selectors.get_pack_for(request.user, pk)
    archive.require_archivist(_user(request.user), pack.city_id)
    return _pack_form(request, pack.campaign, pack.city, pack)


@login_required
@require_POST
def archive_delete(request: HttpRequest, pk: int) -> HttpResponse:
    pack = selectors.get_pack_for(request.user, pk)
    archive.delete_pack(_user(request.user), pack.pk)
    messages.success(request, _("试卷归档记录已删除。"))
    return redirect(_page("scoring:archive", pack.campaign))


@login_required
def archive_retention(request: HttpRequest) -> HttpResponse:
    campaign = requested_campaign(request)
    form = RetentionForm(request.GET or None)
    days = (form.cleaned_data.get("days") if form.is_valid() else None) or 90
    context = {
        "campaign": campaign,
        "form": form,
        "retention": selectors.retention(request.user, timezone.localdate(), days),
    }
    return render(request, "scoring/archive_retention.html", context)
