from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.permissions import require
from audit.forms import AuditSearchForm
from audit.selectors import known_actions, search_events


@login_required
def audit_search(request):
    require(request.user, "audit.view")
    form = AuditSearchForm(request.GET or None)
    events = search_events(request.user).none()
    if not request.GET:
        events = search_events(request.user)
    elif form.is_valid():
        data = form.cleaned_data
        events = search_events(
            request.user,
            text=data["text"].strip(),
            action=data["action"].strip(),
            city_id=data["city"].pk if data["city"] else None,
            since=data["since"],
            until=data["until"],
        )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "actions": known_actions(), "all_cities": request.user.is_association}
    template = "audit/search.html#results" if request.htmx else "audit/search.html"
    return render(request, template, context)
