"""The workbook of a reconciliation report (xlsx): 汇总, 订单与支付, 退款, 渠道账单, 差异."""

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from payments.reconciliation.comparison import BILL_TIMEZONE, Difference, _aware, _label

if TYPE_CHECKING:
    from payments.reconciliation.report import Report  # report.py imports this module

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "0.00"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DATE_FORMAT = "yyyy-mm-dd"


def _local(value: datetime | None) -> datetime | None:
    """Excel has no time zones: Beijing wall-clock time without tzinfo."""
    if value is None:
        return None
    if _aware(value):
        value = value.astimezone(BILL_TIMEZONE)
    return value.replace(tzinfo=None)


Columns = Sequence[tuple[str, int, str | None]]


def _sheet(workbook: Workbook, title: str, columns: Columns, rows: Iterable[Sequence[Any]]) -> Worksheet:
    """A sheet with a bold frozen header row; columns are (header, width, number format)."""
    sheet: Worksheet = workbook.create_sheet(title)
    sheet.append([header for header, _, _ in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_, width, _) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    # Count rows ourselves: openpyxl's max_row scans every cell, which made this quadratic.
    for row, values in enumerate(rows, start=2):
        sheet.append(list(values))
        _format_row(sheet, row, columns)
    sheet.freeze_panes = "A2"
    return sheet


def _format_row(sheet: Worksheet, row: int, columns: Columns) -> None:
    for index, (_, _, number_format) in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=index)
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # text from outside (names, receipt numbers) is never a formula
        elif number_format and cell.value is not None:
            cell.number_format = number_format


def _results_by[K](differences: Iterable[Difference], key: Callable[[Difference], K]) -> dict[K, list[str]]:
    results: dict[K, list[str]] = {}
    for difference in differences:
        results.setdefault(key(difference), []).append(difference.label)
    return results


def report_xlsx(report: "Report") -> bytes:
    """The workbook of a report: 汇总, 订单与支付, 退款, 渠道账单, 差异. No ID or phone numbers."""
    workbook = Workbook()
    _summary_sheet(workbook, report)
    _payments_sheet(workbook, report)
    _refunds_sheet(workbook, report)
    _bill_sheet(workbook, report)
    _differences_sheet(workbook, report)
    workbook.properties.creator = "skillcert"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- 汇总 -----------------------------------------------------------------------------------


def _bold_row(sheet: Worksheet, values: Sequence[Any]) -> None:
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _bill_status(report: "Report") -> str:
    if report.bill_error:
        return report.bill_error
    if report.note:
        return report.note
    return f"已获取，共 {len(report.bill)} 行"


def _summary_sheet(workbook: Workbook, report: "Report") -> None:
    """Which day and provider, our totals against the bill's, and the differences by kind."""
    summary = workbook.active
    assert isinstance(summary, Worksheet)  # a new workbook starts with one worksheet
    summary.title = "汇总"
    info = [
        ("支付方式", f"{report.provider_name}（{report.provider}）"),
        ("对账日期", report.day),
        ("生成时间", _local(report.generated_at)),
        ("渠道账单", _bill_status(report)),
        ("差异笔数", len(report.differences) if report.has_bill else "—"),
    ]
    for label, value in info:
        summary.append([label, value])
        summary.cell(row=summary.max_row, column=1).font = Font(bold=True)
    summary["B2"].number_format = DATE_FORMAT
    summary["B3"].number_format = TIME_FORMAT
    summary.append([])
    _summary_totals(summary, report)
    if report.differences:
        summary.append([])
        _bold_row(summary, ["差异类型", "笔数"])
        counts: dict[str, int] = {}
        for difference in report.differences:
            counts[difference.label] = counts.get(difference.label, 0) + 1
        for label, count in counts.items():
            summary.append([label, count])
    for column, width in (("A", 22), ("B", 40), ("C", 16), ("D", 18)):
        summary.column_dimensions[column].width = width


def _summary_totals(summary: Worksheet, report: "Report") -> None:
    _bold_row(summary, ["项目", "我方", "渠道账单", "差额（渠道−我方）"])
    ours, bill = report.ours, report.bill_totals

    def line(label: str, ours_value: Any, bill_value: Any, number_format: str) -> None:
        gap = None if bill_value is None or ours_value is None else bill_value - ours_value
        summary.append([label, ours_value, bill_value, gap])
        for column in (2, 3, 4):
            summary.cell(row=summary.max_row, column=column).number_format = number_format

    line("支付笔数", ours.payment_count, bill.payment_count if bill else None, "0")
    line("支付金额（元）", ours.payment_amount, bill.payment_amount if bill else None, MONEY_FORMAT)
    line("退款笔数", ours.refund_count, bill.refund_count if bill else None, "0")
    line("退款金额（元）", ours.refund_amount, bill.refund_amount if bill else None, MONEY_FORMAT)
    line("净额（元，支付−退款）", ours.net, bill.net if bill else None, MONEY_FORMAT)
    summary.append(["手续费（元）", None, bill.fee if bill else None, None])
    summary.cell(row=summary.max_row, column=3).number_format = MONEY_FORMAT


