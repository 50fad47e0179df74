"""Redirect targets taken from input stay on this site, on every endpoint that takes one."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from applications import services as applying
from conftest import PASSWORD, client_for
from skillcert.redirects import next_or, safe_target

EVIL = [
    "https://evil.example/",
    "http://evil.example/staff/",
    "//evil.example/",
    "///evil.example/",
    "https:evil.example",
    "https:/evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://testserver@evil.example/",
    "https://evil.example%2f@testserver/",
]


@pytest.mark.parametrize("target", EVIL)
def test_a_target_off_the_site_is_refused(target):
    request = RequestFactory().get("/")
    assert safe_target(request, target) == ""
    assert next_or(request, target, "review:queue") == "review:queue"


@pytest.mark.parametrize("target", ["/staff/review/?status=submitted", "/", "http://testserver/staff/"])
def test_a_target_on_the_site_is_followed(target):
    assert safe_target(RequestFactory().get("/"), target) == target


def test_an_https_request_is_not_sent_to_http():
    request = RequestFactory().get("/", secure=True)
    assert safe_target(request, "http://testserver/staff/") == ""
    assert safe_target(request, "https://testserver/staff/") == "https://testserver/staff/"


@pytest.mark.parametrize("target", EVIL)
def test_bulk_approve_never_redirects_off_the_site(people, complete_draft, target):
    application = applying.submit_application(people["applicant"], complete_draft)
    response = client_for(people["hohhot_co"]).post(
        reverse("review:bulk_approve"), {"ids": [application.pk], "campaign": "demo", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("review:queue")


def test_bulk_approve_returns_to_the_filtered_queue(people, complete_draft):
    applying.submit_application(people["applicant"], complete_draft)
    back = reverse("review:queue") + "?campaign=demo&status=submitted"
    response = client_for(people["hohhot_co"]).post(reverse("review:bulk_approve"), {"campaign": "demo", "next": back})
    assert response["Location"] == back


@pytest.mark.parametrize("target", EVIL)
def test_login_never_redirects_off_the_site(people, client, target):
    response = client.post(reverse("accounts:login"), {"identifier": "hohhot-co", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff_home")
