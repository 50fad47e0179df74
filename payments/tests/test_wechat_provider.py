"""Contract tests of the WeChat Pay adapter: the real SDK code path against the real simulator views."""

import gzip
import json
import os
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.utils import timezone

from payments.models import Payment, Refund
from payments.providers import get_provider
from payments.providers.base import NotificationRejected, ProviderError
from payments.providers.wechat import UNREACHABLE, WeChatPayError
from paysim import signing

pytestmark = pytest.mark.django_db
_numbers = iter(range(1, 10**6))


def _payment(amount: str = "150.00", **changes) -> Payment:
    # The adapter reads only these attributes: unsaved model instances are enough here.
    return Payment(out_trade_no=changes.pop("out_trade_no", f"SCT{next(_numbers):09d}"), amount=Decimal(amount))


def _refund(payment: Payment, amount: str, *, reason: str = Refund.Reason.WITHDRAWAL, note: str = "") -> Refund:
    return Refund(
        payment=payment, out_refund_no=f"RF{next(_numbers):09d}", amount=Decimal(amount), reason=reason, note=note
    )


def _start(provider, payment: Payment, channel: str = "native", **kwargs):
    return provider.start(
        payment,
        channel=channel,
        description=kwargs.pop("description", "2023年职业技能等级认定费"),
        expires_at=kwargs.pop("expires_at", timezone.now() + timedelta(hours=2)),
        **kwargs,
    )


# --- building the SDK -----------------------------------------------------------------------


def test_nothing_is_fetched_until_first_use_then_the_certificate_is_downloaded(wechat_sim):
    provider = get_provider("wechat")
    assert (provider.identifier, provider.verbose_name, provider.channels) == (
        "wechat",
        "微信支付",
        ("native", "jsapi"),
    )
    assert (provider.merchant_id, provider.app_id) == (settings.WECHATPAY_MCHID, settings.WECHATPAY_APPID)
    assert wechat_sim.transport.sent == []
    cert_dir = settings.WECHATPAY_PLATFORM_CERT_DIR
    assert not os.path.exists(cert_dir)

    _start(provider, _payment())

    assert [urlsplit(s.url).path for s in wechat_sim.transport.sent] == [
        "/paysim/v3/certificates",
        "/paysim/v3/pay/transactions/native",
    ]
    assert os.listdir(cert_dir) == [f"{wechat_sim.keys.platform_serial_no}.pem"]


def test_a_downloaded_certificate_is_reused(wechat_sim, settings):
    _start(wechat_sim.provider, _payment())
    from payments.providers import reset_providers

    reset_providers()
    wechat_sim.transport.sent.clear()
    _start(wechat_sim.provider, _payment())
    assert [urlsplit(s.url).path for s in wechat_sim.transport.sent] == ["/paysim/v3/pay/transactions/native"]


def test_unreachable_gateway_is_a_provider_error(wechat_sim, settings):
    settings.WECHATPAY_GATEWAY = "https://api.mch.weixin.qq.com"  # no network in tests
    with pytest.raises(ProviderError, match="暂时无法连接"):
        _start(wechat_sim.provider, _payment())


def test_missing_configuration_outside_the_simulator(wechat_sim, settings):
    settings.WECHATPAY_SIMULATOR = False
    with pytest.raises(ProviderError, match="尚未配置"):
        _start(wechat_sim.provider, _payment())


# --- native and JSAPI orders ----------------------------------------------------------------


def test_native_order(wechat_sim):
    payment = _payment("150.50")
    expires = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    instructions = _start(wechat_sim.provider, payment, expires_at=expires, client_ip="10.0.0.8")

    assert instructions.channel == "native"
    assert instructions.code_url.startswith("weixin://wxpay/bizpayurl?pr=")
    txn = wechat_sim.transaction(payment)
    assert (txn.trade_type, txn.total, txn.currency, txn.state) == ("NATIVE", 15050, "CNY", "NOTPAY")
    assert txn.code_url == instructions.code_url
    assert txn.time_expire == expires
    assert txn.request["time_expire"].endswith("+08:00")
    assert txn.notify_url == settings.WECHATPAY_NOTIFY_URL
    assert txn.payer_client_ip == "10.0.0.8"
    assert txn.description == "2023年职业技能等级认定费"


