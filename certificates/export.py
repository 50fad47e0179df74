"""The national export: an issued batch in the fields of the national certificate database
(技能人才评价证书全国联网查询, 人社鉴发〔2019〕2号 / 〔2021〕1号), as xlsx or CSV (UTF-8 with BOM, so
Excel opens it). It carries full ID numbers: the association's, each export audited."""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from certificates.models import Certificate
from certificates.record import ID_TYPE, level_name
from scoring.models import Mark, Part, Score
from skillcert.exports import Column, workbook_bytes

BODY_CODE_LENGTH = 13  # the number's first 13 characters: kind, filing, province, body


def _sex(id_number: str) -> str:
    """男/女 from the 17th digit of an 18-digit number (odd: male); empty when it cannot tell."""
    if len(id_number) == 18 and id_number[16].isdigit():
        return "男" if int(id_number[16]) % 2 else "女"
    return ""


def _score(scores: dict[tuple[int, str], Score], certificate: Certificate, part: str) -> str:
    score = scores.get((certificate.application_id, part))
    if score is None:
        return ""
    if score.mark != Mark.SCORE:
        return score.get_mark_display()
    return f"{score.value.normalize():f}" if score.value is not None else ""


def columns(scores: dict[tuple[int, str], Score]) -> list[Column]:
    return [
        Column("证书编号", lambda c: c.number, 26),
        Column("姓名", lambda c: c.name, 10),
        Column("性别", lambda c: _sex(c.id_number), 6),
        Column("证件类型", lambda c: ID_TYPE, 12),
        Column("证件号码", lambda c: c.id_number, 22, personal="id_number"),
        Column("职业编码", lambda c: c.occupation_code, 14),
        Column("职业名称", lambda c: c.occupation_name, 20),
        Column("工种/职业方向", lambda c: c.work_type, 16),
        Column("职业技能等级", lambda c: level_name(c.level), 14),
        Column("理论知识考试成绩", lambda c: _score(scores, c, Part.THEORY), 10),
        Column("操作技能考核成绩", lambda c: _score(scores, c, Part.SKILL), 10),
        Column("综合评审成绩", lambda c: _score(scores, c, Part.REVIEW), 10),
        Column("发证日期", lambda c: c.issued_on, 12),
        Column("评价机构名称", lambda c: c.issuer, 28),
        Column("评价机构代码", lambda c: c.number[:BODY_CODE_LENGTH], 16),
        Column("盟市", lambda c: c.city.name, 10),
        Column("工作单位", lambda c: c.employer, 28),
        Column("证书状态", lambda c: c.get_state_display(), 10),
    ]


def scores_of(certificates: Sequence[Certificate]) -> dict[tuple[int, str], Score]:
    rows = Score.objects.filter(application__in=[c.application_id for c in certificates], voided_at__isnull=True)
    return {(score.application_id, score.part): score for score in rows}


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A cell that starts like a formula is text to a spreadsheet (OWASP CSV injection).
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def as_csv(certificates: Iterable[Certificate]) -> tuple[bytes, int]:
    rows = list(certificates)
    fields = columns(scores_of(rows))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([field.header for field in fields])
    for certificate in rows:
        writer.writerow([_csv_cell(field.value(certificate)) for field in fields])
    return ("\ufeff" + out.getvalue()).encode("utf-8"), len(rows)


def as_xlsx(certificates: Iterable[Certificate]) -> tuple[bytes, int]:
    rows = list(certificates)
    return workbook_bytes("证书数据", columns(scores_of(rows)), rows, personal=True)
