"""The 考务手册: its content (PDF text, xlsx sheets), the cache by fingerprint (rendered by the
task, `rendered_handbook`; the background path itself is in test_handbook_render.py), the submitted
snapshot, the due day by the working-day calendar, late submissions, reminders, the overview."""

import hashlib
import io
from datetime import date, datetime, time

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import AuditEvent
from catalog.models import Campaign
from conftest import client_for
from exams import handbook_selectors
from exams.handbook_data import fingerprint
from exams.models import HandbookSubmission, Ticket
from exams.services import arranging, handbook, handbook_files, setup
from exams.tests.fixtures import rendered_handbook
from notifications.models import Message
from skillcert import periodic
from skillcert.refusals import TransitionRefused

# 2026-10-11 is a Sunday after the National Day holiday (10-01..10-07 off, Saturday 10-10 worked):
# five working days back are 10-10, 10-09, 10-08, then 09-30 and 09-29 (and 9-25..27 are the
# Mid-Autumn holiday).
EXAM = date(2026, 10, 11)
DUE = date(2026, 9, 29)


def _exam_on(campaign, day: date = EXAM) -> Campaign:
    """Move the campaign's windows so that its exam is on `day` (test setup writes the dates directly)."""
    Campaign.objects.filter(pk=campaign.pk).update(
        registration_opens=date(2026, 8, 1),
        registration_closes=date(2026, 8, 10),
        review_opens=date(2026, 8, 1),
        review_closes=date(2026, 8, 20),
        payment_opens=date(2026, 8, 21),
        payment_closes=date(2026, 9, 10),
        arrangement_due=date(2026, 9, 25),
        exam_date=day,
    )
    campaign.sessions.update(date=day)
    campaign.refresh_from_db()
    return campaign


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _in_order(text: str, words: list[str]) -> bool:
    at = 0
    for word in words:
        at = text.find(word, at)
        if at < 0:
            return False
        at += len(word)
    return True


# --- content --------------------------------------------------------------------------------------


def test_the_pdf_has_every_section_and_the_sign_in_sheet_is_in_ticket_order(published, rooms):
    files = rendered_handbook(published)
    pdf = handbook.read_file(files.pdf)
    text = _text(pdf)
    for heading in ("考务手册", "考试时间安排", "考场一览", "座次表", "签到表", "门", "考务人员安排", "考场记录表"):
        assert heading in text, heading
    assert "赵监考" in text and "呼和浩特市技工学校" in text  # staff, and the co-organizer among the contacts
    reader = PdfReader(io.BytesIO(pdf))
    sign_in = "\n".join(p.extract_text() for p in reader.pages if "第01考场 签到表" in p.extract_text())
    tickets = Ticket.objects.filter(application__seats__room=rooms[0]).distinct().order_by("number")
    expected = [t.number for t in tickets]
    assert expected and _in_order(sign_in, expected)
    names = [t.application.full_name for t in tickets.select_related("application")]
    assert _in_order(sign_in, names)
    chart = "\n".join(p.extract_text() for p in reader.pages if "第01考场 座次表" in p.extract_text())
    assert "讲" in chart and "不可用" in chart and expected[0] in chart  # seat 1-1 is unusable
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 5  # the five photos on the sign-in sheet


def test_the_xlsx_has_the_same_sections_as_sheets(published):
    files = rendered_handbook(published)
    workbook = load_workbook(io.BytesIO(handbook.read_file(files.xlsx)), read_only=True)
    assert workbook.sheetnames == ["封面", "考试时间", "考场一览", "座次表", "签到表", "门贴", "考务人员", "考场记录表"]
    rows = list(workbook["签到表"].iter_rows(values_only=True))
    assert rows[0][:4] == ("考场", "序号", "准考证号", "姓名") and len(rows) == 31
    for room in ("01", "02"):
        numbers = [row[2] for row in rows[1:] if row[0] == room]
        assert numbers == sorted(numbers) and all(numbers)
    chart = [cell for row in workbook["座次表"].iter_rows(values_only=True) for cell in row if cell]
    assert any("不可用" in str(cell) for cell in chart)
    staff = list(workbook["考务人员"].iter_rows(values_only=True))
    assert staff[1][3] == "赵监考"


def test_the_counts_per_room_are_by_occupation_and_level(published):
    data = handbook_selectors.handbook_data(published)
    assert sum(n for room in data.rooms for _, _, n in room.counts()) == 30
    assert data.published and data.candidates == 30
    assert data.rooms[0].ticket_range().count("—") == 1


# --- regeneration ----------------------------------------------------------------------------------


