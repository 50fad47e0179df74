"""The public 申报条件自测 on a phone: the chosen category's fields, and applying with those facts."""

import re

from playwright.sync_api import Page, expect

from .test_public_pages import assert_fits_phone, assert_same_document, log_in, mark_document


def test_the_self_check_asks_what_the_category_needs_and_carries_the_facts_into_an_application(
    phone: Page, people, open_campaign, shot
):
    phone.goto("/campaigns/demo/self-check/")
    expect(phone.get_by_label("从事本职业或相关职业的年限")).to_be_visible()
    expect(phone.get_by_label("服役期间的工资待遇")).to_have_count(0)
    mark_document(phone)

    phone.get_by_label("申报类别").select_option(label="退役军人申报")
    expect(phone.get_by_label("服役期间的工资待遇")).to_be_visible()
    expect(phone.get_by_label("从事本职业或相关职业的年限")).to_have_count(0)
    assert_same_document(phone)

    phone.get_by_label("申报类别").select_option(label="初次申报")
    phone.get_by_label("申报职业").select_option(label="汽车维修工（4-12-01-01）")
    phone.get_by_label("申报等级").select_option(label="四级/中级工")
    phone.get_by_label("从事本职业或相关职业的年限").fill("7")
    phone.get_by_role("button", name="自测").click()
    result = phone.locator("#result")
    expect(result).to_contain_text("符合申报条件。")
    expect(result).not_to_contain_text("initial.l4")
    expect(result).not_to_contain_text("依据：")
    assert_same_document(phone)
    shot(phone, "self-check-result")
    assert_fits_phone(phone)

    result.get_by_role("link", name="按此条件申报").click()
    expect(phone).to_have_url(re.compile(r"/accounts/login/"))
    log_in(phone, "13800000001")
    phone.goto("/campaigns/demo/apply/")
    expect(phone.get_by_text("将带入你在申报条件自测中填写的")).to_be_visible()
    phone.get_by_role("button", name="开始填写").click()
    expect(phone).to_have_url(re.compile(r"/step/person/$"))
    expect(phone.get_by_role("status")).to_contain_text("已带入自测时填写的")

    phone.get_by_role("navigation", name="填写步骤").get_by_role("link", name="2. 申报职业与等级").click()
    expect(phone.get_by_label("申报职业", exact=True).locator("option:checked")).to_have_text(
        "汽车维修工（4-12-01-01）"
    )
    expect(phone.get_by_label("申报等级").locator("option:checked")).to_have_text("四级/中级工")
    expect(phone.get_by_label("申报类别").locator("option:checked")).to_have_text("初次申报")
    expect(phone.get_by_label("本职业工龄（年）")).to_have_value("7")
