"""Public pages: home, a campaign, the catalog browser, the partner directory."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import require
from catalog import selectors, services
from catalog.forms import CatalogImportForm
from catalog.models import Campaign
from skillcert.public_cache import public_page


def requested_campaign(request: HttpRequest) -> Campaign:
    """The campaign a staff page is about: `?campaign=` (or the posted field), else the featured one."""
    key = request.GET.get("campaign") or request.POST.get("campaign")
    today = timezone.localdate()
    campaign = selectors.campaign_by_key(key) if key else selectors.featured_campaign(today)
    if campaign is None:
        raise Http404
    return campaign


def _campaign_or_404(key: str):
    campaign = selectors.campaign_by_key(key)
    if campaign is None:
        raise Http404("认定批次不存在")
    return campaign


@public_page
def home(request):
    campaign = selectors.featured_campaign(timezone.localdate())
    return _campaign_page(request, campaign)


@public_page
def campaign_detail(request, key: str):
    return _campaign_page(request, _campaign_or_404(key))


def _campaign_page(request, campaign):
    context = {"campaign": campaign, "today": timezone.localdate(), "association": selectors.association()}
    if campaign is not None:
        context["key_dates"] = selectors.key_dates(campaign)
        context["offering_count"] = campaign.offerings.count()
    return render(request, "catalog/home.html", context)


@public_page
def catalog_browser(request, key: str):
    campaign = _campaign_or_404(key)
    query = request.GET.get("q", "")[:50]
    level = request.GET.get("level", "")
    level_number = int(level) if level in {"1", "2", "3", "4", "5"} else None
    rows = list(selectors.offerings(campaign, query=query, level=level_number))
    context = {
        "campaign": campaign,
        "rows": rows,
        "query": query,
        "level": level_number,
        "levels": selectors.levels(),
    }
    template = "catalog/catalog.html#results" if request.htmx else "catalog/catalog.html"
    return render(request, template, context)


@public_page
def directory(request):
    return render(
        request, "catalog/directory.html", {"cities": selectors.directory(), "association": selectors.association()}
    )


@login_required
def import_catalog_view(request):
    """The association uploads a catalog; any bad row means nothing is imported."""
    require(request.user, "catalog.manage")
    posted = request.method == "POST"
    form = CatalogImportForm(request.POST if posted else None, request.FILES if posted else None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        report = form.report
        context["report"] = report
        if report.ok and not form.cleaned_data["check_only"]:
            context["result"] = services.import_catalog(
                report, campaign=form.cleaned_data["campaign"], actor=request.user
            )
    return render(request, "catalog/import.html", context)
