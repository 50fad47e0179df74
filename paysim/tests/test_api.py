"""The simulator's API checks what the real one checks, and answers like it (signed, real error codes)."""

import time
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core import signing as django_signing
from django.utils import timezone

from paysim import signing
from paysim.models import SimTransaction

pytestmark = pytest.mark.django_db


def _order(**changes) -> dict:
    return {
        "appid": settings.WECHATPAY_APPID,
        "mchid": settings.WECHATPAY_MCHID,
        "description": "认定费",
        "out_trade_no": "SCAPI0000001",
        "notify_url": "http://testserver/payments/notify/wechat/",
        "amount": {"total": 15000, "currency": "CNY"},
        "time_expire": (timezone.now() + timedelta(hours=1)).isoformat(timespec="seconds"),
    } | changes


def _verify_answer(wechat_sim, response) -> bool:
    message = f"{response['Wechatpay-Timestamp']}\n{response['Wechatpay-Nonce']}\n{response.content.decode()}\n"
    public_key = wechat_sim.keys.platform_certificate.public_key()
    return (
        response["Wechatpay-Serial"] == wechat_sim.keys.platform_serial_no
        and response["Wechatpay-Signature-Type"] == "WECHATPAY2-SHA256-RSA2048"
        and signing.rsa_verify(public_key, message, response["Wechatpay-Signature"])
    )


def test_answers_are_signed_by_the_platform(wechat_sim):
    created = wechat_sim.api("POST", "/v3/pay/transactions/native", _order())
    assert created.status_code == 200 and _verify_answer(wechat_sim, created)
    assert created.json()["code_url"].startswith("weixin://")
    refused = wechat_sim.api("GET", "/v3/pay/transactions/out-trade-no/NOPE00001?mchid=" + settings.WECHATPAY_MCHID)
    assert refused.status_code == 404 and _verify_answer(wechat_sim, refused)
    assert refused.json() == {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}


@pytest.mark.parametrize(
    "change",
    [
        {"private_key": "stranger"},
        {"serial_no": "0" * 40},
        {"mchid": "1230000109"},
        {"timestamp": int(time.time()) - 3600},
        {"signed_path": "/v3/pay/transactions/jsapi"},
    ],
)
def test_a_bad_authorization_is_401_sign_error(wechat_sim, change):
    if change.get("private_key") == "stranger":
        change = {"private_key": rsa.generate_private_key(public_exponent=65537, key_size=2048)}
    response = wechat_sim.api("POST", "/v3/pay/transactions/native", _order(), **change)
    assert response.status_code == 401
    assert response.json()["code"] == "SIGN_ERROR"
    assert not SimTransaction.objects.exists()


def test_a_missing_authorization_is_401(client):
    response = client.get("/paysim/v3/certificates")
    assert response.status_code == 401 and response.json()["code"] == "SIGN_ERROR"


def test_the_query_string_is_part_of_the_signature(wechat_sim):
    wechat_sim.api("POST", "/v3/pay/transactions/native", _order())
    path = "/v3/pay/transactions/out-trade-no/SCAPI0000001"
    signed_without_query = wechat_sim.api("GET", f"{path}?mchid={settings.WECHATPAY_MCHID}", signed_path=path)
    assert signed_without_query.status_code == 401
    assert wechat_sim.api("GET", f"{path}?mchid={settings.WECHATPAY_MCHID}").status_code == 200


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"amount": {"total": 0}}, 400, "PARAM_ERROR"),
        ({"amount": {"total": 1.5}}, 400, "PARAM_ERROR"),
        ({"description": ""}, 400, "PARAM_ERROR"),
        ({"out_trade_no": "bad no!"}, 400, "PARAM_ERROR"),
        ({"time_expire": "tomorrow"}, 400, "PARAM_ERROR"),
        ({"mchid": "1230000109"}, 400, "MCH_NOT_EXISTS"),
        ({"appid": "wx0000000000000000"}, 400, "APPID_MCHID_NOT_MATCH"),
    ],
)
def test_order_parameters_are_checked(wechat_sim, changes, status, code):
    response = wechat_sim.api("POST", "/v3/pay/transactions/native", _order(**changes))
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_jsapi_needs_the_payer(wechat_sim):
    response = wechat_sim.api("POST", "/v3/pay/transactions/jsapi", _order())
    assert (response.status_code, response.json()["code"]) == (400, "PARAM_ERROR")
    ok = wechat_sim.api("POST", "/v3/pay/transactions/jsapi", _order(payer={"openid": "oX"}))
    assert ok.json()["prepay_id"].startswith("wx")


