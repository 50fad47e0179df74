"""The 汇总表 counts, files and signed scans; the 人员名册; the materials zip."""

import hashlib
import io
import os
import tracemalloc
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from applications.models import Application, Status
from applications.tests import uploadfixtures as fx
from applications.tests.fixtures import attach_documents
from audit.models import AuditEvent
from conftest import client_for
from exams.models import Ticket
from exams.tests.fixtures import paid_candidates
from scoring import report_selectors as selectors
from scoring.materials_zip import stream_zip
from scoring.models import Mark, Part, Score, SummaryScan
from scoring.services import reports
from skillcert.refusals import Refused
from skillcert.uploads import UploadRejected


def _score(application, part, mark, by, value=None):
    return Score.objects.create(
        application=application,
        part=part,
        mark=mark,
        value=value,
        finalized_by=by,
        finalized_at=timezone.now(),
    )


def _set(applications, status, **fields):
    Application.objects.filter(pk__in=[a.pk for a in applications]).update(status=status, **fields)


@pytest.fixture
def results(sat, people):
    """`sat` plus: scores that make one more candidate absent in both parts and one absent in theory
    only; 5 passed (3 passed, 1 certified, 1 delivered), 2 failed; and six unseated applications in
    other states (draft, a draft withdrawn, submitted, returned, city-approved, approved)."""
    reg = people["hohhot_reg"]
    second_room = sat.seated(sat.rooms[1], sat.theory)
    both_absent, theory_absent = second_room[0], second_room[1]
    _score(both_absent, Part.THEORY, Mark.ABSENT, reg)
    _score(both_absent, Part.SKILL, Mark.ABSENT, reg)
    _score(theory_absent, Part.THEORY, Mark.ABSENT, reg)
    passed = second_room[2:7]
    for application in passed:
        _score(application, Part.THEORY, Mark.SCORE, reg, Decimal("80"))
        _score(application, Part.SKILL, Mark.SCORE, reg, Decimal("75.5"))
    _set(passed[:3], Status.PASSED)
    _set(passed[3:4], Status.CERTIFIED)
    _set(passed[4:5], Status.DELIVERED)
    _set(second_room[7:9], Status.FAILED)
    others = paid_candidates(sat.campaign, 6)
    now = timezone.now()
    _set(others[0:1], Status.DRAFT, submitted_at=None)
    _set(others[1:2], Status.WITHDRAWN, submitted_at=None)
    _set(others[2:3], Status.SUBMITTED, submitted_at=now)
    _set(others[3:4], Status.RETURNED, submitted_at=now)
    _set(others[4:5], Status.CITY_APPROVED, submitted_at=now)
    _set(others[5:6], Status.APPROVED, submitted_at=now)
    return {"passed": passed, "both_absent": both_absent, "theory_absent": theory_absent}


def _url(name, sat, *args, **query):
    params = "&".join(f"{k}={v}" for k, v in {"campaign": sat.campaign.slug, **query}.items())
    return reverse(f"scoring:{name}", args=args) + "?" + params


# --- counts --------------------------------------------------------------------------------------


def test_the_summary_counts_each_stage_of_the_city(sat, results):
    total = selectors.summary_table(sat.campaign, sat.city).total
    assert total.applied == 34  # 30 seated + submitted, returned, city-approved, approved
    assert total.approved == 31
    assert total.paid == 30
    assert total.seated == 30
    # Absent: the fixture's first candidate (缺考 in both check-ins) and one 缺考 in both scores.
    assert (total.sat, total.absent) == (28, 2)
    assert total.passed == 5
    assert selectors.summary.pass_rate(total.passed, total.sat) == "17.9%"


def test_a_score_decides_over_the_check_in_and_a_part_without_score_falls_back_to_it(sat, results):
    ids = {results["both_absent"].pk, results["theory_absent"].pk}
    conditions = selectors.counting_conditions()
    rows = Application.objects.filter(pk__in=ids).filter(conditions["sat"])
    assert list(rows.values_list("pk", flat=True)) == [results["theory_absent"].pk]  # present in skill


