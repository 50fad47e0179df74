"""Staff pages of the catalog: a campaign's readings of the notice, the holiday calendar."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import require
from catalog import holidays, rules, selectors
from catalog.forms import CampaignRulesForm, HolidayEntryForm, HolidayImportForm, HolidayYearForm
from catalog.models import HolidayEntry, HolidayYear
from catalog.readings import READINGS


def _campaign_or_404(key: str):
    campaign = selectors.campaign_by_key(key)
    if campaign is None:
        raise Http404(_("认定批次不存在"))
    return campaign


@login_required
def campaign_rules(request, key: str):
    """The association reviews and changes how the notice is read for one campaign."""
    require(request.user, "catalog.manage")
    campaign = _campaign_or_404(key)
    current = rules.rules_for(campaign)
    form = CampaignRulesForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        rules.update_rules(request.user, campaign, {name: form.cleaned_data[name] for name in rules.RULE_FIELDS})
        messages.success(request, _("已保存。此后的申报条件核对按新的口径进行；已提交的申报保留提交时的核对结果。"))
        return redirect("catalog_staff:rules", key=campaign.slug)
    items = [{"field": form[reading.field], "reading": reading} for reading in READINGS]
    context = {"campaign": campaign, "form": form, "items": items, "campaigns": selectors.campaigns()}
    return render(request, "catalog/rules.html", context)


# --- the holiday calendar -----------------------------------------------------------------------


def _apply_errors(form, error: ValidationError) -> None:
    """A service's field errors shown beside the form's fields (unknown fields on top)."""
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)


def _year_or_404(year: int) -> int:
    if not holidays.FIRST_YEAR <= year <= holidays.LAST_YEAR:
        raise Http404(_("年度不存在"))
    return year


@login_required
def calendar(request):
    """The years entered, the years campaigns still need, and the import of a schedule file."""
    require(request.user, "catalog.manage")
    posted = request.method == "POST"
    form = HolidayImportForm(request.POST if posted else None, request.FILES if posted else None)
    context = {"form": form}
    if posted and form.is_valid():
        report = form.report
        context["report"] = report
        if report.ok and not form.cleaned_data["check_only"]:
            context["result"] = holidays.import_schedule(
                request.user, report, complete=form.cleaned_data["complete"], source=form.cleaned_data["source"]
            )
    first, last = holidays.package_years()
    context |= {
        "years": HolidayYear.objects.annotate(count=Count("entries")).order_by("-year"),
        "package_first": first,
        "package_last": last,
        "missing_years": holidays.missing_years(),
        "next_year": timezone.localdate().year + 1,
    }
    return render(request, "catalog/calendar.html", context)


@login_required
def calendar_year(request, year: int):
    """One year's holidays and make-up working days: add, delete, mark complete."""
    require(request.user, "catalog.manage")
    year = _year_or_404(year)
    row = HolidayYear.objects.filter(year=year).first()
    action = request.POST.get("action") if request.method == "POST" else None
    entry_form = HolidayEntryForm(request.POST if action == "add" else None, year=year)
    year_form = HolidayYearForm(
        request.POST if action == "mark" else None,
        initial={"complete": row.complete, "source": row.source} if row else None,
    )
    if action == "add" and entry_form.is_valid():
        try:
            holidays.save_entry(request.user, **entry_form.cleaned_data)
        except ValidationError as error:
            _apply_errors(entry_form, error)
        else:
            messages.success(request, _("已添加。"))
            return redirect("catalog_staff:calendar_year", year=year)
    elif action == "mark" and year_form.is_valid():
        try:
            holidays.mark_year(request.user, year, **year_form.cleaned_data)
        except ValidationError as error:
            _apply_errors(year_form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("catalog_staff:calendar_year", year=year)
    elif action == "delete":
        entry = get_object_or_404(HolidayEntry, pk=request.POST.get("entry") or 0, year__year=year)
        holidays.delete_entry(request.user, entry)
        messages.success(request, _("已删除 %(day)s。") % {"day": entry.day})
        return redirect("catalog_staff:calendar_year", year=year)
    first, last = holidays.package_years()
    context = {
        "year": year,
        "row": row,
        "entries": row.entries.all() if row else [],
        "entry_form": entry_form,
        "year_form": year_form,
        "in_package": first <= year <= last,
        "missing": [m for m in holidays.missing_years() if m.year == year],
    }
    return render(request, "catalog/calendar_year.html", context)


@login_required
def calendar_entry(request, year: int, pk: int):
    """Change one entry."""
    require(request.user, "catalog.manage")
    entry = get_object_or_404(HolidayEntry, pk=pk, year__year=_year_or_404(year))
    initial = {"day": entry.day, "kind": entry.kind, "name": entry.name}
    form = HolidayEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            holidays.save_entry(request.user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("catalog_staff:calendar_year", year=form.cleaned_data["day"].year)
    return render(request, "catalog/calendar_entry.html", {"entry": entry, "form": form, "year": year})
