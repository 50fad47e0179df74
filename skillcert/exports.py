"""Staff lists as xlsx: the review queue and the orders list export their filtered rows here.

One rule for every export: ID and phone numbers are masked unless the user holds
`personal_data.unmask` and asks for them, text is never written as a formula, and every
export is audited (who, which list, the filter, how many rows, whether numbers were in
clear). Lists describe their columns; `personal` columns are the ones masked by default.
"""

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from accounts.permissions import AnyUser, has_capability, require
from audit.services import record
from skillcert.lib.masking import mask_id_number, mask_phone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNMASK = "personal_data.unmask"
MASKS: dict[str, Callable[[str], str]] = {"id_number": mask_id_number, "phone": mask_phone}
# Query parameters that shape the page, not the list.
NOT_FILTERS = {"page", "csrfmiddlewaretoken", "personal"}


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    width: int = 14
    personal: str = ""  # "id_number" or "phone": masked unless asked for in clear


def wants_personal_data(request: HttpRequest) -> bool:
    return request.POST.get("personal") == "on"


def can_export_personal_data(user: AnyUser) -> bool:
    return has_capability(user, UNMASK)


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)  # Excel has no time zones: Beijing wall-clock time
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or isinstance(value, int | float | Decimal | date):
        return value
    return str(value)


def workbook_bytes(title: str, columns: Sequence[Column], rows: Iterable[Any], *, personal: bool) -> tuple[bytes, int]:
    """The sheet and its row count. Strings stay strings: '=…' is text, never a formula."""
    workbook = Workbook()
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook starts with one worksheet
    sheet.title = title[:31]
    sheet.append([column.header for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    count = 0
    for count, row in enumerate(rows, start=1):
        values = []
        for column in columns:
            value = column.value(row)
            if column.personal and not personal:
                value = MASKS[column.personal](value or "")
            values.append(_cell_value(value))
        sheet.append(values)
        for cell in sheet[count + 1]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), count


def export_list(
    request: HttpRequest,
    *,
    name: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    obj: Model | None = None,
) -> HttpResponse:
    """The xlsx download of a filtered list, audited as `exports.<name>`.

    Asking for numbers in clear without `personal_data.unmask` is refused (403), not
    silently masked: the user asked for something they may not have.
    """
    personal = wants_personal_data(request)
    if personal:
        require(request.user, UNMASK)
    content, count = workbook_bytes(title, columns, rows, personal=personal)
    filters = {key: value for key, value in request.GET.items() if key not in NOT_FILTERS and value}
    record(
        f"exports.{name}",
        actor=request.user,
        obj=obj,
        after={"filter": filters, "rows": count, "personal_data": personal},
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{title}-{stamp}.xlsx')}"
    response["Cache-Control"] = "private, no-store"
    return response
