"""WeChat Pay's daily trade bill (交易账单, bill_type=ALL) as CSV text: render and parse (pure, no Django).

The real file looks like this (every value prefixed with a backtick so spreadsheets keep
long numbers as text):

    交易时间,公众账号ID,商户号,…,费率备注
    `2023-06-01 10:00:00,`wxd678efh567hg6787,`1900000109,`0,`,`4200…,`SC…,`o…,`NATIVE,`SUCCESS,…
    总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额
    `2,`150.00,`50.00,`0.00,`0.60000,`150.00,`50.00

The simulator renders bills with `render_trade_bill`; the WeChat adapter reads the real
service's (or the simulator's) file with `parse_trade_bill`, which refuses anything it cannot
account for rather than guessing (a reconciliation on a half-read bill would be wrong).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from payments.providers.base import BillRow

HEADER = [
    "交易时间",
    "公众账号ID",
    "商户号",
    "特约商户号",
    "设备号",
    "微信订单号",
    "商户订单号",
    "用户标识",
    "交易类型",
    "交易状态",
    "付款银行",
    "货币种类",
    "应结订单金额",
    "代金券金额",
    "微信退款单号",
    "商户退款单号",
    "退款金额",
    "充值券退款金额",
    "退款类型",
    "退款状态",
    "商品名称",
    "商户数据包",
    "手续费",
    "费率",
    "订单金额",
    "申请退款金额",
    "费率备注",
]
SUMMARY_HEADER = [
    "总交易单数",
    "应结订单总金额",
    "退款总金额",
    "充值券退款总金额",
    "手续费总金额",
    "订单总金额",
    "申请退款总金额",
]
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
TRADE_STATES = ("SUCCESS", "REFUND", "REVOKED")
CENT = Decimal("0.01")
FEE_PLACES = Decimal("0.00001")  # WeChat prints fees with five decimals


class BillFormatError(ValueError):
    """The bill is not in the format we know; str() says where."""


@dataclass(frozen=True)
class BillLine:
    """Everything one bill line carries that the simulator knows (a superset of BillRow)."""

    row: BillRow
    appid: str = ""
    mchid: str = ""
    openid: str = ""
    trade_type: str = "NATIVE"
    description: str = ""
    attach: str = ""
    bank_type: str = "OTHERS"
    currency: str = "CNY"
    rate: str = "0.60%"
    order_amount: Decimal | None = None  # 订单金额; the settlement amount when None
    refund_type: str = "ORIGINAL"


def _clean(value: str) -> str:
    # A backtick or line break inside a value would break the format (descriptions are free text).
    return str(value).replace("`", "'").replace("\r", " ").replace("\n", " ")


def _money(amount: Decimal) -> str:
    return str(Decimal(amount).quantize(CENT))


def _fee(amount: Decimal) -> str:
    return str(Decimal(amount).quantize(FEE_PLACES))


def _line(values: Iterable[str]) -> str:
    return ",".join("`" + _clean(v) for v in values)


def render_trade_bill(rows: Iterable[BillLine | BillRow]) -> str:
    """The CSV text of a trade bill (bill_type=ALL) for these rows, totals included."""
    lines = [",".join(HEADER)]
    count = 0
    settled = refunded = fees = ordered = requested = Decimal("0")
    for item in rows:
        line = item if isinstance(item, BillLine) else BillLine(row=item)
        row = line.row
        is_refund = row.trade_state == "REFUND"
        order_amount = line.order_amount if line.order_amount is not None else row.amount
        requested_refund = row.refund_amount if is_refund else Decimal("0")
        lines.append(
            _line(
                [
                    row.traded_at.strftime(TIME_FORMAT),
                    line.appid,
                    line.mchid,
                    "0",  # 特约商户号: none for a direct merchant
                    "",  # 设备号
                    row.transaction_id,
                    row.out_trade_no,
                    line.openid,
                    line.trade_type,
                    row.trade_state,
                    line.bank_type,
                    line.currency,
                    _money(row.amount),
                    "0.00",  # 代金券金额
                    row.refund_id or "0",
                    row.out_refund_no or "0",
                    _money(row.refund_amount),
                    "0.00",  # 充值券退款金额
                    line.refund_type if is_refund else "",
                    row.refund_state if is_refund else "",
                    line.description,
                    line.attach,
                    _fee(row.fee),
                    line.rate,
                    _money(order_amount if not is_refund else Decimal("0")),
                    _money(requested_refund),
                    "",  # 费率备注
                ]
            )
        )
        count += 1
        settled += row.amount
        refunded += row.refund_amount
        fees += row.fee
        ordered += order_amount if not is_refund else Decimal("0")
        requested += requested_refund
    lines.append(",".join(SUMMARY_HEADER))
    lines.append(
        _line([str(count), _money(settled), _money(refunded), "0.00", _fee(fees), _money(ordered), _money(requested)])
    )
    return "\r\n".join(lines) + "\r\n"


def _split(line: str, number: int, expected: int) -> list[str]:
    if not line.startswith("`"):
        raise BillFormatError(
            f"账单第 {number} 行格式错误：字段缺少 ` 前缀 (bill line {number}: values must start with `)"
        )
    values = line[1:].split(",`")
    if len(values) != expected:
        raise BillFormatError(
            f"账单第 {number} 行有 {len(values)} 个字段，应为 {expected} 个 (bill line {number}: "
            f"{len(values)} fields, expected {expected})"
        )
    return values


def _decimal(value: str, number: int, column: str) -> Decimal:
    try:
        amount = Decimal(value or "0")
    except InvalidOperation:
        raise BillFormatError(f"账单第 {number} 行「{column}」不是金额：{value!r}") from None
    if not amount.is_finite():
        raise BillFormatError(f"账单第 {number} 行「{column}」不是金额：{value!r}")
    return amount


def parse_trade_bill(text: str) -> list[BillRow]:
    """The rows of a trade bill; BillFormatError when the header, a line or the totals don't add up."""
    # Only \n separates lines: free text may hold other characters str.splitlines() splits on.
    lines = [line.removesuffix("\r") for line in text.lstrip("\ufeff").split("\n")]
    lines = [line for line in lines if line.strip()]
    if not lines:
        raise BillFormatError("账单为空 (empty bill)")
    if lines[0].split(",") != HEADER:
        raise BillFormatError("账单表头不是微信支付交易账单（ALL）的格式 (unexpected bill header)")
    try:
        summary_at = lines.index(",".join(SUMMARY_HEADER))
    except ValueError:
        raise BillFormatError("账单缺少汇总行 (bill has no summary header)") from None
    if summary_at != len(lines) - 2:
        raise BillFormatError("账单汇总部分应为最后两行 (the summary must be the last two lines)")
    index = {name: i for i, name in enumerate(HEADER)}
    rows: list[BillRow] = []
    for number, line in enumerate(lines[1:summary_at], start=2):
        values = _split(line, number, len(HEADER))

        def get(column: str, values: list[str] = values) -> str:
            return values[index[column]]

        try:
            traded_at = datetime.strptime(get("交易时间"), TIME_FORMAT)
        except ValueError:
            raise BillFormatError(f"账单第 {number} 行交易时间格式错误：{get('交易时间')!r}") from None
        state = get("交易状态")
        if state not in TRADE_STATES:
            raise BillFormatError(f"账单第 {number} 行交易状态未知：{state!r}")
        if not get("商户订单号"):
            raise BillFormatError(f"账单第 {number} 行缺少商户订单号")
        is_refund = state == "REFUND"
        rows.append(
            BillRow(
                traded_at=traded_at,
                out_trade_no=get("商户订单号"),
                transaction_id=get("微信订单号"),
                trade_state=state,
                amount=_decimal(get("应结订单金额"), number, "应结订单金额"),
                refund_amount=_decimal(get("退款金额"), number, "退款金额"),
                out_refund_no=get("商户退款单号") if is_refund and get("商户退款单号") != "0" else "",
                refund_id=get("微信退款单号") if is_refund and get("微信退款单号") != "0" else "",
                refund_state=get("退款状态") if is_refund else "",
                fee=_decimal(get("手续费"), number, "手续费"),
            )
        )
    totals = _split(lines[-1], len(lines), len(SUMMARY_HEADER))
    total = {name: totals[i] for i, name in enumerate(SUMMARY_HEADER)}
    try:
        count = int(total["总交易单数"])
    except ValueError:
        raise BillFormatError(f"账单汇总行总交易单数不是整数：{total['总交易单数']!r}") from None
    checks = [
        ("总交易单数", Decimal(count), Decimal(len(rows))),
        (
            "应结订单总金额",
            _decimal(total["应结订单总金额"], len(lines), "应结订单总金额"),
            sum(r.amount for r in rows),
        ),
        ("退款总金额", _decimal(total["退款总金额"], len(lines), "退款总金额"), sum(r.refund_amount for r in rows)),
        ("手续费总金额", _decimal(total["手续费总金额"], len(lines), "手续费总金额"), sum(r.fee for r in rows)),
    ]
    for column, stated, computed in checks:
        if stated != computed:
            raise BillFormatError(
                f"账单汇总「{column}」为 {stated}，明细合计为 {computed}，账单不完整 (totals do not match the lines)"
            )
    return rows