def test_creating_the_same_order_again(wechat_sim):
    payment = _payment()
    first = _start(wechat_sim.provider, payment)
    expires = wechat_sim.transaction(payment).time_expire
    assert _start(wechat_sim.provider, payment, expires_at=expires).code_url == first.code_url
    with pytest.raises(WeChatPayError) as refused:
        _start(wechat_sim.provider, _payment("99.00", out_trade_no=payment.out_trade_no), expires_at=expires)
    assert refused.value.code == "INVALID_REQUEST"
    assert "商户订单号重复" in str(refused.value)


def test_jsapi_order_gives_signed_bridge_parameters(wechat_sim):
    payment = _payment()
    instructions = _start(wechat_sim.provider, payment, "jsapi", openid="oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")

    params = instructions.jsapi
    assert instructions.channel == "jsapi"
    assert set(params) == {"appId", "timeStamp", "nonceStr", "package", "signType", "paySign"}
    txn = wechat_sim.transaction(payment)
    assert params["package"] == f"prepay_id={txn.prepay_id}"
    assert (params["appId"], params["signType"]) == (settings.WECHATPAY_APPID, "RSA")
    message = f"{params['appId']}\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    assert signing.rsa_verify(wechat_sim.keys.merchant_public_key, message, params["paySign"])
    assert txn.payer_openid == "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


def test_jsapi_needs_an_openid(wechat_sim):
    with pytest.raises(ProviderError, match="微信中打开"):
        _start(wechat_sim.provider, _payment(), "jsapi")


def test_query_before_and_after_the_payer_scans(wechat_sim):
    payment = _payment()
    _start(wechat_sim.provider, payment)
    before = wechat_sim.provider.query(payment)
    assert (before.state, before.succeeded, before.transaction_id) == ("NOTPAY", False, "")

    wechat_sim.pay(payment, deliver=False)
    after = wechat_sim.provider.query(payment)

    assert after.state == "SUCCESS" and after.succeeded
    assert len(after.transaction_id) == 28
    assert (after.amount_fen, after.payer_total_fen, after.currency) == (15000, 15000, "CNY")
    assert (after.mchid, after.appid) == (settings.WECHATPAY_MCHID, settings.WECHATPAY_APPID)
    assert after.success_time is not None and after.success_time.utcoffset() == timedelta(hours=8)
    assert after.raw["payer"]["openid"].startswith("o")


def test_jsapi_payment_through_the_bridge_page(wechat_sim):
    payment = _payment()
    _start(wechat_sim.provider, payment, "jsapi", openid="oPAYER")
    txn = wechat_sim.pay(payment, deliver=False)
    assert (txn.state, txn.payer_openid) == ("SUCCESS", "oPAYER")


def test_query_of_an_unknown_order(wechat_sim):
    with pytest.raises(WeChatPayError) as refused:
        wechat_sim.provider.query(_payment())
    assert (refused.value.code, refused.value.status) == ("ORDER_NOT_EXIST", 404)
    assert str(refused.value) == "微信支付查无此订单。"


def test_close(wechat_sim):
    payment = _payment()
    _start(wechat_sim.provider, payment)
    wechat_sim.provider.close(payment)
    assert wechat_sim.provider.query(payment).state == "CLOSED"
    wechat_sim.provider.close(payment)  # closing again is harmless
    page = wechat_sim.client.get("/paysim/scan/", {"code_url": wechat_sim.transaction(payment).code_url})
    assert "已关闭" in page.content.decode() and "确认支付" not in page.content.decode()
    with pytest.raises(WeChatPayError) as refused:
        _start(wechat_sim.provider, payment, expires_at=wechat_sim.transaction(payment).time_expire)
    assert refused.value.code == "ORDER_CLOSED"


def test_a_paid_order_cannot_be_closed(wechat_sim):
    payment = _payment()
    _start(wechat_sim.provider, payment)
    wechat_sim.pay(payment, deliver=False)
    with pytest.raises(WeChatPayError) as refused:
        wechat_sim.provider.close(payment)
    assert refused.value.code == "ORDERPAID"


# --- refunds --------------------------------------------------------------------------------


def _paid(wechat_sim, amount: str = "150.00") -> Payment:
    payment = _payment(amount)
    _start(wechat_sim.provider, payment)
    wechat_sim.pay(payment, deliver=False)
    return payment


