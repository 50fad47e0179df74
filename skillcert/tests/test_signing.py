"""Signed documents: checked with an independent JOSE library (jwcrypto) and only the published JWK set."""

import base64
import json
import runpy
import stat
import threading

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings as active_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from jwcrypto import jwk
from jwcrypto import jws as jwcrypto_jws
from jwcrypto.common import JWException

from conftest import client_for, make_people
from skillcert import signing

CLAIMS = {"no": "202315010000001", "name": "王小明", "idm": "1501**********0015", "site": "呼和浩特第一考点"}


@pytest.fixture
def keys(settings, tmp_path):
    """A fresh key folder for the test; the first key is made on first use, as on a fresh machine."""
    settings.SIGNING_KEYS_DIR = str(tmp_path / "keys")
    settings.SIGNING_KEYS_AUTO_CREATE = True
    return tmp_path / "keys"


def published_set(client) -> jwk.JWKSet:
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    return jwk.JWKSet.from_json(response.content.decode())


def verified_by_jwcrypto(token: str, key_set: jwk.JWKSet) -> dict:
    """The claims as jwcrypto sees them, with nothing of ours but the published set."""
    checked = jwcrypto_jws.JWS()
    checked.deserialize(token)
    checked.allowed_algs = ["EdDSA"]
    checked.verify(key_set.get_key(checked.jose_header["kid"]))
    return json.loads(checked.payload)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- verified with the standard library and the published set -----------------------------------------------


def test_a_signed_ticket_verifies_with_jwcrypto_and_only_the_published_key_set(keys, client):
    token = signing.sign(CLAIMS, typ=signing.TICKET)
    claims = verified_by_jwcrypto(token, published_set(client))
    assert {key: claims[key] for key in CLAIMS} == CLAIMS
    assert claims["iss"] == active_settings.SIGNING_ISSUER and isinstance(claims["iat"], int)


def test_the_header_names_the_algorithm_the_kid_of_the_published_key_and_the_type(keys, client):
    token = signing.sign(CLAIMS, typ=signing.TICKET)
    header = json.loads(unb64(token.split(".")[0]))
    published = client.get("/.well-known/jwks.json").json()
    assert header == {"alg": "EdDSA", "kid": published["keys"][0]["kid"], "typ": "ticket+jwt"}


def test_the_key_set_is_exactly_the_published_members(keys, client):
    signing.sign(CLAIMS, typ=signing.TICKET)
    signing.rotate_key()
    body = client.get("/.well-known/jwks.json").json()
    assert list(body) == ["keys"] and len(body["keys"]) == 2
    for key in body["keys"]:
        assert set(key) == {"kty", "crv", "x", "kid", "use", "alg"}
        assert (key["kty"], key["crv"], key["use"], key["alg"]) == ("OKP", "Ed25519", "sig", "EdDSA")
        assert len(unb64(key["x"])) == 32  # a public key only: no "d"
    assert body["keys"][0]["kid"] == signing.load_keys().active


@pytest.mark.parametrize("part", [1, 2])
def test_a_tampered_payload_or_signature_is_refused_by_both_libraries(keys, client, part):
    token = signing.sign(CLAIMS, typ=signing.TICKET)
    pieces = token.split(".")
    if part == 1:
        claims = json.loads(unb64(pieces[1]))
        claims["seat"] = "01排01号"
        pieces[1] = b64(json.dumps(claims, ensure_ascii=False).encode())
    else:
        signature = bytearray(unb64(pieces[2]))
        signature[10] ^= 1
        pieces[2] = b64(bytes(signature))
    tampered = ".".join(pieces)
    with pytest.raises(JWException):
        verified_by_jwcrypto(tampered, published_set(client))
    with pytest.raises(signing.SignatureRefused) as refused:
        signing.verify(tampered)
    assert refused.value.reason == "signature" and "签名无效" in str(refused.value)


def test_a_token_signed_by_a_foreign_key_under_our_kid_is_refused(keys, client):
    ours = signing.sign(CLAIMS, typ=signing.TICKET)
    header, payload, _ = ours.split(".")
    foreign = Ed25519PrivateKey.generate().sign(f"{header}.{payload}".encode())
    forged = f"{header}.{payload}.{b64(foreign)}"
    with pytest.raises(JWException):
        verified_by_jwcrypto(forged, published_set(client))
    with pytest.raises(signing.SignatureRefused):
        signing.verify(forged)


