"""Score import at scale (`make bench`): BENCH_IMPORTED (default 100,000) scheduled candidates of
one city seated in ONE room and session, their filled score sheet (written by
`scoring.score_xlsx.template`, every score filled, exam day's 缺考/违纪 rows fixed) checked and
applied by their regulator through `scoring.services.importing` (`check_import`: container
checks, one read-only pass, every row checked, the preview stored; `apply_import`: the preview
re-checked and every entry written in one transaction, audited).

Target: check + apply ≤ 1.5× the anchor, and peak memory ≤ 400 MB. The anchor, measured in the
same run, is a bare openpyxl pass over the same file (`load_workbook(read_only=True,
data_only=True)`, every row's values). Memory is measured twice: the process's peak resident set
(VmHWM, reset before the timed block through /proc/self/clear_refs, so the setup's own peak does
not count) in the timed pass, and tracemalloc's peak of Python allocations in a second pass (its
tracing slows Python down, so that pass is not timed).

The room is synthetic: rooms are at most 40×40 (`room_grid_size`), so the room is 40×40 and the
seat rows run 400 × 250 over it (nothing in importing reads the grid). Ticket numbers are
synthetic too (a city's serial has five digits), in seat order."""

import io
import os
import re
import tracemalloc
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role, User
from applications.generator import generate
from applications.models import Application, Status
from bench.results import Clock, save
from catalog.models import City, ExamSession
from catalog.services import ensure_demo_campaign
from exams.models import CheckIn, Outcome, Room, Site, Ticket
from exams.services import arranging
from scoring import score_xlsx
from scoring.models import Entry, Round, ScoreImport
from scoring.services import entry, importing
from skillcert.lib.masking import mask_id_number

COUNT = int(os.environ.get("BENCH_IMPORTED", "100000"))
SEAT_COLUMNS = 250
MB = 1024 * 1024


def _check_deferred_constraints() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _status_kb(field: str) -> int:
    found = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.MULTILINE)
    return int(found.group(1)) if found else 0


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # 5: reset the peak resident set size
    except OSError:
        return False
    return True


