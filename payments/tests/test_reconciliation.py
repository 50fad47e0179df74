"""Daily reconciliation: the pure comparison, the workbook, day boundaries, a failing bill,
keeping and replacing reports, the task, and access for every role."""

import io
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from audit.models import AuditEvent
from conftest import client_for
from payments import reconciliation as rec
from payments.models import Order, Payment, ReconciliationReport, Refund
from payments.providers import reset_providers
from payments.providers.base import BillRow, PaymentProvider, ProviderError
from payments.reconciliation.comparison import KINDS, PaymentRecord, RefundRecord, compare
from skillcert.storage import private_storage

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2024, 5, 1)


def at(day: date, hh: int, mm: int) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, tzinfo=SH)


def D(value: str) -> Decimal:
    return Decimal(value)


# --- The pure comparison ---------------------------------------------------------------------


def pay_rec(no: str, amount: str = "200.00", state: str = "confirmed", **kw) -> PaymentRecord:
    return PaymentRecord(out_trade_no=no, amount=D(amount), state=state, confirmed_at=at(DAY, 10, 0), **kw)


def ref_rec(no: str, trade: str, amount: str = "200.00", state: str = "done", **kw) -> RefundRecord:
    return RefundRecord(
        out_refund_no=no, out_trade_no=trade, amount=D(amount), state=state, done_at=at(DAY, 11, 0), **kw
    )


def paid_row(no: str, amount: str = "200.00", state: str = "SUCCESS", txn: str = "", fee: str = "0") -> BillRow:
    return BillRow(
        traded_at=at(DAY, 10, 0),
        out_trade_no=no,
        transaction_id=txn or f"4200{no}",
        trade_state=state,
        amount=D(amount),
        fee=D(fee),
    )


def refund_row(no: str, trade: str, amount: str = "200.00", state: str = "SUCCESS", fee: str = "0") -> BillRow:
    return BillRow(
        traded_at=at(DAY, 11, 0),
        out_trade_no=trade,
        transaction_id=f"4200{trade}",
        trade_state="REFUND",
        amount=D("0"),
        refund_amount=D(amount),
        out_refund_no=no,
        refund_id=f"5030{no}",
        refund_state=state,
        fee=D(fee),
    )


def kinds(result) -> list[str]:
    return [d.kind for d in result.differences]


def test_states_spelled_out_in_the_pure_part_are_the_models_values():
    assert {Payment.State.CONFIRMED, Payment.State.REFUNDED} == rec.PAID_STATES
    assert Refund.State.DONE == rec.REFUND_DONE


def test_matching_day_has_no_differences():
    result = compare(
        [pay_rec("A", reference="4200A"), pay_rec("B", "150.00")],
        [ref_rec("A-R1", "A", "50.00")],
        [paid_row("A"), paid_row("B", "150.00"), refund_row("A-R1", "A", "50.00")],
    )
    assert result.differences == []


CASES = {
    "payment_missing_in_bill": ([pay_rec("A")], [], [], {}, {}),
    "payment_missing_here": ([], [], [paid_row("X")], {}, {}),
    "payment_amount": ([pay_rec("A", "200.00")], [], [paid_row("A", "199.00")], {}, {}),
    # Bill SUCCESS, ours still pending: the money arrived, the notification and the query missed it.
    "payment_state": ([], [], [paid_row("A")], {"A": pay_rec("A", state="pending", state_label="待支付")}, {}),
    "payment_day": (
        [],
        [],
        [paid_row("A")],
        {"A": replace(pay_rec("A"), confirmed_at=at(DAY + timedelta(days=1), 0, 1))},
        {},
    ),
    "payment_reference": ([pay_rec("A", reference="4200OTHER")], [], [paid_row("A")], {}, {}),
    "refund_missing_in_bill": ([], [ref_rec("A-R1", "A")], [], {}, {}),
    "refund_missing_here": ([], [], [refund_row("A-R1", "A")], {}, {}),
    "refund_amount": ([], [ref_rec("A-R1", "A", "100.00")], [refund_row("A-R1", "A", "90.00")], {}, {}),
    "refund_state": ([], [], [refund_row("A-R1", "A")], {}, {"A-R1": ref_rec("A-R1", "A", state="pending")}),
    "refund_day": (
        [],
        [],
        [refund_row("A-R1", "A")],
        {},
        {"A-R1": replace(ref_rec("A-R1", "A"), done_at=at(DAY - timedelta(days=1), 23, 59))},
    ),
    "bill_duplicate": ([pay_rec("A")], [], [paid_row("A"), paid_row("A")], {}, {}),
}


