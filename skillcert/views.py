from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import require
from catalog import selectors
from catalog.holidays import missing_years
from catalog.models import Campaign


def healthz(request: HttpRequest) -> HttpResponse:
    """For the load balancer: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def admin_login(request: HttpRequest) -> HttpResponse:
    """Where the admin sends whoever may not use it: the site's login for strangers,
    a plain "no permission" page for people already logged in without admin rights."""
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied("admin")
    query = request.GET.urlencode()
    return redirect(reverse("accounts:login") + (f"?{query}" if query else ""))


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    require(request.user, "staff.dashboard")
    campaign = selectors.featured_campaign(timezone.localdate())
    context = {
        "campaign": campaign,
        "key_dates": selectors.key_dates(campaign, for_staff=True) if campaign else [],
        "missing_years": missing_years([campaign]) if campaign else [],
        "arrangement": _arrangement_due(request.user, campaign),  # type: ignore[arg-type]  # login_required
        "results_due": _results_due(request.user, campaign),  # type: ignore[arg-type]  # login_required
    }
    return render(request, "staff/home.html", context)


def _results_due(user: User, campaign: Campaign | None) -> dict | None:
    """六.二's 10-working-day countdown: the regulator's own city, or every city for the association."""
    from accounts.models import Role
    from scoring import publicity_selectors

    if campaign is None or timezone.localdate() < campaign.exam_date:
        return None
    if user.is_association:
        cities = publicity_selectors.progress(campaign)
        return {"cities": cities, "late": [c for c in cities if c.deadline.late and not c.deadline.done]}
    if user.role == Role.REGULATOR and user.city is not None:
        return {"deadline": publicity_selectors.deadline_of(campaign, user.city)}
    return None


def _arrangement_due(user: User, campaign: Campaign | None) -> dict | None:
    """The co-organizer's countdown to Campaign.arrangement_due, with their city's progress."""
    from accounts.permissions import has_capability
    from exams import selectors as exams

    if campaign is None or user.city is None or not has_capability(user, "exams.arrange"):
        return None
    arrangement = exams.arrangement_of(campaign, user.city)
    days_left = (campaign.arrangement_due - timezone.localdate()).days
    return {
        "due": campaign.arrangement_due,
        "days_left": days_left,
        "days_overdue": -days_left,
        "published": arrangement.is_published,
        "counts": exams.counts(campaign, user.city),
    }