def test_the_summary_counts_in_one_query_whatever_the_city_size(sat, results, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.summary_counts(sat.campaign, sat.city)
    paid_candidates(sat.campaign, 20)
    with django_assert_num_queries(1):
        selectors.summary_counts(sat.campaign, sat.city)


def test_another_citys_applications_are_not_counted(sat, results):
    from catalog.models import City

    baotou = City.objects.get(code="baotou")
    assert selectors.summary_table(sat.campaign, baotou).total.applied == 0


# --- the files -------------------------------------------------------------------------------------


def test_the_summary_pdf_is_a4_landscape_with_the_chinese_headings_and_the_signing_lines(sat, results, people):
    response = client_for(people["hohhot_reg"]).get(_url("summary_file", sat, "pdf"))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    text = "".join(p.extract_text() for p in reader.pages)
    for words in (
        "人社监管部门汇总表",
        "呼和浩特",
        "合格率",
        "合计",
        "17.9%",
        "制表人",
        "审核人",
        "负责人",
        "盖章",
        "日期",
    ):
        assert words in text
    assert AuditEvent.objects.filter(action="scoring.summary.downloaded", actor=people["hohhot_reg"]).count() == 1


def test_the_summary_xlsx_has_the_lines_and_the_total(sat, results, people):
    response = client_for(people["association"]).get(_url("summary_file", sat, "xlsx", city="hohhot"))
    sheet = load_workbook(io.BytesIO(response.content))["汇总表"]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in values if row and row[0] == "序号")
    assert list(header[:12]) == list(selectors.summary.HEADINGS)
    total = next(row for row in values if row and row[0] == "合计")
    assert total[4] == 34 and total[10] == 5 and total[11] == "17.9%"


def test_the_summary_page_shows_the_table_to_the_citys_regulator(sat, results, people):
    response = client_for(people["hohhot_reg"]).get(_url("summary", sat))
    assert response.status_code == 200
    assert "17.9%" in response.content.decode()


def test_a_co_organizer_cannot_read_the_summary(sat, people):
    assert client_for(people["hohhot_co"]).get(_url("summary", sat)).status_code == 403


# --- the signed scan -------------------------------------------------------------------------------


def test_the_citys_regulator_uploads_a_signed_pdf_and_it_is_audited(sat, people):
    scan = reports.upload_summary_scan(people["hohhot_reg"], sat.campaign, sat.city, fx.one_page_pdf())
    assert scan.content_type == "application/pdf" and scan.file.name.startswith(f"summaries/{sat.campaign.year}/")
    event = AuditEvent.objects.get(action="scoring.summary.scan_uploaded")
    assert event.actor == people["hohhot_reg"] and event.after["sha256"] == scan.sha256


def test_the_same_scan_twice_is_one_scan(sat, people):
    data = fx.one_page_pdf()
    first = reports.upload_summary_scan(people["hohhot_reg"], sat.campaign, sat.city, data)
    again = reports.upload_summary_scan(people["hohhot_reg"], sat.campaign, sat.city, data)
    assert first.pk == again.pk and SummaryScan.objects.count() == 1


def test_a_photo_of_the_signed_table_is_stored_without_its_metadata(sat, people):
    data = fx.encode(fx.id_card((1200, 900)), "JPEG", exif=fx.gps_exif())
    scan = reports.upload_summary_scan(people["hohhot_reg"], sat.campaign, sat.city, data)
    assert scan.content_type == "image/jpeg" and scan.sha256 != hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "文件内容不是"),  # a Windows program
        (b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1), "10"),  # too big
        (fx.one_page_pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), "PDF"),  # a script
        (fx.png_header_bomb(30_000, 30_000), "图片尺寸过大"),
    ],
    ids=["wrong type", "too big", "script in the pdf", "pixel bomb"],
)
def test_a_bad_scan_is_refused_and_nothing_is_stored(sat, people, data, message):
    with pytest.raises(UploadRejected) as refused:
        reports.upload_summary_scan(people["hohhot_reg"], sat.campaign, sat.city, data)
    assert message in str(refused.value)
    assert not SummaryScan.objects.exists() and not AuditEvent.objects.filter(action__startswith="scoring.").exists()


def test_only_the_citys_regulator_uploads_the_scan(sat, people):
    from catalog.models import City

    data = fx.one_page_pdf()
    for who in ("association", "hohhot_co"):
        with pytest.raises((PermissionDenied, Refused)):
            reports.upload_summary_scan(people[who], sat.campaign, sat.city, data)
    with pytest.raises(PermissionDenied):  # another city's regulator
        reports.upload_summary_scan(people["baotou_reg"], sat.campaign, sat.city, data)
    with pytest.raises(PermissionDenied):  # the regulator for another city
        reports.upload_summary_scan(people["hohhot_reg"], sat.campaign, City.objects.get(code="baotou"), data)
    assert not SummaryScan.objects.exists()


