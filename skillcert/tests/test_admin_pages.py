"""The admin for whoever is not an administrator, and the site's small furniture (favicon, menu)."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from conftest import client_for


@pytest.mark.parametrize("role", ["applicant", "hohhot_co", "hohhot_reg", "hohhot_expert"])
def test_a_logged_in_user_without_admin_rights_gets_a_chinese_no_permission_page_at_the_admin(people, role):
    response = client_for(people[role]).get("/admin/", follow=True)
    body = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in body and 'class="site-header"' in body  # the site's own layout
    assert 'name="password"' not in body  # not a login form


def test_a_stranger_at_the_admin_is_sent_to_the_site_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert client.get(response.url).url.startswith(reverse("accounts:login"))


def test_the_association_uses_the_admin(people):
    client = client_for(people["association"])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/").url == reverse("admin:index")


def test_every_page_names_a_favicon_that_exists(catalog_2023, client):
    body = client.get("/").content.decode()
    assert 'rel="icon"' in body and "favicon.svg" in body and "favicon-32.png" in body
    assert finders.find("favicon.svg") and finders.find("favicon-32.png") and finders.find("apple-touch-icon.png")


def test_the_admin_pages_name_the_favicon_too(people):
    """Without it the browser asks every admin page for /favicon.ico, which does not exist."""
    body = client_for(people["association"]).get("/admin/").content.decode()
    assert 'rel="icon"' in body and "favicon.svg" in body and "职业技能等级认定 管理后台" in body
