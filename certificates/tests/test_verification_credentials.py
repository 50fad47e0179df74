"""The certificate as a W3C VC 2.0 (vc+jwt) and its Bitstring status list, checked the way an
outside verifier would: jwcrypto and only the key set the site publishes."""

import json
from datetime import date, datetime

import pytest
from jwcrypto import jwk, jws

from applications import lifecycle
from certificates import credentials
from certificates.models import Certificate
from certificates.services.issuing import record_of

pytestmark = pytest.mark.django_db


def _verified(client, token: str) -> tuple[dict, dict]:
    keys = jwk.JWKSet.from_json(client.get("/.well-known/jwks.json").content.decode())
    checked = jws.JWS()
    checked.deserialize(token)
    checked.allowed_algs = ["EdDSA"]
    checked.verify(keys.get_key(checked.jose_header["kid"]))
    return checked.jose_header, json.loads(checked.payload)


def _status_list(client, url: str) -> tuple[dict, bytes]:
    path = url.removeprefix(credentials._issuer_url())
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert "max-age" in response["Cache-Control"]
    header, status = _verified(client, response.content.decode())
    assert header["typ"] == "vc+jwt" and header["cty"] == "vc"
    return status, credentials.decode_bits(status["credentialSubject"]["encodedList"])


def test_the_credential_is_a_vc_2_secured_as_vc_jwt(issued, client, settings):
    certificate = Certificate.objects.order_by("pk").first()
    header, vc = _verified(client, credentials.verifiable_credential(certificate))
    assert header == {"alg": "EdDSA", "kid": certificate.kid, "typ": "vc+jwt", "cty": "vc"}
    assert vc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert all(isinstance(c, str | dict) for c in vc["@context"])  # named or inline, nothing to fetch
    assert vc["type"][0] == "VerifiableCredential" and len(vc["type"]) == 2
    assert vc["issuer"] == {"id": settings.SIGNING_ISSUER, "name": settings.CERTIFICATE_ISSUER}
    assert datetime.fromisoformat(vc["validFrom"]).date() == certificate.issued_on
    assert datetime.fromisoformat(vc["validFrom"]).utcoffset() is not None
    subject = vc["credentialSubject"]
    assert {key: subject[key] for key in record_of(certificate).as_json()} == record_of(certificate).as_json()
    assert "iss" not in vc and "iat" not in vc  # the payload is the credential itself
    status = vc["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(certificate.pk % 131072)
    assert status["id"] == f"{status['statusListCredential']}#{status['statusListIndex']}"


def test_the_status_bit_flips_when_the_certificate_is_revoked(issued, client, people):
    certificate = Certificate.objects.select_related("application").order_by("pk").first()
    _, vc = _verified(client, credentials.verifiable_credential(certificate))
    entry = vc["credentialStatus"]
    status, bits = _status_list(client, entry["statusListCredential"])
    assert status["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status["credentialSubject"]["type"] == "BitstringStatusList"
    assert status["credentialSubject"]["statusPurpose"] == "revocation"
    assert status["credentialSubject"]["encodedList"].startswith("u")
    assert len(bits) * 8 >= 131_072
    index = int(entry["statusListIndex"])
    assert not any(bits)
    lifecycle.revoke_certificate(people["association"], certificate.application, reason="申报材料弄虚作假")
    _, bits = _status_list(client, entry["statusListCredential"])
    assert credentials.bit(bits, index)
    assert sum(bin(byte).count("1") for byte in bits) == 1


def test_a_reissued_certificate_is_set_in_the_list_and_its_successor_is_not(issued, client, people):
    certificate = Certificate.objects.select_related("application").order_by("pk").first()
    lifecycle.reissue_certificate(
        people["association"], certificate.application, reason="遗失", issued_on=date(2030, 1, 2)
    )
    successor = Certificate.objects.get(replaces=certificate)
    _, bits = _status_list(client, credentials.status_list_url(0))
    assert credentials.bit(bits, certificate.pk) and not credentials.bit(bits, successor.pk)


def test_the_bitstring_counts_from_the_first_bytes_leftmost_bit():
    bits = credentials.decode_bits(credentials.encode_bits([0, 9, 131_071]))
    assert bits[0] == 0b1000_0000 and bits[1] == 0b0100_0000 and bits[-1] == 0b0000_0001
    assert credentials.status_position(131_072 + 5) == (1, 5)


def test_a_list_no_certificate_reaches_is_not_found(db, client):
    assert client.get("/credentials/status/0").status_code == 200  # the first list always answers
    assert client.get("/credentials/status/7").status_code == 404
