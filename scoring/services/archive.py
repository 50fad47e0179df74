"""The archive register of answer sheets (六.三): the city's regulator records where each room and
session's pack is kept, and for how long; every change and deletion is audited."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import require, same_city
from audit.services import record
from catalog.models import Campaign, ExamSession
from exams.models import Room
from scoring.models import ArchivePack
from scoring.retention import retain_until
from skillcert.refusals import TransitionRefused

WRITES = "scoring.archive"


@dataclass(frozen=True)
class PackFacts:
    room: Room
    session: ExamSession
    sheet_count: int
    box_number: str
    storage_place: str
    retention_years: int
    note: str = ""


def _facts(pack: ArchivePack) -> dict[str, str | int]:
    return {
        "site": pack.site_id,
        "room": pack.room_id,
        "session": pack.session_id,
        "sheet_count": pack.sheet_count,
        "box_number": pack.box_number,
        "storage_place": pack.storage_place,
        "retention_years": pack.retention_years,
        "retain_until": pack.retain_until.isoformat(),
        "note": pack.note,
    }


def require_archivist(actor: User, city_id: int | None) -> None:
    """The city's regulator (scoring.archive, same city); 403 otherwise."""
    require(actor, WRITES)
    if not same_city(actor, city_id):
        raise PermissionDenied("another city's archive")


@transaction.atomic
def save_pack(actor: User, campaign: Campaign, facts: PackFacts, *, pack: ArchivePack | None = None) -> ArchivePack:
    """Record a pack (pack=None) or correct one. `retain_until` counts from the day it was first
    archived; a correction keeps who archived it and when. Refused when the room's session is
    recorded already (one pack per room and session), or the room is not of the campaign."""
    room = Room.objects.select_related("site").get(pk=facts.room.pk)
    require_archivist(actor, room.site.city_id)
    if room.site.campaign_id != campaign.pk or facts.session.campaign_id != campaign.pk:
        raise TransitionRefused(_("考场或场次不属于本认定批次。"))
    before = None
    if pack is None:
        now = timezone.now()
        pack = ArchivePack(campaign=campaign, archived_by=actor, archived_at=now)
        archived_on = timezone.localdate(now)
    else:
        pack = ArchivePack.objects.select_for_update().get(pk=pack.pk)
        require_archivist(actor, pack.city_id)
        before = _facts(pack)
        archived_on = timezone.localdate(pack.archived_at)
    pack.city_id = room.site.city_id
    pack.site = room.site
    pack.room = room
    pack.session = facts.session
    pack.sheet_count = facts.sheet_count
    pack.box_number = facts.box_number.strip()
    pack.storage_place = facts.storage_place.strip()
    pack.retention_years = facts.retention_years
    pack.retain_until = retain_until(archived_on, facts.retention_years)
    pack.note = facts.note.strip()
    if before == _facts(pack):
        return pack  # nothing changed (a double click)
    try:
        with transaction.atomic():
            pack.save()
    except IntegrityError:
        raise TransitionRefused(_("该考场该场次的试卷已登记归档，请修改已有记录。")) from None
    record("scoring.archive.saved", actor=actor, obj=pack, before=before, after=_facts(pack), city=pack.city)
    return pack


@transaction.atomic
def delete_pack(actor: User, pack_id: int) -> None:
    """Delete a record made in error; the audit keeps what it said. Already gone: nothing to do."""
    pack = ArchivePack.objects.select_for_update().filter(pk=pack_id).select_related("city").first()
    if pack is None:
        return
    require_archivist(actor, pack.city_id)
    facts = _facts(pack)
    city = pack.city
    pack.delete()
    record("scoring.archive.deleted", actor=actor, obj=None, before={"pack": pack_id, **facts}, city=city)
