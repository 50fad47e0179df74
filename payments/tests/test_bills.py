"""WeChat Pay's trade bill (交易账单) CSV: render and parse, and refusing malformed bills."""

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.bills import HEADER, SUMMARY_HEADER, BillFormatError, BillLine, parse_trade_bill, render_trade_bill
from payments.providers.base import BillRow

# The shape of a real bill (values from WeChat's documentation sample, shortened).
REAL = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
    "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
    "手续费,费率,订单金额,申请退款金额,费率备注\r\n"
    "`2023-06-01 10:00:05,`wxd678efh567hg6787,`1900000109,`0,`,`4200001851202306011234567890,`SC2023060100001,"
    "`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`SUCCESS,`OTHERS,`CNY,`150.00,`0.00,`0,`0,`0.00,`0.00,`,`,"
    "`职业技能等级认定费,`,`0.90000,`0.60%,`150.00,`0.00,`\r\n"
    "`2023-06-01 15:30:00,`wxd678efh567hg6787,`1900000109,`0,`,`4200001851202306011234567890,`SC2023060100001,"
    "`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50300000382023060112345678901,"
    "`RF2023060100001,`50.00,`0.00,`ORIGINAL,`SUCCESS,`职业技能等级认定费,`,`-0.30000,`0.60%,`0.00,`50.00,`\r\n"
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n"
    "`2,`150.00,`50.00,`0.00,`0.60000,`150.00,`50.00\r\n"
)


def _row(**changes) -> BillRow:
    values = {
        "traded_at": datetime(2023, 6, 1, 10, 0, 5),
        "out_trade_no": "SC2023060100001",
        "transaction_id": "4200001851202306011234567890",
        "trade_state": "SUCCESS",
        "amount": Decimal("150.00"),
        "fee": Decimal("0.90000"),
    }
    return BillRow(**(values | changes))


def test_parses_a_bill_in_the_real_format():
    paid, refunded = parse_trade_bill(REAL)
    assert paid == _row()
    assert refunded.trade_state == "REFUND"
    assert refunded.amount == 0
    assert refunded.refund_amount == Decimal("50.00")
    assert refunded.out_refund_no == "RF2023060100001"
    assert refunded.refund_id == "50300000382023060112345678901"
    assert refunded.refund_state == "SUCCESS"
    assert refunded.fee == Decimal("-0.30000")


def test_render_writes_the_real_layout():
    text = render_trade_bill(
        [BillLine(row=_row(), appid="wxd678efh567hg6787", mchid="1900000109", description="认定费")]
    )
    lines = text.split("\r\n")
    assert lines[0].split(",") == HEADER
    assert lines[1].startswith(
        "`2023-06-01 10:00:05,`wxd678efh567hg6787,`1900000109,`0,`,`4200001851202306011234567890"
    )
    assert lines[2].split(",") == SUMMARY_HEADER
    assert lines[3] == "`1,`150.00,`0.00,`0.00,`0.90000,`150.00,`0.00"
    assert text.endswith("\r\n")


def test_an_empty_bill_still_has_its_totals():
    assert parse_trade_bill(render_trade_bill([])) == []


def test_values_that_would_break_the_format_are_cleaned():
    line = BillLine(row=_row(), description="考试,费`用\n第二行")
    assert parse_trade_bill(render_trade_bill([line])) == [_row()]


def _broken(text: str, message: str) -> None:
    with pytest.raises(BillFormatError, match=message):
        parse_trade_bill(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "账单为空"),
        ("a,b,c\r\n", "表头"),
        (REAL.replace("总交易单数,应结订单总金额", "总计,应结订单总金额"), "汇总"),
        (REAL.replace("`2,`150.00,`50.00", "`3,`150.00,`50.00"), "总交易单数"),
        (REAL.replace("`2,`150.00,`50.00", "`2,`151.00,`50.00"), "应结订单总金额"),
        (REAL.replace("`2,`150.00,`50.00,`0.00,`0.60000", "`2,`150.00,`50.00,`0.00,`0.70000"), "手续费总金额"),
        (REAL.replace("`2023-06-01 10:00:05", "`2023/06/01 10:00"), "交易时间"),
        (REAL.replace("`NATIVE,`SUCCESS", "`NATIVE,`PAID"), "交易状态"),
        (REAL.replace("`0.90000,`0.60%", "`abc,`0.60%"), "手续费"),
        (REAL.replace("`2023-06-01 10:00:05,`wx", "2023-06-01 10:00:05,`wx"), "前缀"),
        (REAL.replace("`,`职业技能等级认定费,`,`0.90000", "`,`职业技能等级认定费,`0.90000"), "字段"),
        (
            REAL.replace("`SC2023060100001,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`NATIVE,`SUCCESS", "`,`o,`NATIVE,`SUCCESS"),
            "商户订单号",
        ),
        (REAL.rsplit("总交易单数", 1)[0], "汇总"),
        (REAL + "`extra\r\n", "最后两行"),
        (REAL.replace("`2,`150.00", "`two,`150.00"), "整数"),
    ],
)
def test_malformed_bills_are_refused(text, message):
    _broken(text, message)


def test_a_bill_with_a_bom_and_unix_newlines_is_read():
    assert len(parse_trade_bill("\ufeff" + REAL.replace("\r\n", "\n"))) == 2


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
rows = st.builds(
    lambda at, no, txn, state, amount, fee, refund_no: BillRow(
        traded_at=at,
        out_trade_no=no,
        transaction_id=txn,
        trade_state=state,
        amount=Decimal("0.00") if state == "REFUND" else amount,
        refund_amount=amount if state == "REFUND" else Decimal("0.00"),
        out_refund_no=refund_no if state == "REFUND" else "",
        refund_id=("50" + txn[2:]) if state == "REFUND" else "",
        refund_state="SUCCESS" if state == "REFUND" else "",
        fee=fee,
    ),
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)).map(
        lambda moment: moment.replace(microsecond=0)
    ),
    st.from_regex(r"[0-9A-Za-z_\-|*]{6,32}", fullmatch=True),
    st.from_regex(r"42[0-9]{26}", fullmatch=True),
    st.sampled_from(["SUCCESS", "REFUND"]),
    amounts,
    st.decimals(min_value=Decimal("-999.99999"), max_value=Decimal("999.99999"), places=5),
    st.from_regex(r"[0-9A-Za-z_\-|*@]{1,64}", fullmatch=True).filter(lambda no: no != "0"),  # "0" means none
)


@given(st.lists(rows, max_size=20), st.text(max_size=40))
def test_render_then_parse_gives_the_rows_back(bill_rows, description):
    text = render_trade_bill([BillLine(row=row, description=description) for row in bill_rows])
    assert parse_trade_bill(text) == bill_rows
