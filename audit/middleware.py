from django.conf import settings

from audit.context import AuditContext, current


def client_ip(request) -> str | None:
    """The client address, trusting X-Forwarded-For only from configured proxies."""
    proxies = settings.SKILLCERT_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current.set(AuditContext(ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            current.reset(token)