def test_a_token_of_an_unknown_kid_is_refused(keys):
    token = signing.sign(CLAIMS, typ=signing.TICKET)
    header = json.loads(unb64(token.split(".")[0]))
    header["kid"] = "20200101-000000"
    forged = b64(json.dumps(header).encode()) + token[token.index(".") :]
    with pytest.raises(signing.SignatureRefused) as refused:
        signing.verify(forged)
    assert refused.value.reason == "unknown key"


@pytest.mark.parametrize("alg", ["none", "HS256", "Ed25519"])
def test_another_algorithm_is_refused(keys, alg):
    token = signing.sign(CLAIMS, typ=signing.TICKET)
    header = json.loads(unb64(token.split(".")[0]))
    header["alg"] = alg
    forged = b64(json.dumps(header).encode()) + token[token.index(".") :]
    with pytest.raises(signing.SignatureRefused) as refused:
        signing.verify(forged)
    assert refused.value.reason == "algorithm"


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "a.b", "....", "eyJhbGciOiJFZERTQSJ9..x"])
def test_garbage_is_refused_not_an_error(keys, garbage):
    with pytest.raises(signing.SignatureRefused):
        signing.verify(garbage)


def test_a_ticket_is_not_accepted_as_a_certificate(keys):
    token = signing.sign(CLAIMS, typ=signing.TICKET)
    assert signing.verify(token, typ=signing.TICKET)["no"] == CLAIMS["no"]
    with pytest.raises(signing.SignatureRefused) as refused:
        signing.verify(token, typ=signing.CERTIFICATE)
    assert refused.value.reason == "type"


# --- rotation and retirement ---------------------------------------------------------------------------------


def test_after_rotation_an_old_token_still_verifies_with_the_published_set(keys, client):
    old = signing.sign(CLAIMS, typ=signing.TICKET)
    old_kid = signing.header_of(old)["kid"]
    new_kid = signing.rotate_key()
    new = signing.sign(CLAIMS, typ=signing.TICKET)
    assert signing.header_of(new)["kid"] == new_kid != old_kid
    key_set = published_set(client)
    assert verified_by_jwcrypto(old, key_set)["no"] == verified_by_jwcrypto(new, key_set)["no"] == CLAIMS["no"]
    assert signing.verify(old)["name"] == "王小明"


def test_rotation_destroys_the_old_private_key_and_keeps_its_public_key(keys):
    signing.sign(CLAIMS, typ=signing.TICKET)
    old_kid = signing.load_keys().active
    signing.rotate_key()
    assert not (keys / f"{old_kid}.pem").exists()
    assert (keys / f"{old_kid}.pub").exists()
    assert [path.name for path in keys.glob("*.pem")] == [f"{signing.load_keys().active}.pem"]


def test_a_retired_key_leaves_the_set_and_its_tokens_no_longer_verify(keys, client):
    old = signing.sign(CLAIMS, typ=signing.TICKET)
    old_kid = signing.header_of(old)["kid"]
    signing.rotate_key()
    signing.retire_key(old_kid)
    assert old_kid not in [key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]]
    with pytest.raises(signing.SignatureRefused):
        signing.verify(old)
    assert signing.load_keys().retired == (old_kid,)


def test_the_active_key_cannot_be_retired(keys):
    signing.sign(CLAIMS, typ=signing.TICKET)
    with pytest.raises(ValueError, match="active"):
        signing.retire_key(signing.load_keys().active)


def test_the_private_key_file_is_readable_by_its_owner_only(keys):
    signing.sign(CLAIMS, typ=signing.TICKET)
    private = keys / f"{signing.load_keys().active}.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700


def test_a_private_key_readable_by_others_is_refused(keys):
    signing.sign(CLAIMS, typ=signing.TICKET)
    (keys / f"{signing.load_keys().active}.pem").chmod(0o644)
    signing.rotate_key()  # a write: the folder is read again
    (keys / f"{signing.load_keys().active}.pem").chmod(0o640)
    (keys / "touch").write_text("")  # the folder changed: read again
    with pytest.raises(ImproperlyConfigured, match="chmod 600"):
        signing.sign(CLAIMS, typ=signing.TICKET)


def test_two_processes_creating_the_first_key_at_once_end_with_one_key(keys):
    barrier = threading.Barrier(4, timeout=10)
    made: list[str | None] = []

    def create() -> None:
        barrier.wait()
        made.append(signing.create_key())

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len([kid for kid in made if kid]) == 1
    assert len(list(keys.glob("*.pub"))) == 1


# --- configuration -------------------------------------------------------------------------------------------


