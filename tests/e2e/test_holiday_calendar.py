"""The association enters a year's holiday schedule from a file; the deadlines that were 待公布 get dates."""

from playwright.sync_api import Page, expect

from catalog.models import Campaign
from catalog.services import WINDOW_FIELDS
from tests.e2e.test_public_pages import assert_fits_phone, log_in

# Made-up entries for 2099 (no real year's schedule is invented here).
SCHEDULE = "日期,类型,名称\n2099-10-01,放假,国庆节\n2099-10-10,调休上班,国庆节\n"


def test_the_association_imports_a_schedule_and_the_public_page_shows_the_dates(
    phone: Page, people, catalog_2023, tmp_path, shot
):
    Campaign.objects.filter(pk=catalog_2023.pk).update(
        **{name: getattr(catalog_2023, name).replace(year=2099) for name in WINDOW_FIELDS}
    )
    phone.goto("/campaigns/2023/")
    timeline = phone.locator("ol.timeline")
    expect(timeline.locator("li", has_text="成绩公示")).to_contain_text("待公布")

    log_in(phone, "alice")
    phone.goto("/staff/")
    expect(phone.get_by_role("status").filter(has_text="2099 年的放假和调休安排尚未录入")).to_be_visible()
    phone.get_by_role("link", name="节假日安排", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("节假日安排")
    schedule = tmp_path / "2099.csv"
    schedule.write_text(SCHEDULE, encoding="utf-8")
    phone.get_by_label("安排文件").set_input_files(schedule)
    phone.get_by_label("文件包含这些年度的全部安排（标记为完整）").check()
    phone.get_by_role("button", name="上传").click()
    expect(phone.get_by_role("status").filter(has_text="已导入 2 条安排")).to_be_visible()
    assert_fits_phone(phone)
    shot(phone, "holiday-calendar-imported")

    phone.goto("/campaigns/2023/")
    expect(timeline.locator("li", has_text="成绩公示")).to_contain_text("2099年10月29日")
    # 5 working days before Thursday 15 October, the make-up Saturday 10 October counted.
    expect(timeline.locator("li", has_text="提交《考务手册》")).to_contain_text("2099年10月9日")
