"""Response headers: the Content-Security-Policy everywhere, no caching of private pages."""

import re

import pytest
from django.urls import reverse

from applications import services as applying
from conftest import client_for

SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in header.split(";"))}


@pytest.fixture
def submitted(people, complete_draft):
    return applying.submit_application(people["applicant"], complete_draft)


def pages(application) -> list[tuple[str | None, str]]:
    """A page of each kind for the role that can open it: public, applicant, staff, admin, errors."""
    pk = application.pk
    return [
        (None, "/"),
        (None, "/directory/"),
        (None, f"/campaigns/{application.campaign.slug}/catalog/"),
        (None, "/self-check/"),
        (None, "/accounts/login/"),
        (None, "/accounts/register/"),
        (None, "/api/v1/docs"),
        (None, "/no-such-page/"),
        ("applicant", f"/applications/{pk}/"),
        ("applicant", f"/applications/{pk}/review/"),
        ("applicant", "/accounts/me/"),
        ("applicant", "/notifications/"),
        ("applicant", "/staff/"),  # the 403 page
        ("hohhot_co", "/staff/"),
        ("hohhot_co", "/staff/review/"),
        ("hohhot_co", f"/staff/review/{pk}/"),
        ("hohhot_co", "/staff/payments/"),
        ("association", "/staff/audit/"),
        ("association", "/staff/payments/fees/"),
        ("association", "/admin/"),
        ("association", "/admin/catalog/campaign/"),
    ]


def test_every_kind_of_page_sends_the_policy_and_breaks_none_of_it(people, submitted):
    for role, url in pages(submitted):
        response = client_for(people[role] if role else None).get(url)
        assert response.status_code in {200, 403, 404}, f"{role} GET {url}"
        policy = directives(response)
        body = response.content.decode()
        nonce = next((v[7:-1] for v in policy["script-src"] if v.startswith("'nonce-")), None)
        for attributes in SCRIPT.findall(body):
            if 'type="application/json"' in attributes:
                continue  # data for a script, never run
            # An inline script runs only with this response's nonce; a file only from here.
            assert "src=" in attributes or (nonce and f'nonce="{nonce}"' in attributes), f"{url}: <script{attributes}>"
            assert "//" not in attributes.partition("src=")[2][:3], f"{url}: script from elsewhere"
        assert not INLINE_HANDLER.search(body), f"{url} has an inline event handler"
        assert not STYLE_ATTRIBUTE.search(body), f"{url} has a style attribute (style-src forbids it)"
        assert "javascript:" not in body, url


def test_the_policy_allows_scripts_only_from_here_and_no_plugins(client, db):
    policy = directives(client.get("/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["form-action"][0] == "'self'"


def test_the_nonce_is_new_for_every_response(client, db):
    first, second = (directives(client.get("/accounts/login/"))["script-src"] for _ in range(2))
    assert first != second


def test_forms_may_lead_to_the_wechat_oauth_page_and_nowhere_else(client, db, settings):
    # The simulator stands in for WeChat in the embedded default and the tests.
    from urllib.parse import urlsplit

    gateway = urlsplit(settings.WECHATPAY_GATEWAY)
    assert directives(client.get("/"))["form-action"] == ["'self'", f"{gateway.scheme}://{gateway.netloc}"]


def test_a_downloaded_document_carries_the_policy_too(people, submitted):
    response = client_for(people["applicant"]).get(reverse("applications:document_file", args=[submitted.pk, "pledge"]))
    assert response.status_code == 200
    assert directives(response)["object-src"] == ["'none'"]


# --- caching -------------------------------------------------------------------------------


def test_a_signed_in_users_pages_are_never_stored(people, submitted):
    client = client_for(people["applicant"])
    for url in [f"/applications/{submitted.pk}/", "/accounts/me/", "/"]:
        cache_control = client.get(url).headers.get("Cache-Control", "")
        assert "no-store" in cache_control and "private" in cache_control, url


def test_a_private_download_is_never_stored(people, submitted):
    client = client_for(people["hohhot_co"])
    document = client.get(reverse("applications:document_file", args=[submitted.pk, "pledge"]))
    printed = client.get(reverse("applications:printable", args=[submitted.pk, "form"]))
    for response in (document, printed):
        if response.status_code == 200:
            assert "no-store" in response.headers["Cache-Control"]
    assert document.status_code == 200


def test_a_staff_page_is_never_stored(people):
    assert "no-store" in client_for(people["association"]).get("/staff/audit/").headers["Cache-Control"]


def test_public_pages_for_visitors_keep_their_caching(client, db):
    for url in ["/", "/directory/"]:
        assert "no-store" not in client.get(url).headers.get("Cache-Control", ""), url
