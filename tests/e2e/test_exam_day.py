"""Exam day in the browser (the issue's "Done means"): the co-organizer creates a site and a room,
seats the city and publishes; the applicant downloads the ticket; the invigilator, on a phone with
the network cut, checks two candidates in (one by the ticket's QR text, verified in the page
against the cached JWK set, one by the typed number), comes back online, syncs, marks the rest
absent, and the room's absent list is right. A second test films the ticket's QR with Chromium's fake
camera: the page decodes it (zxing-wasm) and verifies it (jose) by itself."""

import io
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from .test_public_pages import log_in
from .test_review import PALE_BLUE, tinted_photo


@pytest.fixture
def exam_city(people, catalog_2023):
    """The demo campaign with its sessions today; 王小明 (with a photo) and two others paid in 呼和浩特;
    an invigilator account of 呼和浩特 with its ExamStaff row (assigned once the room exists)."""
    from accounts.models import Role, User
    from applications import services
    from applications.models import Application, Status
    from applications.tests.fixtures import fill
    from catalog.models import City
    from catalog.services import ensure_demo_campaign
    from conftest import PASSWORD
    from exams.models import ExamStaff
    from exams.tests.fixtures import paid_candidates

    campaign, _created = ensure_demo_campaign(timezone.localdate())
    campaign.sessions.update(date=timezone.localdate())
    applicant = people["applicant"]
    application = fill(services.start_application(applicant, campaign))
    services.upload_document(applicant, application, "photo", tinted_photo(PALE_BLUE), "证件照.jpg")
    Application.objects.filter(pk=application.pk).update(status=Status.PAID)  # paying is another test's story
    others = paid_candidates(campaign, 2)
    hohhot = City.objects.get(code="hohhot")
    user = User.objects.create_user(
        "hohhot-invigilator", PASSWORD, role=Role.INVIGILATOR, city=hohhot, full_name="监考员甲"
    )
    staff = ExamStaff.objects.create(campaign=campaign, city=hohhot, name="监考员甲", work_unit="某中学", user=user)
    return {"campaign": campaign, "mine": application, "others": others, "staff": staff}


def accept_dialogs(page: Page) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def arrange_and_publish(page: Page) -> None:
    """The co-organizer's desk: a site, one written room of 2 × 3 seats, seating, publication."""
    accept_dialogs(page)
    log_in(page, "hohhot-co")
    page.goto("/staff/exams/?campaign=demo")
    page.get_by_role("link", name="新增考点").click()
    page.get_by_label("考点名称").fill("呼和浩特市第一考点")
    page.get_by_label("地址").fill("新华大街 1 号")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("考点已保存。")).to_be_visible()
    page.get_by_role("link", name="新增考场").click()
    page.get_by_label("考场号").fill("01")
    page.get_by_label("排数").fill("2")
    page.get_by_label("每排座位数").fill("3")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("考场已保存。")).to_be_visible()
    page.goto("/staff/exams/seating/?campaign=demo")
    page.get_by_role("button", name="预览编排").click()
    page.get_by_role("button", name="应用此编排").click()
    page.goto("/staff/exams/?campaign=demo")
    page.get_by_role("button", name="发布准考证").click()
    expect(page.get_by_text("准考证已发布", exact=True)).to_be_visible()


def download_ticket(page: Page, application) -> None:
    log_in(page, application.applicant.phone)  # 王小明 logs in with his phone number
    page.goto(f"/applications/{application.pk}/")
    expect(page.get_by_text(application.ticket.number)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("下载准考证")).click()
    assert download.value.suggested_filename == f"ticket-{application.ticket.number}.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def go_offline(context: BrowserContext) -> None:
    """The network cut for the page and for its service worker (Playwright's offline mode alone does
    not reach a service worker's own fetches)."""
    context.set_offline(True)
    context.route("**/*", lambda route: route.abort("internetdisconnected"))


def go_online(context: BrowserContext) -> None:
    context.unroute("**/*")
    context.set_offline(False)


def qr_text(application) -> str:
    """What the ticket's QR holds, signed as the ticket view signs it."""
    from exams import selectors
    from exams.tickets import signed_qr, ticket_facts

    info = selectors.exam_info_for(application, timezone.localdate())
    return signed_qr(ticket_facts(application, info))


