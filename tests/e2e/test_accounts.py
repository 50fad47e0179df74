"""Accounts in the browser: 忘记密码 on a phone, with the code read from the console SMS outbox;
registering with the code sent to the phone."""

from playwright.sync_api import Page, expect

from .test_public_pages import PASSWORD, assert_fits_phone, log_in

NEW_PASSWORD = "Blue-Steppe-2027"


def test_forgot_password_by_sms_code(phone: Page, people, sms_code, shot):
    phone.goto("/accounts/login/")
    phone.get_by_role("link", name="忘记密码").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("忘记密码")
    phone.get_by_label("注册时填写的手机号码").fill("138 0000 0001")
    assert_fits_phone(phone)
    shot(phone, "forgot-password")
    phone.get_by_role("button", name="发送验证码").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("设置新密码")
    expect(phone.get_by_text("138****0001")).to_be_visible()
    phone.get_by_label("短信验证码").fill(sms_code())
    phone.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("确认新密码").fill(NEW_PASSWORD)
    assert_fits_phone(phone)
    shot(phone, "reset-password")
    phone.get_by_role("button", name="设置新密码").click()

    expect(phone.get_by_role("status")).to_contain_text("密码已重设")
    log_in(phone, "13800000001", PASSWORD)
    expect(phone.get_by_text("账号或密码不正确")).to_be_visible()
    log_in(phone, "13800000001", NEW_PASSWORD)
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的账户")


def test_registering_needs_the_code_sent_to_the_phone(phone: Page, catalog_2023, sms_code, shot):
    phone.goto("/accounts/register/")
    phone.get_by_label("姓名").fill("李四")
    phone.get_by_label("身份证号码").fill("11010519491231002X")
    phone.get_by_label("手机号码").fill("13900000009")
    phone.get_by_label("密码", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("确认密码").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="注册").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("验证手机号码")
    phone.get_by_label("短信验证码").fill(sms_code())
    assert_fits_phone(phone)
    shot(phone, "register-verify")
    phone.get_by_role("button", name="完成注册").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的账户")
