"""The data the project ships must be the notice's, row by row, without personal mobiles."""

import csv
import re
import subprocess
from pathlib import Path

import pytest

from catalog.catalog_io import read_catalog
from catalog.models import Campaign, City, ExamSession, Organisation
from catalog.services import CATALOG_2023, DIRECTORY_2023

REPO = Path(__file__).resolve().parents[2]
NOTICE = REPO.parent / "shared" / "seed" / "notice-2023.md"
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(scope="module")
def notice_text() -> str:
    if not NOTICE.exists():
        pytest.skip(f"the notice is not beside the repository ({NOTICE}); the row-by-row check needs it")
    return NOTICE.read_text(encoding="utf-8")


def test_the_shipped_catalog_is_annex_1_row_by_row(notice_text):
    shipped = read_catalog(CATALOG_2023)
    from_notice = read_catalog("notice.md", notice_text.encode())
    assert shipped.ok and from_notice.ok
    as_rows = lambda report: [(r.position, r.name, r.code, r.levels) for r in report.rows]  # noqa: E731
    assert as_rows(shipped) == as_rows(from_notice)


def test_the_shipped_catalog_has_98_occupations_with_the_notices_levels():
    rows = {r.name: r for r in read_catalog(CATALOG_2023).rows}
    assert len(rows) == 98
    assert rows["汽车维修工"].levels == (5, 4, 3, 2, 1) and rows["汽车维修工"].code == "4-12-01-01"
    assert rows["保卫管理员"].levels == (3, 2, 1)
    assert rows["秘书"].levels == (5, 4, 3, 2)
    assert rows["护林员"].levels == (5, 4, 3)
    assert rows["物业管理员"].levels == (4, 3, 2)
    assert rows["职业指导员"].position == 98


def notice_table(text: str, title: str) -> list[list[str]]:
    lines = text.splitlines()
    start = max(n for n, line in enumerate(lines) if title in line)
    rows = []
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells[0].isdigit():
                rows.append(cells)
        elif rows:
            break
    return rows


def test_the_shipped_directory_is_annexes_4_and_5(notice_text):
    with DIRECTORY_2023.open(encoding="utf-8") as handle:
        shipped = list(csv.DictReader(handle))
    regulators = notice_table(notice_text, "人社监管部门汇总表")
    partners = notice_table(notice_text, "协办单位名称单")
    assert len(shipped) == len(regulators) == len(partners) == 13
    for row, regulator, partner in zip(shipped, regulators, partners, strict=True):
        assert [row["盟市"], row["人社监管部门"], row["监管部门地址"], row["监管部门电话"]] == regulator[1:5]
        assert [row["盟市"], row["协办单位"], row["协办单位地址"]] == partner[1:4]
        office = partner[5]
        assert row["协办单位电话"] == ("" if MOBILE.fullmatch(office) else office)


def test_no_personal_mobile_number_of_the_notice_is_in_the_repository(notice_text):
    mobiles = set(MOBILE.findall(notice_text))
    assert len(mobiles) >= 14  # the two contacts of the notice and the 13 partner contacts
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    leaks = []
    for name in filter(None, tracked.decode().split("\0")):
        path = REPO / name
        if path.is_file() and path.stat().st_size < 5_000_000:
            content = path.read_bytes().decode("utf-8", errors="ignore")
            leaks += [(name, m) for m in mobiles if m in content]
    assert leaks == []


def test_shipped_data_files_hold_no_mobile_numbers_at_all():
    for path in (CATALOG_2023, DIRECTORY_2023):
        assert MOBILE.findall(path.read_text(encoding="utf-8")) == []


def test_loading_the_notice_gives_13_cities_and_both_organisation_lists(catalog_2023):
    assert City.objects.count() == 13
    assert City.objects.filter(name="满洲里市").exists()
    assert City.objects.get(hosts_direct_units=True).name == "呼和浩特市"
    assert Organisation.objects.filter(kind="co_organizer").count() == 13
    assert Organisation.objects.filter(kind="regulator").count() == 13
    association = Organisation.objects.get(kind="association")
    assert association.name == "内蒙古职业培训与就业促进会" and association.office_phone == "0471-3956299"


def test_the_2023_campaign_has_the_notices_dates(catalog_2023):
    campaign = Campaign.objects.get(slug="2023")
    assert [str(campaign.registration_opens), str(campaign.registration_closes)] == ["2023-08-30", "2023-09-19"]
    assert [str(campaign.payment_opens), str(campaign.payment_closes)] == ["2023-09-25", "2023-09-27"]
    assert str(campaign.exam_date) == "2023-10-15" and str(campaign.arrangement_due) == "2023-10-06"
    sessions = {s.kind: (str(s.starts_at), str(s.ends_at)) for s in campaign.sessions.all()}
    assert sessions == {
        ExamSession.Kind.THEORY: ("08:30:00", "10:00:00"),
        ExamSession.Kind.SKILL: ("10:30:00", "12:30:00"),
    }
    assert str(campaign.handbook_due) == "2023-10-09"
    assert str(campaign.results_due) == "2023-10-27"
    assert campaign.offerings.count() == 98