def test_the_files_are_rendered_once_until_the_data_changes(published, people, monkeypatch):
    first = rendered_handbook(published)
    calls = []
    original = handbook_files.render_handbook
    monkeypatch.setattr(handbook_files, "render_handbook", lambda *a, **k: calls.append(1) or original(*a, **k))
    assert rendered_handbook(published).fingerprint == first.fingerprint and not calls
    published.address = "新华大街 2 号"
    setup.save_site(people["hohhot_co"], published)
    assert handbook_files.current_status(published).pending and not calls  # never rendered in a request
    second = rendered_handbook(published)
    assert second.fingerprint != first.fingerprint and len(calls) == 1
    assert "新华大街 2 号" in _text(handbook.read_file(second.pdf))
    assert not handbook_files.private_storage.exists(first.pdf)  # the stale pair is dropped


def test_a_seat_move_changes_the_fingerprint(published, people, open_campaign, hohhot, rooms):
    before = fingerprint(handbook_selectors.handbook_data(published))
    ticket = Ticket.objects.filter(application__seats__room=rooms[0]).first()
    co = people["hohhot_co"]
    arranging.move_seat(
        co, open_campaign, hohhot, ticket.application, room=rooms[1], row=4, column=5, version=None, confirm=True
    )
    assert fingerprint(handbook_selectors.handbook_data(published)) != before


# --- submission ------------------------------------------------------------------------------------


def test_a_submission_is_a_snapshot_that_later_edits_do_not_change(published, people):
    co = people["hohhot_co"]
    rendered_handbook(published)
    submission, new = handbook.submit(co, published)
    assert new and submission.submitted_by == co
    pdf = handbook.read_file(submission.pdf.name)
    assert hashlib.sha256(pdf).hexdigest() == submission.sha256
    event = AuditEvent.objects.get(action="exams.handbook.submitted")
    assert event.after["pdf_sha256"] == submission.sha256 and event.after["candidates"] == 30

    published.contact_name = "钱主任"
    setup.save_site(co, published)
    assert handbook.read_file(submission.pdf.name) == pdf  # the snapshot is as handed in
    assert "钱主任" in _text(handbook.read_file(rendered_handbook(published).pdf))

    again, new = handbook.submit(co, published)
    assert new and again.pk != submission.pk and again.sha256 != submission.sha256
    assert HandbookSubmission.objects.filter(site=published).count() == 2  # history kept
    last = AuditEvent.objects.filter(action="exams.handbook.submitted").order_by("pk").last()
    assert last.after["resubmission"] is True


def test_a_double_click_submits_once(published, people):
    rendered_handbook(published)
    first, _ = handbook.submit(people["hohhot_co"], published)
    second, new = handbook.submit(people["hohhot_co"], published)
    assert second.pk == first.pk and not new
    assert HandbookSubmission.objects.count() == 1


def test_submitting_before_the_tickets_are_published_is_refused(people, site, rooms, candidates):
    with pytest.raises(TransitionRefused, match="准考证尚未发布"):
        handbook.submit(people["hohhot_co"], site)
    assert not HandbookSubmission.objects.exists()


@pytest.mark.parametrize("who", ["baotou_co", "hohhot_reg", "association"])
def test_only_the_citys_co_organizer_submits(published, people, who):
    with pytest.raises(PermissionDenied):
        handbook.submit(people[who], published)
    assert not HandbookSubmission.objects.exists()


# --- the due day and lateness ---------------------------------------------------------------------


def test_the_due_day_counts_working_days_over_the_national_day_holiday(open_campaign):
    campaign = _exam_on(open_campaign)
    assert campaign.handbook_due == DUE
    deadline = handbook_selectors.deadline(campaign, date(2026, 9, 25))
    assert deadline.due == DUE and deadline.days_left == 4 and deadline.working_days_left == 2


def test_a_year_the_calendar_does_not_cover_is_said_not_guessed(open_campaign):
    campaign = _exam_on(open_campaign, date(2026, 10, 11))
    Campaign.objects.filter(pk=campaign.pk).update(exam_date=date(2099, 10, 11))
    campaign.refresh_from_db()
    deadline = handbook_selectors.deadline(campaign, date(2099, 9, 1))
    assert deadline.due is None and "2099" in deadline.problem


def _at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_a_submission_after_the_due_day_is_late(published, people, open_campaign):
    _exam_on(open_campaign)
    rendered_handbook(published)
    handbook.submit(people["hohhot_co"], published, now=_at(DUE, 23))
    assert AuditEvent.objects.get(action="exams.handbook.submitted").after["late"] is False
    published.contact_name = "孙主任"
    setup.save_site(people["hohhot_co"], published)
    rendered_handbook(published)
    handbook.submit(people["hohhot_co"], published, now=_at(date(2026, 9, 30), 8))
    assert AuditEvent.objects.filter(action="exams.handbook.submitted").order_by("pk").last().after["late"] is True
    status = handbook_selectors.city_handbooks(open_campaign, published.city, DUE).sites[0]
    assert status.submitted and not status.late  # handed in on time, resubmitted late
    assert [s.late for s in status.history] == [True, False]


