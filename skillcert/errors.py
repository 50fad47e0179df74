from django.shortcuts import render

from accounts.permissions import Refused


def forbidden(request, exception=None):
    # Only a `Refused` carries a message meant for the user; other reasons are internal names.
    reason = getattr(exception, "message", "") if isinstance(exception, Refused) else ""
    return render(request, "errors/403.html", {"reason": reason}, status=403)


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)
