"""An applicant applies on a phone: six steps, uploads, submit, then the printed 申报表."""

import re
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .test_public_pages import assert_fits_phone, log_in

A4_WIDTH, A4_HEIGHT = 595.27, 841.89
IMAGE_SLOTS = ("id_front", "id_back", "diploma", "pledge")  # every slot of 初次申报 四级 but the photo


@pytest.fixture
def open_campaign(catalog_2023):
    """The demo campaign, registration open today; the home page features it."""
    from catalog.services import ensure_demo_campaign

    campaign, _created = ensure_demo_campaign(timezone.localdate())
    return campaign


def id_photo(path: Path) -> Path:
    """A 一寸-like portrait (413 × 579, ratio 1.40): white background, a dark figure in the middle."""
    width, height = 413, 579
    image = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.3, height * 0.18, width * 0.7, height * 0.62), fill=(226, 190, 160))  # face
    draw.ellipse((width * 0.28, height * 0.12, width * 0.72, height * 0.32), fill=(30, 25, 25))  # hair
    draw.rectangle((width * 0.1, height * 0.7, width * 0.9, height), fill=(35, 40, 60))  # shoulders
    image.save(path, "JPEG", quality=90)
    return path


def scan(path: Path, shade: int) -> Path:
    """A landscape 'scan' (800 × 500 PNG), different for each slot."""
    image = Image.new("RGB", (800, 500), (250, 250, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 760, 460), outline=(20, 20, 20), width=6)
    draw.rectangle((80, 100, 80 + shade * 2, 160), fill=(shade, 60, 90))
    image.save(path, "PNG")
    return path


def upload(page: Page, slot: str, path: Path):
    """Choose a file for a slot: the page's script sends it at once and redraws the slot."""
    section = page.locator(f"#slot-{slot}")
    section.locator("input[type=file]").set_input_files(path)
    return section


def start_applying(page: Page) -> None:
    log_in(page, "13800000001")
    expect(page).to_have_url(re.compile(r"/accounts/me/$"))
    page.goto("/")
    page.get_by_role("link", name="我要报名").click()
    expect(page).to_have_url(re.compile(r"/campaigns/demo/apply/$"))
    page.get_by_role("button", name="开始填写").click()
    expect(page).to_have_url(re.compile(r"/applications/\d+/step/person/$"))


def application_pk(page: Page) -> int:
    return int(re.search(r"/applications/(\d+)/", page.url).group(1))


def current_step(page: Page):
    return page.get_by_role("navigation", name="填写步骤").locator("li[aria-current=step]")


