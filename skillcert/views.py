from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.permissions import require
from catalog import selectors


def healthz(request):
    """For the load balancer: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def staff_home(request):
    require(request.user, "staff.dashboard")
    campaign = selectors.featured_campaign(timezone.localdate())
    context = {"campaign": campaign, "key_dates": selectors.key_dates(campaign) if campaign else []}
    return render(request, "staff/home.html", context)
