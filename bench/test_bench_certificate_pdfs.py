"""Benchmark of printed certificates: 10,000 certificates as the association prints a city's batch, one PDF
of 500, against bare ReportLab pages with the same photo and QR code, measured in the same run.

Targets (brief: certificates, the printed certificate): the certificates in at most 2 × the time of the bare
pages, peak memory at most 400 MB. Each side renders in its own subprocess (`python -m
bench.test_bench_certificate_pdfs ours|bare …`), so its peak resident memory (`ru_maxrss`, interpreter
included) is its own. Signing the 10,000 records is timed too (the URLs both sides print).

* ours: `certificates.certificate_pdf.render_certificates`, batches of 500, each written to its own file
  (Noto Serif SC with WenQuanYi per character, every value fitted to its box, border, labels, seal place).
* bare: per certificate a canvas page with `drawImage` of the same photo, the same QR code (segno with the same
  error level and mask, one path of runs as the toolkit draws it), the title and the nine facts with
  `drawString` in the same serif face; batches of 500. ReportLab decodes the stored 1200 × 1600 photo on
  every page to name it (as the ticket bench's bare side does), which ours avoids.
* bare-small: the same, with the photo shrunk once beforehand to the 300 × 420 px ours prints (a second,
  stricter anchor: the bare cost of a page without the photo's decoding; reported, not a target).

The photo is 1200 × 1600 px, the most the upload keeps. `BENCH_CERTIFICATES` sets another count (a quick
look: BENCH_CERTIFICATES=1000).
"""

import io
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

from bench.children import report, run_child

COUNT = int(os.environ.get("BENCH_CERTIFICATES", "10000"))
BATCH = 500
ROOT = Path(__file__).resolve().parent.parent
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("小明", "建国", "娜仁", "其其格", "巴特尔", "海燕", "志强", "丽娟", "苏日娜", "宝音")
OCCUPATIONS = (("电工", "6-31-01-03", ""), ("汽车维修工", "4-12-01-01", "汽车机械维修工"), ("保育师", "4-10-01-03", ""))
SITE = "https://skillcert.example.cn"


def record_of(index: int):
    from certificates.record import Record

    occupation, code, work_type = OCCUPATIONS[index % len(OCCUPATIONS)]
    return Record(
        number=f"S000015150001233{index + 1:06d}",
        name=SURNAMES[index % len(SURNAMES)] + GIVEN[index % len(GIVEN)],
        id_number_masked="1501**********" + f"{index % 10000:04d}",
        occupation_code=code,
        occupation=occupation,
        work_type=work_type,
        level=3,
        issued_on=date(2023, 11, 20),
        issuer="内蒙古职业培训与就业促进会",
    )


def printed_of(index: int, url: str, photo: bytes):
    from certificates.certificate_pdf import NATIONAL_QUERY_ADDRESSES
    from certificates.record import ID_TYPE, PrintedCertificate

    return PrintedCertificate(
        record=record_of(index),
        id_type=ID_TYPE,
        id_number=f"15010219900101{index % 10000:04d}",
        photo=photo,
        qr=url,
        query_addresses=(f"本平台证书查询 {SITE}/certificates/verify/", *NATIONAL_QUERY_ADDRESSES),
    )


def render_ours(urls: list[str], photo: bytes, out_dir: Path) -> None:
    from certificates.certificate_pdf import render_certificates

    for start in range(0, len(urls), BATCH):
        items = (printed_of(i, urls[i], photo) for i in range(start, min(start + BATCH, len(urls))))
        with open(out_dir / f"ours-{start // BATCH:04d}.pdf", "wb") as out:
            render_certificates(items, out)


def _bare_qr(canvas, data: str, x: float, y: float, side: float) -> None:
    import segno

    from certificates.certificate_pdf import QR_ERROR, QR_MASK

    matrix = [list(row) for row in segno.make(data, error=QR_ERROR, micro=False, mask=QR_MASK).matrix]
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