def test_every_kind_has_a_case():
    assert set(CASES) == set(KINDS)


@pytest.mark.parametrize("kind", list(CASES))
def test_each_difference_kind(kind):
    payments, refunds, bill, known_payments, known_refunds = CASES[kind]
    result = compare(payments, refunds, bill, known_payments=known_payments, known_refunds=known_refunds)
    assert kinds(result) == [kind]
    difference = result.differences[0]
    assert difference.label == KINDS[kind]
    assert difference.explanation  # plain Chinese, never empty
    assert difference.as_json()["label"] == KINDS[kind]


def test_explanations_say_what_happened():
    (missing,) = compare([pay_rec("A", reference="4200A")], [], []).differences
    assert missing.label == "我方有、渠道无" and "渠道当日账单中没有这笔交易" in missing.explanation
    assert "200.00 元" in missing.explanation and "4200A" in missing.explanation
    (pending,) = compare(
        [], [], [paid_row("A")], known_payments={"A": pay_rec("A", state="pending", state_label="待支付")}
    ).differences
    assert pending.label == "状态不一致" and "待支付" in pending.explanation and "款项已到账" in pending.explanation
    (amount,) = compare([pay_rec("A", "200.00")], [], [paid_row("A", "199.50")]).differences
    assert "相差 -0.50 元" in amount.explanation
    (unknown,) = compare([], [], [paid_row("X")]).differences
    assert unknown.label == "渠道有、我方无" and "4200X" in unknown.explanation


def test_state_differences_the_other_way_round():
    # We hold it as paid, the bill line is no success.
    result = compare([pay_rec("A")], [], [paid_row("A", state="REVOKED")])
    assert kinds(result) == ["payment_state"]
    # We hold the refund as done, the bill says it is still processing.
    result = compare([], [ref_rec("A-R1", "A")], [refund_row("A-R1", "A", state="PROCESSING")])
    assert kinds(result) == ["refund_state"]
    # Both sides agree that a refund is still processing: nothing to report.
    result = compare(
        [],
        [],
        [refund_row("A-R1", "A", state="PROCESSING")],
        known_refunds={"A-R1": ref_rec("A-R1", "A", state="pending")},
    )
    assert kinds(result) == []
    # A closed line for an attempt we never confirmed: nothing moved.
    result = compare([], [], [paid_row("A", state="CLOSED")], known_payments={"A": pay_rec("A", state="canceled")})
    assert kinds(result) == []


def test_several_differences_on_one_payment_are_all_listed():
    result = compare([pay_rec("A", "200.00", reference="4200Z")], [], [paid_row("A", "100.00", state="REVOKED")])
    assert sorted(kinds(result)) == sorted(["payment_amount", "payment_state", "payment_reference"])


def test_refunds_match_by_order_and_refund_number():
    result = compare([], [ref_rec("R1", "A")], [refund_row("R1", "B")])
    assert sorted(kinds(result)) == ["refund_missing_here", "refund_missing_in_bill"]


