"""What an applicant or a staff member sees on a phone: the campaign, the catalog, registering, logging in, audit."""

import re

from playwright.sync_api import Page, expect

from conftest import PASSWORD

CATALOG = "/campaigns/2023/catalog/"


def assert_fits_phone(page: Page) -> None:
    """Nothing sticks out sideways: the page cannot be scrolled horizontally at phone width."""
    screen = page.viewport_size["width"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= screen, f"{page.url} is {width}px wide on a {screen}px screen"


def mark_document(page: Page) -> None:
    """Tag the current document; the tag survives htmx swaps but not a full page load."""
    page.evaluate("window.__sameDocument = true")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded instead of updated in place"


def main_nav(page: Page):
    """The main navigation, opened first on a phone, where it folds behind 菜单."""
    page.wait_for_load_state()  # site.js (deferred) has folded it by then
    menu = page.locator(".site-header").get_by_role("button", name="菜单")
    if menu.is_visible() and menu.get_attribute("aria-expanded") != "true":
        menu.click()
    return page.get_by_role("navigation", name="主导航")


def log_in(page: Page, identifier: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("身份证号 / 手机号 / 用户名").fill(identifier)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_campaign_page_shows_the_notice_dates_and_exam_sessions(phone: Page, catalog_2023, shot):
    phone.goto("/campaigns/2023/")

    expect(phone.get_by_role("heading", level=1)).to_have_text("2023 年度全区机关事业单位技能人员职业技能等级认定")
    timeline = phone.locator("ol.timeline")
    expect(timeline.locator("li", has_text="报名")).to_contain_text("2023年8月30日 至 9月19日")
    expect(timeline.locator("li", has_text="考试").first).to_contain_text("2023年10月15日")
    sessions = phone.get_by_role("heading", name="考试时间").locator("xpath=following-sibling::ul[1]").locator("li")
    expect(sessions).to_have_count(2)
    expect(sessions.nth(0)).to_contain_text("10月15日 8:30–10:00")
    expect(sessions.nth(1)).to_contain_text("10月15日 10:30–12:30")
    expect(phone.get_by_text("本批次共 98 个职业。")).to_be_visible()
    shot(phone, "campaign")
    assert_fits_phone(phone)


def test_home_page_leads_to_the_directory_of_partners(phone: Page, catalog_2023, shot):
    phone.goto("/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("2023 年度全区机关事业单位技能人员职业技能等级认定")

    phone.get_by_role("link", name="各盟市协办单位与人社监管部门").click()

    expect(phone).to_have_url(re.compile(r"/directory/$"))
    expect(phone.locator("section.card[id^=city-]")).to_have_count(13)
    hohhot = phone.locator("#city-hohhot")
    expect(hohhot.get_by_role("heading", level=2)).to_contain_text("呼和浩特市")
    expect(hohhot.get_by_role("link", name="0471-3593366")).to_have_attribute("href", "tel:0471-3593366")
    expect(phone.locator("#main").get_by_role("link", name="0471-3956299")).to_be_visible()  # the association
    shot(phone, "directory")
    assert_fits_phone(phone)


def test_catalog_search_updates_results_in_place(phone: Page, catalog_2023, shot):
    phone.goto(CATALOG)
    rows = phone.locator("#results table.catalog tbody tr")
    expect(rows).to_have_count(98)
    expect(phone.locator("#results .count")).to_have_text("共 98 个职业")
    shot(phone, "catalog")
    assert_fits_phone(phone)

    mark_document(phone)
    phone.locator("#id_q").press_sequentially("电工")

    expect(phone).to_have_url(re.compile(r"[?&]q=(%E7%94%B5%E5%B7%A5|电工)"))
    expect(rows).to_have_count(1)
    electrician = rows.filter(has_text="6-31-01-03")
    expect(electrician.locator("td").nth(1)).to_have_text("电工")
    expect(electrician.locator("td").nth(2)).to_have_text("6-31-01-03")
    expect(electrician.locator("td").nth(3)).to_have_text("5、4、3、2、1")
    expect(phone.locator("#results .count")).to_have_text("共 1 个职业")
    assert_same_document(phone)
    shot(phone, "catalog-search")
    assert_fits_phone(phone)


def test_catalog_level_filter_keeps_occupations_offering_that_level(phone: Page, catalog_2023):
    phone.goto(CATALOG)
    rows = phone.locator("#results table.catalog tbody tr")
    expect(rows).to_have_count(98)
    expect(rows.filter(has_text="秘书")).to_have_count(1)  # 秘书 stops at level 2

    mark_document(phone)
    phone.locator("#id_level").select_option("1")

    expect(phone).to_have_url(re.compile(r"[?&]level=1\b"))
    expect(rows).to_have_count(83)
    expect(phone.locator("#results .count")).to_have_text("共 83 个职业")
    expect(rows.filter(has_text="秘书")).to_have_count(0)
    levels = rows.locator("td.levels").all_inner_texts()
    assert all("1" in cell.split("、") for cell in levels), levels
    assert_same_document(phone)


def test_register_shows_errors_in_place_then_signs_the_applicant_in(phone: Page, catalog_2023, sms_code, shot):
    phone.goto("/accounts/register/")
    phone.get_by_label("姓名").fill("李四")
    phone.get_by_label("身份证号码").fill("110105194912310021")  # wrong check digit
    phone.get_by_label("手机号码").fill("13900000009")
    phone.get_by_label("密码", exact=True).fill("Caoyuan8848")
    phone.get_by_label("确认密码").fill("Caoyuan8848")
    phone.get_by_role("button", name="注册", exact=True).click()

    summary = phone.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("身份证号码")
    expect(summary).to_contain_text("校验位")
    expect(phone.locator("#id_id_number-error")).to_contain_text("校验位")
    expect(phone).to_have_url(re.compile(r"/accounts/register/$"))
    expect(phone.get_by_label("姓名")).to_have_value("李四")
    shot(phone, "register-errors")
    assert_fits_phone(phone)

    # The summary links to the field that needs fixing.
    summary.get_by_role("link", name=re.compile("身份证号码")).click()
    expect(phone.get_by_label("身份证号码")).to_be_focused()

    phone.get_by_label("身份证号码").fill("11010519491231002X")
    phone.get_by_label("密码", exact=True).fill("Caoyuan8848")
    phone.get_by_label("确认密码").fill("Caoyuan8848")
    phone.get_by_role("button", name="注册", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("验证手机号码")
    phone.get_by_label("短信验证码").fill(sms_code())
    phone.get_by_role("button", name="完成注册").click()

    # The #id_id_number fragment from the summary link survives the redirect, as browsers do.
    expect(phone).to_have_url(re.compile(r"/accounts/me/(#id_id_number)?$"))
    expect(phone.get_by_role("status")).to_contain_text("注册成功")
    id_value = phone.locator(".masked-value", has_text="1101**********002X")
    expect(id_value).to_be_visible()
    expect(phone.get_by_text("11010519491231002X")).to_have_count(0)
    shot(phone, "me-masked")
    assert_fits_phone(phone)

    mark_document(phone)
    id_value.get_by_role("button", name="显示完整号码").click()

    expect(phone.locator(".masked-value.revealed")).to_have_text("11010519491231002X")
    expect(phone.get_by_text("1101**********002X")).to_have_count(0)
    # Only the ID number was revealed; the phone number stays masked.
    expect(phone.get_by_role("button", name="显示完整号码")).to_have_count(1)
    assert_same_document(phone)
    shot(phone, "me-revealed")


def test_login_refuses_a_wrong_password_then_accepts_the_phone_number(phone: Page, people, shot):
    log_in(phone, "13800000001", "not-the-password-1")

    expect(phone.locator(".error-summary")).to_contain_text("账号或密码不正确")
    expect(phone.get_by_label("身份证号 / 手机号 / 用户名")).to_have_value("13800000001")
    shot(phone, "login-error")
    assert_fits_phone(phone)

    log_in(phone, "13800000001")

    expect(phone).to_have_url(re.compile(r"/accounts/me/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的账户")
    expect(phone.locator(".masked-value", has_text="138****0001")).to_be_visible()


def test_applicant_can_log_in_with_the_id_number(phone: Page, people):
    log_in(phone, people["applicant"].id_number)

    expect(phone).to_have_url(re.compile(r"/accounts/me/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的账户")


def test_association_staff_reads_the_audit_log(phone: Page, people, shot):
    log_in(phone, "alice")
    expect(phone).to_have_url(re.compile(r"/staff/$"))  # staff land on their workbench
    expect(phone.get_by_role("heading", level=1)).to_have_text("工作台")

    main_nav(phone).get_by_role("link", name="审计日志").click()

    expect(phone).to_have_url(re.compile(r"/staff/audit/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("审计日志")
    login_row = phone.locator("#results tbody tr", has=phone.locator("code", has_text=re.compile(r"^accounts\.login$")))
    expect(login_row).to_have_count(1)
    expect(login_row).to_contain_text("alice")
    shot(phone, "audit")
    assert_fits_phone(phone)
