"""Reads of the 考务手册: a site's `HandbookData`, its submissions, and the association's overview.

A fixed number of queries per site, whatever its size (4,000 candidates: seven queries).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from applications.models import ApplicationDocument, DocumentSlot
from catalog.models import Campaign, City, Organisation
from exams import handbook_data as hd
from exams.models import HandbookSubmission, Room, SeatAssignment, Site, StaffAssignment, Ticket
from exams.services.arranging import SEATABLE
from skillcert.lib.masking import mask_id_number
from skillcert.lib.workdays import CalendarNotCovered, HolidayData, working_days_between

# --- the handbook's data ------------------------------------------------------------------------


def _contacts(site: Site) -> tuple[hd.Contact, ...]:
    """考点负责人, then the city's co-organizer and regulator (the annexes' organisations)."""
    contacts = [hd.Contact("考点负责人", site.contact_name or "—", site.office_phone, site.address)]
    organisations = {org.kind: org for org in Organisation.objects.filter(city=site.city_id)}
    for kind, role in ((Organisation.Kind.CO_ORGANIZER, "协办单位"), (Organisation.Kind.REGULATOR, "人社监管部门")):
        if kind in organisations:
            org = organisations[kind]
            contacts.append(hd.Contact(role, org.name, org.office_phone, org.address))
    return tuple(contacts)


def _people(application_ids: list[int]) -> dict[int, dict]:
    from applications.models import Application

    rows = Application.objects.filter(pk__in=application_ids).values_list(
        "pk", "full_name", "id_number", "occupation__name", "level__name", "level__title"
    )
    return {
        pk: {"name": name, "id": mask_id_number(id_number), "occupation": occupation or "", "level": f"{lv}/{title}"}
        for pk, name, id_number, occupation, lv, title in rows
    }


def _candidates(rooms: list[Room], sessions: list) -> dict[int, list[hd.Candidate]]:
    """room pk → its candidates in ticket order (seat order for those without a ticket)."""
    index = {session.pk: i for i, session in enumerate(sessions)}
    seats: dict[int, dict] = {}
    for app, room, row, column, session in SeatAssignment.objects.filter(room__in=rooms).values_list(
        "application_id", "room_id", "row", "column", "session_id"
    ):
        seat = seats.setdefault(app, {"room": room, "row": row, "column": column, "sessions": set()})
        seat["sessions"].add(index[session])
    ids = list(seats)
    people = _people(ids)
    tickets = dict(
        Ticket.objects.filter(application__in=ids, voided_at__isnull=True).values_list("application_id", "number")
    )
    photos = dict(
        ApplicationDocument.objects.filter(application__in=ids, slot=DocumentSlot.PHOTO).values_list(
            "application_id", "sha256"
        )
    )
    by_room = defaultdict(list)
    for app, seat in seats.items():
        person = people[app]
        by_room[seat["room"]].append(
            hd.Candidate(
                ticket=tickets.get(app, ""),
                name=person["name"],
                id_masked=person["id"],
                occupation=person["occupation"],
                level=person["level"],
                row=seat["row"],
                column=seat["column"],
                sessions=tuple(sorted(seat["sessions"])),
                photo=photos.get(app, ""),
            )
        )
    for people_of_room in by_room.values():
        people_of_room.sort(key=lambda c: (c.ticket or "~", c.row, c.column))
    return by_room


def _staff(rooms: list[Room], sessions: list) -> tuple[hd.StaffLine, ...]:
    index = {session.pk: i for i, session in enumerate(sessions)}
    assignments = (
        StaffAssignment.objects.filter(room__in=rooms)
        .select_related("staff", "room")
        .order_by("session__date", "session__starts_at", "room__position", "room__number", "staff__name")
    )
    return tuple(
        hd.StaffLine(index[a.session_id], a.room.number, a.staff.name, a.staff.work_unit, a.staff.get_duty_display())
        for a in assignments
    )


def handbook_data(site: Site) -> hd.HandbookData:
    """Everything the site's handbook prints, read now."""
    from exams.models import Arrangement

    campaign = site.campaign
    sessions = list(campaign.sessions.order_by("date", "starts_at"))
    rooms = list(site.rooms.order_by("position", "number", "pk"))
    candidates = _candidates(rooms, sessions)
    published = Arrangement.objects.filter(
        campaign=campaign, city=site.city_id, state=Arrangement.State.PUBLISHED
    ).exists()
    return hd.HandbookData(
        campaign=campaign.slug,
        campaign_title=campaign.title,
        city=site.city.name,
        site=site.name,
        address=site.address,
        office_phone=site.office_phone,
        contacts=_contacts(site),
        sessions=tuple(hd.SessionLine(s.get_kind_display(), s.date, s.starts_at, s.ends_at) for s in sessions),
        rooms=tuple(
            hd.RoomSheet(
                number=room.number,
                place=room.place,
                kind=room.get_kind_display(),
                rows=room.rows,
                columns=room.columns,
                unusable=tuple(sorted(tuple(seat) for seat in room.unusable)),
                candidates=tuple(candidates.get(room.pk, ())),
            )
            for room in rooms
        ),
        staff=_staff(rooms, sessions),
        published=published,
        rules=campaign.exam_rules,
    )