def test_totals_for_both_sides():
    result = compare(
        [pay_rec("A"), pay_rec("B", "150.00"), pay_rec("C", "100.00")],
        [ref_rec("A-R1", "A", "50.00")],
        [
            paid_row("A", fee="1.20"),
            paid_row("B", "150.00", fee="0.90"),
            paid_row("Y", "80.00", state="REVOKED"),  # no success: not a payment of the day
            refund_row("A-R1", "A", "50.00", fee="-0.30"),
        ],
    )
    ours, bill = result.ours, result.bill
    assert (ours.payment_count, ours.payment_amount) == (3, D("450.00"))
    assert (ours.refund_count, ours.refund_amount, ours.net, ours.fee) == (1, D("50.00"), D("400.00"), None)
    assert (bill.payment_count, bill.payment_amount) == (2, D("350.00"))
    assert (bill.refund_count, bill.refund_amount, bill.net) == (1, D("50.00"), D("300.00"))
    assert bill.fee == D("1.80")
    assert kinds(result) == ["payment_missing_in_bill"]


amounts = st.decimals(min_value=D("0.01"), max_value=D("99999.99"), places=2)


@st.composite
def days(draw):
    """Our payments and refunds of a day, and the bill that agrees with them."""
    numbers = draw(st.lists(st.text("0123456789", min_size=1, max_size=6), unique=True, max_size=8))
    payments = [pay_rec(f"SC{n}", str(draw(amounts)), reference=f"4200SC{n}") for n in numbers]
    refunds = []
    for p in payments:
        if draw(st.booleans()):
            part = draw(st.decimals(min_value=D("0.01"), max_value=p.amount, places=2))
            refunds.append(ref_rec(f"{p.out_trade_no}-R1", p.out_trade_no, str(part)))
    bill = [paid_row(p.out_trade_no, str(p.amount)) for p in payments]
    bill += [refund_row(r.out_refund_no, r.out_trade_no, str(r.amount)) for r in refunds]
    return payments, refunds, draw(st.permutations(bill))


@given(days())
def test_a_bill_that_agrees_has_no_differences_and_equal_totals(day):
    payments, refunds, bill = day
    result = compare(payments, refunds, bill)
    assert result.differences == []
    assert (result.ours.payment_count, result.ours.payment_amount) == (
        result.bill.payment_count,
        result.bill.payment_amount,
    )
    assert (result.ours.refund_count, result.ours.refund_amount) == (
        result.bill.refund_count,
        result.bill.refund_amount,
    )
    assert result.ours.net == result.bill.net


@given(days(), st.data())
def test_a_line_missing_from_the_bill_is_exactly_one_difference(day, data):
    payments, refunds, bill = day
    if not bill:
        return
    dropped = data.draw(st.sampled_from(bill))
    result = compare(payments, refunds, [row for row in bill if row is not dropped])
    expected = "refund_missing_in_bill" if rec.is_refund_row(dropped) else "payment_missing_in_bill"
    assert kinds(result) == [expected]
    assert result.differences[0].out_trade_no == dropped.out_trade_no


@given(days(), st.data())
def test_a_line_we_do_not_have_is_exactly_one_difference(day, data):
    payments, refunds, bill = day
    if not payments:
        return
    dropped = data.draw(st.sampled_from(payments))
    keep_refunds = [r for r in refunds if r.out_trade_no != dropped.out_trade_no]
    result = compare([p for p in payments if p is not dropped], keep_refunds, bill)
    expected = ["payment_missing_here"] + ["refund_missing_here"] * (len(refunds) - len(keep_refunds))
    assert sorted(kinds(result)) == sorted(expected)


# --- Records of a day: payments, refunds, the provider's bill --------------------------------


class BillProvider(PaymentProvider):
    """A WeChat-like provider whose trade bill the test sets."""

    identifier = "wechat"
    verbose_name = "微信支付"
    online = True
    bills: dict[date, list[BillRow]] = {}
    error = ""

    def trade_bill(self, day: date) -> list[BillRow]:
        if BillProvider.error:
            raise ProviderError(BillProvider.error)
        return list(BillProvider.bills.get(day, []))


PROVIDERS = {
    "wechat": "payments.tests.test_reconciliation.BillProvider",
    "offline": "payments.providers.offline.OfflineProvider",
}


@pytest.fixture
def bill_provider():
    BillProvider.bills, BillProvider.error = {}, ""
    with override_settings(PAYMENT_PROVIDERS=PROVIDERS):
        reset_providers()
        yield BillProvider
    reset_providers()