def test_full_refund(wechat_sim):
    payment = _paid(wechat_sim)
    refund = _refund(payment, "150.00", note="考前退出")
    result = wechat_sim.provider.refund(refund, total=payment.amount)

    assert (result.out_refund_no, result.state, result.amount_fen) == (refund.out_refund_no, "SUCCESS", 15000)
    assert result.out_trade_no == payment.out_trade_no and result.refund_id
    assert result.success_time is not None
    assert wechat_sim.provider.query(payment).state == "REFUND"
    sim_refund = wechat_sim.transaction(payment).refunds.get()
    assert sim_refund.reason == "考前退出：考前退出"
    assert sim_refund.notify_url == settings.WECHATPAY_NOTIFY_URL
    queried = wechat_sim.provider.query_refund(refund)
    assert (queried.state, queried.refund_id, queried.amount_fen) == ("SUCCESS", result.refund_id, 15000)


def test_partial_refunds_and_refusing_more_than_what_is_left(wechat_sim):
    payment = _paid(wechat_sim)
    first = wechat_sim.provider.refund(_refund(payment, "100.00"), total=payment.amount)
    second = wechat_sim.provider.refund(_refund(payment, "50.00"), total=payment.amount)
    assert (first.amount_fen, second.amount_fen) == (10000, 5000)
    with pytest.raises(WeChatPayError) as refused:
        wechat_sim.provider.refund(_refund(payment, "0.01"), total=payment.amount)
    assert (refused.value.code, refused.value.status) == ("NOT_ENOUGH", 403)
    assert str(refused.value) == "可退金额不足，退款未受理。"


def test_the_same_refund_request_twice_is_one_refund(wechat_sim):
    payment = _paid(wechat_sim)
    refund = _refund(payment, "30.00")
    first = wechat_sim.provider.refund(refund, total=payment.amount)
    again = wechat_sim.provider.refund(refund, total=payment.amount)
    assert first.refund_id == again.refund_id
    assert wechat_sim.transaction(payment).refunds.count() == 1


def test_refund_of_an_unpaid_order_and_query_of_an_unknown_refund(wechat_sim):
    payment = _payment()
    _start(wechat_sim.provider, payment)
    with pytest.raises(WeChatPayError, match="未支付"):
        wechat_sim.provider.refund(_refund(payment, "1.00"), total=payment.amount)
    with pytest.raises(WeChatPayError) as refused:
        wechat_sim.provider.query_refund(_refund(payment, "1.00"))
    assert (refused.value.code, refused.value.status) == ("RESOURCE_NOT_EXISTS", 404)


# --- answers and requests must be signed ----------------------------------------------------


def test_an_answer_with_a_bad_platform_signature_is_refused(wechat_sim):
    payment = _payment()
    _start(wechat_sim.provider, payment)  # certificates are in place

    def man_in_the_middle(status, headers, content):
        return status, headers, content.replace(b"NOTPAY", b"SUCCESS")

    wechat_sim.transport.tamper = man_in_the_middle
    with pytest.raises(ProviderError) as refused:
        wechat_sim.provider.query(payment)
    assert str(refused.value) == UNREACHABLE


def test_an_answer_signed_by_an_unknown_certificate_is_refused(wechat_sim):
    payment = _payment()
    _start(wechat_sim.provider, payment)

    def other_serial(status, headers, content):
        return status, {**headers, "Wechatpay-Serial": "1234ABCD"}, content

    wechat_sim.transport.tamper = other_serial
    with pytest.raises(ProviderError):
        wechat_sim.provider.query(payment)


