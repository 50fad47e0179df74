"""The co-organizer's exam pages (sites, rooms, staff, seating, publishing); the regulator reads
them, the association sees each city's progress. Thin: access, form, one service, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import has_capability, require
from catalog.views import requested_campaign
from exams import selectors
from exams.forms import (
    AssignForm,
    MoveForm,
    NeedForm,
    PublishForm,
    RoomForm,
    SeatingForm,
    SiteForm,
    StaffForm,
    SwapForm,
)
from exams.models import SEATED_KINDS, ExamStaff, Room, Site
from exams.services import arranging, publishing, setup
from skillcert.refusals import TransitionRefused


def _home(campaign, city=None, anchor: str = "") -> str:
    query = f"?campaign={campaign.slug}" + (f"&city={city.code}" if city is not None else "")
    return reverse("exams:home") + query + anchor


def _page(name: str, campaign) -> str:
    return reverse(name) + f"?campaign={campaign.slug}"


def _arranger_city(request):
    """The campaign and the co-organizer's own city (403 for everyone else)."""
    require(request.user, "exams.arrange")
    return requested_campaign(request), request.user.city


def _refused(request, refusal: TransitionRefused) -> None:
    messages.error(request, str(refusal))


# --- the overview -------------------------------------------------------------------------------


@login_required
def home(request):
    """A city's arrangement (co-organizer, regulator, or the association with ?city=), or the
    association's progress of every city."""
    campaign = requested_campaign(request)
    city = selectors.city_for(request.user, request.GET.get("city"))
    if city is None:
        context = {"campaign": campaign, "progress": selectors.progress(campaign)}
        return render(request, "exams/progress.html", context)
    arrangement = selectors.arrangement_of(campaign, city)
    context = {
        "campaign": campaign,
        "city": city,
        "arrangement": arrangement,
        "counts": selectors.counts(campaign, city),
        "sites": selectors.sites_of(campaign, city),
        "staff": selectors.staff_of(campaign, city),
        "can_arrange": has_capability(request.user, "exams.arrange"),
        "publication": selectors.publication_of(arrangement),
        "site_form": SiteForm(),
    }
    return render(request, "exams/home.html", context)


# --- sites and rooms ------------------------------------------------------------------------


@login_required
def site_new(request):
    campaign, city = _arranger_city(request)
    form = SiteForm(request.POST or None, instance=Site(campaign=campaign, city=city))
    if request.method == "POST" and form.is_valid():
        try:
            site = setup.save_site(request.user, form.instance)
        except TransitionRefused as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, _("考点已保存。"))
            return redirect(reverse("exams:site", args=[site.pk]))
    return render(request, "exams/site.html", {"campaign": campaign, "form": form, "site": None})


@login_required
def site_edit(request, pk: int):
    site = selectors.get_site_for(request.user, pk)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        setup.save_site(request.user, form.instance)
        messages.success(request, _("考点已保存。"))
        return redirect(reverse("exams:site", args=[site.pk]))
    context = {"campaign": site.campaign, "form": form, "site": site, "rooms": site.rooms.all()}
    return render(request, "exams/site.html", context)


@login_required
@require_POST
def site_delete(request, pk: int):
    site = selectors.get_site_for(request.user, pk)
    try:
        setup.delete_site(request.user, site)
    except TransitionRefused as refusal:
        _refused(request, refusal)
        return redirect(reverse("exams:site", args=[site.pk]))
    messages.success(request, _("考点已删除。"))
    return redirect(_home(site.campaign))


@login_required
def room_new(request, pk: int):
    site = selectors.get_site_for(request.user, pk)
    return _room_form(request, Room(site=site), site)


@login_required
def room_edit(request, pk: int):
    room = selectors.get_room_for(request.user, pk)
    return _room_form(request, room, room.site)


def _room_form(request, room: Room, site: Site):
    form = RoomForm(request.POST or None, instance=room)
    if request.method == "POST" and form.is_valid():
        try:
            room = setup.save_room(request.user, form.instance)
        except TransitionRefused as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, _("考场已保存。"))
            return redirect(reverse("exams:room", args=[room.pk]))
    cells = None
    if room.pk:
        from exams import grid

        cells = grid.cells(room.rows, room.columns, room.unusable, room.accessible)
    context = {"campaign": site.campaign, "site": site, "room": room if room.pk else None, "form": form, "cells": cells}
    return render(request, "exams/room.html", context)