def _seated_room(campaign, city: City, session: ExamSession) -> Room:
    """Every candidate of the campaign in one room and session, with a ticket in seat order and a
    few exam-day outcomes (the first absent, the second an incident)."""
    Application.objects.filter(campaign=campaign).update(city=city, status=Status.SCHEDULED)  # bench setup only
    site = Site.objects.create(campaign=campaign, city=city, name=f"{city.name}第一考点", address="某路 1 号")
    room = Room.objects.create(site=site, number="001", rows=40, columns=40)
    ids = list(Application.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True))
    arranging.write_seats(
        (pk, session.pk, room.pk, n // SEAT_COLUMNS + 1, n % SEAT_COLUMNS + 1) for n, pk in enumerate(ids)
    )
    now = timezone.now()
    Ticket.objects.bulk_create(
        (
            Ticket(
                application_id=pk, campaign=campaign, city=city, number=f"{campaign.year}15{n + 1:07d}", issued_at=now
            )
            for n, pk in enumerate(ids)
        ),
        batch_size=5000,
    )
    CheckIn.objects.bulk_create(
        [
            CheckIn(application_id=ids[0], session=session, room=room, outcome=Outcome.ABSENT, recorded_at=now),
            CheckIn(
                application_id=ids[1],
                session=session,
                room=room,
                outcome=Outcome.INCIDENT,
                note="携带手机进入考场",
                recorded_at=now,
            ),
        ]
    )
    return room


def _filled_sheet(campaign) -> bytes:
    """The template of the room with every score filled (the fixed rows as exam day left them)."""
    rows = Application.objects.filter(campaign=campaign).order_by("pk").values_list("full_name", "id_number")
    lines = []
    for n, (name, id_number) in enumerate(rows):
        number = f"{campaign.year}15{n + 1:07d}"
        fixed, note = ("缺考", "") if n == 0 else ("违纪", "携带手机进入考场") if n == 1 else ("", "")
        lines.append(
            score_xlsx.TemplateRow(number, name, mask_id_number(id_number), fixed=fixed, note=note, value=str(n % 101))
        )
    return score_xlsx.template("第一考点 001 考场 理论知识考试", lines)


def _openpyxl_pass(data: bytes) -> int:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return sum(1 for _values in workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


@pytest.mark.django_db
def test_importing_a_full_sheet(catalog_2023):
    campaign = ensure_demo_campaign(timezone.localdate())[0]
    generate(campaign, COUNT)
    hohhot = City.objects.get(code="hohhot")
    session = campaign.sessions.get(kind=ExamSession.Kind.THEORY)
    room = _seated_room(campaign, hohhot, session)
    sheet = entry.ensure_sheet(room, session)
    regulator = User.objects.create_user(
        "bench-reg", "Bench-password-42", role=Role.REGULATOR, city=hohhot, full_name="监管"
    )
    data = _filled_sheet(campaign)
    _check_deferred_constraints()  # the setup's own, not the import's

    load = os.getloadavg()[0]
    with Clock() as anchor_clock:
        read = _openpyxl_pass(data)
    assert read == COUNT + 1

    rss_before = _status_kb("VmRSS")
    rss_reset = _reset_peak_rss()
    with Clock() as import_clock:
        with Clock() as check_clock:
            preview = importing.check_import(regulator, sheet, Round.FIRST, data, "成绩.xlsx")
        with Clock() as apply_clock:
            changed = importing.apply_import(regulator, preview)
            _check_deferred_constraints()  # what the commit would do
    rss_peak = _status_kb("VmHWM")
    entries = Entry.objects.filter(sheet=sheet, round=Round.FIRST).count()

    # Memory again, under tracemalloc, from the same starting point (nothing entered yet).
    Entry.objects.filter(sheet=sheet).delete()
    ScoreImport.objects.filter(sheet=sheet).delete()
    tracemalloc.start()
    again = importing.apply_import(regulator, importing.check_import(regulator, sheet, Round.FIRST, data, "成绩.xlsx"))
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    ratio = import_clock.wall_s / anchor_clock.wall_s
    cpu_ratio = (import_clock.cpu_s + import_clock.db_cpu_s) / anchor_clock.cpu_s  # PostgreSQL's server too
    save(
        "score-import",
        {
            "candidates": COUNT,
            "file_mb": round(len(data) / MB, 1),
            "entries": entries,
            "import_s": round(import_clock.wall_s, 2),
            "import_cpu_s": round(import_clock.cpu_s, 2),
            "import_db_cpu_s": round(import_clock.db_cpu_s, 2),
            "check_s": round(check_clock.wall_s, 2),
            "check_cpu_s": round(check_clock.cpu_s, 2),
            "apply_s": round(apply_clock.wall_s, 2),
            "apply_cpu_s": round(apply_clock.cpu_s, 2),
            "apply_db_cpu_s": round(apply_clock.db_cpu_s, 2),
            "anchor_openpyxl_s": round(anchor_clock.wall_s, 2),
            "anchor_cpu_s": round(anchor_clock.cpu_s, 2),
            "ratio": round(ratio, 2),
            "cpu_ratio": round(cpu_ratio, 2),
            "peak_rss_mb": round(rss_peak / 1024) if rss_reset else None,
            "rss_growth_mb": round((rss_peak - rss_before) / 1024) if rss_reset else None,
            "tracemalloc_peak_mb": round(traced_peak / MB),
            "load_average_at_start": round(load, 2),
        },
    )
    assert changed == again == entries == COUNT - 2  # the two exam-day rows need no entry
    assert traced_peak <= 400 * MB, f"import peaked at {traced_peak / MB:.0f} MB of Python allocations (target 400)"
    if rss_reset:
        assert rss_peak - rss_before <= 400 * 1024, (
            f"import grew the process by {(rss_peak - rss_before) / 1024:.0f} MB"
        )
    assert cpu_ratio <= 1.5, f"import took {cpu_ratio:.2f}× the openpyxl pass in CPU seconds (target 1.5×)"
