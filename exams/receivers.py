"""What exams does when an application moves: registered on the lifecycle in ExamsConfig.ready.

A candidate who leaves (考前退出, 取消资格) gives up their seat, which stays empty, and their
ticket is voided (its number is never given again). Only exams' rows are written; the
arrangement is not locked (the application is, and that is the lock order's first row). The
city's handbooks are rendered again after the commit (the candidate left their lists).
"""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from accounts.models import User
from applications import lifecycle
from applications.models import Application
from audit.services import record
from exams.handbook_tasks import refresh_on_commit
from exams.models import SeatAssignment, Ticket


@lifecycle.on(lifecycle.Transition.WITHDRAW_AFTER_APPROVAL)
@lifecycle.on(lifecycle.Transition.DISQUALIFY)
def release_seat(
    application: Application, *, actor: User | None, before: str, after: str, context: Mapping[str, Any]
) -> None:
    seats, _by_model = SeatAssignment.objects.filter(application=application).delete()
    voided = Ticket.objects.filter(application=application, voided_at__isnull=True).update(voided_at=timezone.now())
    if seats or voided:
        record(
            "exams.seat.released",
            actor=actor,
            obj=application,
            after={"seats": seats, "ticket_voided": bool(voided), "status": after},
        )
        if application.city_id is not None:
            refresh_on_commit(application.campaign_id, application.city_id)