def photo_files(site: Site) -> dict[str, str]:
    """Stored photo SHA-256 → its file name in private storage, for the site's seated candidates."""
    ids = SeatAssignment.objects.filter(room__site=site).values("application_id")
    return dict(
        ApplicationDocument.objects.filter(application__in=ids, slot=DocumentSlot.PHOTO).values_list("sha256", "file")
    )


# --- deadline and submissions --------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    due: date | None  # None: the holiday calendar does not cover the exam's year yet
    days_left: int | None  # calendar days (negative: overdue)
    working_days_left: int | None
    problem: str = ""


def deadline(campaign: Campaign, today: date) -> Deadline:
    """Campaign.handbook_due with the countdown, or the calendar's refusal in Chinese."""
    try:
        due = campaign.handbook_due
        return Deadline(due, (due - today).days, working_days_between(today, due, _holidays()))
    except CalendarNotCovered as error:
        return Deadline(None, None, None, str(error))


def _holidays() -> HolidayData:
    from catalog.holidays import holiday_data

    return holiday_data()


def is_late(submitted_at: datetime, due: date | None) -> bool:
    """Handed in after the due day (Beijing time); unknown due day: not late."""
    return due is not None and timezone.localdate(submitted_at) > due


@dataclass
class SiteStatus:
    site: Site
    history: list[HandbookSubmission]  # newest first; each with `.late` set
    late: bool  # the first submission came after the due day

    @property
    def latest(self) -> HandbookSubmission | None:
        return self.history[0] if self.history else None

    @property
    def submissions(self) -> int:
        return len(self.history)

    @property
    def submitted(self) -> bool:
        return bool(self.history)


@dataclass
class CityHandbooks:
    city: City
    sites: list[SiteStatus] = field(default_factory=list)
    rooms: int = 0
    paid: int = 0
    seated: int = 0
    published: bool = False

    @property
    def submitted(self) -> int:
        return sum(1 for s in self.sites if s.submitted)

    @property
    def late(self) -> int:
        return sum(1 for s in self.sites if s.late)

    @property
    def missing(self) -> int:
        return len(self.sites) - self.submitted

    @property
    def complete(self) -> bool:
        return bool(self.sites) and not self.missing


def site_statuses(sites: Iterable[Site], due: date | None) -> list[SiteStatus]:
    """Each site with its submissions; a submission after the due day is late, and so is a site
    whose first one was."""
    sites = list(sites)
    by_site: defaultdict[int, list[HandbookSubmission]] = defaultdict(list)
    for submission in HandbookSubmission.objects.filter(site__in=sites).select_related("submitted_by"):
        submission.late = is_late(submission.submitted_at, due)  # type: ignore[attr-defined]  # the page's flag
        by_site[submission.site_id].append(submission)  # newest first (the model's ordering)
    statuses = []
    for site in sites:
        history = by_site.get(site.pk, [])
        statuses.append(SiteStatus(site, history, bool(history) and history[-1].late))  # type: ignore[attr-defined]  # set above
    return statuses


def city_handbooks(campaign: Campaign, city: City, due: date | None) -> CityHandbooks:
    from exams import selectors

    counts = selectors.counts(campaign, city)
    published = selectors.arrangement_of(campaign, city).is_published
    sites = Site.objects.filter(campaign=campaign, city=city).select_related("city")
    return CityHandbooks(city, site_statuses(sites, due), counts.rooms, counts.paid, counts.seated, published)


def overview(campaign: Campaign, due: date | None) -> list[CityHandbooks]:
    """The association's table: per city its sites' submissions and its progress (sites, rooms, seated/paid)."""
    from exams import selectors

    progress = {row.city.pk: row for row in selectors.progress(campaign)}
    sites = Site.objects.filter(campaign=campaign).select_related("city").order_by("city", "position", "pk")
    statuses = defaultdict(list)
    for status in site_statuses(sites, due):
        statuses[status.site.city_id].append(status)
    return [
        CityHandbooks(row.city, statuses.get(pk, []), row.rooms, row.paid, row.seated, row.published)
        for pk, row in progress.items()
    ]


def cities_needing_a_handbook(campaign: Campaign) -> list[City]:
    """Cities with sites or paid candidates whose sites have not all been submitted."""
    from applications.models import Application

    with_candidates = set(
        Application.objects.filter(campaign=campaign, status__in=SEATABLE).values_list("city_id", flat=True)
    )
    sites = defaultdict(set)
    for pk, city in Site.objects.filter(campaign=campaign).values_list("pk", "city_id"):
        sites[city].add(pk)
    submitted = set(HandbookSubmission.objects.filter(site__campaign=campaign).values_list("site_id", flat=True))
    waiting = {city for city in with_candidates | set(sites) if not sites.get(city) or sites[city] - submitted}
    return list(City.objects.filter(pk__in=waiting).order_by("position", "name"))
