"""What scoring does when an application moves: registered on the lifecycle in ScoringConfig.ready.

九.二: a disqualification voids every result of the application, with the reason (the scores stay
for the record, marked void; publicity and certificates read them as void)."""

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from accounts.models import User
from applications import lifecycle
from applications.models import Application
from audit.services import record
from scoring.models import Score


@lifecycle.on(lifecycle.Transition.DISQUALIFY)
def void_results(
    application: Application, *, actor: User | None, before: str, after: str, context: Mapping[str, Any]
) -> None:
    reason = str(context.get("reason", ""))[:500]
    voided = Score.objects.filter(application=application, voided_at__isnull=True).update(
        voided_at=timezone.now(), void_reason=reason
    )
    if voided:
        record("scoring.results.voided", actor=actor, obj=application, after={"scores": voided, "reason": reason})
