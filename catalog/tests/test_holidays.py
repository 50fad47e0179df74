"""The holiday schedule the association enters: it overrides the package, is imported all-or-nothing,
audited, and turns "待公布" deadlines into dates; nobody is shown a developer's error."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from catalog import holidays
from catalog.holidays_io import read_schedule
from catalog.models import Campaign, HolidayEntry, HolidayYear
from catalog.services import WINDOW_FIELDS
from conftest import client_for

# A made-up 2099 schedule (no real year's schedule is invented here): National Day week with a make-up Saturday.
SCHEDULE_2099 = (
    "日期,类型,名称\n"
    "2099-10-01,放假,国庆节\n2099-10-02,放假,国庆节\n2099-10-05,放假,国庆节\n"
    "2099-10-06,放假,国庆节\n2099-10-07,放假,国庆节\n2099-10-10,调休上班,国庆节\n"
)
CALENDAR = reverse("catalog_staff:calendar")


def year_url(year: int) -> str:
    return reverse("catalog_staff:calendar_year", args=[year])


@pytest.fixture
def campaign_2099(catalog_2023) -> Campaign:
    """The 2023 campaign moved to 2099: its working-day deadlines fall in a year without any data."""
    Campaign.objects.filter(pk=catalog_2023.pk).update(
        **{name: getattr(catalog_2023, name).replace(year=2099) for name in WINDOW_FIELDS}
    )
    return Campaign.objects.get(pk=catalog_2023.pk)


def upload(client, content, name="schedule.csv", **fields):
    data = content.encode() if isinstance(content, str) else content
    return client.post(CALENDAR, {"file": SimpleUploadedFile(name, data), **fields})


# --- reading files ------------------------------------------------------------------------------


def test_a_schedule_file_is_read_row_by_row():
    report = read_schedule("s.csv", SCHEDULE_2099.encode())
    assert report.ok and report.years == [2099] and len(report.rows) == 6
    assert (report.rows[-1].day, report.rows[-1].kind) == (date(2099, 10, 10), "workday")


def test_every_bad_row_is_reported_with_its_line_in_chinese():
    bad = "日期,类型,名称\n2099-02-30,放假,春节\n2099-10-01,休息吧,国庆节\n2099-10-03,放假,\n2099-10-05,上班,国庆节\n"
    bad += "2099-10-01,放假,国庆节\n2099-10-01,放假,国庆节\n"
    report = read_schedule("s.csv", bad.encode())
    text = "\n".join(report.errors)
    assert not report.ok
    assert "第 2 行" in text and "2099-02-30”不存在" in text
    assert "第 3 行" in text and "类型“休息吧”无效" in text
    assert "第 4 行" in text and "名称为空" in text
    assert "第 5 行" in text and "本来就是工作日" in text  # 2099-10-05 is a Monday
    assert "第 6 行" in text and "第 7 行" in text and "与第 3 行重复" in text


def test_an_excel_file_with_real_date_cells_is_read():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "类型", "名称"])
    sheet.append([date(2099, 1, 1), "放假", "元旦"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = read_schedule("s.xlsx", buffer.getvalue())
    assert report.ok and report.rows[0].day == date(2099, 1, 1)


# --- the import page ----------------------------------------------------------------------------


def test_the_association_imports_a_year_and_its_deadlines_get_dates(people, campaign_2099, client):
    assert client.get("/campaigns/2023/").content.decode().count("待公布") == 2
    response = upload(client_for(people["association"]), SCHEDULE_2099, complete="on", source="演示")
    assert "已导入 6 条安排" in response.content.decode()
    assert HolidayYear.objects.get(year=2099).complete
    assert AuditEvent.objects.filter(action="catalog.holiday.imported", actor=people["association"]).count() == 1
    body = client.get("/campaigns/2023/").content.decode()
    assert "待公布" not in body
    assert "2099年10月9日" in body and "2099年10月29日" in body  # make-up Saturday counted, holidays skipped


def test_one_bad_row_imports_nothing_and_keeps_what_was_there(people, campaign_2099):
    client = client_for(people["association"])
    holidays.save_entry(people["association"], day=date(2099, 1, 1), kind="holiday", name="元旦")
    response = upload(client, SCHEDULE_2099 + "2099-13-01,放假,坏行\n", complete="on")
    body = response.content.decode()
    assert "1 行有错误，未导入任何数据" in body and "第 8 行" in body
    assert list(HolidayEntry.objects.values_list("name", flat=True)) == ["元旦"]
    assert not HolidayYear.objects.get(year=2099).complete
    assert not AuditEvent.objects.filter(action="catalog.holiday.imported").exists()


def test_an_import_replaces_the_entries_of_the_years_in_the_file(people, campaign_2099):
    holidays.save_entry(people["association"], day=date(2099, 1, 1), kind="holiday", name="元旦")
    upload(client_for(people["association"]), SCHEDULE_2099)
    assert HolidayEntry.objects.count() == 6 and not HolidayEntry.objects.filter(name="元旦").exists()


def test_check_only_validates_without_importing(people, campaign_2099):
    response = upload(client_for(people["association"]), SCHEDULE_2099, check_only="on")
    assert "检查通过：共 6 条" in response.content.decode() and not HolidayEntry.objects.exists()


def test_a_file_of_the_wrong_kind_is_refused_in_place(people, campaign_2099):
    response = upload(client_for(people["association"]), "x", name="schedule.pdf")
    assert "只接受 .csv 或 .xlsx 文件" in response.content.decode() and not HolidayEntry.objects.exists()


# --- entering by hand ---------------------------------------------------------------------------


def test_adding_editing_and_deleting_a_day_is_audited(people, campaign_2099):
    client = client_for(people["association"])
    response = client.post(year_url(2099), {"action": "add", "day": "2099-10-01", "kind": "holiday", "name": "国庆节"})
    assert response.status_code == 302
    entry = HolidayEntry.objects.get(day=date(2099, 10, 1))
    edit = reverse("catalog_staff:calendar_entry", args=[2099, entry.pk])
    client.post(edit, {"day": "2099-10-02", "kind": "holiday", "name": "国庆节"})
    entry.refresh_from_db()
    assert entry.day == date(2099, 10, 2)
    client.post(year_url(2099), {"action": "delete", "entry": entry.pk})
    assert not HolidayEntry.objects.exists()
    events = AuditEvent.objects.filter(action__startswith="catalog.holiday.").order_by("pk")
    actions = list(events.values_list("action", "before"))
    assert [a for a, _ in actions] == ["catalog.holiday.added", "catalog.holiday.changed", "catalog.holiday.deleted"]
    assert actions[1][1]["day"] == "2099-10-01"


def test_a_day_entered_twice_is_refused_in_place(people, campaign_2099):
    client = client_for(people["association"])
    client.post(year_url(2099), {"action": "add", "day": "2099-10-01", "kind": "holiday", "name": "国庆节"})
    response = client.post(year_url(2099), {"action": "add", "day": "2099-10-01", "kind": "holiday", "name": "又一次"})
    assert response.status_code == 200 and "已录入为“放假 · 国庆节”" in response.content.decode()
    assert HolidayEntry.objects.count() == 1


def test_a_make_up_working_day_on_a_weekday_is_refused_in_place(people, campaign_2099):
    response = client_for(people["association"]).post(
        year_url(2099), {"action": "add", "day": "2099-10-05", "kind": "workday", "name": "国庆节"}
    )
    assert "本来就是工作日" in response.content.decode() and not HolidayEntry.objects.exists()


def test_a_day_of_another_year_is_refused_on_a_years_page(people, campaign_2099):
    response = client_for(people["association"]).post(
        year_url(2099), {"action": "add", "day": "2098-10-01", "kind": "holiday", "name": "国庆节"}
    )
    assert "日期须在 2099 年内" in response.content.decode() and not HolidayEntry.objects.exists()


def test_an_empty_year_cannot_be_marked_complete(people, campaign_2099):
    response = client_for(people["association"]).post(year_url(2099), {"action": "mark", "complete": "on"})
    assert "还没有录入任何放假或调休安排" in response.content.decode()
    assert not HolidayYear.objects.filter(complete=True).exists()


def test_marking_a_year_complete_is_audited_and_makes_its_deadlines_computable(people, campaign_2099):
    assert holidays.missing_years() and holidays.missing_years()[0].year == 2099
    client = client_for(people["association"])
    client.post(year_url(2099), {"action": "add", "day": "2099-10-01", "kind": "holiday", "name": "国庆节"})
    client.post(year_url(2099), {"action": "mark", "complete": "on", "source": "国办发明电"})
    assert AuditEvent.objects.filter(action="catalog.holiday_year.marked").count() == 1
    assert holidays.missing_years() == []
    assert Campaign.objects.get(pk=campaign_2099.pk).handbook_due == date(2099, 10, 8)


def test_an_entry_overrides_the_package_in_a_covered_year(people, catalog_2023):
    assert str(catalog_2023.handbook_due) == "2023-10-09"
    holidays.save_entry(people["association"], day=date(2023, 10, 9), kind="holiday", name="更正")
    assert str(Campaign.objects.get(pk=catalog_2023.pk).handbook_due) == "2023-10-08"


# --- who sees what ------------------------------------------------------------------------------


def test_the_public_sees_to_be_announced_and_no_internals(campaign_2099, client):
    body = client.get("/campaigns/2023/").content.decode()
    assert body.count("待公布") == 2
    for internal in ("chinesecalendar", "覆盖范围", "升级", "节假日安排", "工作日"):
        assert internal not in body


def test_the_api_answers_null_until_the_year_is_entered_then_the_date(people, campaign_2099, client):
    assert client.get("/api/v1/campaigns/2023").json()["handbook_due"] is None
    upload(client_for(people["association"]), SCHEDULE_2099, complete="on")
    assert client.get("/api/v1/campaigns/2023").json()["handbook_due"] == "2099-10-09"


def test_the_association_is_told_which_year_to_enter_with_a_link(people, campaign_2099):
    body = client_for(people["association"]).get(reverse("staff_home")).content.decode()
    assert "2099 年的放假和调休安排尚未录入" in body and year_url(2099) in body


def test_city_staff_are_told_the_association_will_enter_it(people, campaign_2099):
    body = client_for(people["hohhot_co"]).get(reverse("staff_home")).content.decode()
    assert "2099 年的放假和调休安排尚未录入" in body and "由就促会录入" in body and year_url(2099) not in body


ROLES = [
    (None, 302),
    ("applicant", 403),
    ("other_applicant", 403),
    ("hohhot_co", 403),
    ("baotou_co", 403),
    ("hohhot_reg", 403),
    ("hohhot_expert", 403),
    ("association", 200),
]


@pytest.mark.parametrize(("role", "status"), ROLES)
def test_only_the_association_opens_the_calendar_pages(people, other_applicant, campaign_2099, role, status):
    entry = holidays.save_entry(people["association"], day=date(2099, 10, 1), kind="holiday", name="国庆节")
    client = client_for(other_applicant if role == "other_applicant" else people.get(role))
    for path in (CALENDAR, year_url(2099), reverse("catalog_staff:calendar_entry", args=[2099, entry.pk])):
        assert client.get(path).status_code == status, path


@pytest.mark.parametrize(("role", "status"), ROLES)
def test_only_the_association_changes_the_calendar(people, other_applicant, campaign_2099, role, status):
    entry = holidays.save_entry(people["association"], day=date(2099, 10, 1), kind="holiday", name="国庆节")
    client = client_for(other_applicant if role == "other_applicant" else people.get(role))
    edit = reverse("catalog_staff:calendar_entry", args=[2099, entry.pk])
    client.post(edit, {"day": "2099-10-02", "kind": "holiday", "name": "改"})
    client.post(year_url(2099), {"action": "add", "day": "2099-10-03", "kind": "holiday", "name": "加"})
    assert (set(HolidayEntry.objects.values_list("name", flat=True)) == {"改", "加"}) is (role == "association")
    upload(client, SCHEDULE_2099.replace("国庆节", "导入"))
    assert HolidayEntry.objects.filter(name="导入").exists() is (role == "association")


def test_a_year_outside_the_supported_range_or_an_entry_of_another_year_is_not_found(people, campaign_2099):
    entry = holidays.save_entry(people["association"], day=date(2099, 10, 1), kind="holiday", name="国庆节")
    client = client_for(people["association"])
    assert client.get(year_url(1999)).status_code == 404
    assert client.get(reverse("catalog_staff:calendar_entry", args=[2098, entry.pk])).status_code == 404
