"""Reading a catalog file (annex 1: 序号, 职业, 职业编码, 级别). Pure module: no Django.

Three formats: CSV, XLSX, and the markdown tables of the notice itself. Every
row is validated; `read_catalog` returns all rows and all problems, each with
the line (or sheet row) it came from, so nothing is imported from a bad file.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

CODE_RE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
LEVEL_SPLIT_RE = re.compile(r"[、,，/\s]+")

# Accepted column titles, Chinese as in the notice or English.
COLUMNS = {
    "position": {"序号", "position", "no"},
    "name": {"职业", "职业名称", "name", "occupation"},
    "code": {"职业编码", "code"},
    "levels": {"级别", "等级", "levels", "level"},
}


@dataclass(frozen=True)
class CatalogRow:
    line: int
    position: int
    code: str
    name: str
    levels: tuple[int, ...]  # as listed, the notice's order (5、4、3、2、1)


@dataclass
class CatalogReport:
    rows: list[CatalogRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


class UnreadableCatalog(ValueError):
    pass


def read_catalog(path: Path | str, content: bytes | None = None) -> CatalogReport:
    path = Path(path)
    data = content if content is not None else path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        records = _xlsx_records(data)
    elif suffix == ".csv":
        records = _csv_records(_decode(data))
    elif suffix in {".md", ".markdown"}:
        records = _markdown_records(_decode(data))
    else:
        raise UnreadableCatalog(f"不支持的文件类型 {suffix or '(无扩展名)'}：请使用 .csv、.xlsx 或 .md。")
    return validate(records)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableCatalog("文件编码无法识别：请保存为 UTF-8 或 GB18030。")


def _header_map(cells: list[str]) -> dict[str, int] | None:
    found = {}
    for index, cell in enumerate(cells):
        title = cell.strip().lower()
        for key, titles in COLUMNS.items():
            if title in titles:
                found[key] = index
    return found if {"name", "code", "levels"} <= found.keys() else None


def _records_from_table(rows: list[tuple[int, list[str]]]) -> list[tuple[int, dict[str, str]]]:
    if not rows:
        raise UnreadableCatalog("文件中没有数据。")
    header_line, header = rows[0]
    columns = _header_map(header)
    if columns is None:
        raise UnreadableCatalog(f"第 {header_line} 行应为表头：序号、职业、职业编码、级别。")
    records = []
    for line, cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        records.append((line, {key: (cells[i].strip() if i < len(cells) else "") for key, i in columns.items()}))
    return records


def _csv_records(text: str) -> list[tuple[int, dict[str, str]]]:
    reader = csv.reader(io.StringIO(text))
    return _records_from_table([(reader.line_num, row) for row in reader])


def _xlsx_records(data: bytes) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise UnreadableCatalog(f"无法读取 Excel 文件：{error}") from None
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        rows.append((number, ["" if v is None else _cell_text(v) for v in values]))
    return _records_from_table(rows)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _markdown_records(text: str) -> list[tuple[int, dict[str, str]]]:
    """Catalog tables of a markdown document, e.g. the notice's annex 1.

    A table counts if its header names 职业编码; a table with an empty header
    that directly follows such a table continues it (a page break in the PDF).
    """
    records: list[tuple[int, dict[str, str]]] = []
    columns = None
    table: list[tuple[int, list[str]]] = []
    last_was_catalog = False

    def flush() -> None:
        nonlocal columns, last_was_catalog, table
        if not table:
            return
        _, header = table[0]
        mapping = _header_map(header)
        if mapping is None and not any(c.strip() for c in header) and last_was_catalog:
            mapping = columns
        if mapping is not None:
            columns = mapping
            last_was_catalog = True
            for line, cells in table[1:]:
                if any(c.strip() for c in cells):
                    records.append(
                        (line, {k: (cells[i].strip() if i < len(cells) else "") for k, i in mapping.items()})
                    )
        else:
            last_was_catalog = False
        table = []

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if any(cells) and all(re.fullmatch(r":?-{2,}:?", c) for c in cells):
                continue  # the separator under a header
            table.append((number, cells))
        elif line.startswith("#"):
            flush()
            last_was_catalog = False
        else:
            flush()
    flush()
    if not records:
        raise UnreadableCatalog("文件中没有找到职业目录表（表头应包含“职业编码”）。")
    return records


def parse_levels(text: str) -> tuple[int, ...]:
    """'5、4、3、2、1' -> (5, 4, 3, 2, 1); raises ValueError with the reason."""
    parts = [p for p in LEVEL_SPLIT_RE.split(text.strip()) if p]
    if not parts:
        raise ValueError("级别为空")
    levels = []
    for part in parts:
        if not re.fullmatch(r"[1-5]", part):
            raise ValueError(f"级别“{part}”无效，只能是 1–5 的数字")
        levels.append(int(part))
    if len(set(levels)) != len(levels):
        raise ValueError("级别重复")
    return tuple(levels)


def validate(records: list[tuple[int, dict[str, str]]]) -> CatalogReport:
    report = CatalogReport()
    seen_codes: dict[str, int] = {}
    seen_names: dict[str, int] = {}
    seen_positions: dict[int, int] = {}
    for index, (line, record) in enumerate(records, start=1):
        problems = []
        code, name = record.get("code", ""), record.get("name", "")
        if not CODE_RE.match(code):
            problems.append(f"职业编码“{code}”格式不对，应为 4-12-01-01 这样的格式")
        if not name:
            problems.append("职业名称为空")
        try:
            levels = parse_levels(record.get("levels", ""))
        except ValueError as error:
            problems.append(str(error))
            levels = ()
        position_text = record.get("position", "") or str(index)
        if not position_text.isdigit():
            problems.append(f"序号“{position_text}”不是数字")
            position = index
        else:
            position = int(position_text)
        if code in seen_codes:
            problems.append(f"职业编码 {code} 与第 {seen_codes[code]} 行重复")
        if name and name in seen_names:
            problems.append(f"职业“{name}”与第 {seen_names[name]} 行重复")
        if position in seen_positions:
            problems.append(f"序号 {position} 与第 {seen_positions[position]} 行重复")
        seen_codes.setdefault(code, line)
        if name:
            seen_names.setdefault(name, line)
        seen_positions.setdefault(position, line)
        if problems:
            report.errors.append(f"第 {line} 行：" + "；".join(problems) + "。")
        else:
            report.rows.append(CatalogRow(line, position, code, name, levels))
    return report
