"""Issuing: only once a city's results are final, only by the association, numbered and signed."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from jwcrypto import jwk, jws

from applications.models import Application, Status
from audit.models import AuditEvent
from certificates.models import Certificate, CertificateSerial
from certificates.numbering import parse_certificate_number
from certificates.services import issuing
from notifications.models import Message
from scoring.services import publicity as publicity_service
from skillcert import signing
from skillcert.refusals import TransitionRefused

from .fixtures import passed_of

pytestmark = pytest.mark.django_db


def test_issuing_waits_for_the_city_publicity_to_close(scored, people):
    with pytest.raises(TransitionRefused, match="尚未公示"):
        issuing.issue(people["association"], scored.campaign, scored.city)
    publicity_service.open_publicity(
        people["hohhot_reg"], scored.campaign, scored.city, today=scored.campaign.exam_date
    )
    with pytest.raises(TransitionRefused, match="公示期内"):
        issuing.issue(people["association"], scored.campaign, scored.city)
    assert not Certificate.objects.exists()


def test_only_the_association_issues(concluded, people):
    for who in ("hohhot_co", "hohhot_reg", "applicant"):
        with pytest.raises(PermissionDenied):
            issuing.issue(people[who], concluded.campaign, concluded.city)
    assert not Certificate.objects.exists()


def test_a_batch_numbers_signs_and_tells_every_passed_candidate(concluded, people, settings):
    passed = passed_of(concluded)
    failed = Application.objects.filter(campaign=concluded.campaign, status=Status.FAILED)
    assert passed and failed.exists()
    batch = issuing.issue(people["association"], concluded.campaign, concluded.city)
    assert batch.count == len(passed)
    certificates = list(Certificate.objects.order_by("number"))
    assert {c.application_id for c in certificates} == {a.pk for a in passed}
    assert set(Application.objects.filter(pk__in=[a.pk for a in passed]).values_list("status", flat=True)) == {
        Status.CERTIFIED
    }
    assert not Certificate.objects.filter(application__in=failed).exists()
    year = batch.issued_on.year % 100
    for level in {c.level for c in certificates}:
        serials = sorted(c.serial for c in certificates if c.level == level)
        assert serials == list(range(1, len(serials) + 1))  # gap-free from 1
    first = certificates[0]
    parsed = parse_certificate_number(first.number)
    assert parsed and parsed.kind == "S" and parsed.province == "15" and parsed.year == year
    assert parsed.body_code == settings.CERTIFICATE_BODY_CODE and parsed.level == first.level
    assert Message.objects.filter(kind="certificates.issued").count() == len(passed)
    assert AuditEvent.objects.filter(action="applications.certified").count() == len(passed)
    assert AuditEvent.objects.filter(action="certificates.batch_issued").count() == 1


def test_the_credential_verifies_with_the_published_key_set_only(issued):
    certificate = Certificate.objects.select_related("application").first()
    keys = jwk.JWKSet.from_json(json.dumps(signing.jwks()))
    token = jws.JWS()
    token.deserialize(certificate.credential)
    token.verify(keys.get_key(token.jose_header["kid"]), alg="EdDSA")
    claims = json.loads(token.payload)
    assert claims["number"] == certificate.number and claims["name"] == certificate.application.full_name
    assert claims["id_number_masked"] != certificate.application.id_number
    assert claims["id_number_masked"][-4:] == certificate.application.id_number[-4:]
    assert token.jose_header == {"alg": "EdDSA", "kid": certificate.kid, "typ": "certificate+jwt"}


def test_issuing_twice_issues_nobody_twice(issued, concluded, people):
    with pytest.raises(TransitionRefused, match="没有待发证"):
        issuing.issue(people["association"], concluded.campaign, concluded.city)
    assert Certificate.objects.count() == issued.count
    assert sum(CertificateSerial.objects.values_list("last", flat=True)) == issued.count
