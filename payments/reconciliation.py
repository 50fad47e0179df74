"""Daily reconciliation (对账): one provider's day as we recorded it, next to the provider's own
trade bill, with every difference explained in plain Chinese and a workbook for the accountant.

* Our side: payments of the provider confirmed that day (state 支付成功 or later 已全额退款)
  and refunds done that day. A day is a whole day in Beijing time (Asia/Shanghai), the day of
  WeChat's bills, whatever settings.TIME_ZONE says.
* The provider's side: `PaymentProvider.trade_bill(day)`. A `ProviderError` is recorded as
  "账单获取失败：…" and the report still lists our side; nothing is compared then. An offline
  provider (`online = False`) has no bill: its report lists the receipts to check by hand.
* `compare` is pure (plain records in, differences and totals out, no Django);
  `build_report` gathers the records, `report_xlsx` writes the workbook, `save_report` keeps
  it (one `ReconciliationReport` per provider and day, regenerating replaces it, audited).
"""

import io
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from applications.models import private_storage
from audit.services import record
from payments.models import Payment, ReconciliationReport, Refund
from payments.providers import get_provider
from payments.providers.base import BillRow, ProviderError

logger = logging.getLogger(__name__)

BILL_TIMEZONE = ZoneInfo("Asia/Shanghai")  # WeChat Pay's bills are days in Beijing time
ZERO = Decimal("0.00")

OFFLINE_NOTE = "线下缴费没有渠道账单：请对照收据号、银行流水或现金收据逐笔人工核对。"

# Values of Payment.State / Refund.State, spelled out so `compare` needs no Django.
PAID_STATES = frozenset({"confirmed", "refunded"})
REFUND_DONE = "done"
BILL_PAID = "SUCCESS"
BILL_REFUND = "REFUND"
BILL_REFUND_OK = frozenset({"", "SUCCESS"})  # an adapter may leave 退款状态 empty on a done refund

KINDS: dict[str, str] = {
    "payment_missing_in_bill": "我方有、渠道无",
    "payment_missing_here": "渠道有、我方无",
    "payment_amount": "金额不一致",
    "payment_state": "状态不一致",
    "payment_day": "入账日期不一致",
    "payment_reference": "交易单号不一致",
    "refund_missing_in_bill": "退款：我方有、渠道无",
    "refund_missing_here": "退款：渠道有、我方无",
    "refund_amount": "退款金额不一致",
    "refund_state": "退款状态不一致",
    "refund_day": "退款日期不一致",
    "bill_duplicate": "渠道账单重复",
}


# --- Pure part: records, differences, totals -------------------------------------------------


@dataclass(frozen=True)
class PaymentRecord:
    """One of our payments, as the comparison and the workbook need it."""

    out_trade_no: str
    amount: Decimal
    state: str  # a Payment.State value
    confirmed_at: datetime | None = None
    reference: str = ""  # WeChat transaction_id / offline receipt number
    state_label: str = ""
    channel: str = ""
    order_code: str = ""
    full_name: str = ""
    city: str = ""
    is_duplicate: bool = False


@dataclass(frozen=True)
class RefundRecord:
    out_refund_no: str
    out_trade_no: str
    amount: Decimal
    state: str  # a Refund.State value
    done_at: datetime | None = None
    reference: str = ""
    state_label: str = ""
    reason: str = ""
    order_code: str = ""
    full_name: str = ""
    city: str = ""


@dataclass(frozen=True)
class Difference:
    kind: str  # a key of KINDS
    out_trade_no: str
    explanation: str
    out_refund_no: str = ""
    ours_amount: Decimal | None = None
    bill_amount: Decimal | None = None
    ours_state: str = ""
    bill_state: str = ""

    @property
    def label(self) -> str:
        return KINDS[self.kind]

    def as_json(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "label": self.label,
            "out_trade_no": self.out_trade_no,
            "out_refund_no": self.out_refund_no,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Totals:
    payment_count: int = 0
    payment_amount: Decimal = ZERO
    refund_count: int = 0
    refund_amount: Decimal = ZERO
    fee: Decimal | None = None  # only a bill knows the fees (手续费)

    @property
    def net(self) -> Decimal:
        return self.payment_amount - self.refund_amount


@dataclass(frozen=True)
class Comparison:
    differences: list[Difference]
    ours: Totals
    bill: Totals


def is_refund_row(row: BillRow) -> bool:
    return row.trade_state == BILL_REFUND or bool(row.out_refund_no)


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f} 元"


