"""Publicity pages: the public list of publicities and a city's results (masked, served from what is
rendered for anonymous visitors), lodging an objection and following it by its reference; the
regulator's desk (open, answer objections, close)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import has_capability, require
from audit.middleware import client_ip
from catalog.models import City
from catalog.views import requested_campaign
from exams.selectors import city_for
from scoring import publicity_selectors as selectors
from scoring.models import Objection, Publicity
from scoring.publicity_forms import ObjectionForm
from scoring.services import publicity as service
from skillcert import throttle
from skillcert.http import SignedInRequest, too_often
from skillcert.public_cache import public_page as served_from_cache
from skillcert.refusals import TransitionRefused

PER_PAGE = 100


def _publicity(campaign: str, city: str) -> Publicity:
    found = (
        Publicity.objects.select_related("campaign", "city").filter(campaign__slug=campaign, city__code=city).first()
    )
    if found is None:
        raise Http404("公示不存在")
    return found


@served_from_cache
def public_list(request: HttpRequest) -> HttpResponse:
    return render(request, "scoring/publicity_list.html", {"publicities": selectors.open_publicities()})


@served_from_cache
def public_page(request: HttpRequest, campaign: str, city: str) -> HttpResponse:
    publicity = _publicity(campaign, city)
    query = request.GET.get("q", "").strip()[:20]
    page = Paginator(selectors.public_lines(publicity, query), PER_PAGE).get_page(request.GET.get("page"))
    context = {"publicity": publicity, "page": page, "query": query}
    return render(request, "scoring/publicity.html", context)


# Objections are free text from anyone: an address may lodge OBJECTIONS_PER_ADDRESS of them in
# OBJECTIONS_WINDOW seconds; guessing references is throttled by its misses.
LODGED = throttle.declare("scoring.objections", misses="OBJECTIONS_PER_ADDRESS", window="OBJECTIONS_WINDOW")
LOOKED_UP = throttle.declare(
    "scoring.objection_lookup", misses="OBJECTION_LOOKUP_MISSES", window="OBJECTION_LOOKUP_WINDOW"
)


def _too_often(request: HttpRequest, wait: int, message: str) -> HttpResponse:
    back = reverse("scoring:publicity_list")
    return too_often(request, wait, message=message, back_url=back, back_label=_("返回成绩公示"))


def lodge(request: HttpRequest, campaign: str, city: str) -> HttpResponse:
    """Anyone's objection: the form, errors beside the fields, then the reference to follow it."""
    publicity = _publicity(campaign, city)
    initial = {"subject": request.GET.get("subject", "")[:20]}
    form = ObjectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        address = client_ip(request)
        wait = throttle.retry_after(LODGED, address)
        if wait is not None:
            return _too_often(request, wait, _("从您的网络地址提交的异议过多。"))
        try:
            objection = service.lodge_objection(publicity, **form.cleaned_data)
        except TransitionRefused as refused:
            form.add_error(None, str(refused))
        else:
            throttle.record_miss(LODGED, address)  # counted as a use: each lodged objection
            return redirect("scoring:objection_status", reference=objection.reference)
    context = {"publicity": publicity, "form": form}
    return render(request, "scoring/objection_form.html", context, status=400 if form.errors else 200)


def objection_lookup(request: HttpRequest) -> HttpResponse:
    """Type the reference to follow an objection (an unknown one says so, in place)."""
    reference = request.GET.get("reference", "").strip().upper()[:12]
    address = client_ip(request)
    if reference:
        wait = throttle.retry_after(LOOKED_UP, address)
        if wait is not None:
            return _too_often(request, wait, _("从您的网络地址查询受理编号时，未查到的次数过多。"))
    if reference and Objection.objects.filter(reference=reference).exists():
        return redirect("scoring:objection_status", reference=reference)
    if reference:
        throttle.record_miss(LOOKED_UP, address)
    context = {"reference": reference, "unknown": bool(reference)}
    return render(request, "scoring/objection_lookup.html", context, status=404 if reference else 200)


def objection_status(request: HttpRequest, reference: str) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.select_related("publicity__city"), reference=reference.upper())
    return render(request, "scoring/objection_status.html", {"objection": objection})


# --- the regulator's desk ----------------------------------------------------------------------


@login_required
def desk(request: SignedInRequest) -> HttpResponse:
    require(request.user, "scoring.view")
    campaign = requested_campaign(request)
    city = city_for(request.user, request.GET.get("city"))
    if city is None:
        return redirect(reverse("scoring:home") + f"?campaign={campaign.slug}")
    publicity = selectors.publicity_of(campaign, city)
    context = {
        "campaign": campaign,
        "city": city,
        "publicity": publicity,
        "readiness": selectors.readiness(campaign, city),
        "deadline": selectors.deadline_of(campaign, city, publicity),
        "objections": publicity.objections.all() if publicity else [],
        "can_publish": has_capability(request.user, "scoring.publicity"),
        "close_refusal": service.close_refusal(publicity) if publicity else "",
    }
    return render(request, "scoring/publicity_desk.html", context)


def _desk_url(campaign_slug: str) -> str:
    return reverse("scoring:publicity_desk") + f"?campaign={campaign_slug}"


@login_required
@require_POST
def open_view(request: SignedInRequest) -> HttpResponse:
    require(request.user, "scoring.publicity")
    campaign = requested_campaign(request)
    city = get_object_or_404(City, pk=request.user.city_id)
    try:
        service.open_publicity(request.user, campaign, city)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("成绩已公示，考生已收到通知。"))
    return redirect(_desk_url(campaign.slug))


@login_required
@require_POST
def close_view(request: SignedInRequest, pk: int) -> HttpResponse:
    require(request.user, "scoring.publicity")
    publicity = get_object_or_404(Publicity.objects.select_related("campaign"), pk=pk, city_id=request.user.city_id)
    try:
        service.close_publicity(request.user, publicity)
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("公示已结束，认定结果已确定。"))
    return redirect(_desk_url(publicity.campaign.slug))


@login_required
@require_POST
def answer(request: SignedInRequest, pk: int) -> HttpResponse:
    require(request.user, "scoring.publicity")
    objection = get_object_or_404(
        Objection.objects.select_related("publicity__campaign"), pk=pk, publicity__city_id=request.user.city_id
    )
    try:
        service.answer_objection(request.user, objection, request.POST.get("outcome", ""))
    except TransitionRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("已答复，异议人将收到短信。"))
    return redirect(_desk_url(objection.publicity.campaign.slug) + "#objections")
