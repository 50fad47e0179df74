"""Reviewing in the browser: the city returns the photo, the applicant fixes it on a phone and
resubmits, the city and then the association approve; who may look and who may decide."""

import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, expect

from .test_applying import IMAGE_SLOTS, id_photo, scan, upload
from .test_public_pages import assert_fits_phone, log_in, main_nav

WHITE = (255, 255, 255)
PALE_BLUE = (215, 230, 250)  # bright and grey enough for the upload check, blue to a reviewer's eye


def tinted_photo(background: tuple[int, int, int]) -> bytes:
    """A 一寸-like portrait on `background`, as JPEG bytes."""
    width, height = 413, 579
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.3, height * 0.18, width * 0.7, height * 0.62), fill=(226, 190, 160))
    draw.ellipse((width * 0.28, height * 0.12, width * 0.72, height * 0.32), fill=(30, 25, 25))
    draw.rectangle((width * 0.1, height * 0.7, width * 0.9, height), fill=(35, 40, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


@pytest.fixture
def submitted(people, open_campaign, tmp_path):
    """王小明's complete 四级 application for 呼和浩特, real images uploaded, submitted: all in Python."""
    from applications import services
    from applications.tests.fixtures import fill

    applicant = people["applicant"]
    application = fill(services.start_application(applicant, open_campaign))
    services.upload_document(applicant, application, "photo", tinted_photo(PALE_BLUE), "证件照.jpg")
    for shade, slot in enumerate(IMAGE_SLOTS, start=1):
        data = scan(tmp_path / f"{slot}.png", shade * 40).read_bytes()
        services.upload_document(applicant, application, slot, data, f"{slot}.png")
    return services.submit_application(applicant, application)


@pytest.fixture
def elsewhere(people, open_campaign):
    """李华's submitted application in 包头: outside 呼和浩特's scope, not yet at the association's tier."""
    from accounts.demo import demo_id_number
    from accounts.models import Role, User
    from applications import services
    from applications.tests.fixtures import attach_documents, fill
    from catalog.models import City
    from conftest import PASSWORD

    applicant = User.objects.create_user(
        None,
        PASSWORD,
        role=Role.APPLICANT,
        full_name="李华",
        id_number=demo_id_number("15020219900101002"),
        phone="13800000002",
    )
    application = fill(services.start_application(applicant, open_campaign), city=City.objects.get(code="baotou"))
    attach_documents(application)  # never opened in the browser: stand-in PDFs will do
    return services.submit_application(applicant, application)


def open_queue(page: Page, username: str) -> None:
    log_in(page, username)
    expect(page).to_have_url(re.compile(r"/staff/$"))  # staff land on 工作台
    main_nav(page).get_by_role("link", name="资格审核").click()
    expect(page).to_have_url(re.compile(r"/staff/review/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("资格审核")


def status_of(page: Page) -> Locator:
    """The status on the review screen, in bold under the heading."""
    return page.locator("main h1 + p strong")


def queue_row(page: Page, name: str) -> Locator:
    return page.locator("#results tbody tr").filter(has=page.get_by_role("link", name=name, exact=True))


def loaded(image: Locator) -> Locator:
    """The image, once the browser has fetched and decoded it; fails if it did not load."""
    expect(image).to_be_visible()
    width = image.evaluate(
        """img => img.complete ? img.naturalWidth : new Promise(done => {
            img.addEventListener('load', () => done(img.naturalWidth));
            img.addEventListener('error', () => done(0));
        })"""
    )
    assert width, f"{image.get_attribute('src')} did not load"
    return image


def pixel_at(image: Locator, x: int, y: int) -> list[int]:
    """The RGB of the shown image at (x, y) of its natural size."""
    return loaded(image).evaluate(
        """(img, [x, y]) => {
            const canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
            const context = canvas.getContext('2d');
            context.drawImage(img, 0, 0);
            return Array.from(context.getImageData(x, y, 1, 1).data.slice(0, 3));
        }""",
        [x, y],
    )


def assert_colour(actual: list[int], expected: tuple[int, int, int]) -> None:
    assert all(abs(a - e) <= 6 for a, e in zip(actual, expected, strict=True)), (actual, expected)


def unread_badge(page: Page) -> Locator:
    return main_nav(page).get_by_role("link", name=re.compile(r"^消息")).locator(".tag")


def test_city_returns_the_photo_the_applicant_fixes_it_and_both_tiers_approve(
    phone: Page, desk, submitted, elsewhere, shot, tmp_path
):
    pk = submitted.pk
    screen_url = re.compile(rf"/staff/review/{pk}/$")

    # 呼和浩特's co-organizer finds the submission in the queue (default: 已提交，待初审).
    city = desk()
    open_queue(city, "hohhot-co")
    row = queue_row(city, "王小明")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("呼和浩特")
    expect(row).to_contain_text("汽车维修工")
    expect(row).to_contain_text("已提交，待初审")
    expect(city.locator("#results .count")).to_have_text("共 1 份")  # not 包头's 李华
    shot(city, "review-queue-city")
    row.get_by_role("link", name="王小明").click()

    # The review screen: eligibility, the form, every document; the photo shown inline.
    expect(city).to_have_url(screen_url)
    expect(city.get_by_role("heading", level=1)).to_have_text(re.compile(r"王小明 · 汽车维修工"))
    expect(status_of(city)).to_have_text("已提交，待初审")
    expect(city.get_by_text("符合申报条件", exact=False).first).to_be_visible()
    photo = city.get_by_role("img", name="白底证件照")
    assert_colour(pixel_at(photo, 3, 3), PALE_BLUE)
    for slot in ("身份证正面", "身份证反面", "学历证书", "诚信承诺书（签字）"):
        loaded(city.get_by_role("img", name=slot))
    expect(city.get_by_role("button", name="审核通过")).to_be_visible()
    shot(city, "review-screen")

    # Return the photo with the standard reason.
    city.locator("#decide summary").click()
    city.get_by_label("白底证件照", exact=True).check()
    city.get_by_label("白底证件照 常用原因").select_option(label="照片不是白底")
    shot(city, "review-screen-return")
    city.get_by_role("button", name="退回修改", exact=True).click()
    expect(city).to_have_url(screen_url)
    expect(city.get_by_role("status")).to_have_text("已退回申报人修改。")
    expect(status_of(city)).to_have_text("退回修改")
    expect(city.locator("#decide")).to_have_count(0)  # nothing left to decide until it comes back
    expect(city.locator(".card", has_text="初审（协办单位） · 退回修改")).to_contain_text("白底证件照：照片不是白底")

    # The applicant, on a phone: an unread message in the header, the reason in the inbox.
    log_in(phone, "13800000001")
    expect(phone).to_have_url(re.compile(r"/accounts/me/$"))
    expect(unread_badge(phone)).to_have_text(re.compile(r"^2 条未读"))  # 申报已提交, 申报被退回
    assert_fits_phone(phone)
    main_nav(phone).get_by_role("link", name=re.compile(r"^消息")).click()
    expect(phone).to_have_url(re.compile(r"/notifications/$"))
    newest = phone.locator("article.card").first
    expect(newest).to_have_class(re.compile(r"\bunread\b"))
    expect(newest.get_by_role("link")).to_have_text("申报被退回，请修改")
    shot(phone, "review-applicant-inbox")
    assert_fits_phone(phone)
    newest.get_by_role("link").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("申报被退回，请修改")
    expect(phone.locator("main .card")).to_contain_text("1. 白底证件照：照片不是白底")
    expect(unread_badge(phone)).to_have_text(re.compile(r"^1 条未读"))  # opening it marked it read
    phone.get_by_role("link", name="去办理").click()

    # The application page: what was returned, why, and where to fix it.
    expect(phone).to_have_url(re.compile(rf"/applications/{pk}/$"))
    expect(phone.locator("dl.summary")).to_contain_text("退回修改")
    returned = phone.get_by_role("alert")
    expect(returned).to_contain_text("审核未通过，请修改以下项目后重新提交")
    expect(returned.locator("li")).to_have_count(1)
    expect(returned.locator("li")).to_have_text("白底证件照：照片不是白底")
    expect(phone.get_by_role("link", name="修改完成，去重新提交")).to_be_visible()
    shot(phone, "review-applicant-returned")
    assert_fits_phone(phone)
    returned.get_by_role("link", name="白底证件照").click()

    # Only the photo can be uploaded again.
    expect(phone).to_have_url(re.compile(rf"/applications/{pk}/documents/(#slot-photo)?$"))
    expect(phone.locator("section.slot")).to_have_count(5)
    expect(phone.locator("section.slot input[type=file]")).to_have_count(1)
    expect(phone.locator("#slot-photo input[type=file]")).to_have_count(1)
    for slot in IMAGE_SLOTS:
        expect(phone.locator(f"#slot-{slot} .tag")).to_have_text("已上传")
    shot(phone, "review-applicant-documents")
    assert_fits_phone(phone)
    photo_slot = upload(phone, "photo", id_photo(tmp_path / "白底证件照.jpg"))
    expect(photo_slot.locator(".tag")).to_have_text("已上传")
    expect(photo_slot.get_by_role("status")).to_contain_text("“白底证件照”已上传")
    phone.get_by_role("link", name="下一步：核对并提交").click()

    expect(phone).to_have_url(re.compile(rf"/applications/{pk}/review/$"))
    expect(phone.get_by_text("还缺以下内容")).to_have_count(0)
    resubmit = phone.get_by_role("button", name="重新提交")
    expect(resubmit).to_be_enabled()
    assert_fits_phone(phone)
    resubmit.click()
    expect(phone).to_have_url(re.compile(rf"/applications/{pk}/$"))
    expect(phone.locator("dl.summary")).to_contain_text("已提交，待初审")
    expect(phone.get_by_role("alert")).to_have_count(0)
    expect(phone.locator("ol.timeline")).to_contain_text("初审退回修改")
    expect(phone.locator("ol.timeline")).to_contain_text("修改后重新提交")

    # Back at the city: the queue marks the resubmission; the new photo is white; approve.
    city.goto("/staff/review/")
    expect(queue_row(city, "王小明")).to_contain_text("重新提交")
    shot(city, "review-queue-resubmitted")
    queue_row(city, "王小明").get_by_role("link", name="王小明").click()
    expect(status_of(city)).to_have_text("已提交，待初审")
    assert_colour(pixel_at(city.get_by_role("img", name="白底证件照"), 3, 3), WHITE)
    city.get_by_role("button", name="审核通过").click()
    expect(city).to_have_url(screen_url)
    expect(city.get_by_role("status")).to_have_text("已审核通过。")
    expect(status_of(city)).to_have_text("初审通过，待复审")
    expect(city.locator("#decide")).to_have_count(0)

    # The association's queue shows 初审通过，待复审 by default.
    association = desk()
    open_queue(association, "alice")
    row = queue_row(association, "王小明")
    expect(row).to_contain_text("初审通过，待复审")
    expect(association.locator("#results tbody tr")).to_have_count(1)  # 李华 is still at 初审
    expect(queue_row(association, "李华")).to_have_count(0)
    shot(association, "review-queue-association")
    row.get_by_role("link", name="王小明").click()
    expect(association).to_have_url(screen_url)
    rounds = association.get_by_role("heading", name="审核记录").locator("xpath=..")
    expect(rounds).to_contain_text("初审（协办单位） · 退回修改")
    expect(rounds).to_contain_text("初审（协办单位） · 通过")
    association.get_by_role("button", name="审核通过").click()
    expect(association.get_by_role("status")).to_have_text("已审核通过。")
    expect(status_of(association)).to_have_text("审核通过")
    expect(association.locator("#decide")).to_have_count(0)
    expect(association.get_by_role("heading", name="纸质申报表")).to_be_visible()
    shot(association, "review-screen-approved")

    # The applicant: approved, and what to do next.
    phone.reload()
    expect(phone.locator("dl.summary")).to_contain_text("审核通过")
    approved = phone.locator(".notice-success")
    expect(approved).to_contain_text("审核通过")
    expect(approved).to_contain_text("《申报表》原件")
    expect(approved).to_contain_text("缴费")
    expect(approved).to_contain_text(re.compile(r"缴费时间：\d+月\d+日 至 \d+月\d+日"))
    expect(phone.locator("ol.timeline")).to_contain_text("复审通过")
    expect(unread_badge(phone)).to_have_text(re.compile(r"^4 条未读"))  # 申报已提交 ×2, 初审已通过, 资格审核已通过
    shot(phone, "review-applicant-approved")
    assert_fits_phone(phone)
    main_nav(phone).get_by_role("link", name=re.compile(r"^消息")).click()
    expect(phone.locator("article.card").first.get_by_role("link")).to_have_text("资格审核已通过")


def test_the_regulator_only_reads_and_another_city_cannot_open_it(desk, submitted, elsewhere, shot):
    screen = f"/staff/review/{submitted.pk}/"

    regulator = desk()
    open_queue(regulator, "hohhot-reg")
    regulator.get_by_role("link", name=re.compile(r"^已提交，待初审")).click()
    row = queue_row(regulator, "王小明")
    expect(row).to_contain_text("已提交，待初审")
    expect(row.locator("input[type=checkbox]")).to_have_count(0)
    expect(queue_row(regulator, "李华")).to_have_count(0)  # 包头's
    expect(regulator.get_by_role("button", name=re.compile("批量通过"))).to_have_count(0)
    row.get_by_role("link", name="王小明").click()
    expect(regulator).to_have_url(re.compile(rf"{screen}$"))
    expect(regulator.get_by_role("heading", level=1)).to_contain_text("王小明")
    expect(status_of(regulator)).to_have_text("已提交，待初审")
    # Supervision reads the record, not the materials: no scan, photo or printout is embedded.
    expect(regulator.get_by_role("img", name="白底证件照")).to_have_count(0)
    expect(regulator.get_by_text("本角色不能查看").first).to_be_visible()
    expect(regulator.get_by_role("link", name="下载申报表 PDF")).to_have_count(0)
    expect(regulator.get_by_role("heading", name="审核结论")).to_have_count(0)
    expect(regulator.get_by_role("button", name="审核通过")).to_have_count(0)
    expect(regulator.get_by_role("button", name="退回修改")).to_have_count(0)
    expect(regulator.locator("details")).to_have_count(0)
    shot(regulator, "review-screen-regulator")

    baotou = desk()
    log_in(baotou, "baotou-co")
    expect(baotou).to_have_url(re.compile(r"/staff/$"))
    response = baotou.goto(screen)
    assert response.status == 404
    expect(baotou.get_by_role("heading", level=1)).to_have_text("页面不存在")
    main_nav(baotou).get_by_role("link", name="资格审核").click()
    expect(queue_row(baotou, "李华")).to_have_count(1)
    expect(queue_row(baotou, "王小明")).to_have_count(0)
    baotou.goto("/staff/review/?status=&text=王小明")
    expect(baotou.locator("#results tbody tr")).to_have_text("没有符合条件的申报。")


def test_the_reviewers_note_reaches_the_applicant(phone: Page, desk, submitted, shot):
    note = "照片背景偏蓝，请到照相馆重新拍摄白底证件照。"
    city = desk()
    log_in(city, "hohhot-co")
    city.goto(f"/staff/review/{submitted.pk}/")
    city.locator("#decide summary").click()
    city.get_by_label("白底证件照", exact=True).check()
    city.get_by_label("白底证件照 常用原因").select_option(label="照片不是白底")
    city.get_by_label("给申报人的说明（可选）", exact=True).fill(note)
    city.get_by_role("button", name="退回修改", exact=True).click()
    expect(city.get_by_role("status")).to_have_text("已退回申报人修改。")

    # The applicant's application page says it, beside the item to fix.
    log_in(phone, "13800000001")
    phone.goto(f"/applications/{submitted.pk}/")
    returned = phone.get_by_role("alert")
    expect(returned).to_contain_text("审核人的说明")
    expect(returned).to_contain_text(note)
    expect(returned.locator("li")).to_have_text("白底证件照：照片不是白底")
    shot(phone, "review-applicant-note")
    assert_fits_phone(phone)

    # And so does the inbox message.
    main_nav(phone).get_by_role("link", name=re.compile(r"^消息")).click()
    phone.locator("article.card").first.get_by_role("link", name="申报被退回，请修改").click()
    message = phone.locator("main .card")
    expect(message).to_contain_text(f"审核说明：{note}")
    expect(message).to_contain_text("1. 白底证件照：照片不是白底")
    assert_fits_phone(phone)


def test_a_pdf_opens_in_place_on_the_review_screen(desk, people, open_campaign, shot):
    from applications import services
    from applications.tests.fixtures import fill
    from applications.tests.uploadfixtures import text_pdf

    applicant = people["applicant"]
    application = fill(services.start_application(applicant, open_campaign))
    services.upload_document(applicant, application, "photo", tinted_photo(WHITE), "证件照.jpg")
    for shade, slot in enumerate(("id_front", "id_back", "diploma"), start=1):
        services.upload_document(applicant, application, slot, tinted_photo((250 - shade, 250, 250)), f"{slot}.jpg")
    services.upload_document(
        applicant, application, "pledge", text_pdf("本人承诺所填信息真实有效。" * 20), "承诺书.pdf"
    )
    application = services.submit_application(applicant, application)

    city = desk()
    log_in(city, "hohhot-co")
    pdf_url = f"/applications/{application.pk}/documents/pledge/"
    refused = []
    city.on("console", lambda m: refused.append(m.text) if "Refused to display" in m.text else None)
    with city.expect_response(lambda r: r.url.split("#")[0].endswith(pdf_url)) as framed:
        city.goto(f"/staff/review/{application.pk}/")
    assert framed.value.status == 200 and framed.value.headers["x-frame-options"] == "SAMEORIGIN"
    frame = city.locator("iframe[title='诚信承诺书（签字）']")
    expect(frame).to_be_visible()
    assert frame.bounding_box()["height"] > 300
    expect(city).to_have_url(re.compile(rf"/staff/review/{application.pk}/$"))  # still on the screen
    new_tab = city.get_by_role("link", name="在新窗口打开")
    expect(new_tab).to_have_attribute("target", "_blank")
    assert refused == []
    shot(city, "review-screen-pdf")
