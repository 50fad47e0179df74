from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notifications import selectors, services


@login_required
def inbox(request):
    page = Paginator(selectors.inbox(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
def detail(request, pk: int):
    """Opening a message marks it read (idempotent, so a GET is fine)."""
    message = services.mark_read(request.user, selectors.message_for(request.user, pk))
    return render(request, "notifications/detail.html", {"message": message})


@login_required
@require_POST
def mark_all_read(request):
    services.mark_all_read(request.user)
    return redirect("notifications:inbox")
