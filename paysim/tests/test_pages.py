"""The payer's side: the scan page, the JSAPI page, and the production guard."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from payments.models import Payment
from paysim import services
from paysim.apps import PaysimConfig, check_not_production
from paysim.models import SimTransaction

pytestmark = pytest.mark.django_db


def _native(wechat_sim, amount: str = "150.50", **kwargs) -> Payment:
    payment = Payment(out_trade_no=kwargs.pop("out_trade_no", "SCPAGE000001"), amount=Decimal(amount))
    wechat_sim.provider.start(
        payment,
        channel=kwargs.pop("channel", "native"),
        description="2023年职业技能等级认定费（四级）",
        expires_at=kwargs.pop("expires_at", timezone.now() + timedelta(hours=1)),
        **kwargs,
    )
    return payment


def test_the_scan_page_shows_the_order_and_confirming_pays(wechat_sim):
    payment = _native(wechat_sim)
    txn = wechat_sim.transaction(payment)
    page = wechat_sim.client.get("/paysim/scan/", {"code_url": txn.code_url})
    html = page.content.decode()
    assert "微信支付模拟器 — 仅用于本地演示和测试" in html
    assert "￥150.50" in html and "2023年职业技能等级认定费（四级）" in html and txn.mchid in html
    assert "确认支付" in html and "取消支付" in html
    log = wechat_sim.receiver("http://testserver/payments/notify/wechat/")
    paid = wechat_sim.pay(payment)
    assert paid.state == "SUCCESS"
    assert len(log) == 1 and log[0].headers["Wechatpay-Serial"] == wechat_sim.keys.platform_serial_no


def test_cancelling_leaves_the_order_unpaid(wechat_sim):
    payment = _native(wechat_sim)
    txn = wechat_sim.transaction(payment)
    page = wechat_sim.client.post("/paysim/scan/", {"code_url": txn.code_url, "action": "cancel"})
    assert "已取消支付" in page.content.decode()
    assert wechat_sim.transaction(payment).state == "NOTPAY"


def test_an_unknown_code_and_an_expired_order(wechat_sim):
    assert wechat_sim.client.get("/paysim/scan/", {"code_url": "weixin://wxpay/bizpayurl?pr=nope"}).status_code == 404
    payment = _native(wechat_sim, out_trade_no="SCPAGE000002")
    SimTransaction.objects.filter(out_trade_no=payment.out_trade_no).update(time_expire=timezone.now() - timedelta(1))
    page = wechat_sim.client.post(
        "/paysim/scan/", {"code_url": wechat_sim.transaction(payment).code_url, "action": "confirm"}
    )
    assert "已过期" in page.content.decode()
    assert wechat_sim.transaction(payment).state == "NOTPAY"


def test_paying_twice_is_refused(wechat_sim):
    payment = _native(wechat_sim)
    wechat_sim.pay(payment, deliver=False)
    page = wechat_sim.client.get("/paysim/scan/", {"code_url": wechat_sim.transaction(payment).code_url})
    assert "已支付" in page.content.decode() and "确认支付" not in page.content.decode()
    with pytest.raises(services.SimError):
        services.pay(payment.out_trade_no)


def test_the_jsapi_page_checks_pay_sign(wechat_sim):
    payment = _native(wechat_sim, channel="jsapi", openid="oPAYER")
    params = wechat_sim.provider.jsapi_parameters(wechat_sim.transaction(payment).prepay_id)
    good = wechat_sim.client.get("/paysim/jsapi/", params)
    assert good.status_code == 200 and "确认支付" in good.content.decode()
    forged = wechat_sim.client.post("/paysim/jsapi/", {**params, "nonceStr": "other", "action": "confirm"})
    assert forged.status_code == 400 and "paySign" in forged.content.decode()
    assert wechat_sim.transaction(payment).state == "NOTPAY"


def test_return_links_stay_on_this_site(wechat_sim):
    payment = _native(wechat_sim)
    code_url = wechat_sim.transaction(payment).code_url
    inside = wechat_sim.client.get("/paysim/scan/", {"code_url": code_url, "return_url": "/applications/1/pay/"})
    assert 'href="/applications/1/pay/"' in inside.content.decode()
    outside = wechat_sim.client.get("/paysim/scan/", {"code_url": code_url, "return_url": "https://evil.example/"})
    assert "evil.example" not in outside.content.decode().split("返回商户页面")[0][-200:]
    assert "返回商户页面" not in outside.content.decode()


def test_the_index_lists_transactions_and_deliveries(wechat_sim):
    payment = _native(wechat_sim)
    wechat_sim.receiver("http://testserver/payments/notify/wechat/", statuses=[500])
    wechat_sim.pay(payment)
    html = wechat_sim.client.get("/paysim/").content.decode()
    assert payment.out_trade_no in html and "TRANSACTION.SUCCESS" in html and "HTTP 500" in html


def test_paysim_refuses_production(settings):
    settings.PRODUCTION = True
    assert [message.id for message in check_not_production()] == ["paysim.E001"]
    import paysim

    with pytest.raises(ImproperlyConfigured):
        PaysimConfig("paysim", paysim).ready()
    settings.PRODUCTION = False
    assert check_not_production() == []


def test_the_jsapi_page_opens_as_a_sheet_over_the_merchants_page(wechat_sim, settings):
    csp = "django.middleware.csp.ContentSecurityPolicyMiddleware"
    if csp not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, csp]
    payment = _native(wechat_sim, channel="jsapi", openid="oPAYER")
    params = wechat_sim.provider.jsapi_parameters(wechat_sim.transaction(payment).prepay_id)
    sheet = wechat_sim.client.get("/paysim/jsapi/", {**params, "sheet": "1"})
    html = sheet.content.decode()
    # bridge.js frames it over our page, like WeChat's sheet: same origin only.
    assert sheet.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in sheet.headers["Content-Security-Policy"]
    assert "确认支付" in html and "取消支付" in html and "paysim/sheet.js" in html
    assert "site-header" not in html  # a sheet, not a page with the site's navigation
    canceled = wechat_sim.client.post("/paysim/jsapi/", {**params, "sheet": "1", "action": "cancel"})
    assert 'data-result="canceled"' in canceled.content.decode()  # sheet.js answers "cancel"
    assert wechat_sim.transaction(payment).state == "NOTPAY"
    paid = wechat_sim.client.post("/paysim/jsapi/", {**params, "sheet": "1", "action": "confirm"})
    assert 'data-result="paid"' in paid.content.decode() and 'data-sheet-answer="ok"' in paid.content.decode()


def test_only_the_jsapi_sheet_may_be_framed(wechat_sim):
    payment = _native(wechat_sim)
    page = wechat_sim.client.get("/paysim/scan/", {"code_url": wechat_sim.transaction(payment).code_url})
    assert page.headers["X-Frame-Options"] == "DENY"