def _aware(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset() is not None


def _when(value: datetime | None) -> str:
    if value is None:
        return "（无时间）"
    if _aware(value):
        value = value.astimezone(BILL_TIMEZONE)
    return f"{value:%Y-%m-%d %H:%M:%S}"


def _label(record: PaymentRecord | RefundRecord) -> str:
    return record.state_label or record.state


def totals_of(payments: Iterable[PaymentRecord], refunds: Iterable[RefundRecord]) -> Totals:
    payments, refunds = list(payments), list(refunds)
    return Totals(
        payment_count=len(payments),
        payment_amount=sum((p.amount for p in payments), ZERO),
        refund_count=len(refunds),
        refund_amount=sum((r.amount for r in refunds), ZERO),
    )


def bill_totals(bill: Iterable[BillRow]) -> Totals:
    """What the bill says: successful payments, refund lines, and every line's fee."""
    bill = list(bill)
    paid = [row for row in bill if not is_refund_row(row) and row.trade_state == BILL_PAID]
    refunded = [row for row in bill if is_refund_row(row)]
    return Totals(
        payment_count=len(paid),
        payment_amount=sum((row.amount for row in paid), ZERO),
        refund_count=len(refunded),
        refund_amount=sum((row.refund_amount for row in refunded), ZERO),
        fee=sum((row.fee for row in bill), ZERO),
    )


def compare(
    payments: Sequence[PaymentRecord],
    refunds: Sequence[RefundRecord],
    bill: Sequence[BillRow],
    *,
    known_payments: Mapping[str, PaymentRecord] | None = None,
    known_refunds: Mapping[str, RefundRecord] | None = None,
) -> Comparison:
    """Compare our day (`payments` confirmed and `refunds` done that day) with the bill.

    `known_payments` / `known_refunds` (by out_trade_no / out_refund_no) are our other records
    that the bill mentions: a payment still pending here, or confirmed on another day. They
    turn a bare "渠道有、我方无" into the reason. Payments match by out_trade_no, refunds by
    out_trade_no and out_refund_no.
    """
    known_payments = known_payments or {}
    known_refunds = known_refunds or {}
    found: list[Difference] = []

    bill_payments: dict[str, BillRow] = {}
    bill_refunds: dict[tuple[str, str], BillRow] = {}
    for row in bill:
        refund = is_refund_row(row)
        index, key = (
            (bill_refunds, (row.out_trade_no, row.out_refund_no)) if refund else (bill_payments, row.out_trade_no)
        )
        if key in index:
            found.append(
                Difference(
                    "bill_duplicate",
                    row.out_trade_no,
                    f"渠道账单中{'退款单' if refund else '订单'}重复出现（渠道单号 "
                    f"{row.refund_id if refund else row.transaction_id}），只按第一行对账；"
                    "请向渠道核实是否重复扣款或重复退款。",
                    out_refund_no=row.out_refund_no,
                    bill_amount=row.refund_amount if refund else row.amount,
                    bill_state=row.refund_state if refund else row.trade_state,
                )
            )
            continue
        index[key] = row

    ours_by_no = {p.out_trade_no: p for p in payments}
    for p in payments:
        row = bill_payments.get(p.out_trade_no)
        if row is None:
            found.append(
                Difference(
                    "payment_missing_in_bill",
                    p.out_trade_no,
                    f"我方于 {_when(p.confirmed_at)} 确认到账 {_money(p.amount)}（交易单号 {p.reference or '无'}），"
                    "渠道当日账单中没有这笔交易。请在渠道商户平台查询该订单；若渠道确未收款，需核查我方的到账记录。",
                    ours_amount=p.amount,
                    ours_state=_label(p),
                )
            )
            continue
        if row.trade_state != BILL_PAID:
            found.append(
                Difference(
                    "payment_state",
                    p.out_trade_no,
                    f"我方状态为“{_label(p)}”，渠道账单中交易状态为 {row.trade_state}。请向渠道核实这笔交易是否成功。",
                    ours_amount=p.amount,
                    bill_amount=row.amount,
                    ours_state=_label(p),
                    bill_state=row.trade_state,
                )
            )
        if row.amount != p.amount:
            found.append(
                Difference(
                    "payment_amount",
                    p.out_trade_no,
                    f"我方到账 {_money(p.amount)}，渠道账单 {_money(row.amount)}，"
                    f"相差 {_money(row.amount - p.amount)}。",
                    ours_amount=p.amount,
                    bill_amount=row.amount,
                    ours_state=_label(p),
                    bill_state=row.trade_state,
                )
            )
        if p.reference and row.transaction_id and p.reference != row.transaction_id:
            found.append(
                Difference(
                    "payment_reference",
                    p.out_trade_no,
                    f"我方记录的交易单号为 {p.reference}，渠道账单为 {row.transaction_id}。",
                    ours_amount=p.amount,
                    bill_amount=row.amount,
                    ours_state=_label(p),
                    bill_state=row.trade_state,
                )
            )

    for no, row in bill_payments.items():
        if no in ours_by_no:
            continue
        known = known_payments.get(no)
        if row.trade_state != BILL_PAID:
            # A line that is no success: a difference only when we hold the payment as paid.
            if known is not None and known.state in PAID_STATES:
                found.append(
                    Difference(
                        "payment_state",
                        no,
                        f"我方状态为“{_label(known)}”（到账时间 {_when(known.confirmed_at)}），"
                        f"渠道账单中交易状态为 {row.trade_state}。请向渠道核实这笔交易是否成功。",
                        ours_amount=known.amount,
                        bill_amount=row.amount,
                        ours_state=_label(known),
                        bill_state=row.trade_state,
                    )
                )
            continue
        if known is None:
            found.append(
                Difference(
                    "payment_missing_here",
                    no,
                    f"渠道账单有这笔交易（渠道交易单号 {row.transaction_id}，{_money(row.amount)}，"
                    f"{_when(row.traded_at)}），我方没有这个商户订单号的支付记录。请核实款项来源，必要时原路退回。",
                    bill_amount=row.amount,
                    bill_state=row.trade_state,
                )
            )
        elif known.state in PAID_STATES:
            found.append(
                Difference(
                    "payment_day",
                    no,
                    f"渠道记在本日（{_when(row.traded_at)}），我方到账时间为 {_when(known.confirmed_at)}，"
                    "不在本日。多为跨零点或补查确认的交易，请与相邻日期的对账表一并核对。",
                    ours_amount=known.amount,
                    bill_amount=row.amount,
                    ours_state=_label(known),
                    bill_state=row.trade_state,
                )
            )
            if known.amount != row.amount:
                found.append(
                    Difference(
                        "payment_amount",
                        no,
                        f"我方到账 {_money(known.amount)}，渠道账单 {_money(row.amount)}，"
                        f"相差 {_money(row.amount - known.amount)}。",
                        ours_amount=known.amount,
                        bill_amount=row.amount,
                        ours_state=_label(known),
                        bill_state=row.trade_state,
                    )
                )
        else:
            found.append(
                Difference(
                    "payment_state",
                    no,
                    f"渠道显示支付成功（{_when(row.traded_at)}，{_money(row.amount)}），我方状态为“{_label(known)}”："
                    "款项已到账，但支付通知和主动查询都没有更新我方记录。请查询该支付的最新结果并同步；"
                    "若订单已不能缴费，需原路退款。",
                    ours_amount=known.amount,
                    bill_amount=row.amount,
                    ours_state=_label(known),
                    bill_state=row.trade_state,
                )
            )

    ours_refunds = {(r.out_trade_no, r.out_refund_no): r for r in refunds}
    for key, r in ours_refunds.items():
        row = bill_refunds.get(key)
        if row is None:
            found.append(
                Difference(
                    "refund_missing_in_bill",
                    r.out_trade_no,
                    f"我方于 {_when(r.done_at)} 记为退款成功 {_money(r.amount)}，渠道当日账单中没有这笔退款。"
                    "请在渠道商户平台查询该退款单。",
                    out_refund_no=r.out_refund_no,
                    ours_amount=r.amount,
                    ours_state=_label(r),
                )
            )
            continue
        if row.refund_state not in BILL_REFUND_OK:
            found.append(
                Difference(
                    "refund_state",
                    r.out_trade_no,
                    f"我方状态为“{_label(r)}”，渠道账单中退款状态为 {row.refund_state}。请向渠道核实退款是否到账。",
                    out_refund_no=r.out_refund_no,
                    ours_amount=r.amount,
                    bill_amount=row.refund_amount,
                    ours_state=_label(r),
                    bill_state=row.refund_state,
                )
            )
        if row.refund_amount != r.amount:
            found.append(
                Difference(
                    "refund_amount",
                    r.out_trade_no,
                    f"我方退款 {_money(r.amount)}，渠道账单 {_money(row.refund_amount)}，"
                    f"相差 {_money(row.refund_amount - r.amount)}。",
                    out_refund_no=r.out_refund_no,
                    ours_amount=r.amount,
                    bill_amount=row.refund_amount,
                    ours_state=_label(r),
                    bill_state=row.refund_state,
                )
            )

    for key, row in bill_refunds.items():
        if key in ours_refunds:
            continue
        known = known_refunds.get(row.out_refund_no)
        if known is not None and known.out_trade_no != row.out_trade_no:
            known = None
        bill_done = row.refund_state in BILL_REFUND_OK
        if known is None:
            found.append(
                Difference(
                    "refund_missing_here",
                    row.out_trade_no,
                    f"渠道账单有这笔退款（渠道退款单号 {row.refund_id}，{_money(row.refund_amount)}），"
                    "我方没有这个退款单号的记录。请核实是谁在渠道商户平台发起的退款。",
                    out_refund_no=row.out_refund_no,
                    bill_amount=row.refund_amount,
                    bill_state=row.refund_state,
                )
            )
        elif known.state == REFUND_DONE and bill_done:
            found.append(
                Difference(
                    "refund_day",
                    row.out_trade_no,
                    f"渠道记在本日（{_when(row.traded_at)}），我方退款到账时间为 {_when(known.done_at)}，不在本日。"
                    "请与相邻日期的对账表一并核对。",
                    out_refund_no=row.out_refund_no,
                    ours_amount=known.amount,
                    bill_amount=row.refund_amount,
                    ours_state=_label(known),
                    bill_state=row.refund_state,
                )
            )
        elif known.state != REFUND_DONE and bill_done:
            found.append(
                Difference(
                    "refund_state",
                    row.out_trade_no,
                    f"渠道显示退款成功（{_money(row.refund_amount)}），我方状态为“{_label(known)}”："
                    "退款结果没有同步到我方。请查询该退款的最新结果。",
                    out_refund_no=row.out_refund_no,
                    ours_amount=known.amount,
                    bill_amount=row.refund_amount,
                    ours_state=_label(known),
                    bill_state=row.refund_state,
                )
            )
        elif known.state == REFUND_DONE:
            found.append(
                Difference(
                    "refund_state",
                    row.out_trade_no,
                    f"我方记为退款成功，渠道账单中退款状态为 {row.refund_state}。请向渠道核实退款是否到账。",
                    out_refund_no=row.out_refund_no,
                    ours_amount=known.amount,
                    bill_amount=row.refund_amount,
                    ours_state=_label(known),
                    bill_state=row.refund_state,
                )
            )

    order = list(KINDS)
    found.sort(key=lambda d: (order.index(d.kind), d.out_trade_no, d.out_refund_no))
    return Comparison(differences=found, ours=totals_of(payments, refunds), bill=bill_totals(bill))


# --- Gathering a day -------------------------------------------------------------------------


@dataclass
class Report:
    provider: str
    provider_name: str
    day: date
    generated_at: datetime
    payments: list[PaymentRecord]
    refunds: list[RefundRecord]
    bill: list[BillRow] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    ours: Totals = field(default_factory=Totals)
    bill_totals: Totals | None = None  # None: no bill (offline provider, or fetching it failed)
    bill_error: str = ""
    note: str = ""

    @property
    def has_bill(self) -> bool:
        return self.bill_totals is not None


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first instant of `day` and of the next day, in Beijing time."""
    start = datetime.combine(day, time.min, tzinfo=BILL_TIMEZONE)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=BILL_TIMEZONE)


def provider_ids() -> list[str]:
    return list(settings.PAYMENT_PROVIDERS)


def provider_name(provider_id: str) -> str:
    try:
        return get_provider(provider_id).verbose_name or provider_id
    except (ImportError, ImproperlyConfigured, LookupError):
        return provider_id


def _payment_record(payment) -> PaymentRecord:
    order = payment.order
    return PaymentRecord(
        out_trade_no=payment.out_trade_no,
        amount=payment.amount,
        state=payment.state,
        confirmed_at=payment.confirmed_at,
        reference=payment.reference,
        state_label=payment.get_state_display(),
        channel=payment.channel,
        order_code=order.code,
        full_name=order.application.full_name,
        city=order.city.name,
        is_duplicate=payment.is_duplicate,
    )


def _refund_record(refund) -> RefundRecord:
    order = refund.payment.order
    return RefundRecord(
        out_refund_no=refund.out_refund_no,
        out_trade_no=refund.payment.out_trade_no,
        amount=refund.amount,
        state=refund.state,
        done_at=refund.done_at,
        reference=refund.reference,
        state_label=refund.get_state_display(),
        reason=refund.get_reason_display(),
        order_code=order.code,
        full_name=order.application.full_name,
        city=order.city.name,
    )


def build_report(provider_id: str, day: date, *, now: datetime | None = None) -> Report:
    """Our records of `day` for one provider, its bill and the differences (nothing is saved).

    Raises LookupError for a provider that is not in settings.PAYMENT_PROVIDERS.
    """
    if provider_id not in settings.PAYMENT_PROVIDERS:
        raise LookupError(f"payment provider {provider_id!r} is not configured")
    start, end = day_bounds(day)
    payments = (
        Payment.objects.filter(
            provider=provider_id, state__in=PAID_STATES, confirmed_at__gte=start, confirmed_at__lt=end
        )
        .select_related("order__application", "order__city")
        .order_by("confirmed_at", "pk")
    )
    refunds = (
        Refund.objects.filter(payment__provider=provider_id, state=REFUND_DONE, done_at__gte=start, done_at__lt=end)
        .select_related("payment__order__application", "payment__order__city")
        .order_by("done_at", "pk")
    )
    report = Report(
        provider=provider_id,
        provider_name=provider_id,
        day=day,
        generated_at=now or timezone.now(),
        payments=[_payment_record(p) for p in payments],
        refunds=[_refund_record(r) for r in refunds],
    )
    report.ours = totals_of(report.payments, report.refunds)
    try:
        provider = get_provider(provider_id)
    except (ImportError, ImproperlyConfigured) as error:
        logger.exception("reconciliation: provider %s cannot be built", provider_id)
        report.bill_error = f"账单获取失败：支付方式配置有误（{error}）"[:300]
        return report
    report.provider_name = provider.verbose_name or provider_id
    if not provider.online:
        report.note = OFFLINE_NOTE
        return report
    try:
        report.bill = list(provider.trade_bill(day))
    except ProviderError as error:
        logger.warning("reconciliation: bill of %s for %s not fetched: %s", provider_id, day, error)
        report.bill_error = f"账单获取失败：{error}"[:300]
        return report

    ours_nos = {p.out_trade_no for p in report.payments}
    asked_payments = {row.out_trade_no for row in report.bill if not is_refund_row(row)} - ours_nos
    known_payments = {
        p.out_trade_no: _payment_record(p)
        for p in Payment.objects.filter(provider=provider_id, out_trade_no__in=asked_payments).select_related(
            "order__application", "order__city"
        )
    }
    ours_refund_nos = {r.out_refund_no for r in report.refunds}
    asked_refunds = {row.out_refund_no for row in report.bill if is_refund_row(row)} - ours_refund_nos
    known_refunds = {
        r.out_refund_no: _refund_record(r)
        for r in Refund.objects.filter(payment__provider=provider_id, out_refund_no__in=asked_refunds).select_related(
            "payment__order__application", "payment__order__city"
        )
    }
    result = compare(
        report.payments, report.refunds, report.bill, known_payments=known_payments, known_refunds=known_refunds
    )
    report.differences = result.differences
    report.bill_totals = result.bill
    return report


# --- The workbook ----------------------------------------------------------------------------

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


def _sheet(workbook, title: str, columns: Sequence[tuple[str, int, str | None]], rows: Iterable[Sequence]):
    """A sheet with a bold frozen header row; columns are (header, width, number format)."""
    sheet = workbook.create_sheet(title)
    sheet.append([header for header, _, _ in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_, width, _) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for values in rows:
        sheet.append(list(values))
        _format_row(sheet, sheet.max_row, columns)
    sheet.freeze_panes = "A2"
    return sheet


def _format_row(sheet, row: int, columns) -> None:
    for index, (_, _, number_format) in enumerate(columns, start=1):
        cell = sheet.cell(row=row, column=index)
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # text from outside (names, receipt numbers) is never a formula
        elif number_format and cell.value is not None:
            cell.number_format = number_format


def _results_by(differences: Iterable[Difference], key) -> dict:
    results: dict = {}
    for difference in differences:
        results.setdefault(key(difference), []).append(difference.label)
    return results


def report_xlsx(report: Report) -> bytes:
    """The workbook of a report: 汇总, 订单与支付, 退款, 渠道账单, 差异. No ID or phone numbers."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = "汇总"
    bold = Font(bold=True)
    bill = report.bill_totals
    if report.bill_error:
        bill_status = report.bill_error
    elif report.note:
        bill_status = report.note
    else:
        bill_status = f"已获取，共 {len(report.bill)} 行"
    info = [
        ("支付方式", f"{report.provider_name}（{report.provider}）"),
        ("对账日期", report.day),
        ("生成时间", _local(report.generated_at)),
        ("渠道账单", bill_status),
        ("差异笔数", len(report.differences) if report.has_bill else "—"),
    ]
    for label, value in info:
        summary.append([label, value])
        summary.cell(row=summary.max_row, column=1).font = bold
    summary["B2"].number_format = DATE_FORMAT
    summary["B3"].number_format = TIME_FORMAT
    summary.append([])
    header_row = summary.max_row + 1
    summary.append(["项目", "我方", "渠道账单", "差额（渠道−我方）"])
    for cell in summary[header_row]:
        cell.font = bold
    ours = report.ours

    def line(label, ours_value, bill_value, number_format):
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
    if report.differences:
        summary.append([])
        summary.append(["差异类型", "笔数"])
        for cell in summary[summary.max_row]:
            cell.font = bold
        counts: dict[str, int] = {}
        for difference in report.differences:
            counts[difference.label] = counts.get(difference.label, 0) + 1
        for label, count in counts.items():
            summary.append([label, count])
    for column, width in (("A", 22), ("B", 40), ("C", 16), ("D", 18)):
        summary.column_dimensions[column].width = width

    def result(labels: list[str] | None) -> str:
        if not report.has_bill:
            return "待人工核对" if not report.bill_error else "未对账"
        return "、".join(labels) if labels else "一致"

    by_payment = _results_by(
        (d for d in report.differences if not d.kind.startswith("refund_")), lambda d: d.out_trade_no
    )
    _sheet(
        workbook,
        "订单与支付",
        [
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
        ],
        (
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
                result(by_payment.get(p.out_trade_no)),
            )
            for p in report.payments
        ),
    )
    by_refund = _results_by(
        (d for d in report.differences if d.kind.startswith("refund_")), lambda d: (d.out_trade_no, d.out_refund_no)
    )
    _sheet(
        workbook,
        "退款",
        [
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
        ],
        (
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
                result(by_refund.get((r.out_trade_no, r.out_refund_no))),
            )
            for r in report.refunds
        ),
    )
    _sheet(
        workbook,
        "渠道账单",
        [
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
        ],
        (
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
        ),
    )
    _sheet(
        workbook,
        "差异",
        [
            ("类型", 18, None),
            ("商户订单号", 26, None),
            ("退款单号", 28, None),
            ("我方金额（元）", 14, MONEY_FORMAT),
            ("渠道金额（元）", 14, MONEY_FORMAT),
            ("我方状态", 12, None),
            ("渠道状态", 10, None),
            ("说明", 80, None),
        ],
        (
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
        ),
    )
    workbook.properties.creator = "skillcert"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_filename(provider_id: str, day: date) -> str:
    return f"reconciliation-{provider_id}-{day:%Y-%m-%d}.xlsx"