@pytest.fixture
def order(complete_draft) -> Order:
    return Order.objects.create(
        application=complete_draft,
        campaign=complete_draft.campaign,
        city=complete_draft.city,
        amount=D("200.00"),
        description="职业技能等级认定费",
        expires_at=timezone.now() + timedelta(days=3),
        code="SC20240501TESTA001",
    )


def pay(order, no: str, when: datetime | None, *, amount="200.00", state="confirmed", provider="wechat", **kw):
    return Payment.objects.create(
        order=order,
        provider=provider,
        channel="native" if provider == "wechat" else "bank_transfer",
        out_trade_no=no,
        amount=D(amount),
        state=state,
        reference=kw.pop("reference", f"4200{no}" if when else ""),
        confirmed_at=when,
        **kw,
    )


def refund(payment, no: str, when: datetime | None, *, amount="200.00", state="done"):
    return Refund.objects.create(
        payment=payment,
        out_refund_no=no,
        amount=D(amount),
        reason=Refund.Reason.WITHDRAWAL,
        state=state,
        reference=f"5030{no}" if when else "",
        done_at=when,
    )


@pytest.mark.django_db
def test_day_boundaries_are_beijing_days(bill_provider, order):
    before = DAY - timedelta(days=1)
    after = DAY + timedelta(days=1)
    pay(order, "P-EVE", at(before, 23, 59))
    first = pay(order, "P-0001", at(DAY, 0, 1))  # 2024-04-30 16:01 UTC: still 5月1日 in Beijing
    pay(order, "P-2359", at(DAY, 23, 59))
    pay(order, "P-NEXT", at(after, 0, 1))
    refund(first, "R-EVE", at(before, 23, 59), amount="10.00")
    refund(first, "R-0001", at(DAY, 0, 1), amount="20.00")
    refund(first, "R-2359", at(DAY, 23, 59), amount="30.00")
    refund(first, "R-NEXT", at(after, 0, 1), amount="40.00")

    report = rec.build_report("wechat", DAY)

    assert [p.out_trade_no for p in report.payments] == ["P-0001", "P-2359"]
    assert [r.out_refund_no for r in report.refunds] == ["R-0001", "R-2359"]
    assert (report.ours.payment_count, report.ours.payment_amount) == (2, D("400.00"))
    assert (report.ours.refund_count, report.ours.refund_amount, report.ours.net) == (2, D("50.00"), D("350.00"))


@pytest.mark.django_db
def test_our_side_is_per_provider_and_only_money_that_moved(bill_provider, order):
    pay(order, "P-OK", at(DAY, 9, 0))
    pay(order, "P-LATER-REFUNDED", at(DAY, 9, 30), state="refunded")
    pay(order, "P-PENDING", None, state="pending")
    pay(order, "P-OFFLINE", at(DAY, 10, 0), provider="offline", reference="RCPT-1")
    failed = pay(order, "P-FAILED-REFUND", at(DAY, 8, 0))
    refund(failed, "R-PENDING", None, state="pending")

    report = rec.build_report("wechat", DAY)

    assert [p.out_trade_no for p in report.payments] == ["P-FAILED-REFUND", "P-OK", "P-LATER-REFUNDED"]
    assert report.refunds == []
    offline = rec.build_report("offline", DAY)
    assert [p.out_trade_no for p in offline.payments] == ["P-OFFLINE"]
    assert offline.note.startswith("线下缴费没有渠道账单") and offline.bill_totals is None
    assert offline.differences == []


