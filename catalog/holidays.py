"""The holiday schedule the association enters (放假和调休安排), read as data for `skillcert.lib.workdays`.

The holiday package covers the years it was released for; each next year's schedule is
published by the State Council around November. The association enters it here (by hand
or from a file), and the entries override the package. `workdays` stays pure: it gets
them as a `HolidayData`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.permissions import require
from audit.services import record
from catalog.holidays_io import WEEKDAYS, ScheduleReport
from catalog.models import Campaign, HolidayEntry, HolidayYear
from skillcert.lib import workdays
from skillcert.lib.workdays import CalendarNotCovered, HolidayData
from skillcert.public_cache import public_data_changed

FIRST_YEAR, LAST_YEAR = 2000, 2100


def holiday_data() -> HolidayData:
    """Everything entered, for `workdays` (a few dozen rows a year)."""
    days = {day: kind == HolidayEntry.Kind.WORKDAY for day, kind in HolidayEntry.objects.values_list("day", "kind")}
    complete = frozenset(HolidayYear.objects.filter(complete=True).values_list("year", flat=True))
    return HolidayData(days=days, complete_years=complete)


def package_years() -> tuple[int, int]:
    first, last = workdays.coverage()
    return first.year, last.year


@dataclass(frozen=True)
class MissingYear:
    year: int
    campaigns: tuple[Campaign, ...]


def missing_years(campaigns: Iterable[Campaign] | None = None) -> list[MissingYear]:
    """Years a campaign's working-day deadline falls in that neither the package nor the entries cover."""
    data = holiday_data()
    found: dict[int, list[Campaign]] = {}
    for campaign in campaigns if campaigns is not None else Campaign.objects.all():
        for deadline in (campaign.compute_handbook_due, campaign.compute_results_due):
            try:
                deadline(data)
            except CalendarNotCovered as error:
                if campaign not in found.setdefault(error.year, []):
                    found[error.year].append(campaign)
    return [MissingYear(year, tuple(found[year])) for year in sorted(found)]


def _year(year: int) -> HolidayYear:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"day": f"年份须在 {FIRST_YEAR}–{LAST_YEAR} 之间。"})
    row, _ = HolidayYear.objects.select_for_update().get_or_create(year=year)
    return row


def _entry_values(entry: HolidayEntry) -> dict:
    return {"day": entry.day.isoformat(), "kind": entry.kind, "name": entry.name}


def _check_entry(day: date, kind: str, name: str, *, exclude: int | None = None) -> None:
    errors = {}
    if kind not in HolidayEntry.Kind.values:
        errors["kind"] = "请选择“放假”或“调休上班”。"
    elif kind == HolidayEntry.Kind.WORKDAY and day.weekday() < 5:
        errors["kind"] = f"{day} 是{WEEKDAYS[day.weekday()]}，本来就是工作日；调休上班只会在周六或周日。"
    if not name.strip():
        errors["name"] = "请填写名称，例如：春节。"
    others = HolidayEntry.objects.filter(day=day)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    clash = others.first()
    if clash is not None:
        errors["day"] = f"{day} 已录入为“{clash.get_kind_display()} · {clash.name}”，请修改那一条。"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_entry(actor: User, *, day: date, kind: str, name: str, entry: HolidayEntry | None = None) -> HolidayEntry:
    """Add an entry, or change one (its day may move within the year or to another year)."""
    require(actor, "catalog.manage")
    year = _year(day.year)
    _check_entry(day, kind, name, exclude=entry.pk if entry else None)
    before = None
    if entry is None:
        entry = HolidayEntry(year=year)
    else:
        entry = HolidayEntry.objects.select_for_update().get(pk=entry.pk)
        before = _entry_values(entry)
        entry.year = year
    entry.day, entry.kind, entry.name = day, kind, name.strip()
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # the same day added at the same moment by someone else
        raise ValidationError({"day": f"{day} 刚刚已被录入，请刷新后查看。"}) from None
    action = "catalog.holiday.changed" if before else "catalog.holiday.added"
    record(action, actor=actor, obj=entry, before=before, after=_entry_values(entry))
    return entry


@transaction.atomic
def delete_entry(actor: User, entry: HolidayEntry) -> None:
    require(actor, "catalog.manage")
    entry = HolidayEntry.objects.select_for_update().get(pk=entry.pk)
    record("catalog.holiday.deleted", actor=actor, obj=entry, before=_entry_values(entry))
    entry.delete()


@transaction.atomic
def mark_year(actor: User, year: int, *, complete: bool, source: str = "") -> HolidayYear:
    """Mark a year's schedule complete (its other days follow the ordinary week) or not yet."""
    require(actor, "catalog.manage")
    if not complete and not source.strip() and not HolidayYear.objects.filter(year=year).exists():
        return HolidayYear(year=year)  # nothing to mark: no empty year is created
    row = _year(year)
    before = {"complete": row.complete, "source": row.source}
    if complete and not row.entries.exists():
        raise ValidationError({"complete": f"{year} 年还没有录入任何放假或调休安排，不能标记为完整。"})
    row.complete, row.source = complete, source.strip()[:200]
    if before == {"complete": row.complete, "source": row.source}:
        return row
    row.save()
    after = {"complete": complete, "source": row.source}
    record("catalog.holiday_year.marked", actor=actor, obj=row, before=before, after=after)
    return row


@dataclass(frozen=True)
class ScheduleImport:
    years: tuple[int, ...]
    added: int
    removed: int


@transaction.atomic
def import_schedule(actor: User, report: ScheduleReport, *, complete: bool, source: str = "") -> ScheduleImport:
    """Each year in the file gets exactly the file's entries; nothing is written unless every row is good."""
    require(actor, "catalog.manage")
    if not report.ok:
        raise ValidationError(report.errors or ["文件中没有数据。"])
    removed = 0
    for number in report.years:
        year = _year(number)
        removed += year.entries.count()
        year.entries.all().delete()
        year.complete = complete
        if source.strip():
            year.source = source.strip()[:200]
        year.save()
    years = {row.year: row for row in HolidayYear.objects.filter(year__in=report.years)}
    HolidayEntry.objects.bulk_create(
        HolidayEntry(year=years[row.day.year], day=row.day, kind=row.kind, name=row.name) for row in report.rows
    )
    public_data_changed()  # bulk_create sends no signals
    result = ScheduleImport(tuple(report.years), len(report.rows), removed)
    record(
        "catalog.holiday.imported",
        actor=actor,
        after={"years": list(result.years), "added": result.added, "removed": removed, "complete": complete},
    )
    return result
