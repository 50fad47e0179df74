"""Benchmark (`make bench`): how fast hostile uploads are refused, against reading their bytes.

Each bomb of applications/tests/test_uploads.py (pixel bombs, a zip renamed .pdf, flate
bombs, a PDF with too many objects) is refused by the real check; the anchor is a bare
SHA-256 of the same bytes in the same run (what any server does with an upload it keeps).
The targets the unit tests used to time: under 1 s for what is refused from a header,
under 5-10 s for what must be decompressed to be refused. Figures in
bench/results/upload-checks-<database>.json.
"""

import hashlib
import io
import time
import zipfile

from applications.tests import uploadfixtures as fx
from applications.tests.test_uploads import rejected
from applications.uploads import check_document, check_paper, check_photo
from bench.results import save
from skillcert.uploads import pdf as pdf_checks

MB = 1024 * 1024


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"\0" * (50 * MB))
    return buffer.getvalue()


CASES = {  # name: (check, bytes, target seconds)
    "png 900 MP header": (check_photo, lambda: fx.png_header_bomb(30000, 30000), 1),
    "bmp 900 MP header": (check_document, lambda: fx.bmp_header_bomb(30000, 30000), 1),
    "zip renamed .pdf": (check_document, _zip_bomb, 1),
    "flate bomb 200 MB": (check_document, lambda: fx.flate_bomb_pdf(decompressed=200 * MB), 5),
    "10 flate bombs of 12 MB": (check_paper, lambda: fx.flate_bomb_pdf(pages=10, decompressed=12 * MB), 10),
    "100,001 objects": (
        check_document,
        lambda: fx.one_page_pdf(catalog=b"/Many [" + b"<<>>" * (pdf_checks.PDF_MAX_OBJECTS + 1) + b"]"),
        10,
    ),
}


def _seconds(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def test_hostile_uploads_are_refused_fast():
    figures = {}
    for name, (check, make, target) in CASES.items():
        data = make()
        refused = _seconds(lambda check=check, data=data: rejected(check, data))
        anchor = _seconds(lambda data=data: hashlib.sha256(data).digest())
        figures[name] = {
            "bytes": len(data),
            "refused_s": round(refused, 4),
            "sha256_s": round(anchor, 6),
            "ratio": round(refused / anchor, 1) if anchor else None,
            "target_s": target,
        }
        print(f"{name:28} {len(data):>9} B  refused in {refused:.3f} s  (sha256 {anchor * 1000:.3f} ms)")
    save("upload-checks", {"cases": figures})
    assert all(row["refused_s"] < row["target_s"] for row in figures.values()), figures
