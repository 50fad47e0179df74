"""Deployment settings read from the environment: HTTPS, HSTS, the proxy header, e-mail, SQLite.

Each test evaluates skillcert/settings.py afresh with the environment it sets.
"""

import runpy

import pytest
from django.conf import settings as active_settings
from django.core.exceptions import ImproperlyConfigured

SETTINGS = str(active_settings.BASE_DIR / "skillcert" / "settings.py")


@pytest.fixture
def load(monkeypatch, tmp_path):
    """load(**environment): the settings module's values under that environment."""
    for name in [
        "SKILLCERT_ENV",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "EMAIL_BACKEND",
        "DATABASE_URL",
        "SQLITE_BUSY_TIMEOUT",
    ]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SKILLCERT_STATE_DIR", str(tmp_path))

    earlier: set[str] = set()

    def load(**environment: str) -> dict:
        for name in earlier - environment.keys():
            monkeypatch.delenv(name)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        earlier.clear()
        earlier.update(environment)
        return runpy.run_path(SETTINGS)

    return load


PRODUCTION = {"SKILLCERT_ENV": "production", "FIELD_LOOKUP_KEY": "lookup"}


def test_the_embedded_default_neither_redirects_nor_pins_https(load):
    values = load()
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_PROXY_SSL_HEADER"] is None


def test_production_redirects_to_https_and_sends_hsts_for_a_year(load):
    values = load(**PRODUCTION)
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False and values["SECURE_HSTS_PRELOAD"] is False


def test_the_ssl_redirect_is_set_from_the_environment(load):
    assert load(**PRODUCTION, SECURE_SSL_REDIRECT="false")["SECURE_SSL_REDIRECT"] is False
    assert load(SECURE_SSL_REDIRECT="true")["SECURE_SSL_REDIRECT"] is True


def test_hsts_seconds_subdomains_and_preload_are_set_from_the_environment(load):
    values = load(SECURE_HSTS_SECONDS="600", SECURE_HSTS_INCLUDE_SUBDOMAINS="yes", SECURE_HSTS_PRELOAD="on")
    assert values["SECURE_HSTS_SECONDS"] == 600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and values["SECURE_HSTS_PRELOAD"] is True


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("SECURE_HSTS_SECONDS", "a year"),
        ("SECURE_HSTS_SECONDS", "-5"),
        ("SECURE_HSTS_PRELOAD", "sure"),
        ("SECURE_HSTS_INCLUDE_SUBDOMAINS", "2"),
        ("SECURE_SSL_REDIRECT", "https"),
        ("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto=https"),
        ("SQLITE_BUSY_TIMEOUT", "0"),
    ],
)
def test_a_bad_value_stops_the_process_naming_the_variable(load, name, raw):
    with pytest.raises(ImproperlyConfigured, match=name):
        load(**{name: raw})


def test_the_proxy_ssl_header_is_set_from_the_environment(load):
    values = load(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https")
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_production_sends_e_mail_through_smtp_and_the_demo_writes_it_to_the_console(load):
    assert load(**PRODUCTION)["MAILERS"]["default"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert load()["MAILERS"]["default"]["BACKEND"] == "django.core.mail.backends.console.EmailBackend"


def test_sqlite_writers_take_the_lock_when_they_begin_and_wait_for_it(load):
    options = load(SQLITE_BUSY_TIMEOUT="30")["DATABASES"]["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] == 30
    assert "journal_mode=WAL" in options["init_command"]


def test_postgresql_gets_no_sqlite_options(load):
    database = load(DATABASE_URL="postgres://skillcert:secret@db:5432/skillcert")["DATABASES"]["default"]
    assert "transaction_mode" not in database.get("OPTIONS", {})


def test_the_csp_lets_forms_reach_wechats_oauth_page_in_production(load):
    assert load(**PRODUCTION)["SECURE_CSP"]["form-action"] == ["'self'", "https://open.weixin.qq.com"]


def test_every_request_sets_the_secure_headers(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client.get("/directory/")
    assert plain.status_code == 301 and plain.url.startswith("https://")
    assert client.get("/healthz").status_code == 200  # the proxy's check may use plain HTTP
    secure = client.get("/directory/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"] == "max-age=600; includeSubDomains; preload"
