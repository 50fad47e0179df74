"""The exam stage of the demo (`make run`): a rehearsal campaign whose tickets are published,
with a 呼和浩特 site and rooms, seated paid candidates, staff assigned, and the invigilator's account.
Its exam is on the day the demo is loaded, so the invigilator can check candidates in at once
(`make demo-refresh` moves it to today again).

Everything goes through the real use cases: submit, both reviews, an offline payment, then the
site, rooms, staff, seating and publication by the city's co-organizer, who then hands in the
site's 考务手册 (rendered by the loader itself, dated the day before it was due)."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from applications import lifecycle
from applications.demo import _documents, _fill
from applications.generator import generate
from applications.models import Application, Status
from applications.services import submit_application
from catalog.fees import ensure_demo_fees
from catalog.models import City
from catalog.services import demo_windows, ensure_demo_campaign, move_campaign_windows
from exams.models import ExamStaff, Room, Site
from exams.services import arranging, handbook, handbook_files, publishing, setup
from payments.services.offline import record_offline_payment
from payments.services.orders import ensure_order
from skillcert.lib.workdays import CalendarNotCovered
from skillcert.refusals import TransitionRefused

SLUG = "demo-exam"
OTHERS = 24  # generated candidates seated beside the demo applicant


def ensure_exam_demo(today, *, applicant, city_reviewer, association, invigilator) -> list[str]:
    """Idempotent; says what it did."""
    # Its exam is moved to today below: the 年度 (and so the ticket numbers) is today's year.
    campaign, created = ensure_demo_campaign(today, slug=SLUG, label="演示批次·考试阶段", year=today.year)
    ensure_demo_fees(campaign)
    if not created:
        return [f"考试阶段演示批次已存在：{campaign.title}"]
    hohhot = City.objects.get(code="hohhot")
    try:
        with transaction.atomic():
            mine = _fill(applicant, campaign, occupation="4-12-01-01", level=4)
            _documents(applicant, mine)
            mine = submit_application(applicant, mine)
            generate(campaign, OTHERS, seed=11)
            others = Application.objects.filter(campaign=campaign, status=Status.SUBMITTED).exclude(pk=mine.pk)
            others.update(city=hohhot)  # the generator spreads its people over the cities
            approved = []
            for application in [mine, *others]:
                application = lifecycle.approve(city_reviewer, application, tier="city")
                approved.append(lifecycle.approve(association, application, tier="association"))
        windows = demo_windows(today)
        campaign = move_campaign_windows(campaign, days=-((windows["payment_opens"] - today).days + 1))
        with transaction.atomic():
            pay_offline(association, approved, today, receipt_prefix="DEMO-EXAM")
            site = _site(city_reviewer, campaign, hohhot, invigilator)
            arranging.apply_seating(city_reviewer, campaign, hohhot, seed=2023, spacing="none", version=None)
            given = publishing.publish(city_reviewer, campaign, hohhot)
            campaign = move_campaign_windows(campaign, days=(today - campaign.exam_date).days)
        _hand_in_handbook(city_reviewer, site)
    except TransitionRefused as refusal:
        return [f"考试阶段演示未创建：{refusal}"]
    ticket = Application.objects.get(pk=mine.pk).ticket
    return [
        f"{campaign.title}：{site.name} 2 个考场，{given} 名考生已排座并发布准考证",
        f"考试日 {campaign.exam_date}（今天）：监考员可签到；`make demo-refresh` 把它移到新的今天",
        f"{applicant.full_name}：准考证号 {ticket.number}，可在申报详情页查看考场座位并下载准考证",
    ]


def pay_offline(association, approved: list[Application], today, *, receipt_prefix: str) -> None:
    """Each approved application paid by bank transfer, recorded by the association."""
    for n, application in enumerate(approved, start=1):
        order = ensure_order(application)
        record_offline_payment(
            association,
            order,
            channel="bank_transfer",
            receipt_number=f"{receipt_prefix}-{n:03d}",
            amount=str(order.amount),
            paid_on=today,
        )


def _hand_in_handbook(desk, site: Site) -> None:
    """The site's 考务手册 rendered here (the loader is no request) and handed in on time: the day
    before its due day, as a co-organizer would have before this exam day."""
    site = Site.objects.select_related("campaign", "city").get(pk=site.pk)
    status = handbook_files.current_status(site)  # queues its render row
    handbook_files.run_render(site.pk, status.fingerprint)
    try:
        due = site.campaign.handbook_due
    except CalendarNotCovered:  # the exam's year has no holiday schedule yet: the page says 待公布
        return
    on_time = timezone.make_aware(datetime.combine(due - timedelta(days=1), time(16, 0)))
    handbook.submit(desk, site, now=on_time)


def _site(desk, campaign, city, invigilator) -> Site:
    site = setup.save_site(
        desk,
        Site(
            campaign=campaign,
            city=city,
            name="呼和浩特市技工学校考点",
            address="呼和浩特市回民区海拉尔西路182号",
            office_phone="0471-3593366",
            contact_name="赵老师",
        ),
    )
    rooms = [
        setup.save_room(
            desk,
            Room(
                site=site,
                number="01",
                building="教学楼",
                floor="2层",
                rows=4,
                columns=5,
                unusable=[[4, 5]],
                accessible=[[1, 1]],
            ),
        ),
        setup.save_room(
            desk, Room(site=site, number="02", building="教学楼", floor="2层", rows=4, columns=5, position=1)
        ),
    ]
    people = [
        ("监考员甲", "呼和浩特市第二中学", invigilator),
        ("监考员乙", "呼和浩特市第五中学", None),
        ("监考员丙", "呼和浩特市职业学院", None),
        ("监考员丁", "内蒙古师范大学", None),
    ]
    staff = [
        setup.save_staff(desk, ExamStaff(campaign=campaign, city=city, site=site, name=name, work_unit=unit, user=user))
        for name, unit, user in people
    ]
    for session in campaign.sessions.all():
        for index, member in enumerate(staff):
            setup.assign_staff(desk, member, room=rooms[index // 2], session=session)
    return site