@pytest.mark.django_db
def test_build_report_compares_with_the_bill(bill_provider, order):
    matched = pay(order, "P-MATCH", at(DAY, 9, 0))
    pay(order, "P-NOBILL", at(DAY, 9, 5))
    pay(order, "P-PENDING", None, state="pending")
    pay(order, "P-YESTERDAY", at(DAY - timedelta(days=1), 23, 59))
    refund(matched, "R-MATCH", at(DAY, 12, 0), amount="50.00")
    late = pay(order, "P-R", at(DAY - timedelta(days=3), 9, 0))
    refund(late, "R-PENDING", None, state="pending", amount="200.00")
    bill_provider.bills[DAY] = [
        paid_row("P-MATCH", fee="1.20"),
        paid_row("P-PENDING", fee="1.20"),
        paid_row("P-YESTERDAY", fee="1.20"),
        paid_row("P-STRANGER", "300.00", fee="1.80"),
        refund_row("R-MATCH", "P-MATCH", "50.00", fee="-0.30"),
        refund_row("R-PENDING", "P-R", "200.00", fee="-1.20"),
    ]

    report = rec.build_report("wechat", DAY)

    by_kind = {d.kind: d for d in report.differences}
    assert sorted(by_kind) == sorted(
        ["payment_missing_in_bill", "payment_missing_here", "payment_state", "payment_day", "refund_state"]
    )
    assert by_kind["payment_missing_in_bill"].out_trade_no == "P-NOBILL"
    assert by_kind["payment_missing_here"].out_trade_no == "P-STRANGER"
    assert by_kind["payment_state"].out_trade_no == "P-PENDING" and "待支付" in by_kind["payment_state"].explanation
    assert by_kind["payment_day"].out_trade_no == "P-YESTERDAY"
    assert by_kind["refund_state"].out_refund_no == "R-PENDING"
    assert "退款处理中" in by_kind["refund_state"].explanation
    bill = report.bill_totals
    assert (bill.payment_count, bill.payment_amount, bill.refund_count, bill.refund_amount) == (
        4,
        D("900.00"),
        2,
        D("250.00"),
    )
    assert bill.fee == D("3.90") and bill.net == D("650.00")
    assert (report.ours.payment_count, report.ours.payment_amount) == (2, D("400.00"))


@pytest.mark.django_db
def test_a_bill_that_cannot_be_fetched_still_lists_our_side(bill_provider, order):
    pay(order, "P-1", at(DAY, 9, 0))
    bill_provider.error = "账单尚未生成"

    report = rec.build_report("wechat", DAY)

    assert report.bill_error == "账单获取失败：账单尚未生成"
    assert [p.out_trade_no for p in report.payments] == ["P-1"]
    assert report.bill_totals is None and report.differences == []
    workbook = load_workbook(io.BytesIO(rec.report_xlsx(report)))
    summary = [row[:2] for row in workbook["汇总"].iter_rows(values_only=True)]
    assert ("渠道账单", "账单获取失败：账单尚未生成") in summary
    assert workbook["订单与支付"]["K2"].value == "未对账"


@pytest.mark.django_db
def test_unknown_provider_is_refused(bill_provider):
    with pytest.raises(LookupError):
        rec.build_report("alipay", DAY)


# --- The workbook ----------------------------------------------------------------------------


def _all_text(workbook) -> str:
    return "\n".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


