"""In the browser: the Content-Security-Policy breaks nothing, and error pages help on a phone."""

from playwright.sync_api import Page, expect

from applications import services as applying
from applications.models import Application, Status
from conftest import PASSWORD
from tests.e2e.test_public_pages import assert_fits_phone, log_in

# Chromium reports every blocked script, style, frame or form target as a securitypolicyviolation.
WATCH_POLICY = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def watch(page: Page) -> list[str]:
    console: list[str] = []
    page.add_init_script(WATCH_POLICY)
    # Blocked by the policy, or a frame refused by X-Frame-Options (the review screen's PDFs).
    blocked = ("Content Security Policy", "X-Frame-Options", "Refused")

    def keep(message) -> None:
        if any(word in message.text for word in blocked):
            console.append(message.text)

    page.on("console", keep)
    return console


def assert_no_violation(page: Page, console: list[str]) -> None:
    assert page.evaluate("window.__violations") == [], page.url
    assert console == [], console


def test_public_and_applicant_pages_work_under_the_policy(phone: Page, people, complete_draft):
    console = watch(phone)
    for url in ["/", "/directory/", "/self-check/", "/accounts/register/", "/no-such-page/"]:
        phone.goto(url)
        assert_no_violation(phone, console)
    phone.goto(f"/campaigns/{complete_draft.campaign.slug}/catalog/")
    phone.get_by_label("职业名称或编码").fill("电工")  # htmx swaps the results in place
    expect(phone.locator("#results")).to_contain_text("电工")
    assert_no_violation(phone, console)

    log_in(phone, "13800000001")
    application = applying.submit_application(people["applicant"], complete_draft)
    phone.goto(f"/applications/{application.pk}/")
    assert_no_violation(phone, console)
    # The withdraw button asks first (site.js, not an inline handler): saying no keeps the application.
    phone.once("dialog", lambda dialog: dialog.dismiss())
    phone.get_by_role("button", name="撤回申报").click()
    expect(phone.get_by_role("button", name="撤回申报")).to_be_visible()
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="撤回申报").click()
    expect(phone.get_by_text("申报已撤回")).to_be_visible()
    assert Application.objects.get(pk=application.pk).status == Status.WITHDRAWN
    assert_no_violation(phone, console)


def test_staff_pages_and_the_admin_work_under_the_policy(desk, people, complete_draft):
    page = desk()
    console = watch(page)
    application = applying.submit_application(people["applicant"], complete_draft)
    log_in(page, "alice", PASSWORD)
    for url in [
        "/staff/",
        f"/staff/review/?campaign={application.campaign.slug}",
        f"/staff/review/{application.pk}/",
        "/staff/audit/",
        "/staff/payments/fees/",
        "/admin/",
        "/admin/catalog/campaign/",
        "/api/v1/docs",
    ]:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert_no_violation(page, console)
    # The review screen frames the applicant's PDFs: our own pages may frame our documents.
    page.goto(f"/staff/review/{application.pk}/")
    expect(page.locator("iframe.doc-view").first).to_be_visible()
    # Each frame's own load event: the PDF viewer can keep the page's network busy past networkidle.
    frames = [handle.content_frame() for handle in page.locator("iframe.doc-view").element_handles()]
    for frame in frames:
        assert frame is not None
        frame.wait_for_load_state("load", timeout=30_000)
    framed = [frame.url for frame in frames if frame]  # a refused frame is chrome-error://
    assert framed and all(f"/applications/{application.pk}/documents/" in url for url in framed), framed


def test_a_missing_page_on_a_phone_says_what_to_do_next(phone: Page, catalog_2023, live_server, shot):
    # As if a link on the directory page led nowhere.
    phone.goto("/campaigns/2023/no-such-page/", referer=f"{live_server.url}/directory/")
    main = phone.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("页面不存在")
    expect(main.get_by_role("link", name="返回上一页")).to_be_visible()  # back to the directory
    expect(main.get_by_role("link", name="登录")).to_be_visible()
    assert_fits_phone(phone)
    shot(phone, "error-404-phone")
    main.get_by_role("link", name="返回首页").click()
    expect(phone.get_by_role("heading", level=1)).not_to_have_text("页面不存在")


def test_an_expired_form_leads_back_to_a_fresh_one(phone: Page, people, shot):
    phone.goto("/accounts/login/")
    phone.get_by_label("身份证号 / 手机号 / 用户名").fill("13800000001")
    phone.get_by_label("密码", exact=True).fill(PASSWORD)
    phone.context.clear_cookies()  # as if the session and its token ran out while the form was open
    phone.get_by_role("button", name="登录", exact=True).click()
    main = phone.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("表单已过期，请重新提交")
    assert_fits_phone(phone)
    shot(phone, "error-csrf-phone")
    main.get_by_role("link", name="重新打开表单").click()
    log_in(phone, "13800000001")
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的账户")
