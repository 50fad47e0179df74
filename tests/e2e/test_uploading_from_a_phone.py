"""An applicant uploads what a phone gives: a full-size camera photo, and (wrongly) the unsigned pledge PDF."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from applications.tests import uploadfixtures as fx
from applications.tests.fixtures import fill

from .test_public_pages import assert_fits_phone, log_in


def test_a_camera_photo_is_taken_and_the_applicant_is_told_how_it_was_compressed(
    phone: Page, people, open_campaign, shot, tmp_path: Path
):
    from applications.services import start_application

    application = fill(start_application(people["applicant"], open_campaign))
    camera = tmp_path / "IMG_20261130_091500.jpg"
    camera.write_bytes(fx.phone_photo((3024, 4032), on_side=True, exif=fx.gps_exif(orientation=6)))
    log_in(phone, people["applicant"].phone)
    expect(phone).to_have_url(re.compile(r"/accounts/me/$"))
    phone.goto(f"/applications/{application.pk}/documents/")

    section = phone.locator("#slot-photo")
    section.locator("input[type=file]").set_input_files(camera)  # sent as soon as it is chosen

    expect(section.locator(".upload-note")).to_contain_text("照片已从 3024 × 4032 像素")
    expect(section.locator(".upload-note")).to_contain_text("压缩为 1200 × 1600 像素")
    expect(phone.locator("#slot-photo")).to_contain_text("已上传")
    assert_fits_phone(phone)
    shot(phone, "upload-phone-photo-compressed")

    with phone.expect_download() as download:
        phone.locator("#slot-pledge").get_by_role("link", name="下载已填好的诚信承诺书（PDF）").click()
    unsigned = tmp_path / "诚信承诺书.pdf"
    download.value.save_as(unsigned)
    pledge = phone.locator("#slot-pledge")
    pledge.locator("input[type=file]").set_input_files(unsigned)

    expect(pledge.locator(".error-message")).to_contain_text("这是系统生成的未签字诚信承诺书")
    expect(phone.locator("#slot-pledge")).to_contain_text("未上传")
    assert_fits_phone(phone)
    shot(phone, "upload-unsigned-pledge-refused")
