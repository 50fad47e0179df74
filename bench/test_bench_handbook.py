"""The 考务手册 of a 4,000-candidate site (`make bench`), beside its anchor from the same run.

BENCH_HANDBOOK (default 4,000) paid candidates of 呼和浩特, each with their own photo, seated in
5 × 6 rooms of one site and ticketed; then the site's handbook: the selector (`handbook_data`),
the PDF (every section: charts, sign-in sheets with photos, door lists, record sheets) and
the xlsx. The anchor is a bare ReportLab table (platypus `Table`, header repeated, the same
font) of the same sign-in rows with the same photo thumbnails: the part of the handbook that
grows with the candidates.
"""

import io
import os
import resource
import time

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from applications.models import ApplicationDocument, DocumentSlot
from bench.results import save
from catalog.models import City
from catalog.services import ensure_demo_campaign
from exams import handbook_selectors
from exams.handbook_pdf import PHOTO_PIXELS, render_handbook
from exams.handbook_tasks import render_site_handbook
from exams.handbook_xlsx import render_handbook_xlsx
from exams.models import Room, Site
from exams.services import arranging, handbook, handbook_files, publishing
from exams.tests.fixtures import paid_candidates

CANDIDATES = int(os.environ.get("BENCH_HANDBOOK", "4000"))


def _photo(index: int) -> bytes:
    """A distinct 1-inch photo (295 × 413) per candidate: no two thumbnails are shared."""
    image = Image.new("RGB", (295, 413), (240, 240, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((70, 60, 225, 250), fill=(index % 200, 150, 120))
    draw.rectangle((40, 260, 255, 413), fill=(30, (index * 7) % 255, 90))
    draw.text((20, 20), str(index), fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _site(count: int) -> Site:
    import hashlib

    from accounts.models import Role, User

    campaign = ensure_demo_campaign(timezone.localdate())[0]
    hohhot = City.objects.get(code="hohhot")
    site = Site.objects.create(campaign=campaign, city=hohhot, name="呼和浩特市第一考点", address="新华大街 1 号")
    for number in range(1, count // 30 + 2):
        floor = f"{number // 10 + 1}层"
        Room.objects.create(
            site=site, number=f"{number:03d}", building="教学楼", floor=floor, rows=5, columns=6, position=number
        )
    candidates = paid_candidates(campaign, count)
    for index, application in enumerate(candidates):
        content = _photo(index)
        ApplicationDocument.objects.create(
            application=application,
            slot=DocumentSlot.PHOTO,
            file=ContentFile(content, name="photo.jpg"),
            content_type="image/jpeg",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
    co = User.objects.create_user(
        "bench-co", "Correct-horse-42", role=Role.CO_ORGANIZER, city=hohhot, full_name="压测协办"
    )
    arranging.apply_seating(co, campaign, hohhot, seed=1, spacing="none", version=None)
    publishing.publish(co, campaign, hohhot)
    return site


def _anchor(data, photos: dict[str, bytes]) -> bytes:
    """A bare ReportLab table of the same sign-in rows (same font, same thumbnails, header repeated)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Image as Picture
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    from skillcert.pdf import FONT_NAME, register_font

    register_font()
    thumbs = {}
    for sha, jpeg in photos.items():
        with Image.open(io.BytesIO(jpeg)) as original:
            original.draft("RGB", PHOTO_PIXELS)
            image = original.convert("RGB")
        image.thumbnail(PHOTO_PIXELS)
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85)
        thumbs[sha] = out.getvalue()
    header = ["序号", "准考证号", "姓名", "照片", "身份证号", "座位", "理论签名", "技能签名"]
    rows = [header]
    for room in data.rooms:
        for number, c in enumerate(room.candidates, start=1):
            picture = Picture(io.BytesIO(thumbs[c.photo]), width=15 * mm, height=19 * mm) if c.photo else ""
            rows.append([str(number), c.ticket, c.name, picture, c.id_masked, c.seat, "", ""])
    widths = [10 * mm, 31 * mm, 19 * mm, 18 * mm, 37 * mm, 16 * mm, 24 * mm, 24 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT_NAME, 9), ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, invariant=1).build([table])
    return out.getvalue()


@pytest.mark.django_db
def test_the_handbook_of_a_4000_candidate_site(catalog_2023):
    site = _site(CANDIDATES)
    started = time.perf_counter()
    data = handbook_selectors.handbook_data(site)
    selector_s = time.perf_counter() - started
    names = handbook_selectors.photo_files(site)
    photos = {sha: handbook.read_file(name) for sha, name in names.items()}

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    pdf = render_handbook(data, photo=photos.get)
    pdf_s = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    started = time.perf_counter()
    xlsx = render_handbook_xlsx(data)
    xlsx_kb = len(xlsx) // 1000
    xlsx_s = time.perf_counter() - started

    started = time.perf_counter()
    anchor = _anchor(data, photos)
    anchor_s = time.perf_counter() - started

    # The background path: the page's read queues the render (and answers 生成中), the worker's
    # task renders the pair, the next read finds it cached.
    started = time.perf_counter()
    queued = handbook_files.current_status(site)
    queued_s = time.perf_counter() - started
    started = time.perf_counter()
    outcome = render_site_handbook.call(site.pk, queued.fingerprint)
    task_s = time.perf_counter() - started
    started = time.perf_counter()
    ready = handbook_files.current_status(site)
    cached_s = time.perf_counter() - started
    assert queued.pending and outcome == "ready" and ready.ready

    from pypdf import PdfReader

    save(
        "handbook-of-a-site",
        {
            "candidates": data.candidates,
            "rooms": len(data.rooms),
            "pages": len(PdfReader(io.BytesIO(pdf)).pages),
            "selector_s": round(selector_s, 2),
            "pdf_s": round(pdf_s, 2),
            "pdf_mb": round(len(pdf) / 1e6, 1),
            "process_peak_rss_mb": round(rss_after / 1024),  # the whole test process (Linux: KiB)
            "peak_rss_growth_during_pdf_mb": round((rss_after - rss_before) / 1024),
            "xlsx_s": round(xlsx_s, 2),
            "xlsx_kb": xlsx_kb,
            "anchor_bare_reportlab_table_s": round(anchor_s, 2),
            "anchor_pages": len(PdfReader(io.BytesIO(anchor)).pages),
            "pdf_vs_anchor": round(pdf_s / anchor_s, 2),
            "request_queues_render_s": round(queued_s, 2),  # the page's read when nothing is cached
            "render_task_s": round(task_s, 2),  # the worker's task: PDF + xlsx, stored
            "request_reads_ready_s": round(cached_s, 2),  # the page's read (and a download's) once ready
        },
    )
    assert data.candidates == CANDIDATES