def test_the_simulator_refuses_a_request_signed_with_another_merchant_key(wechat_sim, settings, tmp_path):
    payment = _payment()
    _start(wechat_sim.provider, payment)  # downloads the platform certificate with the right key
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "apiclient_key.pem"
    key_file.write_bytes(
        stranger.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    settings.WECHATPAY_PRIVATE_KEY_FILE = str(key_file)
    from payments.providers import reset_providers

    reset_providers()
    with pytest.raises(WeChatPayError) as refused:
        wechat_sim.provider.query(payment)
    assert (refused.value.code, refused.value.status) == ("SIGN_ERROR", 401)
    assert "签名" in str(refused.value)


# --- notifications --------------------------------------------------------------------------


def _ordered(wechat_sim) -> Payment:
    payment = _payment()
    _start(wechat_sim.provider, payment)
    return payment


def test_a_genuine_payment_notification(wechat_sim):
    payment = _ordered(wechat_sim)
    headers, body = wechat_sim.notification(payment)
    notice = wechat_sim.provider.parse_notification(headers, body)

    assert notice.event_type == "TRANSACTION.SUCCESS"
    assert notice.notification_id == json.loads(body)["id"]
    assert notice.created is not None and notice.created.tzinfo is not None
    txn = notice.transaction
    assert (txn.out_trade_no, txn.state, txn.amount_fen, txn.payer_total_fen) == (
        payment.out_trade_no,
        "SUCCESS",
        15000,
        15000,
    )
    assert txn.transaction_id == wechat_sim.transaction(payment).transaction_id
    assert (txn.mchid, txn.appid, txn.currency) == (settings.WECHATPAY_MCHID, settings.WECHATPAY_APPID, "CNY")
    assert notice.refund is None


def test_a_genuine_refund_notification(wechat_sim):
    payment = _paid(wechat_sim)
    refund = _refund(payment, "20.00")
    wechat_sim.provider.refund(refund, total=payment.amount)
    notice = wechat_sim.provider.parse_notification(
        *wechat_sim.notification(payment, event_type="REFUND.SUCCESS", refund=refund)
    )
    assert notice.event_type == "REFUND.SUCCESS" and notice.transaction is None
    assert (notice.refund.out_refund_no, notice.refund.state, notice.refund.amount_fen) == (
        refund.out_refund_no,
        "SUCCESS",
        2000,
    )
    assert notice.refund.out_trade_no == payment.out_trade_no


def test_headers_in_django_forms_are_accepted(wechat_sim, rf):
    payment = _ordered(wechat_sim)
    headers, body = wechat_sim.notification(payment)
    meta = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    request = rf.post("/payments/notify/wechat/", data=body, content_type="application/json", **meta)
    assert wechat_sim.provider.parse_notification(request.headers, request.body).transaction.state == "SUCCESS"
    assert (
        wechat_sim.provider.parse_notification(dict(request.headers), request.body).event_type == "TRANSACTION.SUCCESS"
    )
    assert wechat_sim.provider.parse_notification(meta, body).event_type == "TRANSACTION.SUCCESS"
    lowered = {name.lower(): value for name, value in headers.items()}
    assert wechat_sim.provider.parse_notification(lowered, body).event_type == "TRANSACTION.SUCCESS"


@pytest.mark.parametrize(
    ("knobs", "reason"),
    [
        ({"wrong_signature": True}, "bad signature"),
        ({"tamper_ciphertext": True}, "decryption failed"),
        ({"wrong_apiv3_key": True}, "decryption failed"),
        ({"age": 400}, "replay"),
        ({"age": -400}, "replay"),
        ({"unknown_serial": True}, "unknown certificate serial"),
        ({"body": "{not json"}, "malformed"),
        ({"body": '{"id": "x", "resource_type": "encrypt-resource"}'}, "malformed"),
        ({"body": '{"resource_type": "plain", "resource": {"algorithm": "AEAD_AES_256_GCM"}}'}, "unsupported"),
    ],
)
def test_untrustworthy_notifications_are_rejected(wechat_sim, knobs, reason):
    payment = _ordered(wechat_sim)
    headers, body = wechat_sim.notification(payment, **knobs)
    with pytest.raises(NotificationRejected, match=reason):
        wechat_sim.provider.parse_notification(headers, body)


def test_a_notification_without_signature_headers_is_rejected(wechat_sim):
    payment = _ordered(wechat_sim)
    headers, body = wechat_sim.notification(payment)
    del headers["Wechatpay-Signature"], headers["Wechatpay-Serial"]
    with pytest.raises(NotificationRejected, match="Wechatpay-Signature, Wechatpay-Serial"):
        wechat_sim.provider.parse_notification(headers, body)


def test_an_unknown_serial_refreshes_the_certificates_at_most_once_a_minute(wechat_sim):
    payment = _ordered(wechat_sim)
    for _ in range(3):
        headers, body = wechat_sim.notification(payment, unknown_serial=True)
        with pytest.raises(NotificationRejected):
            wechat_sim.provider.parse_notification(headers, body)
    downloads = [s for s in wechat_sim.transport.sent if s.url.endswith("/v3/certificates")]
    assert len(downloads) == 2  # the first use, then one refresh
    # The certificate we had is still known after the refresh.
    assert wechat_sim.provider.parse_notification(*wechat_sim.notification(payment)).transaction


def test_notification_answers():
    provider = get_provider("wechat")
    assert provider.notification_response(ok=True) == (204, {})
    assert provider.notification_response(ok=False, message="验签失败", status=401) == (
        401,
        {"code": "FAIL", "message": "验签失败"},
    )
    assert provider.notification_response(ok=False, message="长" * 100)[1]["message"] == "长" * 64


# --- the trade bill -------------------------------------------------------------------------


def test_trade_bill_through_the_simulator(wechat_sim):
    payment = _paid(wechat_sim, "180.00")
    refund = _refund(payment, "80.00")
    wechat_sim.provider.refund(refund, total=payment.amount)
    unpaid = _ordered(wechat_sim)

    rows = wechat_sim.provider.trade_bill(timezone.localdate())

    txn = wechat_sim.transaction(payment)
    assert [(r.out_trade_no, r.trade_state) for r in rows] == [
        (payment.out_trade_no, "SUCCESS"),
        (payment.out_trade_no, "REFUND"),
    ]
    paid, refunded = rows
    assert (paid.amount, paid.transaction_id, paid.fee) == (Decimal("180.00"), txn.transaction_id, Decimal("1.08"))
    assert (refunded.refund_amount, refunded.out_refund_no, refunded.refund_state) == (
        Decimal("80.00"),
        refund.out_refund_no,
        "SUCCESS",
    )
    assert unpaid.out_trade_no not in {r.out_trade_no for r in rows}
    paths = [urlsplit(s.url).path for s in wechat_sim.transport.sent[-2:]]
    assert paths == ["/paysim/v3/bill/tradebill", "/paysim/v3/billdownload/file"]


def test_a_day_without_trades_has_an_empty_bill(wechat_sim):
    assert wechat_sim.provider.trade_bill(timezone.localdate() - timedelta(days=3)) == []


def test_a_bill_file_that_does_not_match_its_hash_is_refused(wechat_sim):
    _paid(wechat_sim)

    def swap_file(status, headers, content):
        if headers.get("Content-Type") == "application/octet-stream":
            content = gzip.compress(gzip.decompress(content).replace(b"150.00", b"151.00"))
        return status, headers, content

    wechat_sim.transport.tamper = swap_file
    with pytest.raises(ProviderError, match="校验失败"):
        wechat_sim.provider.trade_bill(timezone.localdate())


def test_a_bill_file_that_is_not_gzip_is_refused(wechat_sim):
    _paid(wechat_sim)
    wechat_sim.transport.tamper = lambda status, headers, content: (
        status,
        headers,
        b"garbage" if headers.get("Content-Type") == "application/octet-stream" else content,
    )
    with pytest.raises(ProviderError, match="已损坏"):
        wechat_sim.provider.trade_bill(timezone.localdate())


# --- the payer's openid (JSAPI) -------------------------------------------------------------


def test_openid_through_oauth(wechat_sim):
    callback = "http://testserver/applications/1/pay/"
    url = wechat_sim.provider.oauth_authorize_url(callback, "st4te")
    parts = urlsplit(url)
    assert parts.fragment == "wechat_redirect"
    query = parse_qs(parts.query)
    assert query["scope"] == ["snsapi_base"] and query["redirect_uri"] == [callback]

    back = wechat_sim.client.get(parts.path, parse_qs(parts.query))
    assert back.status_code == 302 and back.url.startswith(callback)
    returned = parse_qs(urlsplit(back.url).query)
    assert returned["state"] == ["st4te"]
    openid = wechat_sim.provider.openid_for_code(returned["code"][0])
    assert openid.startswith("o")

    again = parse_qs(urlsplit(wechat_sim.client.get(parts.path, parse_qs(parts.query)).url).query)
    assert wechat_sim.provider.openid_for_code(again["code"][0]) == openid  # same phone, same openid


def test_a_bad_oauth_code_is_a_provider_error(wechat_sim):
    with pytest.raises(ProviderError, match="微信授权失败"):
        wechat_sim.provider.openid_for_code("forged")


def test_oauth_refuses_to_redirect_elsewhere(wechat_sim):
    url = wechat_sim.provider.oauth_authorize_url("https://evil.example/steal", "s")
    parts = urlsplit(url)
    assert wechat_sim.client.get(parts.path, parse_qs(parts.query)).status_code == 400
