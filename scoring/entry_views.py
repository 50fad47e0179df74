"""The regulator's score entry pages: the city's sheets, the keyboard grid of one room and session
(one round, blind to the other), the xlsx template and import with its preview, mismatches side by
side, confirmation, and amendments (asked by the regulator, decided by the association)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import has_capability, require, scope_by_city
from catalog.views import requested_campaign
from exams.selectors import city_for
from scoring import selectors, states
from scoring.models import Amendment, Round, Score, ScoreImport, Sheet
from scoring.services import entry, importing
from skillcert.http import SignedInRequest
from skillcert.refusals import TransitionRefused
from skillcert.uploads.files import UploadRejected


def _sheet_url(sheet: Sheet, round_: int | None = None) -> str:
    url = reverse("scoring:sheet", kwargs={"room": sheet.room_id, "session": sheet.session_id})
    return url + (f"?round={round_}" if round_ else "")


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    """A city's sheets (its staff; the association with ?city=), or every city's progress."""
    require(request.user, "scoring.view")
    campaign = requested_campaign(request)
    from scoring import publicity_selectors

    city = city_for(request.user, request.GET.get("city")) if has_capability(request.user, "exams.view") else None
    if city is None:
        context = {"campaign": campaign, "cities": publicity_selectors.progress(campaign)}
        return render(request, "scoring/progress.html", context)
    context = {
        "campaign": campaign,
        "city": city,
        "sheets": selectors.sheets_of(campaign, city),
        "deadline": publicity_selectors.deadline_of(campaign, city),
        "publicity": publicity_selectors.publicity_of(campaign, city),
        "can_enter": has_capability(request.user, "scoring.enter"),
    }
    return render(request, "scoring/home.html", context)


def _typed(request: HttpRequest, prefix: str) -> dict[int, str]:
    found: dict[int, str] = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if key.startswith(prefix) and key[len(prefix) :].isdigit():
            found[int(key[len(prefix) :])] = value
    return found


@login_required
def sheet(request: SignedInRequest, room: int, session: int) -> HttpResponse:
    """The grid: ticket order, type, Enter, next row. Saving is all or nothing, errors in place."""
    room_obj, session_obj = selectors.get_room_session_for(request.user, room, session)
    can_enter = has_capability(request.user, "scoring.enter")
    # Readers never make a sheet; the regulator's first visit does (its pk names the xlsx links).
    sheet = entry.ensure_sheet(room_obj, session_obj) if can_enter else selectors.sheet_of(room_obj, session_obj)
    round_ = None
    if can_enter:
        asked = request.GET.get("round") or request.POST.get("round")
        round_ = int(asked) if asked in ("1", "2") else selectors.round_for(request.user, sheet)
    errors: dict[int, str] = {}
    typed: dict[int, str] = {}
    if request.method == "POST":
        typed, notes = _typed(request, "score-"), _typed(request, "note-")
        try:
            changed = entry.save_entries(request.user, sheet, round_ or 0, typed, notes)
        except entry.EntryErrors as refused:
            errors = refused.errors
            messages.error(request, str(refused))
        except TransitionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("已保存 %(n)d 条成绩。") % {"n": changed})
            return redirect(_sheet_url(sheet, round_))
    lines = selectors.lines(room_obj, session_obj, sheet, round_)
    mismatches = selectors.mismatches(sheet) if sheet.pk and not sheet.is_confirmed else []
    rows = [
        {
            "line": line,
            "typed": typed.get(line.application.pk, line.entry.shown() if line.entry else ""),
            "error": errors.get(line.application.pk, ""),
        }
        for line in lines
    ]
    context = {
        "sheet": sheet,
        "rows": rows,
        "round": round_,
        "round_label": Round(round_).label if round_ else "",
        "can_enter": can_enter and not sheet.is_confirmed,
        "can_amend": can_enter and sheet.is_confirmed,
        "readiness": entry.readiness(sheet, mismatches) if sheet.pk else None,
        "mismatches": mismatches,
        "owners": {r: selectors.round_owner(sheet, r) for r in (Round.FIRST, Round.SECOND)},
        "error_count": len(errors),
        "rules": selectors.rules_of(sheet.campaign),
    }
    return render(request, "scoring/sheet.html", context, status=400 if errors else 200)


@login_required
def template_xlsx(request: SignedInRequest, pk: int) -> HttpResponse:
    found = selectors.get_sheet_for(request.user, pk)
    asked = request.GET.get("round")
    round_ = int(asked) if asked in ("1", "2") else selectors.round_for(request.user, found)
    data = importing.template_for(request.user, found, round_)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"score-{found.room.site_id}-{found.room.number}-{found.part}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def upload(request: SignedInRequest, pk: int) -> HttpResponse:
    found = selectors.get_sheet_for(request.user, pk)
    require(request.user, "scoring.enter")
    round_ = int(request.POST.get("round") or 0)
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("请选择要上传的成绩表（.xlsx）。"))
        return redirect(_sheet_url(found, round_))
    try:
        preview = importing.check_import(request.user, found, round_, file.read(), file.name or "")
    except importing.ImportRefused as refused:
        context = {"sheet": found, "refused": refused, "round": round_}
        return render(request, "scoring/import_report.html", context, status=400)
    except (TransitionRefused, UploadRejected) as refused:
        messages.error(request, str(refused))
        return redirect(_sheet_url(found, round_))
    return redirect("scoring:import_preview", pk=preview.pk)


def _import_for(request: SignedInRequest, pk: int) -> ScoreImport:
    require(request.user, "scoring.enter")
    imports = scope_by_city(
        ScoreImport.objects.select_related("sheet__room__site", "sheet__campaign"),
        request.user,
        city_field="sheet__city",
    )
    return get_object_or_404(imports, pk=pk, uploaded_by=request.user)


@login_required
def import_preview(request: SignedInRequest, pk: int) -> HttpResponse:
    preview = _import_for(request, pk)
    if request.method == "POST":
        if request.POST.get("discard"):
            states.discard_import(preview)
            messages.info(request, _("已放弃本次导入，未录入任何成绩。"))
            return redirect(_sheet_url(preview.sheet, preview.round))
        try:
            changed = importing.apply_import(request.user, preview)
        except TransitionRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("已导入，%(n)d 条成绩有变化。") % {"n": changed})
            return redirect(_sheet_url(preview.sheet, preview.round))
    context = {"preview": preview, "sheet": preview.sheet, "differences": importing.differences(preview)}
    return render(request, "scoring/import_preview.html", context)


@login_required
@require_POST
def resolve(request: SignedInRequest, pk: int) -> HttpResponse:
    found = selectors.get_sheet_for(request.user, pk)
    require(request.user, "scoring.enter")
    try:
        application = int(request.POST.get("application", ""))
        entry.resolve(request.user, found, application, request.POST.get("score", ""), request.POST.get("note", ""))
    except ValueError:
        messages.error(request, _("请选择考生。"))
    except entry.EntryErrors as refused:
        messages.error(request, "；".join(refused.errors.values()))
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("已裁定。"))
    return redirect(_sheet_url(found, int(request.POST.get("round") or 0) or None) + "#mismatches")


@login_required
@require_POST
def confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    found = selectors.get_sheet_for(request.user, pk)
    require(request.user, "scoring.enter")
    try:
        made = entry.confirm(request.user, found)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("成绩登记表已确认，%(n)d 名考生的成绩生效。") % {"n": made})
    return redirect(_sheet_url(found))


# --- amendments -----------------------------------------------------------------------------------


@login_required
@require_POST
def amend(request: SignedInRequest, pk: int) -> HttpResponse:
    require(request.user, "scoring.enter")
    scores = scope_by_city(
        Score.objects.select_related("application", "sheet"), request.user, city_field="application__city"
    )
    score = get_object_or_404(scores, pk=pk)
    try:
        entry.request_amendment(
            request.user,
            score,
            request.POST.get("score", ""),
            request.POST.get("note", ""),
            request.POST.get("reason", ""),
        )
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("更正申请已提交，待就促会审批。"))
    if score.sheet is not None:
        return redirect(_sheet_url(score.sheet))
    return redirect("scoring:home")


@login_required
def amendments(request: SignedInRequest) -> HttpResponse:
    """Pending and decided amendments: the association decides, a city reads its own."""
    require(request.user, "scoring.view")
    rows = Amendment.objects.select_related("score__application__city", "requested_by", "decided_by")
    rows = scope_by_city(rows, request.user, city_field="score__application__city").order_by("state", "-requested_at")
    context = {"amendments": rows[:200], "can_decide": has_capability(request.user, "scoring.approve_amendment")}
    return render(request, "scoring/amendments.html", context)


@login_required
@require_POST
def decide(request: SignedInRequest, pk: int) -> HttpResponse:
    require(request.user, "scoring.approve_amendment")
    amendment = get_object_or_404(Amendment, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        entry.decide_amendment(request.user, amendment, approve=approve, note=request.POST.get("note", ""))
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("已批准，成绩已更正。") if approve else _("已驳回。"))
    return redirect("scoring:amendments")
