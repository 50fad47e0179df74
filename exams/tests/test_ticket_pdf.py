"""The admission ticket PDF: its facts as a reader extracts them, its QR code as a phone decodes it, verified
with an independent JOSE library (jwcrypto) and only the published JWK set."""

import io
import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, time

import pypdfium2
import pytest
import zxingcpp
from jwcrypto import jwk
from jwcrypto import jws as jwcrypto_jws
from jwcrypto.common import JWException
from PIL import Image, ImageDraw
from pypdf import PdfReader

from exams.ticket_pdf import (
    STANDARD_RULES,
    SessionLine,
    TicketFacts,
    render_ticket,
    render_tickets,
    seat_label,
    ticket_claims,
)
from skillcert import signing
from skillcert.pdf import CONTINUED


def photo_jpeg() -> bytes:
    image = Image.new("RGB", (413, 579), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((100, 80, 310, 330), fill=(200, 160, 130))
    draw.rectangle((60, 360, 350, 579), fill=(40, 60, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


FACTS = TicketFacts(
    number="202315010000001",
    name="王小明",
    id_number="150102199001010015",
    id_number_masked="1501**********0015",
    occupation="电工",
    occupation_code="6-31-01-03",
    level="三级/高级工",
    campaign="2023",
    campaign_title="2023年内蒙古自治区机关事业单位技能人员职业技能等级认定",
    site="呼和浩特市第一职业中等专业学校",
    site_address="内蒙古自治区呼和浩特市新城区成吉思汗大街18号",
    room="01",
    room_place="教学楼3层",
    seat=seat_label(3, 4),
    sessions=(
        SessionLine("理论知识考试", date(2023, 10, 15), time(8, 30), time(10, 0)),
        SessionLine("操作技能考核", date(2023, 10, 15), time(10, 30), time(12, 30)),
    ),
    photo=photo_jpeg(),
    issued_at=datetime(2023, 10, 1, 9, 0, tzinfo=UTC),
)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Extracted text without the line breaks and spaces that wrapping put in."""
    return re.sub(r"\s+", "", text)


def decoded_qr(pdf: bytes, page: int = 0, dpi: int = 150) -> str:
    """What a camera reads: the page rasterised at `dpi`, decoded by zxing-cpp."""
    image = pypdfium2.PdfDocument(pdf)[page].render(scale=dpi / 72).to_pil()
    found = [barcode for barcode in zxingcpp.read_barcodes(image) if barcode.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(found) == 1, f"{len(found)} QR codes found"
    return found[0].text


@pytest.fixture
def keys(settings, tmp_path):
    settings.SIGNING_KEYS_DIR = str(tmp_path / "keys")
    settings.SIGNING_KEYS_AUTO_CREATE = True


def test_the_ticket_shows_every_fact():
    text = flat(pages_text(render_ticket(FACTS, rules=STANDARD_RULES, qr="x" * 650))[0])
    for value in (
        "准考证",
        "准考证号：202315010000001",
        "王小明",
        "150102199001010015",
        "电工（6-31-01-03）",
        "三级/高级工",
        FACTS.campaign_title,
        FACTS.site,
        FACTS.site_address,
        "第01考场（教学楼3层）",
        "03排04号",
        "理论知识考试",
        "2023年10月15日",
        "08:30–10:00",
        "操作技能考核",
        "10:30–12:30",
        "考场规则及考生须知",
        flat(STANDARD_RULES),
    ):
        assert flat(value) in text, value


def test_the_ticket_is_one_page_with_the_standard_rules():
    assert len(pages_text(render_ticket(FACTS, rules=STANDARD_RULES, qr="x" * 650))) == 1


def test_the_qr_code_decodes_to_the_token_at_150_dpi():
    token = "eyJhbGciOiJFZERTQSJ9." + "A" * 560 + ".sig"
    assert decoded_qr(render_ticket(FACTS, rules=STANDARD_RULES, qr=token)) == token


def test_the_printed_qr_verifies_with_jwcrypto_and_only_the_published_key_set(keys, client):
    token = signing.sign(ticket_claims(FACTS), typ=signing.TICKET)
    scanned = decoded_qr(render_ticket(FACTS, rules=STANDARD_RULES, qr=token))
    key_set = jwk.JWKSet.from_json(client.get("/.well-known/jwks.json").content.decode())
    checked = jwcrypto_jws.JWS()
    checked.deserialize(scanned)
    checked.allowed_algs = ["EdDSA"]
    checked.verify(key_set.get_key(checked.jose_header["kid"]))
    claims = json.loads(checked.payload)
    assert checked.jose_header["typ"] == "ticket+jwt"
    assert {key: claims[key] for key in ticket_claims(FACTS)} == ticket_claims(FACTS)
    assert claims["seat"] == "03排04号" and claims["idm"] == "1501**********0015"


def test_a_tampered_printed_qr_is_refused(keys, client):
    token = signing.sign(ticket_claims(FACTS), typ=signing.TICKET)
    forged_claims = ticket_claims(replace(FACTS, seat=seat_label(1, 1)))
    header, _, signature = token.split(".")
    payload = jwcrypto_jws.base64url_encode(json.dumps(forged_claims, ensure_ascii=False).encode())
    scanned = decoded_qr(render_ticket(FACTS, rules=STANDARD_RULES, qr=f"{header}.{payload}.{signature}"))
    key_set = jwk.JWKSet.from_json(client.get("/.well-known/jwks.json").content.decode())
    checked = jwcrypto_jws.JWS()
    checked.deserialize(scanned)
    checked.allowed_algs = ["EdDSA"]
    with pytest.raises(JWException):
        checked.verify(key_set.get_key(checked.jose_header["kid"]))
    with pytest.raises(signing.SignatureRefused):
        signing.verify(scanned, typ=signing.TICKET)


def test_the_claims_carry_the_masked_id_never_the_full_one():
    claims = ticket_claims(FACTS)
    assert set(claims) == {"no", "rev", "name", "idm", "cmp", "occ", "site", "room", "seat", "ses", "iat"}
    assert FACTS.id_number not in json.dumps(claims, ensure_ascii=False)
    assert claims["ses"] == [
        ["理论知识考试", "2023-10-15", "08:30", "10:00"],
        ["操作技能考核", "2023-10-15", "10:30", "12:30"],
    ]
    assert claims["iat"] == int(FACTS.issued_at.timestamp())


def test_without_a_photo_the_box_says_photo():
    text = pages_text(render_ticket(replace(FACTS, photo=None), rules=STANDARD_RULES, qr="x"))[0]
    assert "照片" in text


def test_an_unreadable_photo_prints_the_placeholder_too():
    text = pages_text(render_ticket(replace(FACTS, photo=b"not a jpeg"), rules=STANDARD_RULES, qr="x"))[0]
    assert "照片" in text


def test_a_reissued_ticket_says_so():
    assert "补发（第 2 次）" in pages_text(render_ticket(replace(FACTS, revision=2), rules="", qr="x"))[0]
    assert "补发" not in pages_text(render_ticket(FACTS, rules="", qr="x"))[0]


def test_long_names_and_addresses_are_printed_whole():
    long = replace(
        FACTS,
        name="阿卜杜热合曼·买买提艾力·欧阳娜仁其其格图雅",
        site="鄂尔多斯市康巴什区职业技术学院继续教育学院职业技能等级认定中心第二考点",
        site_address="内蒙古自治区鄂尔多斯市康巴什区哈巴格希街道办事处青春山社区文化路与鄂尔多斯大街交叉口"
        "向北二百米路东职业技术学院南校区继续教育中心大楼一层",
        occupation="城镇污水处理工（污水处理及再生利用方向）",
        room_place="继续教育中心大楼东配楼3层302室（电梯旁）",
    )
    pages = pages_text(render_ticket(long, rules=STANDARD_RULES, qr="x" * 650))
    assert len(pages) == 1
    text = flat(pages[0])
    for value in (long.name, long.site, long.site_address, long.occupation, long.room_place):
        assert flat(value) in text, value
    assert CONTINUED not in pages[0]


def test_long_rules_continue_on_a_numbered_annex_page():
    rules = "\n".join([STANDARD_RULES] * 3 + ["最后一条：本须知的末句在附页上。"])
    pages = pages_text(render_ticket(FACTS, rules=rules, qr="x" * 650))
    assert len(pages) == 2
    assert CONTINUED in pages[0]
    assert "准考证附页" in pages[1] and "202315010000001" in pages[1] and "附页第 1 页，共 1 页" in pages[1]
    assert "最后一条：本须知的末句在附页上。" in flat(pages[1])


def test_a_rooms_tickets_are_one_pdf_in_seat_order():
    items = [(replace(FACTS, number=f"2023150100000{n:02d}", seat=seat_label(1, n)), f"qr-{n}") for n in range(1, 31)]
    out = io.BytesIO()
    render_tickets(iter(items), rules=STANDARD_RULES, out=out)
    pages = pages_text(out.getvalue())
    assert len(pages) == 30
    for n, text in enumerate(pages, start=1):
        assert f"2023150100000{n:02d}" in text and f"01排{n:02d}号" in text
    assert decoded_qr(out.getvalue(), page=29) == "qr-30"


def test_an_empty_room_gives_a_valid_pdf():
    out = io.BytesIO()
    render_tickets([], rules=STANDARD_RULES, out=out)
    assert len(PdfReader(io.BytesIO(out.getvalue())).pages) == 1


def test_the_same_facts_give_the_same_bytes():
    assert render_ticket(FACTS, rules=STANDARD_RULES, qr="x") == render_ticket(FACTS, rules=STANDARD_RULES, qr="x")


def test_the_seat_label_has_two_digits_each():
    assert seat_label(3, 4) == "03排04号" and seat_label(12, 10) == "12排10号"
