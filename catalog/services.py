"""Use cases of the catalog: import, the notice's 2023 data, demo campaign, moving windows."""

import csv
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from audit.services import record
from catalog.catalog_io import CatalogReport
from catalog.models import Campaign, CampaignOccupation, City, ExamSession, Level, Occupation, Organisation
from catalog.regions import GBT2260

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOG_2023 = DATA_DIR / "catalog-2023.csv"
DIRECTORY_2023 = DATA_DIR / "directory-2023.csv"

ASSOCIATION_NAME = "内蒙古职业培训与就业促进会"
ASSOCIATION_PHONE = "0471-3956299"

WINDOW_FIELDS = (
    "registration_opens",
    "registration_closes",
    "review_opens",
    "review_closes",
    "payment_opens",
    "payment_closes",
    "arrangement_due",
    "exam_date",
)


@dataclass(frozen=True)
class ImportResult:
    occupations_created: int
    occupations_renamed: int
    offerings_created: int
    offerings_removed: int
    rows: int


@transaction.atomic
def import_catalog(
    report: CatalogReport, *, campaign: Campaign | None = None, actor: User | None = None
) -> ImportResult:
    """Write a validated catalog; with a campaign, its offerings become exactly the file's."""
    if not report.ok:
        raise ValidationError(report.errors or ["文件中没有数据。"])
    ensure_levels()
    levels = {level.number: level for level in Level.objects.all()}
    existing = {o.code: o for o in Occupation.objects.filter(code__in=[r.code for r in report.rows])}
    created = renamed = 0
    for row in report.rows:
        occupation = existing.get(row.code)
        if occupation is None:
            existing[row.code] = Occupation.objects.create(code=row.code, name=row.name)
            created += 1
        elif occupation.name != row.name:
            occupation.name = row.name
            occupation.save(update_fields=["name"])
            renamed += 1
    offerings_created = offerings_removed = 0
    if campaign is not None:
        _, removed = (
            CampaignOccupation.objects.filter(campaign=campaign)
            .exclude(occupation__code__in=[r.code for r in report.rows])
            .delete()
        )
        offerings_removed = removed.get(CampaignOccupation._meta.label, 0)
        for row in report.rows:
            offering, was_created = CampaignOccupation.objects.update_or_create(
                campaign=campaign, occupation=existing[row.code], defaults={"position": row.position}
            )
            offering.levels.set([levels[n] for n in row.levels])
            offerings_created += was_created
    result = ImportResult(created, renamed, offerings_created, offerings_removed, len(report.rows))
    record(
        "catalog.imported",
        actor=actor,
        obj=campaign,
        after={"campaign": campaign.slug if campaign else None, **result.__dict__},
    )
    return result


LEVELS = [
    (5, "五级", "初级工"),
    (4, "四级", "中级工"),
    (3, "三级", "高级工"),
    (2, "二级", "技师"),
    (1, "一级", "高级技师"),
]


def ensure_levels() -> None:
    """The five national levels (also made by a migration; a test flush removes them)."""
    if Level.objects.count() != len(LEVELS):
        for number, name, title in LEVELS:
            Level.objects.update_or_create(number=number, defaults={"name": name, "title": title})


