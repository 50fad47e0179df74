"""Sites, rooms, exam-day staff, their assignments and seating needs: the co-organizer's setup.

Changing or deleting a room or site takes the city's arrangement lock first, as seating does:
seat rows point at rooms without a database foreign key, so the two must not interleave.
Each change to what a handbook prints (a site, a room, staff and their rooms) queues the city's
handbooks to be rendered again after the commit (`refresh_on_commit`)."""

from typing import Any

from django.db import models, transaction
from django.db.models import ProtectedError, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from applications.models import Application
from audit.services import record
from catalog.models import ExamSession
from exams.handbook_tasks import refresh_on_commit
from exams.models import ExamStaff, Room, SeatAssignment, SeatingNeed, Site, StaffAssignment
from exams.services.common import require_arranger
from exams.states import lock_arrangement
from skillcert.refusals import TransitionRefused


def _changes(instance: models.Model, fields: list[str], old: dict[str, Any]) -> tuple[dict, dict]:
    new = {field: getattr(instance, field) for field in fields}
    changed = [field for field in fields if old.get(field) != new[field]]
    return {f: old.get(f) for f in changed}, {f: new[f] for f in changed}


@transaction.atomic
def save_site(actor: User, site: Site) -> Site:
    """Create or change a site of the actor's city (the form filled `site`)."""
    require_arranger(actor, site.city_id)
    fields = ["name", "address", "office_phone", "contact_name", "position"]
    old = {} if site.pk is None else dict(Site.objects.filter(pk=site.pk).values(*fields).get())
    site.full_clean()
    site.save()
    before, after = _changes(site, fields, old)
    record("exams.site.saved", actor=actor, obj=site, before=before or None, after=after)
    refresh_on_commit(site.campaign_id, site.city_id)
    return site


def _require_no_seats(rooms: QuerySet[Room] | list[Room], message: str) -> None:
    if SeatAssignment.objects.filter(room__in=rooms).exists():
        raise TransitionRefused(message)


@transaction.atomic
def delete_site(actor: User, site: Site) -> None:
    require_arranger(actor, site.city_id)
    lock_arrangement(site.campaign, site.city)
    _require_no_seats(site.rooms.all(), _("考点内已有考生座位，请先重新编排，再删除考点。"))
    record("exams.site.deleted", actor=actor, obj=site, before={"name": site.name})
    _delete_unless_used(site, _("该考点已有成绩登记或试卷归档记录，不能删除。"))


@transaction.atomic
def save_room(actor: User, room: Room) -> Room:
    """Create or change a room; its grid may not shrink under seated candidates."""
    require_arranger(actor, room.site.city_id)
    if room.pk is not None:
        lock_arrangement(room.site.campaign, room.site.city)
    fields = ["number", "building", "floor", "kind", "rows", "columns", "unusable", "accessible", "position"]
    old = {} if room.pk is None else dict(Room.objects.filter(pk=room.pk).values(*fields).get())
    room.full_clean()
    if room.pk is not None:
        off = {tuple(seat) for seat in room.unusable}
        for row, column in SeatAssignment.objects.filter(room=room).order_by().values_list("row", "column").distinct():
            if row > room.rows or column > room.columns or (row, column) in off:
                raise TransitionRefused(
                    _("%(row)02d排%(column)02d号已有考生，不能设为不可用或删去；请先调整该考生的座位。")
                    % {"row": row, "column": column}
                )
    room.save()
    before, after = _changes(room, fields, old)
    record("exams.room.saved", actor=actor, obj=room, before=before or None, after=after, city=room.site.city)
    refresh_on_commit(room.site.campaign_id, room.site.city_id)
    return room


