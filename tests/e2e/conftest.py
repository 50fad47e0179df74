"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Run with `.venv/bin/python -m pytest tests/e2e`. Never `playwright install`: the
tests use the system Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

# Sync Playwright runs an event loop in the test thread, and the tests touch the DB.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_WIDTH = 390
DESKTOP = {"width": 1280, "height": 900}
SHOTS_DIR = Path(os.environ.get("E2E_SHOTS_DIR", "/tmp/e2e-shots"))  # noqa: S108 - outside the repo on purpose


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(path).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {path}: .ci/run must install Debian's chromium package")
        pytest.skip(f"Chromium not found at {path}: install Debian's 'chromium' package to run browser tests")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def phone_context(browser, live_server):
    """A fresh phone-sized browser context (390x844, touch, zh-CN) on the live server."""
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def phone(browser, live_server, django_db_serialized_rollback) -> Iterator:
    """A page in a fresh phone-sized context (390x844, touch, zh-CN) whose relative URLs go to the live server.

    live_server makes every test transactional: tables are emptied after each test,
    including rows that migrations add (the five levels). Serialized rollback puts
    them back before the next test, so `catalog_2023` and `people` work as usual.
    """
    context = phone_context(browser, live_server)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shot():
    """shot(page, name): a full-page screenshot in /tmp/e2e-shots (E2E_SHOTS_DIR), to check the layout by eye."""

    def take(page, name: str) -> None:
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS_DIR / f"{name}.png", full_page=True)

    return take


@pytest.fixture
def desk(browser, live_server, django_db_serialized_rollback) -> Iterator[Callable[[], "Page"]]:
    """desk(): a page in a fresh desktop-sized context (1280x900, zh-CN) on the live server."""
    contexts = []

    def open_page() -> "Page":
        context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def sms_code(settings, tmp_path) -> Callable[[], str]:
    """sms_code(): the last one-time code the console SMS backend wrote, as a phone would show it."""
    import re

    path = tmp_path / "sms.txt"
    settings.NOTIFICATIONS_OUTBOX_FILE = str(path)
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.channels.ConsoleSMS"

    def last_code() -> str:
        codes = re.findall(r"验证码 (\d{6})", path.read_text(encoding="utf-8") if path.exists() else "")
        assert codes, "no code in the SMS outbox"
        return codes[-1]

    return last_code


@pytest.fixture
def phones(browser, live_server, django_db_serialized_rollback) -> Iterator[Callable[[], "Page"]]:
    """phones(): a page in a fresh phone-sized context (as the `phone` fixture), one per person."""
    contexts = []

    def open_page() -> "Page":
        context = phone_context(browser, live_server)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
