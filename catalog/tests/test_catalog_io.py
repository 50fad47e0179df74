"""Reading catalog files: every format, every kind of bad row, reported by line."""

import io

import pytest
from openpyxl import Workbook

from catalog.catalog_io import UnreadableCatalog, parse_levels, read_catalog

HEADER = "序号,职业,职业编码,级别\n"


def csv_report(body: str, header: str = HEADER):
    return read_catalog("catalog.csv", (header + body).encode())


def test_a_good_csv_reads_every_row_in_order():
    report = csv_report("1,汽车维修工,4-12-01-01,5、4、3、2、1\n2,保卫管理员,3-02-02-00,3、2、1\n")
    assert report.ok
    assert [(r.code, r.name, r.levels, r.line) for r in report.rows] == [
        ("4-12-01-01", "汽车维修工", (5, 4, 3, 2, 1), 2),
        ("3-02-02-00", "保卫管理员", (3, 2, 1), 3),
    ]


def test_english_headers_and_comma_separated_levels_are_accepted():
    report = csv_report('1,Electrician,6-31-01-03,"5,4,3"\n', header="position,name,code,levels\n")
    assert report.ok and report.rows[0].levels == (5, 4, 3)


def test_gb18030_encoded_csv_from_excel_is_read():
    content = (HEADER + "1,电工,6-31-01-03,5、4\n").encode("gb18030")
    assert read_catalog("catalog.csv", content).rows[0].name == "电工"


def test_a_good_xlsx_is_read_with_sheet_row_numbers():
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "职业", "职业编码", "级别"])
    sheet.append([1, "电工", "6-31-01-03", "5、4、3、2、1"])
    sheet.append([2, "秘书", "3-01-02-02", 5])
    buffer = io.BytesIO()
    book.save(buffer)
    report = read_catalog("catalog.xlsx", buffer.getvalue())
    assert report.ok
    assert [(r.line, r.levels) for r in report.rows] == [(2, (5, 4, 3, 2, 1)), (3, (5,))]


def test_markdown_tables_split_by_a_page_break_are_one_catalog():
    text = """## 附件1
| 序号 | 职业 | 职业编码 | 级别 |
|----|----|----|----|
| 1  | 电工 | 6-31-01-03 | 5、4、3、2、1 |

|    |    |    |    |
|----|----|----|----|
| 2  | 秘书 | 3-01-02-02 | 5、4、3、2 |

## 附件 4
| 序号 | 盟市 | 名称 |
|----|----|----|
| 1 | 呼和浩特市 | 呼和浩特市就业服务中心 |
"""
    report = read_catalog("notice.md", text.encode())
    assert report.ok
    assert [(r.position, r.name, r.line) for r in report.rows] == [(1, "电工", 4), (2, "秘书", 8)]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("1,电工,6-31-1-03,5", "格式不对"),
        ("1,电工,631010,5", "格式不对"),
        ("1,电工,6-31-01-03,7", "级别“7”无效"),
        ("1,电工,6-31-01-03,五", "级别“五”无效"),
        ("1,电工,6-31-01-03,", "级别为空"),
        ("1,电工,6-31-01-03,5、5", "级别重复"),
        ("1,,6-31-01-03,5", "职业名称为空"),
        ("一,电工,6-31-01-03,5", "序号“一”不是数字"),
    ],
)
def test_each_kind_of_bad_row_is_reported_with_its_line(row, problem):
    report = csv_report("1,秘书,3-01-02-02,5\n" + row.replace("1,", "2,", 1) + "\n")
    assert not report.ok
    assert len(report.errors) == 1
    assert report.errors[0].startswith("第 3 行") and problem in report.errors[0]


@pytest.mark.parametrize(
    ("second", "problem"),
    [
        ("2,电工二,6-31-01-03,5", "职业编码 6-31-01-03 与第 2 行重复"),
        ("2,电工,6-31-01-04,5", "职业“电工”与第 2 行重复"),
        ("1,钳工,6-20-01-01,5", "序号 1 与第 2 行重复"),
    ],
)
def test_duplicates_name_the_first_line(second, problem):
    report = csv_report("1,电工,6-31-01-03,5\n" + second + "\n")
    assert report.errors == [f"第 3 行：{problem}。"]


def test_all_problems_of_all_rows_are_reported_at_once():
    report = csv_report("1,电工,bad,9\n2,,6-20-01-01,5\n3,钳工,6-20-01-02,5\n")
    assert len(report.errors) == 2 and len(report.rows) == 1
    assert "格式不对" in report.errors[0] and "级别“9”无效" in report.errors[0]


def test_a_file_without_the_header_is_refused():
    with pytest.raises(UnreadableCatalog, match="表头"):
        read_catalog("c.csv", "电工,6-31-01-03,5\n".encode())


def test_markdown_without_a_catalog_table_is_refused():
    with pytest.raises(UnreadableCatalog, match="职业编码"):
        read_catalog("c.md", "# 标题\n\n正文\n".encode())


@pytest.mark.parametrize("name", ["catalog.pdf", "catalog", "catalog.xls"])
def test_unsupported_formats_are_refused(name):
    with pytest.raises(UnreadableCatalog, match="不支持"):
        read_catalog(name, b"whatever")


def test_a_broken_xlsx_is_refused_clearly():
    with pytest.raises(UnreadableCatalog, match="Excel"):
        read_catalog("catalog.xlsx", b"PK\x03\x04 not really a zip")


def test_an_empty_file_is_refused():
    with pytest.raises(UnreadableCatalog):
        read_catalog("c.csv", b"")


def test_binary_garbage_is_refused():
    with pytest.raises(UnreadableCatalog):
        read_catalog("c.csv", bytes(range(256)) * 4)


def test_levels_keep_the_order_they_are_listed_in():
    assert parse_levels("5、4、3") == (5, 4, 3)
    assert parse_levels("3/2/1") == (3, 2, 1)
