"""Staff endpoints of /api/v1/staff/ about the token itself (the router's auth is StaffToken)."""

from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from accounts import api_tokens

router = Router(tags=["staff"])


@router.post("/token/revoke", response={204: None}, summary="Revoke the token this request carries")
def revoke_current_token(request: HttpRequest):
    """A machine retires its own token (or one that leaked): it stops working at once. Audited."""
    token = request.auth  # type: ignore[attr-defined]
    api_tokens.revoke_token(token.user, token)
    return Status(204, None)