@login_required
@require_POST
def room_delete(request, pk: int):
    room = selectors.get_room_for(request.user, pk)
    try:
        setup.delete_room(request.user, room)
    except TransitionRefused as refusal:
        _refused(request, refusal)
        return redirect(reverse("exams:room", args=[room.pk]))
    messages.success(request, _("考场已删除。"))
    return redirect(reverse("exams:site", args=[room.site_id]))


# --- staff --------------------------------------------------------------------------------


@login_required
def staff_list(request):
    campaign, city = _arranger_city(request)
    sites = Site.objects.filter(campaign=campaign, city=city)
    form = StaffForm(request.POST or None, instance=ExamStaff(campaign=campaign, city=city), sites=sites)
    if request.method == "POST" and form.is_valid():
        try:
            setup.save_staff(request.user, form.instance)
        except TransitionRefused as refusal:
            _refused(request, refusal)
        else:
            messages.success(request, _("考务人员已保存。"))
            return redirect(_page("exams:staff", campaign))
    context = {"campaign": campaign, "city": city, "form": form, "staff": selectors.staff_of(campaign, city)}
    return render(request, "exams/staff.html", context)


@login_required
def staff_edit(request, pk: int):
    staff = selectors.get_staff_for(request.user, pk)
    sites = Site.objects.filter(campaign=staff.campaign, city=staff.city)
    form = StaffForm(request.POST or None, instance=staff, sites=sites)
    if request.method == "POST" and form.is_valid():
        setup.save_staff(request.user, form.instance)
        messages.success(request, _("考务人员已保存。"))
        return redirect(_page("exams:staff", staff.campaign))
    return render(request, "exams/staff_edit.html", {"campaign": staff.campaign, "form": form, "member": staff})


@login_required
@require_POST
def staff_delete(request, pk: int):
    staff = selectors.get_staff_for(request.user, pk)
    setup.delete_staff(request.user, staff)
    messages.success(request, _("考务人员已删除。"))
    return redirect(_page("exams:staff", staff.campaign))


def _assign_form(request, campaign, city, data=None) -> AssignForm:
    return AssignForm(
        data,
        staff=selectors.staff_of(campaign, city),
        rooms=Room.objects.filter(site__campaign=campaign, site__city=city).select_related("site"),
        sessions=campaign.sessions.all(),
    )


