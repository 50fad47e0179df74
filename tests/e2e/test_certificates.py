"""Certificates in the browser: the association issues 呼和浩特's batch; the holder downloads the
certificate on a phone; a visitor on a phone verifies it by number and name and by the QR link
read from the PDF; the association revokes it and the visitor sees 已撤销 with the reason; the
co-organizer records another holder's collection by the unit."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from exams.tests.test_ticket_pdf import decoded_qr

from .test_public_pages import assert_fits_phone, log_in

REASON = "经核查，学历证书系伪造，依通知九.二取消证书。"


@pytest.fixture
def city(concluded, people):
    """呼和浩特's results final; the holder-to-be (the first passed candidate) has a known password."""
    from applications.models import Application, Status
    from conftest import PASSWORD

    holder = Application.objects.filter(campaign=concluded.campaign, status=Status.PASSED).order_by("pk").first()
    holder.applicant.set_password(PASSWORD)
    holder.applicant.save(update_fields=["password"])
    return concluded, holder


def _issue(page: Page, campaign) -> None:
    log_in(page, "alice")
    page.goto(f"/staff/certificates/?campaign={campaign.slug}")
    row = page.locator("tr", has_text="呼和浩特市")
    row.get_by_label("发证日期").fill(timezone.localdate().isoformat())
    row.get_by_role("button", name="制发证书").click()
    expect(page.get_by_text("已为呼和浩特市制发")).to_be_visible()


def _verify_by_number(page: Page, number: str, name: str) -> None:
    page.goto("/verify/")
    page.get_by_label("证书编号").fill(number)
    page.get_by_label("姓名").fill(name)
    page.get_by_role("button", name="查询").click()


def test_issue_download_verify_revoke_and_hand_out(desk, phones, city, shot):
    from certificates.models import Certificate

    concluded, holder = city
    association = desk()
    _issue(association, concluded.campaign)
    certificate = Certificate.objects.get(application=holder)

    # The holder downloads the electronic certificate on a phone.
    mine = phones()
    log_in(mine, holder.applicant.phone)
    mine.goto(f"/applications/{holder.pk}/")
    expect(mine.get_by_text(certificate.number)).to_be_visible()
    assert_fits_phone(mine)
    shot(mine, "certificate-holder-phone")
    with mine.expect_download() as download:
        mine.get_by_role("link", name="下载电子证书（PDF）").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")

    # A visitor checks it by number and name, then by the QR read off the PDF.
    visitor = phones()
    _verify_by_number(visitor, "  " + certificate.number.lower() + " ", "错名字")
    expect(visitor.get_by_text("没有找到")).to_be_visible()  # a wrong name: the same answer as an unknown number
    _verify_by_number(visitor, certificate.number, holder.full_name)
    expect(visitor.get_by_role("status")).to_contain_text("有效")
    expect(visitor.get_by_text(certificate.id_number_masked)).to_be_visible()
    assert holder.id_number not in visitor.content()
    shot(visitor, "certificate-verified-phone")
    assert_fits_phone(visitor)
    link = urlsplit(decoded_qr(pdf))
    visitor.goto(link.path)
    expect(visitor.get_by_text("二维码签名有效")).to_be_visible()
    expect(visitor.get_by_role("status").last).to_contain_text("有效")

    # The association revokes it; the visitor's next look says 已撤销 with the day and the reason.
    association.goto(f"/staff/certificates/{certificate.number}/")
    association.get_by_label("原因").first.fill(REASON)
    association.get_by_role("button", name="撤销证书").click()
    expect(association.get_by_text(f"证书 {certificate.number} 已撤销")).to_be_visible()
    visitor.goto(link.path)
    expect(visitor.get_by_role("status").last).to_contain_text("已撤销")
    expect(visitor.get_by_text(REASON)).to_be_visible()
    shot(visitor, "certificate-revoked-phone")

    # The co-organizer records that a unit collected another holder's certificate.
    other = Certificate.objects.filter(batch=certificate.batch, state="valid").order_by("number").first()
    co = desk()
    log_in(co, "hohhot-co")
    co.goto(f"/staff/certificates/handouts/?campaign={concluded.campaign.slug}")
    unit = co.locator("section.card", has=co.get_by_role("row", name=other.number))
    unit.get_by_role("button", name="登记单位代领所选证书").click()  # no collector: said in place
    unit = co.locator("section.card", has=co.get_by_role("row", name=other.number))
    expect(unit.get_by_text("请填写领取人姓名").first).to_be_visible()
    unit.get_by_label("代领单位").fill("呼和浩特市第一医院")
    unit.get_by_label("领取人姓名").fill("张三")
    unit.get_by_role("button", name="登记单位代领所选证书").click()
    expect(co.get_by_text("已登记 呼和浩特市第一医院 代领")).to_be_visible()
    expect(co.get_by_role("row", name=other.number)).to_contain_text("呼和浩特市第一医院")
    shot(co, "certificate-handout-desk")