@transaction.atomic
def delete_room(actor: User, room: Room) -> None:
    require_arranger(actor, room.site.city_id)
    lock_arrangement(room.site.campaign, room.site.city)
    _require_no_seats([room], _("考场内已有考生座位，请先重新编排，再删除考场。"))
    record("exams.room.deleted", actor=actor, obj=room, before={"number": room.number}, city=room.site.city)
    refresh_on_commit(room.site.campaign_id, room.site.city_id)
    _delete_unless_used(room, _("该考场已有成绩登记或试卷归档记录，不能删除。"))


def _delete_unless_used(row: Site | Room, refusal: str) -> None:
    """Rows of later stages (score sheets, archived papers) protect the room they name."""
    try:
        with transaction.atomic():
            row.delete()
    except ProtectedError:
        raise TransitionRefused(refusal) from None


@transaction.atomic
def save_staff(actor: User, staff: ExamStaff) -> ExamStaff:
    require_arranger(actor, staff.city_id)
    if staff.site is not None and staff.site.city_id != staff.city_id:
        raise TransitionRefused(_("考点不属于本盟市。"))
    fields = ["name", "work_unit", "duty", "site_id"]
    old = {} if staff.pk is None else dict(ExamStaff.objects.filter(pk=staff.pk).values(*fields).get())
    staff.full_clean(exclude=["user"])
    staff.save()
    before, after = _changes(staff, fields, old)
    record("exams.staff.saved", actor=actor, obj=staff, before=before or None, after=after)
    refresh_on_commit(staff.campaign_id, staff.city_id)
    return staff


@transaction.atomic
def delete_staff(actor: User, staff: ExamStaff) -> None:
    require_arranger(actor, staff.city_id)
    record("exams.staff.deleted", actor=actor, obj=staff, before={"name": staff.name})
    refresh_on_commit(staff.campaign_id, staff.city_id)
    staff.delete()


@transaction.atomic
def assign_staff(actor: User, staff: ExamStaff, *, room: Room, session: ExamSession) -> StaffAssignment:
    """Put a staff member in a room for a session (one room per session; the same room again is a no-op)."""
    require_arranger(actor, staff.city_id)
    if room.site.city_id != staff.city_id or session.campaign_id != staff.campaign_id:
        raise TransitionRefused(_("考场或场次不属于本盟市本批次。"))
    existing = StaffAssignment.objects.select_for_update().filter(staff=staff, session=session).first()
    if existing is not None and existing.room_id == room.pk:
        return existing
    if existing is not None:
        raise TransitionRefused(
            _("%(name)s 本场次已安排在第%(room)s考场，请先取消。") % {"name": staff.name, "room": existing.room.number}
        )
    assignment = StaffAssignment.objects.create(staff=staff, room=room, session=session)
    record(
        "exams.staff.assigned",
        actor=actor,
        obj=staff,
        after={"room": room.number, "site": room.site.name, "session": session.get_kind_display()},
    )
    refresh_on_commit(staff.campaign_id, staff.city_id)
    return assignment


@transaction.atomic
def unassign_staff(actor: User, assignment: StaffAssignment) -> None:
    require_arranger(actor, assignment.staff.city_id)
    record(
        "exams.staff.unassigned",
        actor=actor,
        obj=assignment.staff,
        before={"room": assignment.room.number, "session": assignment.session.get_kind_display()},
    )
    refresh_on_commit(assignment.staff.campaign_id, assignment.staff.city_id)
    assignment.delete()


@transaction.atomic
def set_seating_need(actor: User, application: Application, *, accessible: bool, note: str = "") -> SeatingNeed:
    """What the co-organizer knows a candidate needs; the next seating honours it."""
    require_arranger(actor, application.city_id)
    need, _created = SeatingNeed.objects.select_for_update().get_or_create(application=application)
    before = {"accessible": need.accessible, "note": need.note}
    need.accessible, need.note = accessible, note.strip()
    need.save()
    record(
        "exams.seating_need.saved",
        actor=actor,
        obj=application,
        before=before,
        after={"accessible": need.accessible, "note": need.note},
    )
    return need
