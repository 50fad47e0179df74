"""The public verification API: the register's answer in an exact shape, the same 404 for every miss,
revoked and re-issued certificates, throttled misses, and the signed revocation list."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jwcrypto import jwk, jws
from jwcrypto.common import JWException
from stdnum.cn import ric

from applications import lifecycle
from certificates import verification
from certificates.models import Certificate
from skillcert.models import ThrottleMiss

pytestmark = pytest.mark.django_db

URL = "/api/v1/certificates/verify"
REVOCATIONS = "/api/v1/certificates/revocations"
RECORD_MEMBERS = {
    "number": str,
    "name": str,
    "id_number_masked": str,
    "occupation_code": str,
    "occupation": str,
    "work_type": str,
    "level": int,
    "level_name": str,
    "issued_on": str,
    "issuer": str,
}


def _first() -> Certificate:
    return Certificate.objects.select_related("application").order_by("pk").first()


def _published_keys(client) -> jwk.JWKSet:
    return jwk.JWKSet.from_json(client.get("/.well-known/jwks.json").content.decode())


def _verified(client, token: str, typ: str) -> tuple[dict, dict]:
    """(header, payload) of a token checked with jwcrypto and only the key set the site publishes."""
    checked = jws.JWS()
    checked.deserialize(token)
    checked.allowed_algs = ["EdDSA"]
    checked.verify(_published_keys(client).get_key(checked.jose_header["kid"]))
    assert checked.jose_header["typ"] == typ
    return checked.jose_header, json.loads(checked.payload)


def _get(client, ip: str = "10.0.0.1", **query):
    return client.get(URL, query, REMOTE_ADDR=ip)


def test_a_valid_certificate_answers_exactly_the_documented_members(issued, client):
    certificate = _first()
    response = _get(client, number=certificate.number, name=certificate.name)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert list(body) == ["status", "certificate", "revoked_on", "revocation_reason", "credential"]
    assert list(body["certificate"]) == list(RECORD_MEMBERS)
    assert {key: type(value) for key, value in body["certificate"].items()} == RECORD_MEMBERS
    assert body["status"] == "valid" and body["revoked_on"] is None and body["revocation_reason"] is None
    assert body["certificate"]["number"] == certificate.number
    assert body["certificate"]["name"] == certificate.application.full_name
    assert body["certificate"]["issued_on"] == certificate.issued_on.isoformat()
    assert certificate.application.id_number not in response.content.decode()
    assert body["certificate"]["id_number_masked"][-4:] == certificate.application.id_number[-4:]
    assert body["credential"] == certificate.credential


def test_the_credential_verifies_with_only_the_published_key_set(issued, client):
    certificate = _first()
    body = _get(client, number=certificate.number, name=certificate.name).json()
    header, claims = _verified(client, body["credential"], "certificate+jwt")
    assert header["alg"] == "EdDSA"
    assert {key: claims[key] for key in RECORD_MEMBERS} == body["certificate"]


def test_a_tampered_credential_does_not_verify(issued, client):
    credential = _get(client, number=_first().number, name=_first().name).json()["credential"]
    header, payload, signature = credential.split(".")
    forged = dict(json.loads(jws.base64url_decode(payload)), level=1, level_name="一级/高级技师")
    tampered = f"{header}.{jws.base64url_encode(json.dumps(forged, ensure_ascii=False).encode())}.{signature}"
    with pytest.raises(JWException):
        _verified(client, tampered, "certificate+jwt")


def test_the_number_is_read_as_typed_and_the_name_without_spaces_or_middle_dots(issued, client):
    certificate = _first()
    Certificate.objects.filter(pk=certificate.pk).update(name="阿依古丽·买买提")
    typed = f" {certificate.number[:7].lower()}-{certificate.number[7:]} "
    for name in ("阿依古丽·买买提", "阿依古丽・买买提", "阿依古丽 买买提", "阿依古丽买买提", " 阿依古丽•买买提 "):
        response = _get(client, number=typed, name=name)
        assert response.status_code == 200, name
        assert response.json()["certificate"]["name"] == "阿依古丽·买买提"
    assert _get(client, number=certificate.number, name="阿依古丽").status_code == 404


def test_the_id_number_finds_the_certificate_with_a_lower_case_x(issued, client):
    certificate = _first()
    id_number = "15010219900101006X"
    assert ric.is_valid(id_number)
    certificate.id_number = id_number
    certificate.save(update_fields=["id_number", "id_number_hash"])
    for typed in (id_number, id_number.lower(), f"{id_number[:6]} {id_number[6:]}"):
        response = _get(client, id_number=typed, name=certificate.name)
        assert response.status_code == 200, typed
        assert response.json()["certificate"]["number"] == certificate.number


def test_every_miss_is_the_same_404(issued, client):
    certificate = _first()
    unknown_number = certificate.number[:-6] + "999999"
    other_id = next(c for c in Certificate.objects.exclude(pk=certificate.pk))
    misses = [
        _get(client, number=unknown_number, name=certificate.name),
        _get(client, number=certificate.number, name="张冒名"),
        _get(client, id_number="11010519491231002X", name=certificate.name),
        _get(client, id_number=other_id.application.id_number, name=certificate.name),
    ]
    assert {response.status_code for response in misses} == {404}
    assert len({response.content for response in misses}) == 1
    assert misses[0].json() == {"detail": verification.MISS}
    assert {response["Cache-Control"] for response in misses} == {"no-store"}


@pytest.mark.parametrize(
    "query, message",
    [
        ({}, "姓名"),
        ({"number": "S000015150001233000001"}, "姓名"),
        ({"name": "王小明"}, "其中之一"),
        ({"number": "S000015150001233000001", "id_number": "11010519491231002X", "name": "王小明"}, "其中之一"),
        ({"number": "12345", "name": "王小明"}, "证书编号格式不正确"),
        ({"id_number": "110105194912310021", "name": "王小明"}, "校验位"),
    ],
)
def test_an_incomplete_or_malformed_query_is_a_400_in_chinese_and_no_miss(db, client, query, message):
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not ThrottleMiss.objects.exists()


def test_a_revoked_certificate_says_so_with_its_day_and_reason(issued, client, people):
    certificate = _first()
    lifecycle.revoke_certificate(people["association"], certificate.application, reason="申报材料弄虚作假")
    body = _get(client, number=certificate.number, name=certificate.name).json()
    assert body["status"] == "revoked"
    assert body["revoked_on"] == date.today().isoformat()
    assert body["revocation_reason"] == "申报材料弄虚作假"
    assert body["certificate"]["number"] == certificate.number


def test_a_reissued_certificate_answers_revoked_and_its_successor_valid(issued, client, people):
    certificate = _first()
    lifecycle.reissue_certificate(
        people["association"], certificate.application, reason="证书遗失", issued_on=date(2030, 1, 15)
    )
    old = _get(client, number=certificate.number, name=certificate.name).json()
    assert old["status"] == "revoked"
    assert old["revocation_reason"] == "已补发新证，本证作废"
    assert old["revoked_on"] == "2030-01-15"
    successor = Certificate.objects.get(replaces=certificate)
    new = _get(client, number=successor.number, name=certificate.name).json()
    assert new["status"] == "valid" and new["certificate"]["issued_on"] == "2030-01-15"
    # By ID number the certificate in force comes first.
    by_id = _get(client, id_number=certificate.application.id_number, name=certificate.name).json()
    assert by_id["certificate"]["number"] == successor.number


def test_misses_from_one_address_are_throttled_and_another_address_is_not(issued, client, settings):
    settings.CERTIFICATE_VERIFY_MISSES = 3
    settings.CERTIFICATE_VERIFY_WINDOW = 600
    certificate = _first()
    for guess in ("张一", "张二", "张三"):
        assert _get(client, "10.6.6.6", number=certificate.number, name=guess).status_code == 404
    throttled = _get(client, "10.6.6.6", number=certificate.number, name="张四")
    assert throttled.status_code == 429
    assert 0 < int(throttled["Retry-After"]) <= 600
    assert "分钟后再试" in throttled.json()["detail"]
    # Refused before any lookup: a right guess from there is refused too, and no miss is added.
    assert _get(client, "10.6.6.6", number=certificate.number, name=certificate.name).status_code == 429
    assert ThrottleMiss.objects.count() == 3
    assert _get(client, "10.7.7.7", number=certificate.number, name=certificate.name).status_code == 200
    # The page shares the count.
    page = client.post(
        "/verify/", {"by": "number", "number": certificate.number, "name": "张五"}, REMOTE_ADDR="10.6.6.6"
    )
    assert page.status_code == 429 and page["Retry-After"]


def test_hits_are_never_throttled_and_write_nothing(issued, client, settings):
    settings.CERTIFICATE_VERIFY_MISSES = 3
    certificate = _first()
    for _ in range(10):
        with CaptureQueriesContext(connection) as queries:
            assert _get(client, "10.8.8.8", number=certificate.number, name=certificate.name).status_code == 200
        assert len(queries) <= 2, [q["sql"] for q in queries]  # the throttle's read and the certificate's
        assert not [q for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert not ThrottleMiss.objects.exists()


def test_the_revocation_list_is_signed_and_names_only_numbers_and_days(issued, client, people):
    revoked, reissued = Certificate.objects.order_by("pk")[:2]
    lifecycle.revoke_certificate(people["association"], revoked.application, reason="申报材料弄虚作假")
    lifecycle.reissue_certificate(
        people["association"], reissued.application, reason="遗失", issued_on=date(2030, 2, 1)
    )
    response = client.get(REVOCATIONS)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwt"
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    _, claims = _verified(client, response.content.decode(), "revocation-list+jwt")
    assert set(claims) == {"iss", "iat", "revoked"}
    assert claims["revoked"] == sorted(
        [
            {"number": revoked.number, "revoked_on": date.today().isoformat()},
            {"number": reissued.number, "revoked_on": "2030-02-01"},
        ],
        key=lambda row: row["number"],
    )
    assert revoked.name not in response.content.decode() and "弄虚作假" not in json.dumps(claims, ensure_ascii=False)


def test_the_openapi_documents_both_endpoints(db, client):
    schema = client.get("/api/v1/openapi.json").json()
    verify = schema["paths"]["/api/v1/certificates/verify"]["get"]
    assert set(verify["responses"]) == {"200", "400", "404", "429"}
    assert {p["name"] for p in verify["parameters"]} == {"number", "id_number", "name"}
    assert (
        "application/jwt" in schema["paths"]["/api/v1/certificates/revocations"]["get"]["responses"]["200"]["content"]
    )
    members = schema["components"]["schemas"]["VerificationOut"]["properties"]
    assert list(members) == ["status", "certificate", "revoked_on", "revocation_reason", "credential"]


def test_a_hit_answered_before_is_dropped_when_the_certificate_is_revoked(issued, client, people):
    certificate = _first()
    assert _get(client, number=certificate.number, name=certificate.name).json()["status"] == "valid"
    with CaptureQueriesContext(connection) as queries:  # held by this worker: no query at all
        assert _get(client, number=certificate.number, name=certificate.name).json()["status"] == "valid"
    assert len(queries) == 0
    lifecycle.revoke_certificate(people["association"], certificate.application, reason="证书系伪造")
    body = _get(client, number=certificate.number, name=certificate.name).json()
    assert body["status"] == "revoked" and body["revocation_reason"] == "证书系伪造"


def test_a_held_hit_is_refused_to_a_throttled_address(issued, client, settings):
    settings.CERTIFICATE_VERIFY_MISSES = 2
    certificate = _first()
    assert _get(client, "10.9.9.9", number=certificate.number, name=certificate.name).status_code == 200
    for guess in ("张一", "张二"):
        assert _get(client, "10.9.9.9", number=certificate.number, name=guess).status_code == 404
    assert _get(client, "10.9.9.9", number=certificate.number, name=certificate.name).status_code == 429


@pytest.fixture
def own_keys(settings, tmp_path):
    """A key folder of this test's own (a rotation here must not change the other tests' keys)."""
    settings.SIGNING_KEYS_DIR = str(tmp_path / "keys")


def test_a_certificate_signed_before_a_key_rotation_still_verifies_with_the_published_set(
    own_keys, issued, client, people
):
    from skillcert import signing

    before = _first()
    old_kid = before.kid
    new_kid = signing.rotate_key()
    header, claims = _verified(client, before.credential, "certificate+jwt")
    assert header["kid"] == old_kid and claims["number"] == before.number
    assert {key["kid"] for key in json.loads(client.get("/.well-known/jwks.json").content)["keys"]} >= {
        old_kid,
        new_kid,
    }
    successor = Certificate.objects.get(
        pk=lifecycle.reissue_certificate(
            people["association"], before.application, reason="证书遗失", issued_on=date.today()
        )
        .certificates.get(state="valid")
        .pk
    )
    header, _claims = _verified(client, successor.credential, "certificate+jwt")
    assert header["kid"] == new_kid != old_kid