@login_required
def assignments(request):
    """Staff per room and session, with the notice's checks; POST assigns one."""
    campaign, city = _arranger_city(request)
    form = _assign_form(request, campaign, city, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                setup.assign_staff(
                    request.user,
                    form.cleaned_data["staff"],
                    room=form.cleaned_data["room"],
                    session=form.cleaned_data["session"],
                )
                messages.success(request, _("已安排。"))
            except TransitionRefused as refusal:
                _refused(request, refusal)
        else:
            messages.error(request, _("请选择考务人员、考场和场次。"))
        return redirect(_page("exams:assignments", campaign))
    context = {"campaign": campaign, "city": city, "form": form, "table": selectors.staffing_table(campaign, city)}
    return render(request, "exams/assignments.html", context)


@login_required
@require_POST
def unassign(request, pk: int):
    assignment = selectors.get_assignment_for(request.user, pk)
    setup.unassign_staff(request.user, assignment)
    messages.success(request, _("已取消安排。"))
    return redirect(_page("exams:assignments", assignment.session.campaign))


# --- seating needs, seating, publishing --------------------------------------------------------


@login_required
def needs(request):
    campaign, city = _arranger_city(request)
    context = {"campaign": campaign, "candidates": selectors.candidates_with_needs(campaign, city)}
    return render(request, "exams/needs.html", context)


@login_required
@require_POST
def need(request, pk: int):
    campaign = requested_campaign(request)
    application = selectors.get_candidate_for(request.user, pk, campaign)
    form = NeedForm(request.POST)
    if form.is_valid():
        setup.set_seating_need(request.user, application, **form.cleaned_data)
        messages.success(request, _("已登记。"))
    return redirect(_page("exams:needs", campaign))


@login_required
def seating_page(request):
    """The stored seats as room charts, or (?preview with a seed) the plan the algorithm proposes."""
    campaign = requested_campaign(request)
    city = selectors.city_for(request.user, request.GET.get("city"))
    if city is None:
        raise Http404
    arrangement = selectors.arrangement_of(campaign, city)
    can_arrange = has_capability(request.user, "exams.arrange")
    form = SeatingForm(
        request.GET if "seed" in request.GET else None,
        initial={"version": arrangement.version, "seed": arrangement.seed or 1, "spacing": arrangement.spacing},
    )
    plan = None
    if form.is_bound and form.is_valid() and can_arrange:
        plan, _inputs = arranging.preview(
            campaign, city, seed=form.cleaned_data["seed"], spacing=form.cleaned_data["spacing"]
        )
        placements = plan.placements
    else:
        placements = list(arranging.current_placements(campaign, city).values())
    context = {
        "campaign": campaign,
        "city": city,
        "arrangement": arrangement,
        "can_arrange": can_arrange,
        "form": form,
        "plan": plan,
        "charts": selectors.charts(campaign, city, placements),
        "seated": selectors.seated_candidates(campaign, city) if can_arrange and not plan else [],
        "seat_rooms": arranging.seat_rooms(campaign, city) if can_arrange else [],
        "counts": selectors.counts(campaign, city),
        "publication": selectors.publication_of(arrangement),
    }
    return render(request, "exams/seating.html", context)


def _seating_url(campaign) -> str:
    return _page("exams:seating", campaign)


@login_required
@require_POST
def seating_apply(request):
    campaign, city = _arranger_city(request)
    form = SeatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写随机种子和座位间隔。"))
        return redirect(_seating_url(campaign))
    try:
        plan = arranging.apply_seating(request.user, campaign, city, **form.cleaned_data)
    except TransitionRefused as refusal:
        _refused(request, refusal)
    else:
        messages.success(
            request,
            _("已应用编排：%(n)d 名考生有了座位，%(m)d 名未能安排。")
            % {"n": len(plan.placements), "m": len(plan.unplaced)},
        )
    return redirect(_seating_url(campaign))


@login_required
@require_POST
def seating_move(request):
    campaign, city = _arranger_city(request)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择考生、考场、排和号。"))
        return redirect(_seating_url(campaign))
    data = form.cleaned_data
    application = selectors.get_candidate_for(request.user, data["application"], campaign)
    room = get_object_or_404(Room, pk=data["room"], site__city=city, site__campaign=campaign, kind__in=SEATED_KINDS)
    try:
        arranging.move_seat(
            request.user,
            campaign,
            city,
            application,
            room=room,
            row=data["row"],
            column=data["column"],
            version=data["version"],
            confirm=data["confirm"],
        )
        messages.success(request, _("座位已调整。"))
    except TransitionRefused as refusal:
        _refused(request, refusal)
    return redirect(_seating_url(campaign))


@login_required
@require_POST
def seating_swap(request):
    campaign, city = _arranger_city(request)
    form = SwapForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择两名考生。"))
        return redirect(_seating_url(campaign))
    data = form.cleaned_data
    first = selectors.get_candidate_for(request.user, data["first"], campaign)
    second = selectors.get_candidate_for(request.user, data["second"], campaign)
    try:
        arranging.swap_seats(
            request.user, campaign, city, first, second, version=data["version"], confirm=data["confirm"]
        )
        messages.success(request, _("座位已交换。"))
    except TransitionRefused as refusal:
        _refused(request, refusal)
    return redirect(_seating_url(campaign))


@login_required
@require_POST
def publish(request):
    """Queue the publication (or retry a failed one); the page then shows its state."""
    campaign, city = _arranger_city(request)
    form = PublishForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        if publishing.request_publication(request.user, campaign, city, version=version):
            messages.success(request, _("已提交后台发布准考证（每名考生生成准考证号并通知），本页显示发布进度和结果。"))
    except TransitionRefused as refusal:
        _refused(request, refusal)
    return redirect(_home(campaign))


@login_required
@require_POST
def latecomers(request):
    campaign, city = _arranger_city(request)
    try:
        seated = publishing.seat_latecomers(request.user, campaign, city)
        messages.success(request, _("已为 %(n)d 名新增考生安排座位并签发准考证。") % {"n": seated})
    except TransitionRefused as refusal:
        _refused(request, refusal)
    return redirect(_home(campaign))