def test_without_a_key_and_without_auto_creation_signing_refuses(keys, settings):
    settings.SIGNING_KEYS_AUTO_CREATE = False
    with pytest.raises(ImproperlyConfigured, match="signing_keys create"):
        signing.sign(CLAIMS, typ=signing.TICKET)
    call_command("signing_keys", "create")
    assert signing.verify(signing.sign(CLAIMS, typ=signing.TICKET))["no"] == CLAIMS["no"]


def test_without_a_key_folder_signing_refuses(settings):
    settings.SIGNING_KEYS_DIR = ""
    with pytest.raises(ImproperlyConfigured, match="SIGNING_KEYS_DIR"):
        signing.sign(CLAIMS, typ=signing.TICKET)


def test_production_names_no_key_folder_and_makes_no_key_by_itself(monkeypatch, tmp_path):
    monkeypatch.setenv("SKILLCERT_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("SKILLCERT_ENV", "production")
    monkeypatch.setenv("FIELD_LOOKUP_KEY", "lookup")
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY"):
        monkeypatch.setenv(name, "x" * 50)
    for name in ("SIGNING_KEYS_DIR", "SIGNING_KEYS_AUTO_CREATE", "WECHATPAY_SIMULATOR"):
        monkeypatch.delenv(name, raising=False)
    values = runpy.run_path(str(active_settings.BASE_DIR / "skillcert" / "settings.py"))
    assert values["SIGNING_KEYS_DIR"] == "" and values["SIGNING_KEYS_AUTO_CREATE"] is False
    monkeypatch.setenv("SKILLCERT_ENV", "local")
    values = runpy.run_path(str(active_settings.BASE_DIR / "skillcert" / "settings.py"))
    assert values["SIGNING_KEYS_DIR"] == str(tmp_path / "signing-keys") and values["SIGNING_KEYS_AUTO_CREATE"]


def test_the_command_creates_rotates_lists_and_retires(keys, capsys):
    call_command("signing_keys", "create")
    first = signing.load_keys().active
    call_command("signing_keys", "create")  # idempotent
    assert signing.load_keys().active == first
    call_command("signing_keys", "rotate")
    second = signing.load_keys().active
    call_command("signing_keys", "retire", first)
    call_command("signing_keys", "list")
    out = capsys.readouterr().out
    assert f"{second}\t" in out and "active" in out and f"{first}\t\tretired" in out


# --- the endpoint ---------------------------------------------------------------------------------------------


def test_the_key_set_is_cacheable_with_an_etag(keys, client):
    response = client.get("/.well-known/jwks.json")
    assert response["Content-Type"] == "application/jwk-set+json"
    assert response["Cache-Control"] == f"public, max-age={active_settings.SIGNING_JWKS_MAX_AGE}"
    again = client.get("/.well-known/jwks.json", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304 and again["ETag"] == response["ETag"] and not again.content
    signing.rotate_key()
    changed = client.get("/.well-known/jwks.json", headers={"If-None-Match": response["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != response["ETag"]


def test_the_key_set_reads_no_database_and_sets_no_cookie(keys, client, django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200 and not response.cookies


def test_a_signed_in_user_gets_the_same_public_answer(keys, db):
    people = make_people()
    response = client_for(people["applicant"]).get("/.well-known/jwks.json")
    assert response.status_code == 200 and "no-store" not in response["Cache-Control"]
    assert "public" in response["Cache-Control"]


def test_the_key_set_takes_no_writes(keys, client):
    assert client.post("/.well-known/jwks.json").status_code == 405


def test_the_deploy_check_wants_a_key_folder(settings):
    settings.SIGNING_KEYS_DIR = ""
    assert [message.id for message in signing.check_keys_dir()] == ["skillcert.E101"]
    settings.SIGNING_KEYS_DIR = "/etc/skillcert/signing-keys"
    assert signing.check_keys_dir() == []


def test_the_set_is_published_and_tokens_verify_without_the_private_key(keys, client, settings):
    token = signing.sign(CLAIMS, typ=signing.TICKET)
    kid = signing.header_of(token)["kid"]
    (keys / f"{kid}.pem").unlink()  # a host that only verifies, or a lost key
    (keys / "touch").write_text("")
    assert [key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]] == [kid]
    assert signing.verify(token)["no"] == CLAIMS["no"]
    settings.SIGNING_KEYS_AUTO_CREATE = False
    with pytest.raises(ImproperlyConfigured, match="signing_keys create"):
        signing.sign(CLAIMS, typ=signing.TICKET)
