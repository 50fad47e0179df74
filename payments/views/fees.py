"""The association's fee schedule page (收费标准): per level, per occupation, and its legal basis.

One page, four POST actions (set a level's fee, set an occupation's fee, remove a rule, save the
basis). With htmx the schedule part is swapped in place; without JavaScript a success redirects
and an error re-renders the page with the message beside the field.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.permissions import require
from catalog import fees
from catalog.models import Campaign, FeeRule
from payments.forms_fees import CampaignChoiceForm, FeeBasisForm, LevelFeeForm, OccupationFeeForm


def _campaign(request) -> Campaign:
    key = request.POST.get("campaign") or request.GET.get("campaign")
    campaigns = Campaign.objects.order_by("-exam_date", "-pk")
    campaign = campaigns.filter(slug=key).first() if key else campaigns.first()
    if campaign is None:
        raise Http404("认定批次不存在")
    return campaign


def _context(campaign: Campaign, *, bound: dict | None = None) -> dict:
    """The page's data and its forms; `bound` replaces the unbound form of the action that failed."""
    bound = bound or {}
    schedule = fees.schedule(campaign)
    rows = [
        {
            "level": row.level,
            "rule": row.rule,
            "form": bound.get(f"level{row.level.number}")
            or LevelFeeForm(level=row.level, initial={"amount": row.rule.amount if row.rule else ""}),
        }
        for row in schedule.levels
    ]
    return {
        "campaign": campaign,
        "schedule": schedule,
        "rows": rows,
        "occupation_form": bound.get("occupation") or OccupationFeeForm(campaign=campaign),
        "basis_form": bound.get("basis") or FeeBasisForm(initial={"fee_basis": campaign.fee_basis}),
        "campaign_form": CampaignChoiceForm(initial={"campaign": campaign}),
        "failed_form": next(iter(bound.values()), None),
    }


def _apply(request, campaign: Campaign):
    """Run the posted action. Returns (success message, None) or (None, {key: bound form with errors})."""
    action = request.POST.get("action", "")
    if action == "level":
        schedule = fees.schedule(campaign)
        number = request.POST.get("level", "")
        level = next((row.level for row in schedule.levels if str(row.level.number) == number), None)
        if level is None:
            raise Http404
        form = LevelFeeForm(request.POST, level=level)
        key = f"level{level.number}"
        if form.is_valid():
            try:
                rule = fees.set_fee(request.user, campaign, level=level, amount=form.cleaned_data["amount"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _("%(level)s 收费标准已保存：%(amount)s 元。") % {
                    "level": level.name,
                    "amount": rule.amount,
                }, None
        return None, {key: form}
    if action == "occupation":
        form = OccupationFeeForm(request.POST, campaign=campaign)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rule = fees.set_fee(
                    request.user, campaign, level=data["level"], occupation=data["occupation"], amount=data["amount"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _("“%(occupation)s”%(level)s 收费标准已保存：%(amount)s 元。") % {
                    "occupation": rule.occupation.name,
                    "level": rule.level.name,
                    "amount": rule.amount,
                }, None
        return None, {"occupation": form}
    if action == "remove":
        rule = get_object_or_404(
            FeeRule.objects.select_related("level", "occupation"), pk=request.POST.get("rule") or 0
        )
        if rule.campaign_id != campaign.pk:
            raise Http404
        fees.remove_fee(request.user, rule)
        target = rule.occupation.name if rule.occupation_id else _("全部职业")
        return _("已删除 %(level)s（%(target)s）的收费标准。") % {"level": rule.level.name, "target": target}, None
    if action == "basis":
        form = FeeBasisForm(request.POST)
        if form.is_valid():
            try:
                fees.set_fee_basis(request.user, campaign, form.cleaned_data["fee_basis"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _("收费依据已保存。"), None
        return None, {"basis": form}
    raise Http404


@login_required
def fee_schedule(request):
    require(request.user, "fees.manage")
    campaign = _campaign(request)
    status = 200
    context = _context(campaign)
    if request.method == "POST":
        done, failed = _apply(request, campaign)
        campaign.refresh_from_db()
        if done and not request.htmx:
            messages.success(request, done)
            return redirect(reverse("payments_staff:fees") + f"?campaign={campaign.slug}")
        context = _context(campaign, bound=failed)
        context["done"] = done
        status = 200 if done or request.htmx else 400  # htmx swaps only 2xx answers
    template = "payments/fees.html#schedule" if request.htmx else "payments/fees.html"
    return render(request, template, context, status=status)