@pytest.mark.django_db
def test_workbook_content(bill_provider, order, people):
    matched = pay(order, "P-MATCH", at(DAY, 9, 0))
    pay(order, "P-NOBILL", at(DAY, 23, 59), amount="150.00")
    refund(matched, "R-MATCH", at(DAY, 12, 0), amount="50.00")
    bill_provider.bills[DAY] = [
        paid_row("P-MATCH", fee="1.20"),
        refund_row("R-MATCH", "P-MATCH", "50.00", fee="-0.30"),
    ]
    report = rec.build_report("wechat", DAY, now=at(DAY + timedelta(days=1), 10, 30))

    workbook = load_workbook(io.BytesIO(rec.report_xlsx(report)))

    assert workbook.sheetnames == ["汇总", "订单与支付", "退款", "渠道账单", "差异"]
    summary = {row[0]: row[1:] for row in workbook["汇总"].iter_rows(values_only=True) if row[0]}
    assert summary["支付方式"][0] == "微信支付（wechat）"
    assert summary["对账日期"][0] == datetime(2024, 5, 1)
    assert summary["生成时间"][0] == datetime(2024, 5, 2, 10, 30)
    assert summary["差异笔数"][0] == 1
    assert summary["支付笔数"][:3] == (2, 1, -1)
    assert summary["支付金额（元）"][:3] == (350, 200, -150)
    assert summary["退款金额（元）"][:2] == (50, 50)
    assert summary["净额（元，支付−退款）"][:2] == (300, 150)
    assert summary["手续费（元）"][1] == pytest.approx(0.9)
    assert summary["我方有、渠道无"][0] == 1

    payments = workbook["订单与支付"]
    assert [c.value for c in payments[1]][:5] == ["订单号", "姓名", "盟市", "渠道", "金额（元）"]
    assert all(c.font.bold for c in payments[1])
    assert payments.freeze_panes == "A2"
    assert payments.column_dimensions["F"].width == 26
    rows = list(payments.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2], r[4], r[5], r[6], r[7], r[8], r[10]) for r in rows] == [
        (
            "SC20240501TESTA001",
            "王小明",
            "呼和浩特市",
            200,
            "P-MATCH",
            "4200P-MATCH",
            datetime(2024, 5, 1, 9),
            "支付成功",
            "一致",
        ),
        (
            "SC20240501TESTA001",
            "王小明",
            "呼和浩特市",
            150,
            "P-NOBILL",
            "4200P-NOBILL",
            datetime(2024, 5, 1, 23, 59),
            "支付成功",
            "我方有、渠道无",
        ),
    ]
    assert payments["E2"].number_format == "0.00" and isinstance(payments["E2"].value, int | float)
    assert payments["H2"].number_format == "yyyy-mm-dd hh:mm:ss"

    refunds = list(workbook["退款"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[5], r[6], r[10]) for r in refunds] == [("R-MATCH", "P-MATCH", 50, "考前退出", "一致")]
    assert workbook["退款"]["F2"].number_format == "0.00"

    bill = list(workbook["渠道账单"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[3], r[4], r[5], r[9]) for r in bill] == [
        ("P-MATCH", "SUCCESS", 200, 0, pytest.approx(1.2)),
        ("P-MATCH", "REFUND", 0, 50, pytest.approx(-0.3)),
    ]
    assert workbook["渠道账单"]["A2"].value == datetime(2024, 5, 1, 10)

    differences = list(workbook["差异"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[3], r[4]) for r in differences] == [("我方有、渠道无", "P-NOBILL", 150, None)]
    assert "渠道当日账单中没有这笔交易" in differences[0][7]
    for sheet in workbook.worksheets[1:]:
        assert sheet.freeze_panes == "A2" and all(c.font.bold for c in sheet[1])

    # Names are fine; ID and phone numbers never appear.
    application = order.application
    text = _all_text(workbook)
    assert application.id_number and application.id_number not in text
    assert application.phone and application.phone not in text
    assert people["applicant"].phone not in text


def test_text_from_outside_is_never_a_formula():
    report = rec.Report(
        provider="offline",
        provider_name="线下缴费",
        day=DAY,
        generated_at=at(DAY, 12, 0),
        payments=[pay_rec("A", full_name='=HYPERLINK("http://evil","x")', reference="=1+1")],
        refunds=[],
        note="线下缴费没有渠道账单",
    )
    workbook = load_workbook(io.BytesIO(rec.report_xlsx(report)))
    sheet = workbook["订单与支付"]
    assert sheet["B2"].value == '=HYPERLINK("http://evil","x")' and sheet["B2"].data_type == "s"
    assert sheet["G2"].data_type == "s"
    assert sheet["K2"].value == "待人工核对"


# --- Keeping reports, the task ---------------------------------------------------------------


