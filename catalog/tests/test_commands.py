from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from catalog.models import Campaign, CampaignOccupation, Occupation
from catalog.services import demo_windows, ensure_demo_campaign
from exams.checkin_selectors import posts_of


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def write(tmp_path, text: str, name: str = "catalog.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_creates_occupations_and_sets_a_campaigns_offerings(catalog_2023, tmp_path):
    campaign = Campaign.objects.create(
        slug="2024",
        year=2024,
        title="2024",
        **{k: v.replace(year=2024) for k, v in demo_windows(date(2024, 8, 30)).items()},
    )
    path = write(tmp_path, "序号,职业,职业编码,级别\n1,电工,6-31-01-03,3、2\n2,新职业,4-99-01-01,5\n")
    output = run("import_catalog", str(path), "--campaign", "2024")
    assert "新增 1" in output
    offered = {o.occupation.code: o.level_numbers() for o in campaign.offerings.prefetch_related("levels")}
    assert offered == {"6-31-01-03": [3, 2], "4-99-01-01": [5]}
    assert AuditEvent.objects.filter(action="catalog.imported", object_id=str(campaign.pk)).exists()


def test_reimport_removes_what_the_file_no_longer_offers(catalog_2023, tmp_path):
    path = write(tmp_path, "序号,职业,职业编码,级别\n1,汽车维修工,4-12-01-01,5、4\n")
    output = run("import_catalog", str(path), "--campaign", "2023")
    assert "移除 97" in output
    assert CampaignOccupation.objects.filter(campaign=catalog_2023).count() == 1
    assert Occupation.objects.count() == 98  # occupations stay; other campaigns may use them


def test_a_file_with_one_bad_row_imports_nothing(catalog_2023, tmp_path):
    before = CampaignOccupation.objects.count(), Occupation.objects.count()
    path = write(tmp_path, "序号,职业,职业编码,级别\n1,电工,6-31-01-03,5\n2,新职业,4-99-01-01,7\n")
    err = StringIO()
    with pytest.raises(CommandError, match="1 行有错误，未导入任何数据"):
        call_command("import_catalog", str(path), "--campaign", "2023", stdout=StringIO(), stderr=err)
    assert "第 3 行" in err.getvalue()
    assert (CampaignOccupation.objects.count(), Occupation.objects.count()) == before


def test_import_names_missing_files_and_campaigns(catalog_2023, tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        run("import_catalog", str(tmp_path / "nope.csv"))
    path = write(tmp_path, "序号,职业,职业编码,级别\n1,电工,6-31-01-03,5\n")
    with pytest.raises(CommandError, match="认定批次不存在"):
        run("import_catalog", str(path), "--campaign", "1999")


def test_import_reads_the_shipped_markdown_style(catalog_2023, tmp_path):
    path = write(
        tmp_path, "| 序号 | 职业 | 职业编码 | 级别 |\n|--|--|--|--|\n| 1 | 电工 | 6-31-01-03 | 5、4 |\n", "annex.md"
    )
    assert "已导入 1 个职业" in run("import_catalog", str(path))


def test_load_notice_2023_is_idempotent(catalog_2023):
    counts = Campaign.objects.count(), Occupation.objects.count(), CampaignOccupation.objects.count()
    run("load_notice_2023")
    assert (Campaign.objects.count(), Occupation.objects.count(), CampaignOccupation.objects.count()) == counts


def test_load_demo_twice_reuses_everything(db):
    from applications.models import Application, ApplicationDocument

    first = run("load_demo")
    tables = (User, Campaign, CampaignOccupation, Application, ApplicationDocument)
    counts = [model.objects.count() for model in tables]
    second = run("load_demo")
    assert [model.objects.count() for model in tables] == counts
    assert "已创建" in first and "已存在，沿用" in second
    for login in ["association", "hohhot-co", "hohhot-reg", "hohhot-expert", "hohhot-invigilator", "13800000001"]:
        assert login in second


def test_demo_has_applications_in_several_states(db):
    from applications.models import Application

    output = run("load_demo")
    states = sorted(Application.objects.filter(campaign__slug="demo").values_list("status", flat=True))
    assert states == ["draft", "submitted", "withdrawn"]
    assert "演示申报 李红：已提交，待初审" in output
    submitted = Application.objects.get(status="submitted")
    assert submitted.documents.count() == 5 and submitted.city.code == "hohhot"


def test_demo_has_an_exam_stage_with_a_published_ticket(db):
    from applications.models import Application
    from exams.models import Arrangement, ExamStaff, HandbookSubmission, SeatAssignment, Ticket

    output = run("load_demo")
    mine = Application.objects.get(campaign__slug="demo-exam", applicant=User.objects.get_by_phone("13800000001"))
    assert mine.status == "scheduled" and mine.ticket.number in output
    assert Arrangement.objects.get(campaign__slug="demo-exam").is_published
    assert SeatAssignment.objects.filter(application__campaign__slug="demo-exam").exists()
    assert Ticket.objects.filter(campaign__slug="demo-exam").count() == 25
    invigilator = ExamStaff.objects.get(user__username="hohhot-invigilator")
    assert invigilator.assignments.count() == 2
    today = timezone.localdate()
    exam_stage = Campaign.objects.get(slug="demo-exam")
    assert exam_stage.exam_date == today and exam_stage.year == today.year
    assert mine.ticket.number.startswith(str(today.year)) and exam_stage.title.startswith(f"{today.year} 年度")
    assert len(posts_of(invigilator.user, today)) == 2  # exam day: both sessions to check in
    handed_in = HandbookSubmission.objects.get(site__campaign__slug="demo-exam")
    assert timezone.localdate(handed_in.submitted_at) < Campaign.objects.get(slug="demo-exam").handbook_due


def test_demo_accounts_have_valid_id_numbers_and_log_in(db, client):
    from accounts.demo import DEMO_PASSWORD, ensure_demo_accounts
    from catalog.services import load_notice_2023
    from skillcert.lib.identity import parse_id_number

    load_notice_2023()
    logins = ensure_demo_accounts()
    assert {login.role for login in logins} == {
        "就促会",
        "协办单位",
        "人社监管部门",
        "评审专家",
        "考务人员",
        "申报人员",
    }
    for applicant in User.objects.filter(role="applicant"):
        parse_id_number(applicant.id_number)
        response = client.post("/accounts/login/", {"identifier": applicant.id_number, "password": DEMO_PASSWORD})
        assert response.status_code == 302


def test_demo_is_refused_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        run("load_demo")
    assert not Campaign.objects.filter(slug="demo").exists()


def test_demo_campaign_is_open_for_registration_today_with_later_windows_ahead():
    today = date(2026, 11, 25)
    windows = demo_windows(today)
    assert windows["registration_opens"] <= today <= windows["registration_closes"]
    assert today < windows["payment_opens"] <= windows["payment_closes"] < windows["exam_date"]
    assert windows["exam_date"].weekday() == 6
    assert windows["review_closes"] < windows["payment_opens"]


def test_demo_campaign_copies_the_2023_catalog(db):
    campaign, created = ensure_demo_campaign(date(2026, 11, 25))
    assert created and campaign.is_demo and campaign.offerings.count() == 98
    assert ensure_demo_campaign(date(2026, 12, 25)) == (campaign, False)


def test_moving_windows_shifts_every_date_and_session_and_is_audited(db):
    campaign, _ = ensure_demo_campaign(date(2026, 11, 25))
    exam = campaign.exam_date
    output = run("move_campaign_windows", "demo", "--days", "7")
    campaign.refresh_from_db()
    assert campaign.exam_date == exam + timedelta(days=7) and "考试" in output
    assert {s.date for s in campaign.sessions.all()} == {exam + timedelta(days=7)}
    event = AuditEvent.objects.get(action="catalog.campaign.windows_moved")
    assert event.before["exam_date"] == str(exam) and event.after["exam_date"] == str(campaign.exam_date)


def test_moving_windows_to_a_registration_date(db):
    ensure_demo_campaign(date(2026, 11, 25))
    run("move_campaign_windows", "demo", "--registration-opens", "2027-03-01")
    assert Campaign.objects.get(slug="demo").registration_opens == date(2027, 3, 1)


def test_moving_windows_to_an_exam_date(db):
    ensure_demo_campaign(date(2026, 11, 25))
    run("move_campaign_windows", "demo", "--exam-date", "2027-04-11")
    campaign = Campaign.objects.get(slug="demo")
    assert campaign.exam_date == date(2027, 4, 11) and campaign.sessions.first().date == date(2027, 4, 11)


def test_moving_an_unknown_campaign_is_a_clear_error(db):
    with pytest.raises(CommandError, match="认定批次不存在"):
        run("move_campaign_windows", "nope", "--days", "1")
