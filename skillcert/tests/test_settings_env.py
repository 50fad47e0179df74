import pytest
from django.core.exceptions import ImproperlyConfigured

from skillcert.env import env_bool, env_header, env_int, env_list, env_secret


def test_booleans_read_common_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", True) is False


def test_a_bad_boolean_fails_loudly_naming_the_variable(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG")


def test_a_bad_integer_fails_loudly(monkeypatch):
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "two hours")
    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_MINUTES"):
        env_int("SESSION_IDLE_MINUTES", 120)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example,")
    assert env_list("ALLOWED_HOSTS", []) == ["a.example", "b.example"]


def test_a_missing_secret_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SOME_KEY", raising=False)
    first = env_secret("SOME_KEY", tmp_path, production=False)
    assert len(first) >= 32
    assert env_secret("SOME_KEY", tmp_path, production=False) == first
    assert (tmp_path / "some_key").stat().st_mode & 0o077 == 0  # readable by the owner only


def test_a_state_folder_created_for_the_secrets_is_private(monkeypatch, tmp_path):
    monkeypatch.delenv("SOME_KEY", raising=False)
    env_secret("SOME_KEY", tmp_path / "var", production=False)
    assert (tmp_path / "var").stat().st_mode & 0o077 == 0  # the database and uploads go there too


def test_production_refuses_to_run_without_its_secrets(monkeypatch, tmp_path):
    monkeypatch.delenv("SOME_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SOME_KEY must be set"):
        env_secret("SOME_KEY", tmp_path, production=True)


def test_the_environment_wins_over_a_kept_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("SOME_KEY", "from-the-environment")
    assert env_secret("SOME_KEY", tmp_path, production=True) == "from-the-environment"


def test_healthz_checks_the_database(db, client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_select_boxes_prompt_in_chinese(people):
    from conftest import client_for

    body = client_for(people["applicant"]).get("/self-check/").content.decode()
    assert "- 请选择 -" in body and "Select an option" not in body


def test_a_header_is_written_as_it_arrives_and_read_in_djangos_spelling(monkeypatch):
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
    assert env_header("SECURE_PROXY_SSL_HEADER") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", "")
    assert env_header("SECURE_PROXY_SSL_HEADER") is None


@pytest.mark.parametrize("raw", ["X-Forwarded-Proto", "X-Forwarded-Proto:", "X Forwarded: https", ": https"])
def test_a_malformed_header_fails_loudly_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", raw)
    with pytest.raises(ImproperlyConfigured, match="SECURE_PROXY_SSL_HEADER"):
        env_header("SECURE_PROXY_SSL_HEADER")


def test_an_integer_below_its_minimum_fails_loudly(monkeypatch):
    monkeypatch.setenv("SECURE_HSTS_SECONDS", "-1")
    with pytest.raises(ImproperlyConfigured, match="SECURE_HSTS_SECONDS must be at least 0"):
        env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