def test_applicant_fills_six_steps_uploads_submits_and_downloads_the_form(
    phone: Page, people, open_campaign, shot, tmp_path
):
    start_applying(phone)
    pk = application_pk(phone)

    # 1. 基本信息
    expect(current_step(phone)).to_have_text("1. 基本信息")
    expect(phone.get_by_label("姓名")).to_have_value("王小明")
    expect(phone.get_by_label("联系电话")).to_have_value("13800000001")
    phone.get_by_label("民族", exact=True).fill("蒙古族")
    phone.get_by_label("文化程度").select_option(label="技工学校")
    expect(phone.get_by_label("所学专业与申报职业相关")).to_have_count(0)  # asked with the occupation
    phone.get_by_label("参加工作时间").fill("2005-07-01")
    phone.get_by_label("工作单位", exact=True).fill("呼和浩特市公路养护中心")
    phone.get_by_label("盟市", exact=True).select_option(label="呼和浩特市")
    shot(phone, "apply-1-person")
    assert_fits_phone(phone)
    phone.get_by_role("button", name="保存并继续").click()

    # 2. 申报职业与等级
    expect(phone).to_have_url(re.compile(r"/step/target/$"))
    expect(current_step(phone)).to_have_text("2. 申报职业与等级")
    phone.get_by_label("申报职业", exact=True).select_option(label="汽车维修工（4-12-01-01）")
    phone.get_by_label("申报等级").select_option(label="四级/中级工")
    phone.get_by_label("申报类别").select_option(label="初次申报")
    phone.get_by_label("本职业工龄（年）").fill("12")
    phone.get_by_label("所学专业与申报职业相关").check()
    shot(phone, "apply-2-target")
    assert_fits_phone(phone)
    phone.get_by_role("button", name="保存并继续").click()

    # 3. 申报类别信息: nothing to fill for 初次申报
    expect(phone).to_have_url(re.compile(r"/step/category/$"))
    expect(phone.get_by_text("初次申报无需填写证书、职称或退役军人信息。")).to_be_visible()
    shot(phone, "apply-3-category")
    assert_fits_phone(phone)
    phone.get_by_role("link", name="下一步", exact=True).click()

    # 4. 工作简历与业绩
    expect(phone).to_have_url(re.compile(r"/step/record/$"))
    phone.get_by_label("工作简历").fill(
        "2005.07—2012.06 呼和浩特市公路养护中心 汽车修理工\n2012.07—至今 呼和浩特市公路养护中心 维修班班长"
    )
    phone.get_by_label("技术革新、技术攻关和技能竞赛成绩及传授技艺情况").fill("2019 年全市汽车维修技能竞赛三等奖。")
    phone.get_by_label("技术特长与业绩").fill("擅长发动机电控系统故障诊断。")
    shot(phone, "apply-4-record")
    assert_fits_phone(phone)
    phone.get_by_role("button", name="保存并继续").click()
    expect(phone).to_have_url(re.compile(rf"/applications/{pk}/documents/$"))

    # 5. 上传材料: one page; each chosen file goes up at once. A bad photo first, refused in place
    expect(current_step(phone)).to_have_text("5. 上传材料")
    expect(phone.locator("section.slot")).to_have_count(5)
    for section in phone.locator("section.slot").all():
        expect(section.locator(".tag")).to_have_text("未上传")
    expect(phone.get_by_role("button", name="上传所选文件")).to_be_hidden()  # the script uploads on choosing
    not_a_photo = tmp_path / "photo.jpg"
    not_a_photo.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(2000))
    with phone.expect_response(re.compile(r"/documents/$")):
        photo_slot = upload(phone, "photo", not_a_photo)
    expect(photo_slot.locator(".error-message")).to_contain_text("检测到可执行程序")
    expect(photo_slot).to_have_class(re.compile(r"\bfield-error\b"))
    expect(photo_slot.locator(".tag")).to_have_text("未上传")
    shot(phone, "apply-5-upload-error")
    assert_fits_phone(phone)

    photo_slot = upload(phone, "photo", id_photo(tmp_path / "证件照.jpg"))
    expect(photo_slot.locator(".tag")).to_have_text("已上传")
    expect(photo_slot.get_by_role("status")).to_contain_text("“白底证件照”已上传")
    expect(photo_slot.locator(".error-message")).to_have_count(0)
    for shade, slot in enumerate(IMAGE_SLOTS, start=1):  # chosen one after another, sent in turn
        upload(phone, slot, scan(tmp_path / f"{slot}.png", shade * 40))
    for section in phone.locator("section.slot").all():
        expect(section.locator(".tag")).to_have_text("已上传")
    expect(phone.locator("#upload-count")).to_have_text("已上传 5 / 5 项")
    shot(phone, "apply-5-documents")
    assert_fits_phone(phone)
    phone.get_by_role("link", name="下一步：核对并提交").click()

    # 6. 核对并提交
    expect(phone).to_have_url(re.compile(r"/review/$"))
    expect(phone.get_by_text("符合申报条件。")).to_be_visible()
    expect(phone.get_by_text("还缺以下内容")).to_have_count(0)
    summary = phone.locator("main")
    expect(summary).to_contain_text("王小明")
    expect(summary).to_contain_text("汽车维修工")
    expect(summary).to_contain_text("四级/中级工")
    expect(summary).to_contain_text("2005年7月")
    expect(summary).to_contain_text("138****0001")
    expect(phone.locator("#review-record")).to_contain_text("维修班班长")
    expect(phone.locator("#review-documents .tag-ok")).to_have_count(5)
    phone.locator("#review-target").get_by_role("link", name="修改").click()
    expect(phone).to_have_url(re.compile(r"/step/target/$"))
    expect(phone.get_by_label("所学专业与申报职业相关")).to_be_checked()
    phone.go_back()
    shot(phone, "apply-6-review")
    assert_fits_phone(phone)
    phone.get_by_role("button", name="提交申报").click()

    # The detail page: status and what happened
    expect(phone).to_have_url(re.compile(r"/applications/\d+/$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的申报")
    expect(phone.locator("dl.summary")).to_contain_text("已提交，待初审")
    expect(phone.get_by_role("status")).to_contain_text("申报已提交")
    timeline = phone.locator("ol.timeline li")
    labels = [re.sub(r"^\S+ \S+ ", "", text) for text in timeline.all_inner_texts()]
    assert labels[0] == "开始填写" and labels[-1] == "提交申报", labels
    # routine saves and uploads are folded: one line each, the uploads naming every document
    assert len(labels) == 4 and labels[1].startswith("保存草稿 ×"), labels
    assert labels[2].startswith("上传材料 ×5：白底证件照、身份证正面、身份证反面、学历证书、诚信承诺书（签字）"), labels
    shot(phone, "apply-7-detail")
    assert_fits_phone(phone)

    # The filled 申报表, as an A4 PDF
    with phone.expect_download() as download_info:
        phone.get_by_role("link", name=re.compile("下载申报表")).click()
    download = download_info.value
    assert download.suggested_filename == "申报表-王小明.pdf"
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    reader = PdfReader(pdf_path)
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(A4_WIDTH, abs=1)
        assert float(page.mediabox.height) == pytest.approx(A4_HEIGHT, abs=1)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "王小明" in text and "汽车维修工" in text


def test_a_level_the_campaign_does_not_offer_is_refused_in_place(phone: Page, people, open_campaign, shot):
    start_applying(phone)
    phone.get_by_role("navigation", name="填写步骤").get_by_role("link", name="2. 申报职业与等级").click()
    expect(phone).to_have_url(re.compile(r"/step/target/$"))

    phone.get_by_label("申报职业", exact=True).select_option(label="保卫管理员（3-02-02-00）")  # offers 3、2、1 only
    phone.get_by_label("申报等级").select_option(label="五级/初级工")
    phone.get_by_label("申报类别").select_option(label="初次申报")
    phone.get_by_label("本职业工龄（年）").fill("3")
    phone.get_by_role("button", name="保存并继续").click()

    expect(phone).to_have_url(re.compile(r"/step/target/$"))
    expect(phone.locator("#id_level-error")).to_have_text("本批次“保卫管理员”只开设 3、2、1 级。")
    expect(phone.locator(".error-summary")).to_contain_text("只开设 3、2、1 级")
    # What was chosen is kept, so only the level needs changing.
    expect(phone.get_by_label("申报职业", exact=True)).to_have_value(re.compile(r"\d+"))
    expect(phone.get_by_label("申报职业", exact=True).locator("option:checked")).to_have_text(
        "保卫管理员（3-02-02-00）"
    )
    expect(phone.get_by_label("本职业工龄（年）")).to_have_value("3")
    shot(phone, "apply-level-not-offered")
    assert_fits_phone(phone)


def test_saving_the_last_form_step_leads_to_the_uploads(phone: Page, people, open_campaign):
    start_applying(phone)
    pk = application_pk(phone)
    phone.goto(f"/applications/{pk}/step/record/")
    phone.get_by_label("工作简历").fill("2005.07—至今 呼和浩特市公路养护中心 汽车修理工")
    phone.get_by_role("button", name="保存并继续").click()

    expect(phone).to_have_url(re.compile(rf"/applications/{pk}/documents/$"), timeout=3_000)
    expect(phone.get_by_role("heading", level=1)).to_have_text("上传材料")


def test_the_phone_number_is_a_one_line_field(phone: Page, people, open_campaign):
    start_applying(phone)

    field = phone.get_by_label("联系电话")
    expect(field).to_have_value("13800000001")
    expect(field).to_have_js_property("tagName", "INPUT", timeout=1_000)
    expect(field).to_have_attribute("inputmode", "tel", timeout=1_000)


def test_without_javascript_one_submit_uploads_every_chosen_file(
    browser, live_server, django_db_serialized_rollback, people, open_campaign, shot, tmp_path
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", base_url=live_server.url, java_script_enabled=False
    )
    phone = context.new_page()
    try:
        start_applying(phone)
        pk = application_pk(phone)
        phone.goto(f"/applications/{pk}/documents/")
        upload(phone, "photo", id_photo(tmp_path / "证件照.jpg"))
        for shade, slot in enumerate(IMAGE_SLOTS[:2], start=1):
            upload(phone, slot, scan(tmp_path / f"{slot}.png", shade * 40))
        phone.get_by_role("button", name="上传所选文件").click()

        expect(phone).to_have_url(re.compile(rf"/applications/{pk}/documents/#slot-"))
        for slot in ("photo", *IMAGE_SLOTS[:2]):
            expect(phone.locator(f"#slot-{slot} .tag")).to_have_text("已上传")
        expect(phone.locator(f"#slot-{IMAGE_SLOTS[2]} .tag")).to_have_text("未上传")
        expect(phone.get_by_role("status").first).to_contain_text("已上传")
        expect(phone.locator("#upload-count")).to_have_text("已上传 3 / 5 项")
        shot(phone, "apply-5-documents-without-js")
        assert_fits_phone(phone)
    finally:
        context.close()


def test_withdrawing_asks_first_and_a_no_keeps_the_application(phone: Page, people, complete_draft):
    log_in(phone, "13800000001")
    expect(phone).to_have_url(re.compile(r"/accounts/me/$"))
    phone.goto(f"/applications/{complete_draft.pk}/")
    asked = []

    def answer(dialog, accept):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    posted = []
    phone.on("request", lambda request: posted.append(request.url) if request.method == "POST" else None)
    phone.once("dialog", lambda dialog: answer(dialog, False))
    phone.get_by_role("button", name="撤回申报").click()
    expect(phone.locator("dl.summary")).to_contain_text("草稿")
    assert asked == ["确定撤回这份申报吗？"] and posted == []

    phone.once("dialog", lambda dialog: answer(dialog, True))
    phone.get_by_role("button", name="撤回申报").click()
    expect(phone.get_by_role("status")).to_contain_text("申报已撤回")
    expect(phone.locator("dl.summary")).to_contain_text("已撤回")


def test_each_chosen_file_shows_its_progress_and_waits_its_turn(phone: Page, people, open_campaign, tmp_path):
    start_applying(phone)
    pk = application_pk(phone)
    phone.goto(f"/applications/{pk}/documents/")
    sent, held = [], []

    def hold_the_first(route):  # the first upload waits until the test lets it go
        sent.append(route.request.url)
        if len(sent) == 1:
            held.append(route)
        else:
            route.continue_()

    phone.route(re.compile(r"/documents/$"), hold_the_first)
    photo = upload(phone, "photo", id_photo(tmp_path / "证件照.jpg"))
    front = upload(phone, "id_front", scan(tmp_path / "front.png", 40))
    expect(photo.locator(".upload-state")).to_contain_text("正在上传")
    expect(photo.locator("progress")).to_be_visible()
    expect(front.locator(".upload-state")).to_have_text("等待上传…")  # one upload at a time
    assert len(sent) == 1

    held.pop().continue_()
    expect(photo.locator(".tag")).to_have_text("已上传")
    expect(front.locator(".tag")).to_have_text("已上传")
    expect(phone.locator("#upload-count")).to_have_text("已上传 2 / 5 项")
    assert len(sent) == 2
