"""Benchmark of admission tickets: 10,000 signed tickets as a city's co-organizers print them, one PDF per
room of 30, against a bare ReportLab page with the same photo and QR code, measured in the same run.

Targets (issue: exams, "Done means"): the tickets in at most 2 × the time of the bare pages, peak memory at
most 400 MB. Each side renders in its own subprocess (`python -m bench.test_bench_tickets ours|bare …`), so
its peak resident memory (`ru_maxrss`, interpreter included) is its own. Signing the 10,000 claims is timed
too (the tokens both sides print).

* ours: `exams.ticket_pdf.render_tickets`, rooms of 30, each written to its own file.
* bare: per ticket a canvas page with `drawImage` of the same photo, the same QR (segno with the same error
  level and mask, one path of runs as the toolkit draws it), the title and six facts with `drawString` in
  the same embedded font; rooms of 30.

The photo is 1200 × 1600 px, the most the upload keeps (a phone's picture is stored at that size).
`BENCH_TICKETS` sets another count (a quick look: BENCH_TICKETS=600).
"""

import io
import json
import os
import sys
import time
from datetime import UTC, date, datetime
from datetime import time as clock
from pathlib import Path

from bench.children import report, run_child

COUNT = int(os.environ.get("BENCH_TICKETS", "10000"))
ROOM = 30
ROOT = Path(__file__).resolve().parent.parent
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("小明", "建国", "娜仁", "其其格", "巴特尔", "海燕", "志强", "丽娟", "苏日娜", "宝音")


