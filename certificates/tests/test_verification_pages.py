"""The public verification pages: the form with its errors in place, the register's answer, the QR
link without typing, a tampered QR, the throttled page, and a revocation shown at once."""

import json
import re
from datetime import date

import pytest
from django.test import Client
from jwcrypto import jws

from applications import lifecycle
from certificates.models import Certificate
from certificates.services.issuing import SCAN_PATH

pytestmark = pytest.mark.django_db

FORM = "/verify/"


def _first() -> Certificate:
    return Certificate.objects.select_related("application").order_by("pk").first()


def _text(response) -> str:
    return response.content.decode()


def _post(client: Client, ip: str = "10.0.0.1", **data):
    return client.post(FORM, data, REMOTE_ADDR=ip)


def test_everyone_finds_the_page_from_the_site_header(db, client):
    assert 'href="/verify/"' in _text(client.get("/"))


def test_the_form_offers_both_ways_and_the_offline_help(db, client):
    page = _text(client.get(FORM))
    assert "按证书编号查询" in page and "按身份证号查询" in page
    assert 'name="number"' in page and 'name="name"' in page
    assert "/.well-known/jwks.json" in page and "/api/v1/certificates/revocations" in page
    by_id = _text(client.get(FORM + "?by=id"))
    assert 'name="id_number"' in by_id and 'name="number"' not in by_id


def test_an_empty_form_says_what_is_missing_beside_each_field(db, client):
    response = _post(client, by="number", number="", name="")
    assert response.status_code == 400
    page = _text(response)
    assert re.search(r'class="error-message" id="id_number-error">请填写证书编号<', page)
    assert re.search(r'class="error-message" id="id_name-error">请填写持证人姓名<', page)
    assert "请修改以下问题" in page  # the summary above


def test_a_malformed_number_is_said_in_place_and_what_was_typed_stays(db, client):
    response = _post(client, by="number", number="S12345", name="王小明")
    assert response.status_code == 400
    page = _text(response)
    assert "证书编号应为 1 位字母加 21 位数字" in page
    assert 'value="S12345"' in page and 'value="王小明"' in page


def test_a_wrong_id_number_is_said_in_place(db, client):
    page = _text(_post(client, by="id", id_number="110105194912310021", name="王小明"))
    assert "校验位" in page and 'value="110105194912310021"' in page


def test_a_miss_is_said_once_for_the_whole_form_and_keeps_what_was_typed(issued, client):
    certificate = _first()
    response = _post(client, by="number", number=certificate.number, name="张冒名")
    assert response.status_code == 404
    page = _text(response)
    assert "没有找到与所填信息相符的证书" in page
    assert f'value="{certificate.number}"' in page and 'value="张冒名"' in page
    assert 'class="amount-large"' not in page and page.count("没有找到与所填信息相符的证书") == 1


def test_a_hit_shows_the_register_record_with_a_big_status(issued, client):
    certificate = _first()
    response = _post(client, by="number", number=certificate.number.lower(), name=certificate.name)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = _text(response)
    assert '<p class="amount-large">有效</p>' in page
    assert certificate.number in page and certificate.id_number_masked in page and certificate.issuer in page
    assert certificate.application.id_number not in page
    assert "证书登记库" in page and "不是根据 PDF" in page


def test_by_id_number_lists_the_holders_certificates(issued, client):
    certificate = _first()
    response = _post(client, by="id", id_number=certificate.application.id_number, name=certificate.name)
    assert response.status_code == 200
    assert certificate.number in _text(response)


def test_a_revoked_certificate_shows_its_day_and_reason_at_once(issued, client, people):
    certificate = _first()
    anonymous = Client()
    scan = SCAN_PATH + certificate.credential
    assert "有效" in _text(anonymous.get(scan))
    lifecycle.revoke_certificate(people["association"], certificate.application, reason="申报材料弄虚作假")
    for response in (
        anonymous.get(scan),
        _post(client, by="number", number=certificate.number, name=certificate.name),
    ):
        page = _text(response)
        assert '<p class="amount-large">已撤销</p>' in page
        assert date.today().strftime("%Y年") in page and "申报材料弄虚作假" in page


def test_a_reissued_certificate_shows_as_revoked_by_the_new_one(issued, client, people):
    certificate = _first()
    lifecycle.reissue_certificate(
        people["association"], certificate.application, reason="遗失", issued_on=date(2030, 3, 9)
    )
    page = _text(_post(client, by="number", number=certificate.number, name=certificate.name))
    assert "已撤销" in page and "已补发新证，本证作废" in page and "2030年3月9日" in page


def test_the_qr_link_shows_the_answer_without_typing_and_that_it_matches_the_register(issued, client):
    certificate = _first()
    response = client.get(SCAN_PATH + certificate.credential)
    assert response.status_code == 200
    page = _text(response)
    assert "二维码签名有效" in page and '<p class="amount-large">有效</p>' in page
    assert certificate.number in page and "与登记库一致" in page
    assert "no-store" in response["Cache-Control"]


def test_a_tampered_qr_is_said_to_be_invalid(issued, client):
    header, payload, signature = _first().credential.split(".")
    forged = dict(json.loads(jws.base64url_decode(payload)), name="李冒名")
    token = f"{header}.{jws.base64url_encode(json.dumps(forged, ensure_ascii=False).encode())}.{signature}"
    response = client.get(SCAN_PATH + token)
    assert response.status_code == 400
    page = _text(response)
    assert "签名无效" in page and "李冒名" not in page
    assert client.get(SCAN_PATH + "not-a-token").status_code == 400


def test_a_signed_record_the_register_does_not_hold_is_not_found(issued, client):
    from certificates.services.issuing import record_of, sign_record

    ghost = _first()
    ghost.number = ghost.number[:-6] + "999999"
    response = client.get(SCAN_PATH + sign_record(record_of(ghost)))
    assert response.status_code == 404
    assert "登记库中没有这本证书" in _text(response)


def test_a_throttled_address_gets_the_429_page(issued, client, settings):
    settings.CERTIFICATE_VERIFY_MISSES = 2
    certificate = _first()
    for guess in ("张一", "张二"):
        assert _post(client, "10.5.5.5", by="number", number=certificate.number, name=guess).status_code == 404
    response = _post(client, "10.5.5.5", by="number", number=certificate.number, name=certificate.name)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "分钟后再试" in _text(response)
    assert _post(client, "10.5.5.6", by="number", number=certificate.number, name=certificate.name).status_code == 200
