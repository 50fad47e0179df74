"""The pure part of daily reconciliation: records, differences, totals (no Django).

Plain records in (`PaymentRecord`, `RefundRecord`, the provider's `BillRow`s), differences
explained in plain Chinese and totals out (`compare`).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from payments.providers.base import BillRow

BILL_TIMEZONE = ZoneInfo("Asia/Shanghai")  # WeChat Pay's bills are days in Beijing time
ZERO = Decimal("0.00")

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
    bill_payments, bill_refunds, found = _index_bill(bill)

    ours_by_no = {p.out_trade_no: p for p in payments}
    for p in payments:
        found += _our_payment(p, bill_payments.get(p.out_trade_no))
    for no, row in bill_payments.items():
        if no not in ours_by_no:
            found += _bill_payment_not_ours(row, known_payments.get(no))

    ours_refunds = {(r.out_trade_no, r.out_refund_no): r for r in refunds}
    for key, r in ours_refunds.items():
        found += _our_refund(r, bill_refunds.get(key))
    for key, row in bill_refunds.items():
        if key not in ours_refunds:
            known = known_refunds.get(row.out_refund_no)
            found += _bill_refund_not_ours(row, known if known and known.out_trade_no == row.out_trade_no else None)

    order = list(KINDS)
    found.sort(key=lambda d: (order.index(d.kind), d.out_trade_no, d.out_refund_no))
    return Comparison(differences=found, ours=totals_of(payments, refunds), bill=bill_totals(bill))


# --- the differences: one record of ours and/or one bill line each ---------------------------


def _payment(kind: str, explanation: str, ours: PaymentRecord | None, row: BillRow | None) -> Difference:
    """A payment difference, with our and the bill's amount and state where each exists."""
    either = ours if ours is not None else row
    assert either is not None  # a difference has our record, the bill's line, or both
    return Difference(
        kind,
        either.out_trade_no,
        explanation,
        ours_amount=ours.amount if ours is not None else None,
        bill_amount=row.amount if row is not None else None,
        ours_state=_label(ours) if ours is not None else "",
        bill_state=row.trade_state if row is not None else "",
    )


def _refund(kind: str, explanation: str, ours: RefundRecord | None, row: BillRow | None) -> Difference:
    """A refund difference, with our and the bill's amount and state where each exists."""
    either = ours if ours is not None else row
    assert either is not None  # a difference has our record, the bill's line, or both
    return Difference(
        kind,
        either.out_trade_no,
        explanation,
        out_refund_no=either.out_refund_no,
        ours_amount=ours.amount if ours is not None else None,
        bill_amount=row.refund_amount if row is not None else None,
        ours_state=_label(ours) if ours is not None else "",
        bill_state=row.refund_state if row is not None else "",
    )


def _index_bill(bill: Iterable[BillRow]) -> tuple[dict[str, BillRow], dict[tuple[str, str], BillRow], list[Difference]]:
    """The bill's payment and refund lines by key; a repeated line is a difference, the first one counts."""
    payments: dict[str, BillRow] = {}
    refunds: dict[tuple[str, str], BillRow] = {}
    duplicates: list[Difference] = []
    for row in bill:
        refund = is_refund_row(row)
        if refund and (row.out_trade_no, row.out_refund_no) not in refunds:
            refunds[row.out_trade_no, row.out_refund_no] = row
            continue
        if not refund and row.out_trade_no not in payments:
            payments[row.out_trade_no] = row
            continue
        explanation = (
            f"渠道账单中{'退款单' if refund else '订单'}重复出现（渠道单号 "
            f"{row.refund_id if refund else row.transaction_id}），只按第一行对账；"
            "请向渠道核实是否重复扣款或重复退款。"
        )
        duplicates.append((_refund if refund else _payment)("bill_duplicate", explanation, None, row))
    return payments, refunds, duplicates


def _our_payment(p: PaymentRecord, row: BillRow | None) -> list[Difference]:
    """One of our day's payments against its bill line."""
    if row is None:
        return [
            _payment(
                "payment_missing_in_bill",
                f"我方于 {_when(p.confirmed_at)} 确认到账 {_money(p.amount)}（交易单号 {p.reference or '无'}），"
                "渠道当日账单中没有这笔交易。请在渠道商户平台查询该订单；若渠道确未收款，需核查我方的到账记录。",
                p,
                None,
            )
        ]
    found = []
    if row.trade_state != BILL_PAID:
        found.append(
            _payment(
                "payment_state",
                f"我方状态为“{_label(p)}”，渠道账单中交易状态为 {row.trade_state}。请向渠道核实这笔交易是否成功。",
                p,
                row,
            )
        )
    found += _payment_amount(p, row)
    if p.reference and row.transaction_id and p.reference != row.transaction_id:
        found.append(
            _payment(
                "payment_reference", f"我方记录的交易单号为 {p.reference}，渠道账单为 {row.transaction_id}。", p, row
            )
        )
    return found


