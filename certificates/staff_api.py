"""Staff endpoints of /api/v1/staff/ about certificates: the issued batches and their national
export, for the national database's uploader (a machine with the association's personal token).
The export carries full ID numbers: certificates.print, each call audited like the page's."""

from datetime import date, datetime
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from accounts.models import User
from accounts.permissions import has_capability
from audit.services import record
from catalog import selectors as catalog
from certificates import export
from certificates import selectors as read
from certificates.models import IssueBatch
from skillcert.exports import XLSX_CONTENT_TYPE

router = Router(tags=["staff"])


class BatchOut(Schema):
    id: int
    campaign: str = Field(description="认定批次")
    city: str = Field(description="盟市代码")
    occupation_code: str | None = Field(description="职业编码；全盟市批次为 null")
    issued_on: date
    issued_at: datetime
    count: int = Field(description="证书数")

    @staticmethod
    def resolve_campaign(batch: IssueBatch) -> str:
        return batch.campaign.slug

    @staticmethod
    def resolve_city(batch: IssueBatch) -> str:
        return batch.city.code

    @staticmethod
    def resolve_occupation_code(batch: IssueBatch) -> str | None:
        return batch.occupation.code if batch.occupation is not None else None


def _require_print(request: HttpRequest) -> User:
    user: User = request.auth.user  # type: ignore[attr-defined]
    if not has_capability(user, "certificates.print"):
        raise HttpError(403, "该令牌的账号不能导出证书数据（含完整身份证号），只有就促会可以。")
    return user


@router.get("/certificates/batches", response=list[BatchOut], summary="Issued certificate batches of a campaign")
def list_batches(request: HttpRequest, response: HttpResponse, campaign: str) -> list[IssueBatch]:
    """The batches the association issued in a campaign (by year or slug), newest first."""
    user = _require_print(request)
    found = catalog.campaign_by_key(campaign)
    if found is None:
        raise HttpError(404, f"认定批次不存在：{campaign}")
    response["Cache-Control"] = "private, no-store"
    return list(read.batches(user, found))


@router.get(
    "/certificates/batches/{batch_id}/export",
    summary="A batch in the national database's fields (CSV or xlsx)",
    response={200: None},
    openapi_extra={
        "responses": {
            200: {
                "description": "证书数据（完整身份证号）",
                "content": {"text/csv": {}, XLSX_CONTENT_TYPE: {}},
            }
        }
    },
)
def export_batch(request: HttpRequest, batch_id: int, format: Literal["csv", "xlsx"] = "csv") -> HttpResponse:
    """Every certificate of the batch with its state (valid, revoked, replaced), one row each, in
    the columns of the staff page's export. Audited as certificates.exported."""
    user = _require_print(request)
    try:
        batch = read.get_batch_for(user, batch_id)
    except Http404 as missing:
        raise HttpError(404, "发证批次不存在。") from missing
    rows = read.batch_certificates(batch)
    content, count = export.as_csv(rows) if format == "csv" else export.as_xlsx(rows)
    record("certificates.exported", actor=user, obj=batch, after={"format": format, "rows": count, "via": "api"})
    content_type = "text/csv; charset=utf-8" if format == "csv" else XLSX_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="certificates-{batch.pk}.{format}"'
    response["Cache-Control"] = "private, no-store"
    return response
