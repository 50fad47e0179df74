"""Every state change of an arrangement; nothing else assigns `Arrangement.state`.

    Arrangement: draft → published (its tickets are given; seating is no longer re-run)

Written like the application lifecycle: lock the row, return quietly when already done,
check the state, write, audit. The services in `exams.services` decide whether to move.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from exams.models import Arrangement
from skillcert.refusals import TransitionRefused


def lock_arrangement(campaign, city) -> Arrangement:
    """The (campaign, city) arrangement, created on first use, locked for this transaction.

    Every writer of a city's seats and tickets takes this lock first (then the applications,
    then the ticket serial): two staff seating one city at once queue here."""
    Arrangement.objects.get_or_create(campaign=campaign, city=city)
    return Arrangement.objects.select_for_update().select_related("campaign", "city").get(campaign=campaign, city=city)


@transaction.atomic
def publish(arrangement: Arrangement, *, actor, tickets: int) -> bool:
    """draft → published; False when it was published already."""
    arrangement = lock_arrangement(arrangement.campaign, arrangement.city)
    if arrangement.state == Arrangement.State.PUBLISHED:
        return False
    if arrangement.state != Arrangement.State.DRAFT:
        raise TransitionRefused(_("编排状态为“%(state)s”，不能发布。") % {"state": arrangement.get_state_display()})
    arrangement.state = Arrangement.State.PUBLISHED
    arrangement.published_at = timezone.now()
    arrangement.published_by = actor
    arrangement.version += 1
    arrangement.save(update_fields=["state", "published_at", "published_by", "version"])
    record(
        "exams.arrangement.published",
        actor=actor,
        obj=arrangement,
        before={"state": Arrangement.State.DRAFT},
        after={"state": Arrangement.State.PUBLISHED, "tickets": tickets},
        city=arrangement.city,
    )
    return True