def test_the_invigilator_checks_in_offline_syncs_and_the_absent_list_is_right(phone: Page, desk, exam_city, shot):
    from applications.models import Application
    from audit.models import AuditEvent
    from exams.models import CheckIn, Room, Scan, StaffAssignment
    from exams.services.checkin import MANIFEST_DOWNLOADED

    arrange_and_publish(desk())
    room = Room.objects.get(number="01")
    session = exam_city["campaign"].sessions.order_by("starts_at").first()
    StaffAssignment.objects.create(staff=exam_city["staff"], room=room, session=session)
    mine = Application.objects.select_related("ticket").get(pk=exam_city["mine"].pk)
    download_ticket(desk(), mine)
    first, second = mine, Application.objects.select_related("ticket").get(pk=exam_city["others"][0].pk)
    absent = exam_city["others"][1]

    # The invigilator's phone: log in, today's room, the manifest kept on the phone.
    accept_dialogs(phone)
    log_in(phone, "hohhot-invigilator")
    expect(phone).to_have_url(re.compile(r"/exam-day/$"))
    phone.get_by_role("link", name=re.compile("第01考场")).click()
    expect(phone.locator("#checkin")).to_have_attribute("data-ready", "true")
    expect(phone.locator("#roster li")).to_have_count(3)
    expect(phone.locator("#checkin")).to_have_attribute("data-offline", "ready")
    expect(phone.locator("#card")).to_be_hidden()  # no candidate yet: no empty photo, no buttons

    go_offline(phone.context)
    phone.reload()  # the page, its scripts and the manifest come from the phone itself
    expect(phone.locator("#checkin")).to_have_attribute("data-ready", "true")
    expect(phone.locator("#net")).to_have_text("离线")
    assert AuditEvent.objects.filter(action=MANIFEST_DOWNLOADED).count() == 1  # the server was not asked

    token = qr_text(first)
    header, payload, signature = token.split(".")
    phone.evaluate("text => window.checkin.find(text)", f"{header}.{payload[:-4]}AAAA.{signature}")
    expect(phone.locator("#message")).to_contain_text("签名无效")
    expect(phone.locator("#card")).to_be_hidden()
    phone.evaluate("text => window.checkin.find(text)", token)  # as the camera would read it
    expect(phone.locator("#card-name")).to_have_text(first.full_name)
    expect(phone.locator("#card-photo")).to_have_attribute("src", re.compile(r"^data:image/jpeg;base64,"))
    phone.locator("#card").get_by_role("button", name="到考").click()

    phone.get_by_label("或输入准考证号").fill(second.ticket.number)
    phone.get_by_role("button", name="查找").click()
    expect(phone.locator("#card-name")).to_have_text(second.full_name)
    phone.locator("#card").get_by_role("button", name="到考").click()
    expect(phone.locator("#pending")).to_have_text("2")
    shot(phone, "exam-day-offline")
    assert not Scan.objects.exists()  # nothing left the phone

    go_online(phone.context)
    phone.get_by_role("button", name="同步").click()
    expect(phone.locator("#pending")).to_have_text("0")
    expect(phone.locator("#message")).to_have_text("已同步。")
    phone.get_by_role("button", name="其余考生记为缺考").click()  # the confirm is accepted
    expect(phone.locator("#counts")).to_contain_text("缺考 1")
    expect(phone.locator("#roster")).not_to_contain_text("待同步")  # the absence has reached the server
    expect(phone.locator("#pending")).to_have_text("0")

    outcomes = dict(CheckIn.objects.values_list("application_id", "outcome"))
    assert outcomes == {first.pk: "present", second.pk: "present", absent.pk: "absent"}
    desk_page = desk()
    log_in(desk_page, "hohhot-reg")
    desk_page.goto(f"/exam-day/rooms/{room.pk}/sessions/{session.pk}/status/")
    expect(desk_page.locator("#absent-list li")).to_have_text([absent.full_name])
    shot(phone, "exam-day-synced")


def qr_video(path, text: str) -> str:
    """A Y4M clip of the ticket's QR code, for Chromium's fake camera (--use-file-for-fake-video-capture)."""
    import segno
    from PIL import Image

    width, height = 640, 480
    symbol = segno.make(text, error="m")
    modules = symbol.symbol_size(scale=1, border=4)[0]
    scale = min(width, height) // modules
    out = io.BytesIO()
    symbol.save(out, kind="png", scale=scale, border=4)
    code = Image.open(io.BytesIO(out.getvalue())).convert("L")
    frame = Image.new("L", (width, height), 255)
    frame.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    chroma = bytes([128]) * (width * height // 2)  # 4:2:0, grey: U and V planes of a quarter each
    with open(path, "wb") as handle:
        handle.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(5):
            handle.write(b"FRAME\n" + frame.tobytes() + chroma)
    return str(path)


@pytest.fixture
def published_room(exam_city, people):
    """The city seated and published in Python (the first test does it in the browser); the invigilator on room 01."""
    from exams.models import Room, Site, StaffAssignment
    from exams.services import arranging, publishing

    campaign, co = exam_city["campaign"], people["hohhot_co"]
    site = Site.objects.create(campaign=campaign, city=co.city, name="呼和浩特市第一考点", address="新华大街 1 号")
    room = Room.objects.create(site=site, number="01", rows=2, columns=3)
    arranging.apply_seating(co, campaign, co.city, seed=1, spacing="none", version=0)
    publishing.publish(co, campaign, co.city)
    session = campaign.sessions.order_by("starts_at").first()
    StaffAssignment.objects.create(staff=exam_city["staff"], room=room, session=session)
    return room


def test_the_camera_reads_the_tickets_qr_and_the_page_verifies_it(
    browser, live_server, published_room, exam_city, tmp_path
):
    """A second Chromium whose fake camera films the ticket's QR: zxing-wasm decodes it, jose verifies it."""
    from applications.models import Application

    from .conftest import CHROMIUM_ARGS, PHONE_WIDTH

    mine = Application.objects.get(pk=exam_city["mine"].pk)
    clip = qr_video(tmp_path / "ticket.y4m", qr_text(mine))
    camera = browser.browser_type.launch(
        executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={clip}",
        ],
    )
    try:
        context = camera.new_context(
            viewport={"width": PHONE_WIDTH, "height": 844},
            is_mobile=True,
            has_touch=True,
            locale="zh-CN",
            base_url=live_server.url,
            permissions=["camera"],
        )
        page = context.new_page()
        log_in(page, "hohhot-invigilator")
        page.get_by_role("link", name=re.compile("第01考场")).click()
        expect(page.locator("#checkin")).to_have_attribute("data-ready", "true")
        page.get_by_role("button", name="扫描准考证二维码").click()
        expect(page.locator("#card-name")).to_have_text(mine.full_name, timeout=20_000)
        expect(page.locator("#message")).to_be_hidden()
    finally:
        camera.close()