@pytest.mark.django_db
def test_generate_keeps_one_report_per_provider_and_day_and_replaces_it(
    bill_provider, order, people, django_capture_on_commit_callbacks
):
    pay(order, "P-1", at(DAY, 9, 0))
    pay(order, "P-OFF", at(DAY, 10, 0), provider="offline", reference="RCPT-1")

    first = {r.provider: r for r in rec.generate_daily_reports(DAY)}

    assert set(first) == {"wechat", "offline"}
    wechat = first["wechat"]
    assert (wechat.our_payment_count, wechat.our_payment_amount) == (1, D("200.00"))
    assert (wechat.bill_payment_count, wechat.bill_payment_amount, wechat.bill_fee) == (0, D("0.00"), D("0.00"))
    assert wechat.difference_count == 1 and wechat.differences[0]["label"] == "我方有、渠道无"
    assert wechat.generated_by is None
    assert first["offline"].bill_payment_count is None and first["offline"].note
    old_file = wechat.file.name
    # (Storage adds a suffix when an earlier test left a file of that name in the media folder.)
    assert old_file.startswith("reconciliation/2024/reconciliation-wechat-2024-05-01") and old_file.endswith(".xlsx")
    assert private_storage.exists(old_file)
    assert AuditEvent.objects.filter(action="payments.reconciliation.generated").count() == 2

    bill_provider.bills[DAY] = [paid_row("P-1")]
    with django_capture_on_commit_callbacks(execute=True):
        again = {r.provider: r for r in rec.generate_daily_reports(DAY, actor=people["association"])}

    assert ReconciliationReport.objects.count() == 2
    wechat = ReconciliationReport.objects.get(provider="wechat", day=DAY)
    assert wechat.pk == first["wechat"].pk and wechat.difference_count == 0 and wechat.differences == []
    assert wechat.generated_by == people["association"]
    assert again["wechat"].bill_payment_count == 1
    assert not private_storage.exists(old_file) and private_storage.exists(wechat.file.name)
    event = AuditEvent.objects.filter(action="payments.reconciliation.regenerated", object_id=str(wechat.pk)).get()
    assert event.actor == people["association"]
    assert event.before["difference_count"] == 1 and event.after["difference_count"] == 0
    stored = load_workbook(io.BytesIO(rec.stored_xlsx("wechat", DAY)))
    assert stored["订单与支付"]["K2"].value == "一致"


@pytest.mark.django_db
def test_a_failing_bill_is_kept_as_such(bill_provider, order):
    pay(order, "P-1", at(DAY, 9, 0))
    bill_provider.error = "签名验证失败"
    row = rec.generate_daily_reports(DAY, providers=["wechat"])[0]
    assert row.bill_error == "账单获取失败：签名验证失败"
    assert row.bill_payment_count is None and row.difference_count == 0 and row.our_payment_count == 1


@pytest.mark.django_db
def test_task_reconciles_every_provider(bill_provider, order):
    from payments.tasks_reconciliation import reconcile_day

    pay(order, "P-1", at(DAY, 9, 0))
    result = reconcile_day.enqueue(DAY.isoformat())
    assert result.return_value == {
        "wechat": {"differences": 1, "bill_error": "", "note": ""},
        "offline": {"differences": 0, "bill_error": "", "note": rec.OFFLINE_NOTE},
    }
    assert ReconciliationReport.objects.filter(day=DAY).count() == 2


# --- Pages and access ------------------------------------------------------------------------

OVERVIEW = reverse("payments_staff:reconciliation")


def xlsx_url(provider="wechat", day="2024-05-01"):
    return reverse("payments_staff:reconciliation_xlsx", args=[provider, day])


@pytest.mark.django_db
def test_anonymous_goes_to_login(bill_provider):
    for url in (OVERVIEW, xlsx_url()):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/login" in response["Location"]
    response = client_for(None).post(OVERVIEW, {"day": "2024-05-01"})
    assert response.status_code == 302
    assert not ReconciliationReport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["applicant", "hohhot_co", "baotou_co", "hohhot_reg", "baotou_reg", "hohhot_expert"])