def test_a_failed_row_leaves_no_file_behind(sat, people, monkeypatch):
    storage = SummaryScan.file.field.storage
    saved = []
    real_save = storage.save
    monkeypatch.setattr(storage, "save", lambda name, content: saved.append(real_save(name, content)) or saved[-1])
    monkeypatch.setattr(reports, "record", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("audit down")))
    with pytest.raises(RuntimeError):
        reports.upload_summary_scan(people["hohhot_reg"], sat.campaign, sat.city, fx.one_page_pdf())
    assert saved and not storage.exists(saved[0]) and not SummaryScan.objects.exists()


def test_the_upload_form_shows_the_refusal_beside_the_field(sat, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(people["hohhot_reg"])
    upload = SimpleUploadedFile("scan.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(reverse("scoring:summary_scan_upload"), {"campaign": sat.campaign.slug, "file": upload})
    assert response.status_code == 400 and "文件内容不是" in response.content.decode()


def test_the_overview_says_submitted_missing_and_late(sat, people, monkeypatch):
    today = timezone.localdate()
    scan = reports.upload_summary_scan(people["hohhot_reg"], sat.campaign, sat.city, fx.one_page_pdf())
    rows = {r.city.code: r for r in selectors.scan_overview(sat.campaign, today + timedelta(days=1), today)}
    assert rows["hohhot"].latest == scan and not rows["hohhot"].late
    assert rows["baotou"].latest is None and not rows["baotou"].late
    later = {r.city.code: r for r in selectors.scan_overview(sat.campaign, today - timedelta(days=1), today)}
    assert later["hohhot"].late and later["baotou"].late  # uploaded after the due day; not uploaded by it


def test_the_overview_says_to_be_announced_when_the_calendar_does_not_cover_the_year(sat, people, monkeypatch):
    from catalog.models import Campaign
    from skillcert.lib.workdays import CalendarNotCovered

    def uncovered(self, data):
        raise CalendarNotCovered(date(2099, 10, 15))

    monkeypatch.setattr(Campaign, "compute_results_due", uncovered)
    response = client_for(people["association"]).get(_url("summary", sat))
    assert response.status_code == 200 and "待公布" in response.content.decode()
    assert selectors.results_due(sat.campaign).day is None


def test_a_scan_is_read_by_its_city_and_the_association_only(sat, people):
    scan = reports.upload_summary_scan(people["hohhot_reg"], sat.campaign, sat.city, fx.one_page_pdf())
    url = reverse("scoring:summary_scan", args=[scan.pk])
    assert client_for(people["association"]).get(url).status_code == 200
    assert client_for(people["hohhot_reg"]).get(url).status_code == 200
    assert client_for(people["baotou_reg"]).get(url).status_code == 404
    assert client_for(people["hohhot_co"]).get(url).status_code == 403


# --- 人员名册 ---------------------------------------------------------------------------------------


def test_the_roster_lists_the_passed_with_masked_numbers_and_their_scores(sat, results, people):
    lines = selectors.roster(sat.campaign, sat.city, full_ids=False)
    assert len(lines) == 5
    first = lines[0]
    assert "*" in first.id_number and first.sex in {"男", "女"} and first.scores == {"theory": "80", "skill": "75.5"}
    assert [line.ticket for line in lines] == sorted(line.ticket for line in lines)


def test_the_full_roster_is_audited_as_such(sat, results, people):
    response = client_for(people["hohhot_reg"]).get(_url("roster", sat, "xlsx", full="1"))
    sheet = load_workbook(io.BytesIO(response.content))["合格人员名册"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "序号")
    assert rows[header][:5] == ("序号", "准考证号", "姓名", "性别", "身份证号")
    numbers = {row[4] for row in rows[header + 1 : header + 6]}
    assert numbers == {a.id_number for a in results["passed"]}
    event = AuditEvent.objects.get(action="scoring.roster.downloaded")
    assert event.after["full_id_numbers"] is True and event.after["lines"] == 5


def test_the_roster_pdf_opens_with_its_heading(sat, results, people):
    response = client_for(people["association"]).get(_url("roster", sat, "pdf", city="hohhot"))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "合格人员名册" in text and "理论知识" in text and results["passed"][0].full_name in text


def test_another_citys_regulator_and_the_co_organizer_get_no_roster(sat, results, people):
    assert client_for(people["hohhot_co"]).get(_url("roster", sat, "xlsx")).status_code == 403
    # A regulator's city is its own, whatever it asks for: 包头's has nobody of 呼和浩特.
    response = client_for(people["baotou_reg"]).get(_url("roster", sat, "xlsx", city="hohhot"))
    rows = list(load_workbook(io.BytesIO(response.content))["合格人员名册"].iter_rows(values_only=True))
    assert not any(row and row[2] == results["passed"][0].full_name for row in rows)


# --- the materials zip ----------------------------------------------------------------------------


def _passed(campaign, count):
    applications = paid_candidates(campaign, count)
    _set(applications, Status.PASSED)
    for application in applications:
        attach_documents(application, ["id_front", "id_back", "diploma"])
    return applications


def _zip(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_materials_zip_holds_a_folder_per_passed_candidate(sat, results, people):
    for application in results["passed"]:
        attach_documents(application, ["id_front", "diploma"])
    response = client_for(people["association"]).get(_url("materials", sat, city="hohhot"))
    assert response.status_code == 200 and response.streaming
    archive = zipfile.ZipFile(io.BytesIO(_zip(response)))
    assert archive.testzip() is None
    names = archive.namelist()
    tickets = dict(Ticket.objects.filter(application__in=results["passed"]).values_list("application_id", "number"))
    for application in results["passed"]:
        folder = f"{tickets[application.pk]}-{application.full_name}"
        assert {f"{folder}/申报表.pdf", f"{folder}/身份证正面.pdf", f"{folder}/学历证书.pdf"} <= set(names)
        assert archive.read(f"{folder}/申报表.pdf").startswith(b"%PDF")
    documents = sum(a.documents.count() for a in results["passed"])
    assert len(names) == len(set(names)) == documents + 5
    event = AuditEvent.objects.get(action="scoring.materials.downloaded")
    assert event.after["candidates"] == 5


def test_the_regulator_may_not_download_the_materials(sat, results, people):
    # ID card scans and printouts with full numbers: not for regulators (docs/architecture.md, "Access").
    assert client_for(people["hohhot_reg"]).get(_url("materials", sat)).status_code == 403
    assert client_for(people["hohhot_co"]).get(_url("materials", sat)).status_code == 403
    assert not AuditEvent.objects.filter(action="scoring.materials.downloaded").exists()


def _peak(campaign) -> tuple[int, int]:
    """(peak traced memory, zip bytes) of streaming the city's whole zip."""
    ids = selectors.passed_ids(campaign, campaign.applications.first().city)
    tracemalloc.start()
    size = 0
    for chunk in stream_zip(selectors.materials_members(ids)):
        size += len(chunk)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, size


def _big_documents(applications, size):
    from django.core.files.base import ContentFile

    from applications.models import ApplicationDocument

    for application in applications:
        for slot in ("id_front", "id_back", "diploma"):
            data = os.urandom(size)
            ApplicationDocument.objects.create(
                application=application,
                slot=slot,
                file=ContentFile(data, name=f"{slot}.jpg"),
                content_type="image/jpeg",
                size=size,
                sha256=hashlib.sha256(data).hexdigest(),
            )


def test_the_zip_streams_in_constant_memory(open_campaign, monkeypatch):
    """Ten times the candidates (each with 600 KB of files), about the same peak: nothing of a
    candidate is kept once it is sent. The 申报表 is a fixed 100 KB here (its render is the same
    work for every candidate, tested above), and batches are of 5, so both runs hold one batch of
    rows. What may grow is the zip's central directory, which the format writes at the end."""
    monkeypatch.setattr(selectors, "MATERIALS_BATCH", 5)
    monkeypatch.setattr(selectors, "_application_form", lambda application: b"%PDF-" + b"0" * 100_000)
    applications = paid_candidates(open_campaign, 50)
    _set(applications[:5], Status.PASSED)
    _big_documents(applications, 200_000)
    _peak(open_campaign)  # warm up
    small, small_bytes = _peak(open_campaign)
    _set(applications, Status.PASSED)
    large, large_bytes = _peak(open_campaign)
    print(
        f"zip peak: 5 candidates {small / 1024:.0f} KiB ({small_bytes / 1024:.0f} KiB zip), "
        f"50 candidates {large / 1024:.0f} KiB ({large_bytes / 1024:.0f} KiB zip)"
    )
    assert large_bytes - small_bytes > 25 * 1024 * 1024
    # Measured: +240 KiB for +30 MiB of zip (the directory is about 0.5 KiB a file, 180 files more).
    assert large - small < 512 * 1024


def test_the_material_reads_check_the_city(sat, people):
    from catalog.models import City

    with pytest.raises((PermissionDenied, Refused)):
        reports.require_materials_reader(people["hohhot_reg"], sat.city)
    reports.require_materials_reader(people["association"], City.objects.get(code="baotou"))
