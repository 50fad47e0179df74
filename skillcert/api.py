from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from accounts import api_tokens
from accounts.models import ApiToken
from catalog.api import router as catalog_router

api = NinjaAPI(
    title="skillcert API",
    version="1",
    description="职业技能等级认定平台接口。Errors carry a Chinese `detail`.",
    urls_namespace="api",
)


class StaffToken(HttpBearer):
    """`Authorization: Bearer skc_…`, a staff member's personal token (made at /accounts/tokens/).

    The only way into /api/v1/staff/: the session cookie is not read there, so a page in a
    browser can never make a call for its user (no CSRF to forge). The request acts as the
    token's user; a read-only token may only read."""

    openapi_bearerFormat = "skc_…"
    openapi_description = "工作人员在“我的账户 → API 令牌”创建的个人令牌：Authorization: Bearer skc_…"

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = api_tokens.authenticate(token)
        if found is not None and not found.permits(request.method or "GET"):
            raise HttpError(403, "该令牌为只读，不能修改数据。")
        return found


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(
        request, {"detail": "缺少有效的 API 令牌：请在请求头中携带 Authorization: Bearer skc_…"}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="skillcert"'
    return response


staff_token = StaffToken()

api.add_router("/", catalog_router)
api.add_router("/", "applications.api.router")
api.add_router("/", "certificates.api.router")
api.add_router("/staff/", "applications.staff_api.router", auth=staff_token)
api.add_router("/staff/", "accounts.api.router", auth=staff_token)
api.add_router("/staff/", "certificates.staff_api.router", auth=staff_token)