# --- Keeping reports -------------------------------------------------------------------------


def _summary(row) -> dict:
    def text(value):
        return None if value is None else str(value)

    return {
        "generated_at": row.generated_at.isoformat(),
        "our_payments": [row.our_payment_count, text(row.our_payment_amount)],
        "our_refunds": [row.our_refund_count, text(row.our_refund_amount)],
        "bill_payments": [row.bill_payment_count, text(row.bill_payment_amount)],
        "bill_refunds": [row.bill_refund_count, text(row.bill_refund_amount)],
        "bill_fee": text(row.bill_fee),
        "difference_count": row.difference_count,
        "bill_error": row.bill_error,
    }


def save_report(report: Report, *, actor=None):
    """Keep `report` as the one ReconciliationReport of its provider and day (replacing an
    older one and its file), with an audit event."""
    content = report_xlsx(report)
    bill = report.bill_totals
    values = {
        "generated_at": report.generated_at,
        "generated_by": actor if getattr(actor, "is_authenticated", False) else None,
        "our_payment_count": report.ours.payment_count,
        "our_payment_amount": report.ours.payment_amount,
        "our_refund_count": report.ours.refund_count,
        "our_refund_amount": report.ours.refund_amount,
        "bill_payment_count": bill.payment_count if bill else None,
        "bill_payment_amount": bill.payment_amount if bill else None,
        "bill_refund_count": bill.refund_count if bill else None,
        "bill_refund_amount": bill.refund_amount if bill else None,
        "bill_fee": bill.fee if bill else None,
        "difference_count": len(report.differences),
        "differences": [d.as_json() for d in report.differences],
        "bill_error": report.bill_error,
        "note": report.note,
    }
    for attempt in range(2):
        new_name = ""
        try:
            with transaction.atomic():
                row = (
                    ReconciliationReport.objects.select_for_update()
                    .filter(provider=report.provider, day=report.day)
                    .first()
                )
                before = _summary(row) if row is not None else None
                old_name = row.file.name if row is not None else ""
                if row is None:
                    row = ReconciliationReport(provider=report.provider, day=report.day)
                for name, value in values.items():
                    setattr(row, name, value)
                row.file.save(xlsx_filename(report.provider, report.day), ContentFile(content), save=False)
                new_name = row.file.name
                row.save()
                record(
                    "payments.reconciliation.regenerated" if before else "payments.reconciliation.generated",
                    actor=actor,
                    obj=row,
                    before=before,
                    after={"provider": report.provider, "day": report.day.isoformat(), **_summary(row)},
                )
                if old_name and old_name != new_name:
                    transaction.on_commit(lambda name=old_name: private_storage.delete(name), robust=True)
            return row
        except IntegrityError:
            # Two runs created the same day at once: the other one won; replace its report.
            if new_name:
                private_storage.delete(new_name)
            if attempt:
                raise
        except BaseException:
            if new_name:
                private_storage.delete(new_name)
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def generate_daily_reports(day: date, actor=None, *, providers: Sequence[str] | None = None) -> list:
    """Build and keep the report of `day` for every configured provider (or the given ones)."""
    now = timezone.now()
    return [save_report(build_report(pid, day, now=now), actor=actor) for pid in providers or provider_ids()]


def reports(*, provider: str = "", with_differences: bool = False):
    """Kept reports, newest day first, for the overview."""
    rows = ReconciliationReport.objects.select_related("generated_by").order_by("-day", "provider")
    if provider:
        rows = rows.filter(provider=provider)
    if with_differences:
        rows = rows.filter(Q(difference_count__gt=0) | ~Q(bill_error=""))
    return rows


def stored_xlsx(provider_id: str, day: date) -> bytes | None:
    """The kept workbook of that day, or None when there is none (or its file is gone)."""
    row = ReconciliationReport.objects.filter(provider=provider_id, day=day).first()
    if row is None or not row.file:
        return None
    try:
        with row.file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:
        logger.warning("reconciliation: file of %s is missing", row)
        return None