def small_photo(photo: bytes) -> bytes:
    from PIL import Image

    image = Image.open(io.BytesIO(photo))
    image.thumbnail((300, 420))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def render_bare(urls: list[str], photo: bytes, out_dir: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    from skillcert.pdf.fonts import certificate_faces

    font = certificate_faces()[0]
    for start in range(0, len(urls), BATCH):
        canvas = Canvas(str(out_dir / f"bare-{start // BATCH:04d}.pdf"), pagesize=A4, invariant=1, pageCompression=1)
        for i in range(start, min(start + BATCH, len(urls))):
            printed = printed_of(i, urls[i], photo)
            record = printed.record
            canvas.setFont(font, 30)
            canvas.drawString(150, 710, printed.title)
            canvas.setFont(font, 14)
            for line, text in enumerate(
                (
                    record.name,
                    printed.id_type,
                    printed.id_number,
                    f"{record.occupation}（{record.occupation_code}）",
                    record.work_type or "--",
                    record.level_name,
                    record.number,
                    record.issuer,
                    f"{record.issued_on.year}年{record.issued_on.month}月{record.issued_on.day}日",
                )
            ):
                canvas.drawString(180, 580 - 37 * line, text)
            canvas.drawImage(ImageReader(io.BytesIO(photo)), 445, 500, 71, 99)
            _bare_qr(canvas, printed.qr, 79, 188, 159)
            canvas.showPage()
        canvas.save()


def _child(kind: str, urls_file: str, photo_file: str, out_dir: str) -> None:
    """The subprocess: render, then print the seconds and the peak resident memory as JSON."""
    urls = json.loads(Path(urls_file).read_text())
    photo = Path(photo_file).read_bytes()

    def render() -> None:
        shown = small_photo(photo) if kind == "bare-small" else photo  # the shrinking is part of the time
        (render_ours if kind == "ours" else render_bare)(urls, shown, Path(out_dir))

    report(render)


def _run(kind: str, urls_file: Path, photo_file: Path, out_dir: Path) -> dict:
    return run_child("bench.test_bench_certificate_pdfs", kind, urls_file, photo_file, out_dir=out_dir, timeout=3600)


def test_ten_thousand_certificates_against_bare_reportlab_pages(tmp_path):
    from bench.results import save
    from bench.test_bench_tickets import bench_photo
    from skillcert import signing

    photo = bench_photo()
    records = [record_of(i).as_json() for i in range(COUNT)]
    signing.sign(records[0], typ=signing.CERTIFICATE)  # the first key is made outside the timing
    started = time.perf_counter()
    urls = [f"{SITE}/verify/c/" + signing.sign(r, typ=signing.CERTIFICATE) for r in records]
    signing_seconds = time.perf_counter() - started

    (tmp_path / "urls.json").write_text(json.dumps(urls))
    (tmp_path / "photo.jpg").write_bytes(photo)
    bare = _run("bare", tmp_path / "urls.json", tmp_path / "photo.jpg", tmp_path / "bare")
    small = _run("bare-small", tmp_path / "urls.json", tmp_path / "photo.jpg", tmp_path / "bare-small")
    ours = _run("ours", tmp_path / "urls.json", tmp_path / "photo.jpg", tmp_path / "ours")
    ratio = ours["seconds"] / bare["seconds"]
    ratio_small = ours["seconds"] / small["seconds"]
    save(
        "certificate-pdfs",
        {
            "certificates": COUNT,
            "batch_size": BATCH,
            "photo_px": "1200x1600",
            "photo_kb": round(len(photo) / 1024),
            "qr_chars": len(urls[0]),
            "signing_seconds": round(signing_seconds, 2),
            "ours_seconds": round(ours["seconds"], 1),
            "bare_seconds": round(bare["seconds"], 1),
            "ratio": round(ratio, 2),
            "bare_small_photo_seconds": round(small["seconds"], 1),
            "ratio_to_bare_small_photo": round(ratio_small, 2),
            "ours_per_second": round(COUNT / ours["seconds"]),
            "ours_peak_mb": round(ours["peak_mb"]),
            "bare_peak_mb": round(bare["peak_mb"]),
            "ours_mb_on_disk": ours["megabytes"],
            "bare_mb_on_disk": bare["megabytes"],
            "pdf_files": ours["files"],
        },
    )
    print(
        f"certificates: ours {ours['seconds']:.1f} s vs bare {bare['seconds']:.1f} s (ratio {ratio:.2f}, "
        f"target ≤ 2), peak {ours['peak_mb']:.0f} MB vs bare {bare['peak_mb']:.0f} MB (target ≤ 400); "
        f"vs bare with the photo shrunk beforehand {small['seconds']:.1f} s (ratio {ratio_small:.2f})"
    )
    assert ours["files"] == bare["files"] == -(-COUNT // BATCH)
    assert ratio <= 2.0
    assert ours["peak_mb"] <= 400


if __name__ == "__main__":
    _child(*sys.argv[1:5])