def test_only_the_association_reconciles(bill_provider, people, role):
    client = client_for(people[role])
    assert client.get(OVERVIEW).status_code == 403
    assert client.post(OVERVIEW, {"day": "2024-05-01"}).status_code == 403
    assert client.get(xlsx_url()).status_code == 403
    assert not ReconciliationReport.objects.exists()


@pytest.mark.django_db
def test_association_sees_the_overview(bill_provider, people, order):
    pay(order, "P-1", at(DAY, 9, 0))
    rec.generate_daily_reports(DAY)
    bill_provider.error = "账单尚未生成"
    rec.generate_daily_reports(DAY + timedelta(days=1), providers=["wechat"])

    response = client_for(people["association"]).get(OVERVIEW)

    assert response.status_code == 200
    page = response.content.decode()
    assert "每日对账" in page and "微信支付" in page and "线下缴费" in page
    assert "1 处差异" in page and "我方有、渠道无" in page and "P-1" in page
    assert "账单获取失败：账单尚未生成" in page and "待人工核对" in page
    assert xlsx_url("wechat", "2024-05-01") in page
    yesterday = timezone.localdate() - timedelta(days=1)
    assert f'value="{yesterday:%Y-%m-%d}"' in page

    only = client_for(people["association"]).get(OVERVIEW, {"differences": "on"}).content.decode()
    assert only.count("下载</a>") == 2  # the wechat day with a difference, the day whose bill failed
    offline = client_for(people["association"]).get(OVERVIEW, {"provider": "offline"}).content.decode()
    assert offline.count("下载</a>") == 1


@pytest.mark.django_db
def test_association_generates_a_day(bill_provider, people, order):
    pay(order, "P-1", at(DAY, 9, 0))
    client = client_for(people["association"])

    response = client.post(OVERVIEW, {"day": "2024-05-01"}, follow=True)

    assert response.redirect_chain == [(OVERVIEW, 302)]
    assert "有 1 处差异" in response.content.decode()
    assert ReconciliationReport.objects.filter(day=DAY).count() == 2
    assert ReconciliationReport.objects.get(provider="wechat").generated_by == people["association"]
    assert (
        AuditEvent.objects.filter(action="payments.reconciliation.generated", actor=people["association"]).count() == 2
    )


@pytest.mark.django_db
def test_generating_refuses_a_future_day(bill_provider, people):
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client_for(people["association"]).post(OVERVIEW, {"day": tomorrow.isoformat()})
    assert response.status_code == 400 and "不能对今天之后的日期对账" in response.content.decode()
    assert not ReconciliationReport.objects.exists()


@pytest.mark.django_db
def test_download_serves_the_kept_workbook(bill_provider, people, order):
    pay(order, "P-1", at(DAY, 9, 0))
    kept = rec.generate_daily_reports(DAY, providers=["wechat"])[0]
    bill_provider.bills[DAY] = [paid_row("P-1")]  # changed since: the kept file is what is served

    response = client_for(people["association"]).get(xlsx_url())

    assert response.status_code == 200
    assert response["Content-Type"] == rec.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="reconciliation-wechat-2024-05-01.xlsx"'
    assert response["Cache-Control"] == "private, no-store"
    with kept.file.open("rb") as handle:
        assert response.content == handle.read()


@pytest.mark.django_db
def test_download_without_a_kept_report_builds_it_and_keeps_nothing(bill_provider, people, order):
    pay(order, "P-1", at(DAY, 9, 0))
    bill_provider.bills[DAY] = [paid_row("P-1")]

    response = client_for(people["association"]).get(xlsx_url())

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook["订单与支付"]["F2"].value == "P-1" and workbook["订单与支付"]["K2"].value == "一致"
    assert not ReconciliationReport.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="payments.reconciliation").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("provider", "day"),
    [
        ("alipay", "2024-05-01"),
        ("wechat", "2024-13-01"),
        ("wechat", "2024-5-1"),
        ("wechat", "20240501"),
        ("wechat", "2999-01-01"),
    ],
)
def test_download_404(bill_provider, people, provider, day):
    assert client_for(people["association"]).get(xlsx_url(provider, day)).status_code == 404
