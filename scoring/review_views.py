"""综合评审 pages. The regulator: the expert pool and relations, panels, their assignment and
progress. The association: the campaign's criteria and review rules. The expert: 我的评审, a
candidate's materials and the weighted sheet; the chair: the panel's totals and 结束评审.
Thin: access, form, one service call, render or redirect."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import require
from audit.services import record
from catalog.views import requested_campaign
from scoring import review_selectors as selectors
from scoring.models import Expert, Panel, ScoringRules
from scoring.review_forms import (
    CloseForm,
    CriteriaForm,
    ExpertForm,
    PanelForm,
    RelationForm,
    ReviewRulesForm,
    SheetForm,
)
from scoring.services import reviewing
from skillcert.refusals import TransitionRefused


def _actor(request: HttpRequest) -> User:
    """The signed-in user (every view here is login_required)."""
    assert isinstance(request.user, User)
    return request.user


# --- the regulator: the pool -------------------------------------------------------------------


@login_required
def experts(request: HttpRequest) -> HttpResponse:
    city = selectors.regulator_city(request.user)
    form = ExpertForm(request.POST or None, instance=Expert(city=city), city=city)
    if request.method == "POST" and form.is_valid():
        try:
            expert = reviewing.save_expert(
                _actor(request),
                form.instance,
                specialties=form.cleaned_data["specialties"],
                account=form.cleaned_data["account"],
            )
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("评审专家已保存。"))
            return redirect(reverse("scoring:expert", args=[expert.pk]))
    context = {"city": city, "experts": selectors.experts_of(city), "form": form}
    return render(request, "scoring/review_experts.html", context)


@login_required
def expert(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_expert_for(request.user, pk)
    form = ExpertForm(request.POST or None, instance=member, city=member.city)
    if request.method == "POST" and form.is_valid():
        try:
            reviewing.save_expert(
                _actor(request),
                form.instance,
                specialties=form.cleaned_data["specialties"],
                account=form.cleaned_data["account"],
            )
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("评审专家已保存。"))
            return redirect(reverse("scoring:expert", args=[member.pk]))
    return _expert_page(request, member, form, RelationForm())


def _expert_page(request: HttpRequest, member: Expert, form: ExpertForm, relation_form: RelationForm) -> HttpResponse:
    context = {
        "expert": member,
        "form": form,
        "relation_form": relation_form,
        "relations": selectors.relations_of(member),
    }
    return render(request, "scoring/review_expert.html", context)


@login_required
@require_POST
def expert_relation(request: HttpRequest, pk: int) -> HttpResponse:
    member = selectors.get_expert_for(request.user, pk)
    form = RelationForm(request.POST)
    if form.is_valid():
        try:
            reviewing.declare_relation(_actor(request), member, **form.cleaned_data)
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("回避关系已登记。已分配的评审组请重新运行分配。"))
            return redirect(reverse("scoring:expert", args=[member.pk]))
    return _expert_page(request, member, ExpertForm(instance=member, city=member.city), form)


# --- the regulator: panels ---------------------------------------------------------------------


def _panels_url(campaign_slug: str) -> str:
    return reverse("scoring:panels") + f"?campaign={campaign_slug}"


def _save_panel(request: HttpRequest, form: PanelForm) -> Panel | None:
    if not (request.method == "POST" and form.is_valid()):
        return None
    try:
        return reviewing.save_panel(
            _actor(request),
            form.instance,
            members=list(form.cleaned_data["members"]),
            occupations=list(form.cleaned_data["occupations"]),
        )
    except TransitionRefused as refusal:
        form.add_error(None, str(refusal))
        return None


@login_required
def panels(request: HttpRequest) -> HttpResponse:
    city = selectors.regulator_city(request.user)
    campaign = requested_campaign(request)
    form = PanelForm(request.POST or None, instance=Panel(campaign=campaign, city=city), city=city, campaign=campaign)
    panel = _save_panel(request, form)
    if panel is not None:
        messages.success(request, _("评审组已保存，请运行分配。"))
        return redirect(reverse("scoring:panel_assignment", args=[panel.pk]))
    context = {
        "campaign": campaign,
        "city": city,
        "panels": selectors.panels_of(campaign, city),
        "rules": reviewing.rules_of(campaign),
        "form": form,
    }
    return render(request, "scoring/review_panels.html", context)


@login_required
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_panel_for(request.user, pk)
    form = PanelForm(request.POST or None, instance=found, city=found.city, campaign=found.campaign)
    if _save_panel(request, form) is not None:
        messages.success(request, _("评审组已保存。"))
        return redirect(reverse("scoring:panel_assignment", args=[found.pk]))
    return render(request, "scoring/review_panel.html", {"panel": found, "form": form})


@login_required
@require_POST
def panel_assign(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_panel_for(request.user, pk)
    try:
        plan = reviewing.assign_panel(_actor(request), found)
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        text = _("已为 %(n)d 位考生分配评审专家。") % {"n": len(plan.assignments)}
        if plan.unassignable:
            text += _("%(m)d 位考生无法分配，见下方名单。") % {"m": len(plan.unassignable)}
        messages.success(request, text)
    return redirect(reverse("scoring:panel_assignment", args=[found.pk]))


@login_required
def panel_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_panel_for(request.user, pk)
    context = {
        "panel": found,
        "assignment": selectors.assignment_of(found),
        "panels_url": _panels_url(found.campaign.slug),
    }
    return render(request, "scoring/review_assignment.html", context)


# --- the association: criteria and rules -------------------------------------------------------


@login_required
def criteria(request: HttpRequest) -> HttpResponse:
    require(request.user, "scoring.rules")
    campaign = requested_campaign(request)
    current = selectors.criteria_for(campaign)
    scoring_rules = ScoringRules.objects.filter(campaign=campaign).first() or ScoringRules(campaign=campaign)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted else None
    form = CriteriaForm(posted if which == "criteria" else None, initial=CriteriaForm.initial_for(current))
    rules_form = ReviewRulesForm(posted if which == "rules" else None, instance=scoring_rules)
    bound = form if which == "criteria" else rules_form if which == "rules" else None
    if bound is not None and bound.is_valid():
        try:
            if bound is form:
                reviewing.save_criteria(_actor(request), campaign, form.cleaned_data["lines"])
            else:
                reviewing.save_review_rules(_actor(request), rules_form.instance)
        except TransitionRefused as refusal:
            bound.add_error(None, str(refusal))
        else:
            messages.success(request, _("已保存。"))
            return redirect(reverse("scoring:review_criteria") + f"?campaign={campaign.slug}")
    context = {"campaign": campaign, "criteria": current, "form": form, "rules_form": rules_form}
    return render(request, "scoring/review_criteria.html", context)


# --- the expert ------------------------------------------------------------------------------


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    context = {"reviews": selectors.my_reviews(request.user), "chaired": selectors.chaired_panels(request.user)}
    return render(request, "scoring/review_mine.html", context)


@login_required
def review_candidate(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.get_review_for(request.user, pk)
    criteria_rows = selectors.criteria_for(review.panel.campaign_id)
    form = SheetForm(request.POST or None, criteria=criteria_rows)
    if request.method == "POST" and form.is_valid():
        try:
            reviewing.submit_review(_actor(request), review, points=form.points, comment=form.cleaned_data["comment"])
        except reviewing.SheetRefused as refusal:
            for criterion_id, message in refusal.errors.items():
                form.add_error(f"c{criterion_id}", message)
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("评分已提交。"))
            return redirect(reverse("scoring:review_candidate", args=[pk]))
    context = {
        "review": review,
        "application": review.application,
        "materials": selectors.materials_of(review),
        "criteria": criteria_rows,
        "form": form,
        "others": selectors.others_of(review),
    }
    return render(request, "scoring/review_candidate.html", context)


@login_required
def review_material(request: HttpRequest, pk: int, slot: str) -> FileResponse:
    """The candidate's technical summary or paper, to an expert it is assigned to; audited."""
    review = selectors.get_review_for(request.user, pk)
    document = selectors.material_of(review, slot)
    record(
        "scoring.review.materials_opened",
        actor=request.user,
        obj=review.application,
        after={"slot": slot, "panel": review.panel_id},
    )
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["X-Frame-Options"] = "SAMEORIGIN"
    response._csp_config = {**settings.SECURE_CSP, "frame-ancestors": [CSP.SELF]}  # type: ignore[attr-defined]
    return response


@login_required
def panel_chair(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_panel_for(request.user, pk, need="chair")
    sheet = selectors.chair_sheet(found)
    flagged = [(row.application.pk, row.application.full_name) for row in sheet.flagged]
    context = {"panel": found, "sheet": sheet, "form": CloseForm(flagged=flagged)}
    return render(request, "scoring/review_chair.html", context)


@login_required
@require_POST
def panel_close(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_panel_for(request.user, pk, need="chair")
    flagged = [(row.application.pk, row.application.full_name) for row in selectors.chair_sheet(found).flagged]
    form = CloseForm(request.POST, flagged=flagged)
    acknowledged = form.cleaned_data["acknowledged"] if form.is_valid() else []
    try:
        written = reviewing.close_panel(_actor(request), found, acknowledged=acknowledged)
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if written:
            messages.success(request, _("评审已结束，%(n)d 位考生的综合评审成绩已生效。") % {"n": written})
    return redirect(reverse("scoring:panel_chair", args=[found.pk]))
