"""The exams pages: the co-organizer's flow, the regulator's read-only view, the association's
progress, the applicant's arrangement and ticket link, the workbench countdown."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AuditEvent
from catalog.models import Campaign
from conftest import client_for
from exams.models import Arrangement, Room, SeatAssignment, Site, Ticket
from exams.services import arranging, publishing

Q = "?campaign=demo"


def test_a_co_organizer_sets_up_a_site_and_a_room_with_its_grid(people, open_campaign):
    desk = client_for(people["hohhot_co"])
    response = desk.post(
        reverse("exams:site_new") + Q,
        {
            "campaign": "demo",
            "name": "第一考点",
            "address": "新华大街 1 号",
            "office_phone": "0471-1234567",
            "contact_name": "王老师",
            "position": 0,
        },
    )
    site = Site.objects.get()
    assert response.status_code == 302 and site.city.code == "hohhot"
    response = desk.post(
        reverse("exams:room_new", args=[site.pk]),
        {
            "number": "01",
            "building": "教学楼",
            "floor": "3层",
            "kind": "written",
            "rows": 5,
            "columns": 6,
            "position": 0,
            "unusable_text": "1-1, 5排6号",
            "accessible_text": "1-2",
        },
    )
    room = Room.objects.get()
    assert response.status_code == 302
    assert room.unusable == [[1, 1], [5, 6]] and room.accessible == [[1, 2]] and room.capacity == 28
    page = desk.get(reverse("exams:room", args=[room.pk])).content.decode()
    assert "data-seat-editor" in page and 'data-row="5" data-column="6"' in page and "seat-off" in page


def test_a_seat_list_outside_the_grid_is_shown_beside_its_field(people, site):
    response = client_for(people["hohhot_co"]).post(
        reverse("exams:room_new", args=[site.pk]),
        {"number": "01", "kind": "written", "rows": 2, "columns": 2, "position": 0, "unusable_text": "3-1"},
    )
    assert response.status_code == 200 and "不在 2 排 × 2 列的考场内" in response.content.decode()
    assert not Room.objects.exists()


def test_preview_then_apply_then_publish(people, open_campaign, candidates, django_capture_on_commit_callbacks):
    desk = client_for(people["hohhot_co"])
    preview = desk.get(reverse("exams:seating") + Q + "&seed=5&spacing=none&version=0").content.decode()
    assert "预览（尚未保存）" in preview and "应用此编排" in preview
    assert not SeatAssignment.objects.exists()  # a preview writes nothing
    response = desk.post(
        reverse("exams:seating_apply"), {"campaign": "demo", "seed": 5, "spacing": "none", "version": 0}
    )
    assert response.status_code == 302
    assert SeatAssignment.objects.order_by().values("application").distinct().count() == 30
    stale = desk.post(
        reverse("exams:seating_apply"), {"campaign": "demo", "seed": 6, "spacing": "none", "version": 0}, follow=True
    )
    assert "另一位工作人员刚刚修改了编排，请刷新后重试" in stale.content.decode()
    chart = desk.get(reverse("exams:seating") + Q).content.decode()
    assert candidates[0].full_name in chart and "调整座位" in chart
    with django_capture_on_commit_callbacks(execute=True):  # the publication runs as a task after the commit
        queued = desk.post(reverse("exams:publish"), {"campaign": "demo", "version": 1}, follow=True)
    assert "已提交后台发布准考证" in queued.content.decode()
    assert Arrangement.objects.get().is_published and Ticket.objects.count() == 30
    assert "准考证已发布" in desk.get(reverse("exams:home") + Q).content.decode()


def test_the_regulator_reads_the_arrangement_but_cannot_change_it(people, open_campaign, candidates):
    reader = client_for(people["hohhot_reg"])
    page = reader.get(reverse("exams:home") + Q).content.decode()
    assert "呼和浩特" in page and "发布准考证" not in page and "新增考点" not in page
    seating = reader.get(reverse("exams:seating") + Q).content.decode()
    assert "预览编排" not in seating
    assert reader.post(reverse("exams:seating_apply"), {"campaign": "demo", "seed": 1, "version": 0}).status_code == 403


def test_the_association_sees_every_citys_progress(people, open_campaign, candidates):
    page = client_for(people["association"]).get(reverse("exams:home") + Q).content.decode()
    assert "考务进度" in page and "包头市" in page and "0 / 30" in page
    city = client_for(people["association"]).get(reverse("exams:home") + Q + "&city=hohhot").content.decode()
    assert "编排情况" in city and "发布准考证" not in city


def _published(people, campaign, city):
    arranging.apply_seating(people["hohhot_co"], campaign, city, seed=1, spacing="none", version=0)
    publishing.publish(people["hohhot_co"], campaign, city)


def test_the_applicant_sees_time_place_room_seat_and_what_to_bring(people, open_campaign, hohhot, candidates):
    _published(people, open_campaign, hohhot)
    application = candidates[0]
    seat = SeatAssignment.objects.filter(application=application).select_related("room__site").first()
    page = client_for(application.applicant).get(reverse("applications:detail", args=[application.pk]))
    body = page.content.decode()
    assert application.ticket.number in body and seat.room.site.address in body
    assert f"{seat.row:02d}排{seat.column:02d}号" in body and "08:30" in body and "身份证原件" in body
    assert reverse("exams:ticket_pdf", args=[application.pk]) in body


def test_the_applicants_account_page_says_ticket_number_exam_day_and_site(people, open_campaign, hohhot, candidates):
    application = candidates[0]
    account = client_for(application.applicant)
    assert "准考证号" not in account.get(reverse("accounts:me")).content.decode()  # not yet published
    _published(people, open_campaign, hohhot)
    body = account.get(reverse("accounts:me")).content.decode()
    session = open_campaign.sessions.order_by("date", "starts_at").first()
    site = SeatAssignment.objects.filter(application=application).select_related("room__site").first().room.site
    assert f"准考证号 {application.ticket.number} · 考试 {session.date:%-m月%-d日} 08:30" in body
    assert site.name in body and "考场座位与准考证" in body


def test_the_ticket_waits_for_its_download_date(people, open_campaign, hohhot, candidates):
    _published(people, open_campaign, hohhot)
    Campaign.objects.filter(pk=open_campaign.pk).update(tickets_open=timezone.localdate() + timedelta(days=3))
    application = candidates[0]
    applicant = client_for(application.applicant)
    assert "起开放下载" in applicant.get(reverse("applications:detail", args=[application.pk])).content.decode()
    refused = applicant.get(reverse("exams:ticket_pdf", args=[application.pk]))
    assert refused.status_code == 403 and "起开放下载" in refused.content.decode()


def test_the_ticket_download_is_the_applicants_own(people, open_campaign, hohhot, candidates):
    _published(people, open_campaign, hohhot)
    application = candidates[0]
    assert (
        client_for(candidates[1].applicant).get(reverse("exams:ticket_pdf", args=[application.pk])).status_code == 404
    )
    assert client_for(people["hohhot_co"]).get(reverse("exams:ticket_pdf", args=[application.pk])).status_code == 404
    mine = client_for(application.applicant).get(reverse("exams:ticket_pdf", args=[application.pk]))
    assert mine.status_code == 200
    assert mine["Content-Type"] == "application/pdf" and mine.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(mine.content)).pages)
    assert application.full_name in text and Ticket.objects.get(application=application).number in text
    downloaded = AuditEvent.objects.filter(action="applications.document_downloaded", object_id=str(application.pk))
    assert downloaded.filter(after__slot="ticket").exists()


def test_the_workbench_counts_down_to_the_arrangement_date(people, open_campaign):
    page = client_for(people["hohhot_co"]).get(reverse("staff_home")).content.decode()
    days = (open_campaign.arrangement_due - timezone.localdate()).days
    assert "考场编排" in page and f"还剩 {days} 天" in page
    assert "还剩" not in client_for(people["hohhot_reg"]).get(reverse("staff_home")).content.decode()


def test_an_invigilator_has_no_workbench(invigilator):
    client = client_for(invigilator)
    assert client.get(reverse("staff_home")).status_code == 403
    assert client.get(reverse("accounts:me")).status_code == 200


@pytest.mark.parametrize("page", ["exams:staff", "exams:assignments", "exams:needs", "exams:site_new"])
def test_the_co_organizers_pages_render(people, open_campaign, site, rooms, page):
    assert client_for(people["hohhot_co"]).get(reverse(page) + Q).status_code == 200


def test_a_rooms_tickets_print_in_one_pdf_for_the_co_organizer(people, open_campaign, hohhot, candidates):
    _published(people, open_campaign, hohhot)
    room = Room.objects.get(number="01")
    response = client_for(people["hohhot_co"]).get(reverse("exams:room_tickets_pdf", args=[room.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    seated = room.seats.values("application").distinct().count()
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= seated
    assert AuditEvent.objects.filter(action="exams.tickets.printed", after__tickets=seated).exists()
    assert client_for(people["baotou_co"]).get(reverse("exams:room_tickets_pdf", args=[room.pk])).status_code == 404


def test_a_rooms_tickets_cost_the_same_few_queries_whatever_its_size(
    people, open_campaign, hohhot, candidates, django_assert_max_num_queries
):
    from exams.tests.fixtures import photo

    _published(people, open_campaign, hohhot)
    for shade, application in enumerate(candidates):
        photo(application, 100 + shade)  # one photo read each: a file, not a query
    desk = client_for(people["hohhot_co"])
    big, small = Room.objects.get(number="01"), Room.objects.get(number="02")
    sizes = [room.seats.values("application").distinct().count() for room in (big, small)]
    assert sizes[0] > sizes[1] > 0
    counts = []
    for room in (big, small):
        with django_assert_max_num_queries(MAX_QUERIES_PER_ROOM) as captured:
            response = desk.get(reverse("exams:room_tickets_pdf", args=[room.pk]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        counts.append(len(captured))
    assert counts[0] == counts[1]


# The session and its user; the room, its seat order, applications, tickets, seats with sessions and
# sites, photo documents; the actor's city and the audit row; the session saved (with its savepoint).
MAX_QUERIES_PER_ROOM = 13
