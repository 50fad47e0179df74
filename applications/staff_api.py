"""Staff endpoints of /api/v1/staff/ about applications, for machines with a personal token.

The router's auth is `skillcert.api.StaffToken`: `request.auth` is the token, and the request
acts as its user — the same capability checks and city scope as the staff pages, numbers
masked as on the review queue (the API has no way to reveal them)."""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from accounts.permissions import has_capability
from applications.models import Application, Status
from catalog import selectors as catalog
from review.selectors import reviewable
from skillcert.lib.masking import mask_id_number, mask_name, mask_phone

router = Router(tags=["staff"])


class StaffApplicationOut(Schema):
    id: int
    status: Status = Field(description="申报状态")
    status_label: str
    city: str | None = Field(description="盟市代码")
    full_name: str = Field(description="姓名（脱敏）", examples=["王**"])
    id_number: str = Field(description="身份证号码（脱敏）", examples=["1501**********1234"])
    phone: str = Field(description="联系电话（脱敏）", examples=["138****5678"])
    occupation_code: str | None
    level: int | None = Field(description="5 五级/初级工 … 1 一级/高级技师")
    category: str
    submitted_at: datetime | None

    @staticmethod
    def resolve_status_label(application: Application) -> str:
        return str(application.get_status_display())

    @staticmethod
    def resolve_city(application: Application) -> str | None:
        return application.city.code if application.city_id else None

    @staticmethod
    def resolve_full_name(application: Application) -> str:
        return mask_name(application.full_name)

    @staticmethod
    def resolve_id_number(application: Application) -> str:
        return mask_id_number(application.id_number)

    @staticmethod
    def resolve_phone(application: Application) -> str:
        return mask_phone(application.phone)

    @staticmethod
    def resolve_occupation_code(application: Application) -> str | None:
        return application.occupation.code if application.occupation_id else None

    @staticmethod
    def resolve_level(application: Application) -> int | None:
        return application.level_id


@router.get(
    "/applications",
    response=list[StaffApplicationOut],
    summary="Applications of a campaign in the token user's scope",
)
@paginate(PageNumberPagination, page_size=50)
def list_staff_applications(request: HttpRequest, response: HttpResponse, campaign: str, status: Status | None = None):
    """The submitted applications of a campaign (by year or slug) that the token's user may
    review: the association every city, co-organizers and regulators their own. Names and
    numbers masked; 50 a page, oldest first."""
    user = request.auth.user  # type: ignore[attr-defined]
    if not has_capability(user, "review.view"):
        raise HttpError(403, "该令牌的账号没有查看申报的权限。")
    found = catalog.campaign_by_key(campaign)
    if found is None:
        raise HttpError(404, f"认定批次不存在：{campaign}")
    response["Cache-Control"] = "private, no-store"  # personal data, even masked
    rows = reviewable(user, found).select_related("city", "occupation")
    if status is not None:
        rows = rows.filter(status=status)
    return rows.order_by("pk")
