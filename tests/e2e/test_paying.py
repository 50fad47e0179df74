"""Paying in the browser: an approved applicant pays with WeChat Pay through the local
simulator (the scanning step is the simulator's page), the signed notification comes back
through the real adapter, the page shows 已缴费; the association finds the payment in the
day's reconciliation report."""

from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from .test_public_pages import PASSWORD, assert_fits_phone, log_in


@pytest.fixture
def live_wechat(settings, live_server):
    """The adapter talks to the simulator mounted on the live server, as under `make run`."""
    from payments.providers import reset_providers

    settings.SITE_URL = live_server.url
    settings.WECHATPAY_GATEWAY = f"{live_server.url}/paysim"
    settings.WECHATPAY_NOTIFY_URL = f"{live_server.url}/payments/notify/wechat/"
    reset_providers()
    yield
    reset_providers()


@pytest.fixture
def approved(people, open_campaign):
    """王小明's 四级 application, through submit and both reviews, with the payment window open."""
    from applications import lifecycle
    from applications import services as applying
    from applications.tests.fixtures import attach_documents, fill
    from catalog.fees import ensure_demo_fees
    from catalog.models import Campaign

    applicant = people["applicant"]
    application = fill(applying.start_application(applicant, open_campaign))
    attach_documents(application)
    application = applying.submit_application(applicant, application)
    lifecycle.approve(people["hohhot_co"], application, tier="city")
    application = lifecycle.approve(people["association"], application, tier="association")
    ensure_demo_fees(open_campaign)
    Campaign.objects.filter(pk=open_campaign.pk).update(payment_opens=timezone.localdate() - timedelta(days=1))
    return application


def test_applicant_pays_through_the_simulator_and_the_association_reconciles(
    phone: Page,
    desk,
    approved,
    live_wechat,
    people,
    shot,
    tmp_path,
):
    log_in(phone, people["applicant"].phone)
    phone.goto(f"/applications/{approved.pk}/")
    phone.get_by_role("link", name="去缴费").click()
    expect(phone.get_by_text("¥180.00").first).to_be_visible()
    expect(phone.get_by_text("内发改费字[2015]1552号")).to_be_visible()
    phone.get_by_role("button", name="微信扫码支付 ¥180.00").click()

    expect(phone.locator(".qr svg")).to_be_visible()
    expect(phone.get_by_text("待支付")).to_be_visible()
    assert_fits_phone(phone)
    shot(phone, "pay-qr")

    # The scanning step: the simulator's page shows what WeChat would show after the scan.
    phone.get_by_role("link", name="模拟扫码支付（本地演示）").click()
    expect(phone.get_by_text("￥180.00")).to_be_visible()
    phone.get_by_role("button", name="确认支付").click()
    expect(phone.get_by_role("status")).to_contain_text("支付成功")
    phone.get_by_role("link", name="返回商户页面").click()

    # The notification may still be on its way: the panel polls until it says so.
    expect(phone.locator("#payment-status")).to_contain_text("已缴费")
    expect(phone.locator("#payment-status")).to_contain_text("微信支付单号")
    shot(phone, "pay-done")
    approved.refresh_from_db()
    assert approved.status == "paid"
    payment = approved.order.payments.get()
    assert payment.reference and payment.amount == Decimal("180.00")

    office = desk()
    log_in(office, "alice", PASSWORD)
    office.goto("/staff/payments/reconciliation/")
    office.get_by_label("对账日期").fill(timezone.localdate().isoformat())
    office.get_by_role("button", name="生成对账报告").click()
    wechat_row = office.locator("tr", has_text="微信支付").first
    expect(wechat_row).to_contain_text("1 / 180.00")  # ours, and the simulator's bill
    expect(wechat_row).to_contain_text("一致")
    shot(office, "reconciliation")
    with office.expect_download() as download:
        wechat_row.get_by_role("link", name="下载").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".xlsx"
    workbook = openpyxl.load_workbook(saved)
    cells = {str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value}
    assert payment.out_trade_no in cells
    assert payment.reference in cells


WECHAT_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Mobile/15E148 MicroMessenger/8.0.50(0x1800322c) NetType/WIFI Language/zh_CN"
)


@pytest.fixture
def wechat_phone(browser, live_server, django_db_serialized_rollback):
    """A phone-sized page in WeChat's browser (its user agent); the simulator stands in for WeixinJSBridge."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        user_agent=WECHAT_UA,
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_in_wechat_the_applicant_closes_the_sheet_once_and_pays_again(
    wechat_phone: Page, approved, live_wechat, people, shot
):
    page = wechat_phone
    log_in(page, people["applicant"].phone)
    page.goto(f"/applications/{approved.pk}/pay/")
    page.get_by_role("button", name="微信支付 ¥180.00").click()
    # snsapi_base: WeChat says who the payer is and sends them straight back.
    expect(page.get_by_text("已确认您的微信身份")).to_be_visible()
    page.get_by_role("button", name="微信支付 ¥180.00").click()

    # WeChat's payment sheet over our page (the simulator's JSAPI page, paySign checked).
    sheet = page.frame_locator(".paysim-sheet iframe")
    expect(sheet.get_by_text("￥180.00")).to_be_visible()
    assert_fits_phone(page)
    shot(page, "wechat-sheet")
    sheet.get_by_role("button", name="取消支付").click()
    expect(page.locator(".paysim-sheet")).to_have_count(0)
    expect(page.get_by_text("您已取消支付，订单仍待支付")).to_be_visible()
    expect(page.get_by_role("button", name="微信支付 ¥180.00")).to_be_visible()
    shot(page, "wechat-canceled")

    # Back on the pay page it is not a dead end: 微信支付 again, with the same prepay_id.
    page.get_by_role("link", name="返回缴费页").click()
    expect(page.locator("#payment-status")).to_contain_text("待支付")
    assert_fits_phone(page)
    shot(page, "wechat-pay-again")
    page.get_by_role("button", name="微信支付 ¥180.00").click()
    sheet = page.frame_locator(".paysim-sheet iframe")
    sheet.get_by_role("button", name="确认支付").click()
    expect(sheet.get_by_role("status")).to_contain_text("支付成功")
    sheet.get_by_role("button", name="完成").click()

    expect(page.locator("#payment-status")).to_contain_text("已缴费")
    shot(page, "wechat-paid")
    approved.refresh_from_db()
    assert approved.status == "paid"
    assert approved.order.payments.get().channel == "jsapi"  # one attempt: the prepay_id was reused
