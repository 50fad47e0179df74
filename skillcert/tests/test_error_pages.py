"""Error pages with DEBUG off: Chinese, in the site's layout, with the next step, no internals."""

import re

import pytest
from django.test import Client, RequestFactory

from conftest import client_for
from skillcert import errors


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def assert_a_helpful_page(response, status: int, title: str) -> str:
    body = response.content.decode()
    assert response.status_code == status
    assert '<html lang="zh-Hans">' in body and 'class="site-header"' in body  # the site's layout
    assert 'name="viewport"' in body  # phone-sized
    assert f"<h1>{title}" in body
    assert 'href="/"' in body  # always a way home
    text = re.sub(r"<[^>]*>", " ", body)  # what the user reads
    for internal in ["DEBUG", "Traceback", "CSRF", "Forbidden", "Not Found", "Server Error", "Bad Request"]:
        assert internal not in text, internal
    return body


def test_an_unknown_address_says_the_page_does_not_exist_and_offers_login_to_a_visitor(client, db):
    body = assert_a_helpful_page(client.get("/no-such-page/"), 404, "页面不存在")
    assert "返回首页" in body and "/accounts/login/?next=/no-such-page/" in body


def test_a_signed_in_user_is_not_offered_to_log_in_on_the_404_page(people):
    body = assert_a_helpful_page(client_for(people["applicant"]).get("/no-such-page/"), 404, "页面不存在")
    assert "/accounts/login/?next=" not in body


def test_the_404_page_leads_back_to_the_page_the_user_came_from(client, db):
    body = client.get("/no-such-page/", HTTP_REFERER="http://testserver/directory/").content.decode()
    assert 'href="http://testserver/directory/"' in body and "返回上一页" in body


def test_the_404_page_never_links_back_to_another_site(client, db):
    body = client.get("/no-such-page/", HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in body and "返回上一页" not in body


def test_a_refused_page_says_who_to_ask(people):
    body = assert_a_helpful_page(client_for(people["applicant"]).get("/staff/audit/"), 403, "没有权限")
    assert "协办单位" in body


def test_a_form_posted_without_its_token_asks_to_reload_the_form(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": "x", "password": "y"}, HTTP_REFERER="http://testserver/accounts/login/"
    )
    body = assert_a_helpful_page(response, 403, "表单已过期")
    assert "刷新" in body and "重新打开表单" in body and 'href="http://testserver/accounts/login/"' in body
    assert "Cookie" in body  # this browser sent no CSRF cookie: say so


def test_a_form_with_a_stale_token_asks_to_reload_without_blaming_cookies(db):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # sets the cookie
    response = client.post("/accounts/login/", {"csrfmiddlewaretoken": "stale" * 8, "username": "x"})
    body = assert_a_helpful_page(response, 403, "表单已过期")
    assert "Cookie" not in body


def test_a_malformed_request_answers_400_in_chinese(client, db):
    # A Host header we do not serve is refused with 400 before any view runs.
    body = assert_a_helpful_page(client.get("/directory/", HTTP_HOST="evil.example"), 400, "请求无法处理")
    assert "evil.example" not in body


@pytest.mark.urls("skillcert.tests.error_urls")
def test_a_developer_error_shows_a_calm_page_and_no_internals(db):
    client = Client(raise_request_exception=False)
    body = assert_a_helpful_page(client.get("/explode/"), 500, "系统出错了")
    assert "a developer's mistake" not in body and "RuntimeError" not in body
    assert "0471-3956299" in body


def test_the_500_page_needs_neither_the_database_nor_a_session(django_assert_num_queries, db):
    request = RequestFactory().get("/")  # no user, no session, no messages
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500 and "系统出错了" in response.content.decode()


def test_the_500_page_falls_back_to_plain_html_when_its_template_fails(monkeypatch):
    def broken(name):
        raise ValueError("Missing staticfiles manifest entry for 'css/site.css'")

    monkeypatch.setattr(errors.loader, "get_template", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "系统出错了" in response.content.decode() and "manifest" not in response.content.decode()
