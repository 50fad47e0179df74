"""The results stage of the demo (`make run`): a rehearsal campaign whose exam was a week ago, with
every score double-entered (one mismatch decided), one 综合评审 panel closed, the city's results in
publicity since today and one objection waiting for the regulator's answer.

Everything goes through the real use cases, as exams' demo does: submit, both reviews, offline
payments, the site and seating, publication, then exam day's outcomes (written as check-in leaves
them), the two entries by two regulator staff, the panel, publicity and an objection."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from applications import lifecycle
from applications.demo import _documents, _fill
from applications.generator import generate
from applications.models import Application, Status
from applications.services import submit_application
from catalog.fees import ensure_demo_fees
from catalog.models import Campaign, City, Occupation
from catalog.services import demo_windows, ensure_demo_campaign, move_campaign_windows
from exams.demo import _site, pay_offline
from exams.models import CheckIn, Outcome, Room, SeatAssignment
from exams.services import arranging, publishing
from scoring import selectors
from scoring.models import Expert, Panel, Review, Round
from scoring.services import entry, publicity, reviewing
from skillcert.refusals import TransitionRefused

SLUG = "demo-results"
OTHERS = 18
CRITERIA = [("业绩成果", 40), ("技术总结", 30), ("解决技术问题能力", 20), ("传授技艺", 10)]


def ensure_results_demo(
    today: date, *, applicant: User, co: User, association: User, regulators: list[User], experts: list[User]
) -> list[str]:
    """Idempotent; says what it did."""
    exam_day = today - timedelta(days=7)
    campaign, created = ensure_demo_campaign(today, slug=SLUG, label="演示批次·成绩阶段", year=exam_day.year)
    ensure_demo_fees(campaign)
    if not created:
        return [f"成绩阶段演示批次已存在：{campaign.title}"]
    hohhot = City.objects.get(code="hohhot")
    try:
        mine = _seated(today, campaign, hohhot, applicant=applicant, co=co, association=association)
        campaign.refresh_from_db()  # seating moved its windows to the payment days
        campaign = move_campaign_windows(campaign, days=(exam_day - campaign.exam_date).days)
        with transaction.atomic():
            _exam_day(campaign, hohhot)
            _entered(campaign, hohhot, *regulators[:2])
            panel = _panel(campaign, hohhot, regulators[0], association, experts)
            opened = publicity.open_publicity(regulators[0], campaign, hohhot, today=today)
            first = Application.objects.filter(pk=mine.pk).select_related("ticket").get()
            publicity.lodge_objection(
                opened,
                subject=first.ticket.number,
                text="本人估分理论知识考试应在 80 分以上，与公示成绩差距较大，申请复查答题卡。",
                contact_name=applicant.full_name,
                contact_phone="13800000002",
                today=today,
            )
    except TransitionRefused as refusal:
        return [f"成绩阶段演示未创建：{refusal}"]
    return [
        f"{campaign.title}：考试 {campaign.exam_date}，成绩已双人录入并确认，综合评审组「{panel.name}」已结束",
        f"呼和浩特市成绩公示中（{opened.opens_on} 至 {opened.closes_on}），有 1 项异议待人社监管部门答复",
        f"{applicant.full_name}：可在申报详情页看到各科成绩和结果；公示页面 /publicity/",
    ]


def _seated(
    today: date,
    campaign: Campaign,
    city: City,
    *,
    applicant: User,
    co: User,
    association: User,
    receipt_prefix: str = "DEMO-RESULTS",
) -> Application:
    """The demo applicant and the generated others submitted, approved, paid, seated and ticketed."""
    with transaction.atomic():
        mine = _fill(applicant, campaign, occupation="4-12-01-01", level=4)
        _documents(applicant, mine)
        mine = submit_application(applicant, mine)
        generate(campaign, OTHERS, seed=23)
        others = Application.objects.filter(campaign=campaign, status=Status.SUBMITTED).exclude(pk=mine.pk)
        others.update(city=city)
        approved = []
        for application in [mine, *others]:
            application = lifecycle.approve(co, application, tier="city")
            approved.append(lifecycle.approve(association, application, tier="association"))
    windows = demo_windows(today)
    campaign = move_campaign_windows(campaign, days=-((windows["payment_opens"] - today).days + 1))
    with transaction.atomic():
        pay_offline(association, approved, today, receipt_prefix=receipt_prefix)
        _site(co, campaign, city, None)
        arranging.apply_seating(co, campaign, city, seed=2024, spacing="none", version=None)
        publishing.publish(co, campaign, city)
    return mine


def _exam_day(campaign: Campaign, city: City, *, present: frozenset[int] = frozenset()) -> None:
    """Exam day as check-in left it: in each session one candidate absent, in theory one incident
    (never one of `present`)."""
    now = timezone.now()
    seats = list(
        SeatAssignment.objects.filter(room__site__campaign=campaign, room__site__city=city)
        .order_by("session__starts_at", "room__position", "row", "column")
        .select_related("session")
    )
    marked: dict[int, tuple[str, str]] = {}  # seat pk → (outcome, note)
    for session_id in dict.fromkeys(seat.session_id for seat in seats):
        others = [s for s in seats if s.session_id == session_id and s.application_id not in present]
        if others:
            marked[others[0].pk] = (Outcome.ABSENT, "")
        if len(others) > 1 and others[1].session.kind == "theory":
            marked[others[1].pk] = (Outcome.INCIDENT, "开考后将手机带入考场，已按规定处理")
    rows = [
        CheckIn(
            application_id=seat.application_id,
            session_id=seat.session_id,
            room_id=seat.room_id,
            outcome=marked.get(seat.pk, (Outcome.PRESENT, ""))[0],
            note=marked.get(seat.pk, (Outcome.PRESENT, ""))[1],
            recorded_at=now,
        )
        for seat in seats
    ]
    CheckIn.objects.bulk_create(rows)


def _entered(
    campaign: Campaign, city: City, first: User, second: User, *, passing: frozenset[int] = frozenset()
) -> None:
    """Every sheet entered by two people alike but one cell, which the first decides; all confirmed.
    Candidates in `passing` score at least 60 in every part."""
    sheets = SeatAssignment.objects.filter(room__site__campaign=campaign, room__site__city=city)
    slipped = False
    for index, (room_id, session_id) in enumerate(sorted(set(sheets.values_list("room", "session")))):
        room = Room.objects.select_related("site").get(pk=room_id)
        session = campaign.sessions.get(pk=session_id)
        sheet = entry.ensure_sheet(room, session)
        people = [a for a, _number in selectors.candidates(room, session)]
        fixed = selectors.day_outcomes(session, [a.pk for a in people])  # 缺考 and 违纪 need no entry
        typed = {a.pk: str(_typed(a.pk, index, a.pk in passing)) for a in people if a.pk not in fixed}
        entry.save_entries(first, sheet, Round.FIRST, typed)
        if typed and not slipped:  # one mismatch in the city, decided by the first entrant
            slip = max(typed)
            entry.save_entries(second, sheet, Round.SECOND, typed | {slip: str(int(typed[slip]) - 10)})
            entry.resolve(first, sheet, slip, typed[slip], "核对答题卡，以录入为准")
            slipped = True
        else:
            entry.save_entries(second, sheet, Round.SECOND, typed)
        entry.confirm(first, sheet)


def _typed(pk: int, index: int, passing: bool) -> int:
    value = 52 + (pk * 7 + index * 3) % 45
    return max(value, 60 + value % 30) if passing else value


def _panel(campaign: Campaign, city: City, regulator: User, association: User, accounts: list[User]) -> Panel:
    """One panel of three experts for every 二级/一级 candidate's occupation; all sheets submitted."""
    technicians = Application.objects.filter(campaign=campaign, city=city, level__number__lte=2, ticket__isnull=False)
    occupations = list(Occupation.objects.filter(pk__in=technicians.values("occupation")))
    if not occupations:  # the generator gave no 技师: the demo then has a panel for 汽车维修工
        occupations = list(Occupation.objects.filter(code="4-12-01-01"))
    reviewing.save_criteria(association, campaign, CRITERIA)
    units = ["内蒙古工业大学", "内蒙古机电职业技术学院", "呼和浩特市技师学院"]
    experts = [
        reviewing.save_expert(
            regulator,
            # An earlier demo campaign's expert record of the account is the same person in the pool.
            Expert.objects.filter(user=account).first()
            or Expert(city=city, name=account.full_name, work_unit=unit, title="高级技师"),
            specialties=occupations,
            account=account,
        )
        for account, unit in zip(accounts, units, strict=True)
    ]
    panel = Panel(campaign=campaign, city=city, name="技师综合评审组", chair=experts[0], deadline=timezone.localdate())
    panel = reviewing.save_panel(regulator, panel, members=experts, occupations=occupations)
    reviewing.assign_panel(regulator, panel)
    criteria = reviewing.criteria_of(campaign.pk)
    for n, review in enumerate(Review.objects.filter(panel=panel).select_related("expert__user").order_by("pk")):
        share = Decimal(70 + (n * 5) % 20) / 100
        points = {c.id: (Decimal(c.weight) * share).quantize(Decimal("1")) for c in criteria}
        assert review.expert.user is not None
        reviewing.submit_review(review.expert.user, review, points=points, comment="材料完整，业绩突出。")
    assert experts[0].user is not None
    flagged = reviewing.flagged_candidates(panel, reviewing.rules_of(campaign).spread_threshold)
    reviewing.close_panel(experts[0].user, panel, acknowledged=flagged)
    return panel