def test_query_needs_the_right_mchid(wechat_sim):
    wechat_sim.api("POST", "/v3/pay/transactions/native", _order())
    path = "/v3/pay/transactions/out-trade-no/SCAPI0000001"
    assert wechat_sim.api("GET", path).json()["code"] == "PARAM_ERROR"
    assert wechat_sim.api("GET", f"{path}?mchid=1230000109").json()["code"] == "MCH_NOT_EXISTS"


def test_query_by_transaction_id(wechat_sim):
    from paysim import services

    wechat_sim.api("POST", "/v3/pay/transactions/native", _order())
    txn = services.pay("SCAPI0000001")
    response = wechat_sim.api("GET", f"/v3/pay/transactions/id/{txn.transaction_id}?mchid={settings.WECHATPAY_MCHID}")
    assert response.json()["out_trade_no"] == "SCAPI0000001"
    assert response.json()["trade_state"] == "SUCCESS"


def test_close_needs_the_mchid_in_the_body(wechat_sim):
    wechat_sim.api("POST", "/v3/pay/transactions/native", _order())
    path = "/v3/pay/transactions/out-trade-no/SCAPI0000001/close"
    assert wechat_sim.api("POST", path, {}).json()["code"] == "PARAM_ERROR"
    response = wechat_sim.api("POST", path, {"mchid": settings.WECHATPAY_MCHID})
    assert response.status_code == 204 and _verify_answer(wechat_sim, response)


def test_wrong_method(wechat_sim):
    assert wechat_sim.api("GET", "/v3/pay/transactions/native").status_code == 405


def test_certificates_are_encrypted_with_the_apiv3_key(wechat_sim):
    from wechatpayv3.utils import aes_decrypt

    entry = wechat_sim.api("GET", "/v3/certificates").json()["data"][0]
    assert entry["serial_no"] == wechat_sim.keys.platform_serial_no
    encrypted = entry["encrypt_certificate"]
    assert (encrypted["algorithm"], encrypted["associated_data"]) == ("AEAD_AES_256_GCM", "certificate")
    plain = aes_decrypt(encrypted["nonce"], encrypted["ciphertext"], "certificate", wechat_sim.keys.apiv3_key)
    assert plain == wechat_sim.keys.platform_certificate_pem


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("bill_date=2023-13-01&bill_type=ALL&tar_type=GZIP", "PARAM_ERROR"),
        ("bill_date=2099-01-01&bill_type=ALL&tar_type=GZIP", "PARAM_ERROR"),
        ("bill_date=2023-06-01&bill_type=SUCCESS&tar_type=GZIP", "PARAM_ERROR"),
        ("bill_date=2023-06-01&bill_type=ALL&tar_type=GZIP", "NO_STATEMENT_EXIST"),
    ],
)
def test_trade_bill_requests(wechat_sim, query, code):
    assert wechat_sim.api("GET", f"/v3/bill/tradebill?{query}").json()["code"] == code


def test_bill_download_needs_a_valid_token(wechat_sim):
    assert wechat_sim.api("GET", "/v3/billdownload/file?token=forged").json()["code"] == "INVALID_REQUEST"
    token = django_signing.dumps({"mchid": "1230000109", "day": "2023-06-01"}, salt="paysim.bill")
    assert wechat_sim.api("GET", f"/v3/billdownload/file?token={token}").json()["code"] == "NO_AUTH"