def _payment_amount(ours: PaymentRecord, row: BillRow) -> list[Difference]:
    if row.amount == ours.amount:
        return []
    explanation = (
        f"我方到账 {_money(ours.amount)}，渠道账单 {_money(row.amount)}，相差 {_money(row.amount - ours.amount)}。"
    )
    return [_payment("payment_amount", explanation, ours, row)]


def _bill_payment_not_ours(row: BillRow, known: PaymentRecord | None) -> list[Difference]:
    """A bill payment line that is not among our day's payments (`known`: our record of it, if any)."""
    if row.trade_state != BILL_PAID:
        # A line that is no success: a difference only when we hold the payment as paid.
        if known is None or known.state not in PAID_STATES:
            return []
        return [
            _payment(
                "payment_state",
                f"我方状态为“{_label(known)}”（到账时间 {_when(known.confirmed_at)}），"
                f"渠道账单中交易状态为 {row.trade_state}。请向渠道核实这笔交易是否成功。",
                known,
                row,
            )
        ]
    if known is None:
        return [
            _payment(
                "payment_missing_here",
                f"渠道账单有这笔交易（渠道交易单号 {row.transaction_id}，{_money(row.amount)}，"
                f"{_when(row.traded_at)}），我方没有这个商户订单号的支付记录。请核实款项来源，必要时原路退回。",
                None,
                row,
            )
        ]
    if known.state in PAID_STATES:
        day = _payment(
            "payment_day",
            f"渠道记在本日（{_when(row.traded_at)}），我方到账时间为 {_when(known.confirmed_at)}，"
            "不在本日。多为跨零点或补查确认的交易，请与相邻日期的对账表一并核对。",
            known,
            row,
        )
        return [day, *_payment_amount(known, row)]
    return [
        _payment(
            "payment_state",
            f"渠道显示支付成功（{_when(row.traded_at)}，{_money(row.amount)}），我方状态为“{_label(known)}”："
            "款项已到账，但支付通知和主动查询都没有更新我方记录。请查询该支付的最新结果并同步；"
            "若订单已不能缴费，需原路退款。",
            known,
            row,
        )
    ]


def _our_refund(r: RefundRecord, row: BillRow | None) -> list[Difference]:
    """One of our day's refunds against its bill line."""
    if row is None:
        return [
            _refund(
                "refund_missing_in_bill",
                f"我方于 {_when(r.done_at)} 记为退款成功 {_money(r.amount)}，渠道当日账单中没有这笔退款。"
                "请在渠道商户平台查询该退款单。",
                r,
                None,
            )
        ]
    found = []
    if row.refund_state not in BILL_REFUND_OK:
        found.append(
            _refund(
                "refund_state",
                f"我方状态为“{_label(r)}”，渠道账单中退款状态为 {row.refund_state}。请向渠道核实退款是否到账。",
                r,
                row,
            )
        )
    if row.refund_amount != r.amount:
        found.append(
            _refund(
                "refund_amount",
                f"我方退款 {_money(r.amount)}，渠道账单 {_money(row.refund_amount)}，"
                f"相差 {_money(row.refund_amount - r.amount)}。",
                r,
                row,
            )
        )
    return found


def _bill_refund_not_ours(row: BillRow, known: RefundRecord | None) -> list[Difference]:
    """A bill refund line that is not among our day's refunds (`known`: our record of it, if any)."""
    if known is None:
        explanation = (
            f"渠道账单有这笔退款（渠道退款单号 {row.refund_id}，{_money(row.refund_amount)}），"
            "我方没有这个退款单号的记录。请核实是谁在渠道商户平台发起的退款。"
        )
        return [_refund("refund_missing_here", explanation, None, row)]
    bill_done, ours_done = row.refund_state in BILL_REFUND_OK, known.state == REFUND_DONE
    if ours_done and bill_done:
        kind, explanation = (
            "refund_day",
            f"渠道记在本日（{_when(row.traded_at)}），我方退款到账时间为 {_when(known.done_at)}，不在本日。"
            "请与相邻日期的对账表一并核对。",
        )
    elif bill_done:
        kind, explanation = (
            "refund_state",
            f"渠道显示退款成功（{_money(row.refund_amount)}），我方状态为“{_label(known)}”："
            "退款结果没有同步到我方。请查询该退款的最新结果。",
        )
    elif ours_done:
        kind, explanation = (
            "refund_state",
            f"我方记为退款成功，渠道账单中退款状态为 {row.refund_state}。请向渠道核实退款是否到账。",
        )
    else:
        return []
    return [_refund(kind, explanation, known, row)]