def bench_photo() -> bytes:
    """A deterministic 1200 × 1600 portrait with the texture of a photograph (not a flat drawing)."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = 1200, 1600
    texture = Image.effect_mandelbrot((width, height), (-0.75, -0.1, -0.65, 0.05), 200).convert("RGB")
    face = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(face)
    draw.ellipse((300, 240, 900, 900), fill=(205, 165, 135))
    draw.rectangle((180, 960, 1020, 1600), fill=(40, 60, 120))
    image = Image.blend(face, texture, 0.12).filter(ImageFilter.GaussianBlur(1))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def facts_of(index: int, photo: bytes):
    from exams.numbering import seat_label
    from exams.ticket_pdf import SessionLine, TicketFacts

    room, place = divmod(index, ROOM)
    return TicketFacts(
        number=f"20231501{index + 1:07d}",
        name=SURNAMES[index % len(SURNAMES)] + GIVEN[index % len(GIVEN)],
        id_number=f"15010219900101{index % 10000:04d}",
        id_number_masked="1501**********" + f"{index % 10000:04d}",
        occupation="电工",
        occupation_code="6-31-01-03",
        level="三级/高级工",
        campaign="2023",
        campaign_title="2023年内蒙古自治区机关事业单位技能人员职业技能等级认定",
        site="呼和浩特市第一职业中等专业学校",
        site_address="内蒙古自治区呼和浩特市新城区成吉思汗大街18号",
        room=f"{room + 1:02d}",
        room_place=f"教学楼{room % 5 + 1}层",
        seat=seat_label(place // 6 + 1, place % 6 + 1),
        sessions=(
            SessionLine("理论知识考试", date(2023, 10, 15), clock(8, 30), clock(10, 0)),
            SessionLine("操作技能考核", date(2023, 10, 15), clock(10, 30), clock(12, 30)),
        ),
        photo=photo,
        issued_at=datetime(2023, 10, 1, tzinfo=UTC),
    )


def render_ours(tokens: list[str], photo: bytes, out_dir: Path) -> None:
    from exams.ticket_pdf import STANDARD_RULES, render_tickets

    for start in range(0, len(tokens), ROOM):
        items = ((facts_of(i, photo), tokens[i]) for i in range(start, min(start + ROOM, len(tokens))))
        with open(out_dir / f"ours-{start // ROOM:04d}.pdf", "wb") as out:
            render_tickets(items, rules=STANDARD_RULES, out=out)


def _bare_qr(canvas, data: str, x: float, y: float, side: float) -> None:
    import segno

    from exams.ticket_pdf import QR_MASK

    matrix = [list(row) for row in segno.make(data, error="m", micro=False, mask=QR_MASK).matrix]
    module = side / (len(matrix) + 8)
    left, top = x + 4 * module, y + side - 4 * module
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(left + start * module, top - (r + 1) * module, (c - start) * module, module)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)


def render_bare(tokens: list[str], photo: bytes, out_dir: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from skillcert.pdf.fonts import register_font

    font = register_font()
    for start in range(0, len(tokens), ROOM):
        canvas = Canvas(str(out_dir / f"bare-{start // ROOM:04d}.pdf"), pagesize=A4, invariant=1, pageCompression=1)
        for i in range(start, min(start + ROOM, len(tokens))):
            facts = facts_of(i, photo)
            canvas.setFont(font, 24)
            canvas.drawString(250, 760, "准考证")
            canvas.setFont(font, 11)
            for line, text in enumerate(
                (facts.number, facts.name, facts.id_number, facts.occupation, facts.site, facts.seat)
            ):
                canvas.drawString(60, 700 - 24 * line, text)
            canvas.drawImage(ImageReader(io.BytesIO(photo)), 440, 600, 71, 99)
            _bare_qr(canvas, tokens[i], 360, 80, 176)
            canvas.showPage()
        canvas.save()


def _child(kind: str, tokens_file: str, photo_file: str, out_dir: str) -> None:
    """The subprocess: render, then print the seconds and the peak resident memory as JSON."""
    tokens = json.loads(Path(tokens_file).read_text())
    photo = Path(photo_file).read_bytes()
    report(lambda: (render_ours if kind == "ours" else render_bare)(tokens, photo, Path(out_dir)))


def _run(kind: str, tokens_file: Path, photo_file: Path, out_dir: Path) -> dict:
    return run_child("bench.test_bench_tickets", kind, tokens_file, photo_file, out_dir=out_dir, timeout=1800)


def test_ten_thousand_tickets_against_bare_reportlab_pages(tmp_path):
    from bench.results import save
    from exams.ticket_pdf import ticket_claims
    from skillcert import signing

    photo = bench_photo()
    claims = [ticket_claims(facts_of(i, photo)) for i in range(COUNT)]
    signing.sign(claims[0], typ=signing.TICKET)  # the first key is made outside the timing
    started = time.perf_counter()
    tokens = [signing.sign(c, typ=signing.TICKET) for c in claims]
    signing_seconds = time.perf_counter() - started
    assert signing.verify(tokens[-1], typ=signing.TICKET)["no"] == claims[-1]["no"]

    (tmp_path / "tokens.json").write_text(json.dumps(tokens))
    (tmp_path / "photo.jpg").write_bytes(photo)
    bare = _run("bare", tmp_path / "tokens.json", tmp_path / "photo.jpg", tmp_path / "bare")
    ours = _run("ours", tmp_path / "tokens.json", tmp_path / "photo.jpg", tmp_path / "ours")
    ratio = ours["seconds"] / bare["seconds"]
    save(
        "ticket-pdfs",
        {
            "tickets": COUNT,
            "room_size": ROOM,
            "photo_px": "1200x1600",
            "photo_kb": round(len(photo) / 1024),
            "token_chars": len(tokens[0]),
            "signing_seconds": round(signing_seconds, 2),
            "signatures_per_second": round(COUNT / signing_seconds),
            "ours_seconds": round(ours["seconds"], 1),
            "bare_seconds": round(bare["seconds"], 1),
            "ratio": round(ratio, 2),
            "ours_peak_mb": round(ours["peak_mb"]),
            "bare_peak_mb": round(bare["peak_mb"]),
            "ours_mb_on_disk": ours["megabytes"],
            "bare_mb_on_disk": bare["megabytes"],
            "pdf_files": ours["files"],
        },
    )
    print(
        f"tickets: ours {ours['seconds']:.1f} s vs bare {bare['seconds']:.1f} s (ratio {ratio:.2f}, target ≤ 2), "
        f"peak {ours['peak_mb']:.0f} MB (target ≤ 400); signing {COUNT / signing_seconds:,.0f}/s"
    )
    assert ours["files"] == bare["files"] == -(-COUNT // ROOM)
    assert ratio <= 2.0
    assert ours["peak_mb"] <= 400


if __name__ == "__main__":
    _child(*sys.argv[1:5])
