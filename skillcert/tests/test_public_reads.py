"""Public reads: anonymous visitors are served from the shared cache, which every edit renews."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from catalog.models import Organisation

PUBLIC_PAGES = ["/", "/campaigns/2023/", "/campaigns/2023/catalog/?q=电工&level=3", "/directory/", "/self-check/"]
PUBLIC_API = ["/api/v1/cities", "/api/v1/occupations?campaign=2023", "/api/v1/campaigns", "/api/v1/campaigns/2023"]
NONCE = re.compile(r'nonce="([^"]+)"')
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _read_twice(client: Client, url: str):
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    return first, second, queries


@pytest.mark.parametrize("url", PUBLIC_PAGES + PUBLIC_API)
def test_a_repeated_anonymous_read_touches_neither_the_database_nor_the_session(catalog_2023, url):
    client = Client()
    first, second, queries = _read_twice(client, url)
    assert first.status_code == second.status_code == 200
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert "sessionid" not in second.cookies and "sessionid" not in client.cookies


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_a_cached_page_carries_this_requests_nonce(catalog_2023, url):
    client = Client()
    first, second, _ = _read_twice(client, url)
    for response in (first, second):
        body = response.content.decode()
        assert "\x00" not in body
        header_nonce = re.findall(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"])
        assert set(NONCE.findall(body)) <= set(header_nonce)


@pytest.mark.parametrize("url", [url for url in PUBLIC_PAGES if url != "/self-check/"])
def test_a_page_without_a_form_gives_an_anonymous_reader_no_csrf_token_or_cookie(catalog_2023, url):
    client = Client()
    first, second, _ = _read_twice(client, url)
    for response in (first, second):
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert not CSRF.search(response.content.decode())
        assert "csrftoken" not in response.cookies


def test_a_cached_form_carries_a_fresh_token_of_the_visitors_cookie(catalog_2023):
    client = Client()
    first, second, _ = _read_twice(client, "/self-check/")
    tokens = [FORM_TOKEN.search(response.content.decode()).group(1) for response in (first, second)]
    assert tokens[0] != tokens[1]  # masked anew for every answer (BREACH)
    poster = Client(enforce_csrf_checks=True)
    poster.cookies = client.cookies  # the visitor who read the page posts it
    for token in tokens:
        response = poster.post("/self-check/", {"csrfmiddlewaretoken": token, "category": "initial"})
        assert response.status_code == 200


def test_a_cached_self_check_form_still_posts(catalog_2023):
    client = Client(enforce_csrf_checks=True)
    client.get("/self-check/")
    page = client.get("/self-check/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/self-check/", {"csrfmiddlewaretoken": token, "category": "initial"})
    assert response.status_code == 200


def test_signed_in_users_get_their_own_page_not_the_cached_one(catalog_2023, people):
    Client().get("/")
    from conftest import client_for

    page = client_for(people["applicant"]).get("/").content.decode()
    assert "退出" in page


@pytest.mark.parametrize("url", PUBLIC_API)
def test_the_api_answers_a_matching_if_none_match_with_304(catalog_2023, url):
    client = Client()
    first = client.get(url)
    assert first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_an_association_edit_shows_on_the_next_read(catalog_2023):
    client = Client()
    etag = client.get("/api/v1/cities").headers["ETag"]
    assert "新办公电话" not in client.get("/directory/").content.decode()
    office = Organisation.objects.filter(kind=Organisation.Kind.CO_ORGANIZER).first()
    office.office_phone = "新办公电话"
    office.save()
    assert "新办公电话" in client.get("/directory/").content.decode()
    edited = client.get("/api/v1/cities", headers={"If-None-Match": etag})
    assert edited.status_code == 200 and "新办公电话" in str(edited.json())


def test_a_new_campaign_title_shows_on_home_and_in_the_api(catalog_2023):
    client = Client()
    client.get("/campaigns/2023/")
    client.get("/api/v1/campaigns/2023")
    catalog_2023.title = "改过的批次名称"
    catalog_2023.save()
    assert "改过的批次名称" in client.get("/campaigns/2023/").content.decode()
    assert client.get("/api/v1/campaigns/2023").json()["title"] == "改过的批次名称"


def test_an_edit_made_in_another_worker_process_renews_this_workers_reads(catalog_2023, tmp_path: Path):
    shared = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "public": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)},
    }
    with override_settings(CACHES=shared):  # as in production: a file cache the workers share
        client = Client()
        client.get("/directory/")
        with CaptureQueriesContext(connection) as cached:
            client.get("/directory/")
        # Another gunicorn worker, a separate process, records an edit in the shared cache.
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "skillcert.settings", "PUBLIC_CACHE_DIR": str(tmp_path)}
        env["PUBLIC_VERSION_FILE"] = str(settings.PUBLIC_VERSION_FILE)  # the one file every worker checks
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'other-worker.sqlite3'}"
        env.setdefault("SECRET_KEY", "x" * 50)
        env.setdefault("FIELD_ENCRYPTION_KEY", "y" * 50)
        script = "import django; django.setup(); from skillcert import public_cache; public_cache.public_data_changed()"
        subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)
        with CaptureQueriesContext(connection) as renewed:
            client.get("/directory/")
    assert len(cached) == 0 and len(renewed) > 0
