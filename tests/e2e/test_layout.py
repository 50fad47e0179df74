"""The frame of every page on a phone: the menu on one line, and no request that fails (the favicon)."""

import pytest
from playwright.sync_api import expect

from .test_public_pages import assert_fits_phone, log_in


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("who", ["13800000001", "alice"])
def test_the_phone_menu_is_one_line_that_opens_to_every_link(
    browser, live_server, django_db_serialized_rollback, people, catalog_2023, shot, who, width
):
    context = browser.new_context(
        viewport={"width": width, "height": 800},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=live_server.url,
    )
    page = context.new_page()
    failed = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    try:
        log_in(page, who, "Correct-horse-42")
        page.goto("/directory/")
        header = page.locator(".site-header")
        brand, button = header.locator(".brand"), header.get_by_role("button", name="菜单")
        expect(button).to_be_visible()
        expect(header.get_by_role("navigation")).to_be_hidden()
        brand_box, button_box = brand.bounding_box(), button.bounding_box()
        assert abs(brand_box["y"] + brand_box["height"] / 2 - (button_box["y"] + button_box["height"] / 2)) < 4
        assert header.bounding_box()["height"] < 70, "the header wraps onto more than one line"
        assert_fits_phone(page)

        button.click()
        expect(button).to_have_attribute("aria-expanded", "true")
        nav = header.get_by_role("navigation")
        expect(nav.get_by_role("link", name="我的账户")).to_be_visible()
        expect(nav.get_by_role("button", name="退出")).to_be_visible()
        shot(page, f"menu-{who}-{width}")
        assert_fits_phone(page)
        assert failed == [], failed  # the favicon included
    finally:
        context.close()


def test_without_javascript_the_phone_menu_is_one_line_that_scrolls(
    browser, live_server, django_db_serialized_rollback, people, catalog_2023
):
    context = browser.new_context(
        viewport={"width": 320, "height": 800}, locale="zh-CN", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    try:
        log_in(page, "alice", "Correct-horse-42")
        page.goto("/directory/")
        nav = page.locator(".site-header nav")
        expect(nav).to_be_visible()
        links = nav.get_by_role("link").all()
        tops = {round(link.bounding_box()["y"]) for link in links}
        assert len(tops) == 1, "the menu wraps"
        assert_fits_phone(page)
    finally:
        context.close()