# --- 订单与支付, 退款: each of our records with its result ---------------------------------------


def _result(report: "Report", labels: list[str] | None) -> str:
    """A record's 对账结果: its differences' labels, 一致, or why it was not compared."""
    if not report.has_bill:
        return "待人工核对" if not report.bill_error else "未对账"
    return "、".join(labels) if labels else "一致"


PAYMENT_COLUMNS = [
    ("订单号", 22, None),
    ("姓名", 12, None),
    ("盟市", 12, None),
    ("渠道", 14, None),
    ("金额（元）", 12, MONEY_FORMAT),
    ("商户订单号", 26, None),
    ("交易单号/收据号", 32, None),
    ("到账时间", 20, TIME_FORMAT),
    ("状态", 12, None),
    ("重复缴费", 10, None),
    ("对账结果", 24, None),
]


def _payments_sheet(workbook: Workbook, report: "Report") -> None:
    by_payment = _results_by(
        (d for d in report.differences if not d.kind.startswith("refund_")), lambda d: d.out_trade_no
    )
    rows = (
        (
            p.order_code,
            p.full_name,
            p.city,
            p.channel,
            p.amount,
            p.out_trade_no,
            p.reference,
            _local(p.confirmed_at),
            _label(p),
            "是" if p.is_duplicate else "",
            _result(report, by_payment.get(p.out_trade_no)),
        )
        for p in report.payments
    )
    _sheet(workbook, "订单与支付", PAYMENT_COLUMNS, rows)


REFUND_COLUMNS = [
    ("退款单号", 28, None),
    ("商户订单号", 26, None),
    ("订单号", 22, None),
    ("姓名", 12, None),
    ("盟市", 12, None),
    ("退款金额（元）", 14, MONEY_FORMAT),
    ("退款原因", 12, None),
    ("渠道退款单号/凭证号", 32, None),
    ("退款到账时间", 20, TIME_FORMAT),
    ("状态", 12, None),
    ("对账结果", 24, None),
]


def _refunds_sheet(workbook: Workbook, report: "Report") -> None:
    by_refund = _results_by(
        (d for d in report.differences if d.kind.startswith("refund_")), lambda d: (d.out_trade_no, d.out_refund_no)
    )
    rows = (
        (
            r.out_refund_no,
            r.out_trade_no,
            r.order_code,
            r.full_name,
            r.city,
            r.amount,
            r.reason,
            r.reference,
            _local(r.done_at),
            _label(r),
            _result(report, by_refund.get((r.out_trade_no, r.out_refund_no))),
        )
        for r in report.refunds
    )
    _sheet(workbook, "退款", REFUND_COLUMNS, rows)


# --- 渠道账单, 差异 -----------------------------------------------------------------------------

BILL_COLUMNS = [
    ("交易时间", 20, TIME_FORMAT),
    ("商户订单号", 26, None),
    ("渠道交易单号", 32, None),
    ("交易状态", 10, None),
    ("订单金额（元）", 14, MONEY_FORMAT),
    ("退款金额（元）", 14, MONEY_FORMAT),
    ("商户退款单号", 28, None),
    ("渠道退款单号", 32, None),
    ("退款状态", 10, None),
    ("手续费（元）", 12, MONEY_FORMAT),
]


def _bill_sheet(workbook: Workbook, report: "Report") -> None:
    rows = (
        (
            _local(row.traded_at),
            row.out_trade_no,
            row.transaction_id,
            row.trade_state,
            row.amount,
            row.refund_amount,
            row.out_refund_no,
            row.refund_id,
            row.refund_state,
            row.fee,
        )
        for row in report.bill
    )
    _sheet(workbook, "渠道账单", BILL_COLUMNS, rows)


DIFFERENCE_COLUMNS = [
    ("类型", 18, None),
    ("商户订单号", 26, None),
    ("退款单号", 28, None),
    ("我方金额（元）", 14, MONEY_FORMAT),
    ("渠道金额（元）", 14, MONEY_FORMAT),
    ("我方状态", 12, None),
    ("渠道状态", 10, None),
    ("说明", 80, None),
]


def _differences_sheet(workbook: Workbook, report: "Report") -> None:
    rows = (
        (
            d.label,
            d.out_trade_no,
            d.out_refund_no,
            d.ours_amount,
            d.bill_amount,
            d.ours_state,
            d.bill_state,
            d.explanation,
        )
        for d in report.differences
    )
    _sheet(workbook, "差异", DIFFERENCE_COLUMNS, rows)


def xlsx_filename(provider_id: str, day: date) -> str:
    return f"reconciliation-{provider_id}-{day:%Y-%m-%d}.xlsx"