@transaction.atomic
def load_directory(path: Path = DIRECTORY_2023) -> int:
    """Cities with their regulator and co-organizer, and the association (idempotent)."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        city, _ = City.objects.update_or_create(
            code=row["代码"],
            defaults={
                "name": row["盟市"],
                "position": int(row["序号"]),
                "hosts_direct_units": row["代码"] == "hohhot",
                "gbt2260": GBT2260.get(row["代码"], ""),
            },
        )
        for kind, prefix in ((Organisation.Kind.REGULATOR, "监管部门"), (Organisation.Kind.CO_ORGANIZER, "协办单位")):
            name_key = "人社监管部门" if kind == Organisation.Kind.REGULATOR else "协办单位"
            Organisation.objects.update_or_create(
                kind=kind,
                city=city,
                defaults={"name": row[name_key], "address": row[f"{prefix}地址"], "office_phone": row[f"{prefix}电话"]},
            )
    Organisation.objects.update_or_create(
        kind=Organisation.Kind.ASSOCIATION,
        city=None,
        defaults={"name": ASSOCIATION_NAME, "office_phone": ASSOCIATION_PHONE},
    )
    return len(rows)


def _sessions(campaign: Campaign) -> None:
    for kind, start, end in (
        (ExamSession.Kind.THEORY, time(8, 30), time(10, 0)),
        (ExamSession.Kind.SKILL, time(10, 30), time(12, 30)),
    ):
        ExamSession.objects.update_or_create(
            campaign=campaign, kind=kind, defaults={"date": campaign.exam_date, "starts_at": start, "ends_at": end}
        )


@transaction.atomic
def load_notice_2023() -> Campaign:
    """The notice's own data: directory, annex 1 and the 2023 campaign (idempotent)."""
    from catalog.catalog_io import read_catalog

    existing = Campaign.objects.filter(slug="2023").first()
    if existing is not None:
        return existing
    ensure_levels()
    load_directory()
    campaign = Campaign.objects.create(
        slug="2023",
        **{
            "year": 2023,
            "title": "2023 年度全区机关事业单位技能人员职业技能等级认定",
            "registration_opens": date(2023, 8, 30),
            "registration_closes": date(2023, 9, 19),
            # The notice gives no review window; review runs alongside
            # registration and ends the day before payment opens.
            "review_opens": date(2023, 8, 30),
            "review_closes": date(2023, 9, 24),
            "payment_opens": date(2023, 9, 25),
            "payment_closes": date(2023, 9, 27),
            "arrangement_due": date(2023, 10, 6),
            "exam_date": date(2023, 10, 15),
        },
    )
    _sessions(campaign)
    import_catalog(read_catalog(CATALOG_2023), campaign=campaign)
    return campaign


def demo_windows(today: date) -> dict[str, date]:
    """Windows around `today`: registration open now, the rest in the coming weeks."""
    payment_closes = today + timedelta(days=17)
    exam = payment_closes + timedelta(days=14)
    exam += timedelta(days=(6 - exam.weekday()) % 7)  # a Sunday, as in 2023
    return {
        "registration_opens": today - timedelta(days=7),
        "registration_closes": today + timedelta(days=10),
        "review_opens": today - timedelta(days=7),
        "review_closes": today + timedelta(days=14),
        "payment_opens": today + timedelta(days=15),
        "payment_closes": payment_closes,
        "arrangement_due": exam - timedelta(days=9),
        "exam_date": exam,
    }


@transaction.atomic
def ensure_demo_campaign(
    today: date, *, slug: str = "demo", label: str = "演示批次", year: int | None = None
) -> tuple[Campaign, bool]:
    """A rehearsal campaign with 2023's catalog; reused as it is when it exists. Its 年度 is its exam's
    year unless `year` says otherwise (a demo whose exam is moved later)."""
    source = load_notice_2023()
    existing = Campaign.objects.filter(slug=slug).first()
    if existing:
        return existing, False
    windows = demo_windows(today)
    year = year or windows["exam_date"].year
    campaign = Campaign.objects.create(
        slug=slug,
        year=year,
        title=f"{year} 年度职业技能等级认定（{label}）",
        is_demo=True,
        **windows,
    )
    _sessions(campaign)
    for offering in source.offerings.prefetch_related("levels"):
        copy = CampaignOccupation.objects.create(
            campaign=campaign, occupation=offering.occupation, position=offering.position
        )
        copy.levels.set(offering.levels.all())
    record("catalog.campaign.created", obj=campaign, after=_windows_of(campaign))
    return campaign, True


def _windows_of(campaign: Campaign) -> dict[str, str]:
    return {name: getattr(campaign, name).isoformat() for name in WINDOW_FIELDS}


@transaction.atomic
def move_campaign_windows(campaign: Campaign, *, days: int, actor: User | None = None) -> Campaign:
    """Shift every window, deadline and session of a campaign by `days` (rehearsals)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    before = _windows_of(campaign)
    for name in WINDOW_FIELDS:
        setattr(campaign, name, getattr(campaign, name) + timedelta(days=days))
    campaign.save(update_fields=list(WINDOW_FIELDS))
    for session in campaign.sessions.all():
        session.date += timedelta(days=days)
        session.save(update_fields=["date"])
    record("catalog.campaign.windows_moved", actor=actor, obj=campaign, before=before, after=_windows_of(campaign))
    return campaign
