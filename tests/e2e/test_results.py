"""Results in the browser, from the answer sheets to the applicant's phone: two regulator staff
double-enter a room's theory sheet by keyboard (one mismatch, decided, confirmed); three experts
fill the weighted 综合评审 sheet of a 技师 candidate and the chair closes the panel; the regulator
publishes, an anonymous visitor on a phone objects and follows the answer by its reference; the
period over, the regulator closes the publicity; the candidate sees 认定成绩 on a phone."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from .test_exam_day import accept_dialogs
from .test_public_pages import assert_fits_phone, log_in, main_nav

# (login, name, work unit): three experts of 呼和浩特, none of the candidate's employer.
EXPERTS = [
    ("expert-jia", "专家甲", "呼和浩特市职业技术学院"),
    ("expert-yi", "专家乙", "内蒙古机电职业技术学院"),
    ("expert-bing", "专家丙", "呼和浩特市第一职业中学"),
]
CRITERIA = [("专业技术总结", 30), ("技术革新与工作业绩", 40), ("传授技艺与培训", 30)]
# Each expert's points, criterion by criterion: totals 85, 81 and 88, a spread under the threshold.
POINTS = {"expert-jia": ("25", "34", "26"), "expert-yi": ("24", "32", "25"), "expert-bing": ("26", "35", "27")}
REVIEW_SCORE = "85"  # (85 + 81 + 88) / 3 = 84.67, rounded half up to whole points


@dataclass
class Story:
    campaign: object
    room: object  # the room whose theory sheet the browser enters
    session: object
    present: list  # its candidates with a score to enter, in ticket order (the grid's order)
    absent: object
    incident: object
    technician: object  # the 二级 candidate: 综合评审, and the applicant who logs in at the end
    failing: object  # a candidate typed under 60 (objected to on the public page)
    first: dict[int, str]  # 录入, by application id
    second: dict[int, str]  # 复核: the same but the technician's, transposed


@pytest.fixture
def story(sat, people, second_regulator) -> Story:
    """呼和浩特 after exam day: every sheet but room 01's theory entered twice and confirmed; one
    candidate a 技师 with a panel of three experts assigned; a known password for that candidate."""
    from accounts.models import Role, User
    from applications.models import Application
    from catalog.models import HolidayYear, Level
    from catalog.services import move_campaign_windows
    from conftest import PASSWORD
    from scoring.models import Expert, Panel, Round
    from scoring.services import entry, reviewing

    today = timezone.localdate()
    # The demo campaign's exam lies ahead; results are published after it: it was ten days ago.
    campaign = move_campaign_windows(sat.campaign, days=(today - timedelta(days=10) - sat.campaign.exam_date).days)
    for year in {campaign.exam_date.year, today.year, today.year + 1}:  # the publicity period is computable
        HolidayYear.objects.get_or_create(year=year, defaults={"complete": True})

    room, theory = sat.rooms[0], sat.theory
    seated = sat.seated(room, theory)
    absent, incident, present = seated[0], seated[1], seated[2:]
    technician, failing = present[2], present[1]
    # One 技师 on one panel: the generator's other 二级/一级 candidates become 三级.
    Application.objects.filter(campaign=campaign, city=sat.city, level__number__lte=2).exclude(pk=technician.pk).update(
        level=Level.objects.get(number=3)
    )
    from scoring.tests.fixtures import make_technicians

    make_technicians([technician])
    technician.applicant.set_password(PASSWORD)
    technician.applicant.save(update_fields=["password"])

    reg, reg2 = people["hohhot_reg"], second_regulator
    for session in (sat.theory, sat.skill):
        for other in sat.rooms:
            if (other, session) == (room, theory):
                continue  # the browser enters this one
            sheet = entry.ensure_sheet(other, session)
            typed = {a.pk: "75" for a in sat.seated(other, session)}
            entry.save_entries(reg, sheet, Round.FIRST, typed)
            entry.save_entries(reg2, sheet, Round.SECOND, typed)
            entry.confirm(reg, sheet)

    experts = []
    for login, name, unit in EXPERTS:
        user = User.objects.create_user(login, PASSWORD, role=Role.EXPERT, city=sat.city, full_name=name)
        member = Expert(city=sat.city, name=name, work_unit=unit, title="正高级讲师")
        experts.append(reviewing.save_expert(reg, member, specialties=[technician.occupation], account=user))
    reviewing.save_criteria(people["association"], campaign, CRITERIA)
    deadline = today + timedelta(days=5)
    panel = Panel(campaign=campaign, city=sat.city, name="第一评审组", chair=experts[0], deadline=deadline)
    panel = reviewing.save_panel(reg, panel, members=experts, occupations=[technician.occupation])
    plan = reviewing.assign_panel(reg, panel)
    assert list(plan.assignments) == [technician.pk] and not plan.unassignable

    first = {a.pk: str(62 + (index * 7) % 35) for index, a in enumerate(present)}
    first[failing.pk], first[technician.pk] = "55", "82"
    second = {**first, technician.pk: "28"}  # 复核 typed the digits the other way round
    return Story(campaign, room, theory, present, absent, incident, technician, failing, first, second)


def status_message(page: Page):
    """The page's success message (Django's messages come first in <main>)."""
    return page.locator("main > .notice-success")


def open_theory_sheet(page: Page, username: str) -> None:
    """From the workbench: 成绩 → room 01's 理论知识考试 row."""
    accept_dialogs(page)
    log_in(page, username)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    main_nav(page).get_by_role("link", name="成绩", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("成绩录入 · 呼和浩特市")
    row = page.locator("tbody tr").filter(has_text="理论知识考试").filter(has=page.get_by_role("link", name="01 考场"))
    expect(row).to_have_count(1)
    row.get_by_role("link", name="01 考场").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("01 考场 · 理论知识考试")


def type_the_sheet(page: Page, story: Story, values: dict[int, str]) -> None:
    """Type, Enter, next row: the keyboard alone, from the first cell to 保存."""
    cells = page.locator("[data-grid-cell]")
    expect(cells).to_have_count(len(story.present))  # 缺考 and 违纪 come from exam day, not typed
    for index, application in enumerate(story.present):
        cell = cells.nth(index)
        expect(cell).to_have_attribute("aria-label", re.compile(re.escape(application.full_name)))
        expect(cell).to_be_focused()
        page.keyboard.type(values[application.pk])
        page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="保存", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(status_message(page)).to_have_text(f"已保存 {len(story.present)} 条成绩。")


def sheet_row(page: Page, application):
    return page.locator("table.dense tbody tr").filter(has_text=application.ticket.number)


def submit_review(page: Page, login: str, story: Story) -> None:
    log_in(page, login)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    main_nav(page).get_by_role("link", name="我的评审").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的评审")
    row = page.locator("tbody tr").filter(has_text=story.technician.full_name)
    expect(row).to_contain_text("待评分")
    row.get_by_role("link", name=story.technician.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(story.technician.full_name)
    expect(page.get_by_text(story.technician.id_number)).to_have_count(0)  # the expert never sees the ID
    for (name, weight), points in zip(CRITERIA, POINTS[login], strict=True):
        page.get_by_label(f"{name}（{weight}分）").fill(points)
    page.get_by_label("评语").fill("材料完整，业绩突出。")
    page.get_by_role("button", name="提交评分").click()
    expect(status_message(page)).to_have_text("评分已提交。")
    expect(page.locator(".review-total")).to_have_text(str(sum(int(p) for p in POINTS[login])))  # not 85.00


def test_scores_are_entered_reviewed_published_objected_to_closed_and_seen_on_a_phone(desk, phones, story: Story, shot):
    from scoring.models import Publicity

    technician, number = story.technician, story.technician.ticket.number

    # 录入: hohhot-reg types room 01's theory sheet; exam day's 缺考 and 违纪 are already there.
    typist = desk()
    open_theory_sheet(typist, "hohhot-reg")
    expect(typist.get_by_text("您正在进行“录入”。")).to_be_visible()
    expect(sheet_row(typist, story.absent)).to_contain_text("缺考")
    expect(sheet_row(typist, story.incident)).to_contain_text("违纪")
    expect(sheet_row(typist, story.incident)).to_contain_text("携带手机进入考场")
    type_the_sheet(typist, story, story.first)
    shot(typist, "results-sheet-first-round")

    # 复核: a second staff member in another browser, blind to the first round.
    checker = desk()
    open_theory_sheet(checker, "hohhot-reg2")
    expect(checker.get_by_text("您正在进行“复核”。")).to_be_visible()
    expect(checker.locator("[data-grid-cell]").first).to_have_value("")
    type_the_sheet(checker, story, story.second)

    # The one mismatch, side by side; the typist decides it after looking at the answer sheet.
    mismatches = checker.locator("#mismatches + table tbody tr")
    expect(mismatches).to_have_count(1)
    expect(mismatches.locator("td")).to_have_text([number, technician.full_name, "82", "28", re.compile("裁定")])
    expect(checker.get_by_text("待裁定 1 人")).to_be_visible()
    expect(checker.get_by_role("button", name="确认成绩，成绩生效")).to_be_disabled()
    shot(checker, "results-sheet-mismatch")
    typist.reload()
    typist.get_by_label(f"{number} 裁定成绩").fill("82")
    typist.get_by_label("裁定说明").fill("核对答题卡，为 82 分")
    typist.get_by_role("button", name="裁定", exact=True).click()
    expect(status_message(typist)).to_have_text("已裁定。")
    expect(typist.get_by_text("录入缺 0 人 · 复核缺 0 人 · 待裁定 0 人")).to_be_visible()
    typist.get_by_role("button", name="确认成绩，成绩生效").click()  # the confirm dialog is accepted
    seated = len(story.present) + 2
    expect(status_message(typist)).to_have_text(f"成绩登记表已确认，{seated} 名考生的成绩生效。")
    expect(typist.get_by_text("已确认，成绩已生效")).to_be_visible()
    expect(sheet_row(typist, technician).locator("td").nth(4)).to_have_text("82")
    expect(typist.locator("[data-grid-cell]")).to_have_count(0)
    shot(typist, "results-sheet-confirmed")

    # 综合评审: each expert fills the weighted sheet; then the chair closes the panel.
    reviewers = {login: desk() for login, _name, _unit in EXPERTS}
    for login, page in reviewers.items():
        submit_review(page, login, story)
    bing = reviewers["expert-bing"]
    others = bing.locator("section.others")
    expect(others).to_contain_text("专家甲")
    expect(others).to_contain_text("81")
    shot(bing, "results-review-sheet-submitted")
    chair = reviewers["expert-jia"]
    main_nav(chair).get_by_role("link", name="我的评审").click()
    chair.get_by_role("link", name="第一评审组").click()
    expect(chair.get_by_role("heading", level=1)).to_have_text("第一评审组 · 组长")
    row = chair.locator("tbody tr").filter(has_text=technician.full_name)
    expect(row.locator("td").nth(2)).to_have_text("81 / 85 / 88")
    expect(row.locator("td.aggregate")).to_have_text(REVIEW_SCORE)
    shot(chair, "results-review-chair")
    chair.get_by_role("button", name="结束评审").click()
    expect(status_message(chair)).to_have_text("评审已结束，1 位考生的综合评审成绩已生效。")
    expect(chair.get_by_role("button", name="结束评审")).to_have_count(0)

    # 公示: the regulator publishes from the 成绩公示 desk.
    main_nav(typist).get_by_role("link", name="成绩", exact=True).click()
    typist.get_by_role("link", name="成绩公示与异议").click()
    expect(typist.get_by_role("heading", level=1)).to_have_text("成绩公示 · 呼和浩特市")
    expect(typist.get_by_text("未确认的成绩登记表 0 张；成绩不完整的考生 0 人")).to_be_visible()
    typist.get_by_role("button", name="发布成绩公示").click()
    expect(status_message(typist)).to_have_text("成绩已公示，考生已收到通知。")
    shot(typist, "results-publicity-desk-open")

    # A visitor on a phone: 成绩公示 from the home page, the city, a candidate's line, an objection.
    visitor = phones()
    visitor.goto("/")
    main_nav(visitor).get_by_role("link", name="成绩公示").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("成绩公示")
    shot(visitor, "results-publicity-list")
    visitor.get_by_role("link", name=re.compile("呼和浩特市")).click()
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("呼和浩特市成绩公示")
    expect(visitor.get_by_text(technician.full_name)).to_have_count(0)  # names are masked
    shot(visitor, "results-public-page")
    assert_fits_phone(visitor)
    failing = story.failing.ticket.number
    visitor.get_by_label("按准考证号查找").fill(failing)
    visitor.get_by_role("button", name="查找").click()
    line = visitor.locator("tbody tr")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("55")
    expect(line).to_contain_text("不合格")
    visitor.get_by_role("link", name="对公示结果提出异议").click()
    visitor.get_by_label("异议对象（准考证号或姓名）").fill(failing)
    visitor.get_by_label("异议的事实和理由").fill("该考生理论考试成绩与其平时水平相差很大，请复查答题卡。")
    visitor.get_by_label("联系人").fill("张先生")
    visitor.get_by_label(re.compile("^手机号码")).fill("1390000")  # a digit short of a number, as typed in haste
    visitor.get_by_role("button", name="提交异议").click()
    expect(visitor.locator(".field-error .error-message")).to_have_text("手机号码应为 11 位数字，以 1 开头")
    expect(visitor.get_by_label("异议的事实和理由")).to_have_value(
        "该考生理论考试成绩与其平时水平相差很大，请复查答题卡。"
    )
    shot(visitor, "results-objection-form-error")
    visitor.get_by_label(re.compile("^手机号码")).fill("13900000011")
    shot(visitor, "results-objection-form")
    assert_fits_phone(visitor)
    visitor.get_by_role("button", name="提交异议").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("异议处理情况")
    expect(visitor.locator("main .tag")).to_have_text("调查中")
    reference = visitor.locator("main p strong").first.inner_text()
    assert re.fullmatch(r"[0-9A-F]{12}", reference), reference
    shot(visitor, "results-objection-lodged")
    assert_fits_phone(visitor)

    # The regulator answers it on the desk.
    typist.reload()
    objection = typist.locator("#objections + .table-scroll tbody tr").filter(has_text=reference)
    expect(objection).to_contain_text(story.failing.full_name)
    expect(objection).to_contain_text("张先生")
    expect(objection).not_to_contain_text("13900000011")
    objection.get_by_label("调查结果").fill("经复查答题卡，成绩无误，维持原成绩。")
    objection.get_by_role("button", name="答复并告知异议人").click()
    expect(status_message(typist)).to_have_text("已答复，异议人将收到短信。")
    expect(objection.locator(".tag")).to_have_text("已答复")
    shot(typist, "results-publicity-desk-answered")

    # The visitor follows it by the reference.
    visitor.goto("/")
    main_nav(visitor).get_by_role("link", name="成绩公示").click()
    visitor.get_by_role("link", name="查询异议处理结果").click()
    visitor.get_by_label("受理编号").fill(reference.lower())
    shot(visitor, "results-objection-lookup")
    visitor.get_by_role("button", name="查询").click()
    expect(visitor).to_have_url(re.compile(rf"/publicity/objections/{reference}/$"))
    expect(visitor.locator("main .tag")).to_have_text("已答复")
    expect(visitor.locator("main")).to_contain_text("经复查答题卡，成绩无误，维持原成绩。")
    shot(visitor, "results-objection-answered")
    assert_fits_phone(visitor)

    # While the period runs the close is offered disabled, with the day it ends.
    expect(typist.get_by_role("button", name="结束公示，确定认定结果")).to_be_disabled()
    expect(typist.locator("main")).to_contain_text("届满后才能结束公示")
    # The period is over: time passing, written directly (the page offers no clock to wind on).
    before = Publicity.objects.get()
    assert before.state == Publicity.State.OPEN
    shift = before.closes_on - timezone.localdate() + timedelta(days=1)
    Publicity.objects.filter(pk=before.pk).update(opens_on=before.opens_on - shift, closes_on=before.closes_on - shift)
    typist.reload()
    typist.get_by_role("button", name="结束公示，确定认定结果").click()  # the confirm dialog is accepted
    expect(status_message(typist)).to_have_text("公示已结束，认定结果已确定。")
    expect(typist.get_by_role("button", name="结束公示，确定认定结果")).to_have_count(0)
    expect(typist.get_by_text("公示结束", exact=False).first).to_be_visible()
    shot(typist, "results-publicity-desk-closed")

    # The technician, on a phone: 认定成绩 with every part and the result.
    applicant = phones()
    log_in(applicant, technician.applicant.phone)
    expect(applicant).to_have_url(re.compile(r"/accounts/me/$"))
    applicant.get_by_role("link", name=story.campaign.title).click()
    expect(applicant).to_have_url(re.compile(rf"/applications/{technician.pk}/$"))
    results = applicant.locator("section.results")
    expect(results.get_by_role("heading", level=2)).to_have_text("认定成绩")
    facts = results.locator("dl.summary")
    expect(facts.locator("dt")).to_have_text(["理论知识考试", "技能考核", "综合评审", "结果"])
    expect(facts.locator("dd").nth(0)).to_have_text("82")
    expect(facts.locator("dd").nth(1)).to_have_text("75")
    expect(facts.locator("dd").nth(2)).to_have_text(REVIEW_SCORE)
    expect(facts.locator("dd").nth(3)).to_contain_text("合格")
    expect(facts.locator("dd").nth(3)).not_to_contain_text("不合格")
    expect(facts.locator("dd").nth(3)).to_contain_text("公示已结束，结果已确定")
    shot(applicant, "results-applicant")
    assert_fits_phone(applicant)