def test_a_site_first_submitted_after_the_due_day_is_late(published, people, open_campaign):
    _exam_on(open_campaign)
    rendered_handbook(published)
    handbook.submit(people["hohhot_co"], published, now=_at(date(2026, 10, 8)))
    cities = {row.city.code: row for row in handbook_selectors.overview(open_campaign, DUE)}
    assert cities["hohhot"].late == 1 and cities["hohhot"].submitted == 1 and cities["hohhot"].missing == 0
    assert cities["hohhot"].paid == 30 and cities["hohhot"].seated == 30 and cities["hohhot"].rooms == 2


def test_once_every_site_is_in_the_page_says_so_instead_of_the_overdue_warning(published, people, open_campaign):
    _exam_on(open_campaign)  # its due day is behind today
    page = reverse("exams:handbooks") + f"?campaign={open_campaign.slug}"
    client = client_for(people["hohhot_co"])
    assert "已过截止日期，现在提交将标记为逾期" in client.get(page).content.decode()
    rendered_handbook(published)
    handbook.submit(people["hohhot_co"], published, now=_at(DUE, 9))
    body = client.get(page).content.decode()
    assert "已全部按时提交" in body and "已过截止日期" not in body


# --- reminders ---------------------------------------------------------------------------------------


def test_reminders_go_two_working_days_before_and_on_the_day_once_each(published, people, open_campaign):
    _exam_on(open_campaign)
    assert handbook.send_reminders(date(2026, 9, 23)) == 0  # three working days left: 9-24, 9-28, 9-29
    assert handbook.send_reminders(date(2026, 9, 24)) == 1  # two left: the Mid-Autumn holiday 9-25..27 does not count
    assert handbook.send_reminders(date(2026, 9, 26)) == 0  # already told
    assert handbook.send_reminders(DUE) == 1
    assert handbook.send_reminders(DUE) == 0
    assert handbook.send_reminders(date(2026, 9, 30)) == 0  # past the due day: the overview shows it late
    messages = Message.objects.filter(recipient=people["hohhot_co"]).order_by("pk")
    assert [m.kind for m in messages if m.kind.startswith("exams.handbook")] == [
        "exams.handbook_due_soon",
        "exams.handbook_due_today",
    ]
    assert "2026年9月29日" in messages.filter(kind="exams.handbook_due_soon").get().body
    assert not Message.objects.filter(recipient=people["baotou_co"], kind__startswith="exams.handbook").exists()


def test_a_city_that_submitted_every_site_is_not_reminded(published, people, open_campaign):
    _exam_on(open_campaign)
    rendered_handbook(published)
    handbook.submit(people["hohhot_co"], published, now=_at(date(2026, 9, 20)))
    assert handbook.send_reminders(DUE) == 0


def test_the_reminder_is_a_registered_daily_job():
    job = periodic.get("exams.handbook_reminders")
    assert job.time_of_day() == time(9, 0)


# --- pages -------------------------------------------------------------------------------------------


def test_the_co_organizers_page_shows_the_countdown_and_the_sites(published, people, open_campaign):
    response = client_for(people["hohhot_co"]).get(reverse("exams:handbooks") + f"?campaign={open_campaign.slug}")
    assert response.status_code == 200
    body = response.content.decode()
    assert published.name in body and "未提交" in body and "考务手册提交期限" in body


def test_a_download_is_audited_and_private(published, people):
    rendered_handbook(published)
    client = client_for(people["hohhot_reg"])
    response = client.get(reverse("exams:handbook", args=[published.pk, "pdf"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="exams.handbook.downloaded")
    assert event.actor == people["hohhot_reg"] and event.after["format"] == "pdf"


def test_the_association_sees_every_citys_submissions(published, people, open_campaign):
    rendered_handbook(published)
    handbook.submit(people["hohhot_co"], published)
    client = client_for(people["association"])
    response = client.get(reverse("exams:handbooks") + f"?campaign={open_campaign.slug}")
    body = response.content.decode()
    assert response.status_code == 200 and "呼和浩特市" in body and "hohhot-co" in body and "已提交" in body
    submission = HandbookSubmission.objects.get()
    snapshot = client.get(reverse("exams:handbook_submission", args=[submission.pk, "pdf"]))
    assert hashlib.sha256(snapshot.content).hexdigest() == submission.sha256
