"""What review records when an application is decided: the round, and what to fix.

Registered on the lifecycle's transitions in ReviewConfig.ready; they run inside the
transition's transaction, so a decision and its round are saved together or not at all.
"""

from collections.abc import Mapping
from typing import Any

from accounts.models import User
from applications import lifecycle
from applications.models import Application
from review.models import ReturnItem, ReviewRound


@lifecycle.on(lifecycle.Transition.APPROVE)
def record_approval(
    application: Application, *, actor: User | None, before: str, after: str, context: Mapping[str, Any]
) -> None:
    assert actor is not None  # approve() takes a reviewer
    ReviewRound.objects.create(
        application=application, tier=context["tier"], decision="approved", reviewer=actor, comment=context["comment"]
    )


@lifecycle.on(lifecycle.Transition.RETURN_FOR_CHANGES)
def record_return(
    application: Application, *, actor: User | None, before: str, after: str, context: Mapping[str, Any]
) -> None:
    assert actor is not None  # return_for_changes() takes a reviewer
    review_round = ReviewRound.objects.create(
        application=application, tier=context["tier"], decision="returned", reviewer=actor, comment=context["comment"]
    )
    ReturnItem.objects.bulk_create(
        ReturnItem(round=review_round, item=item, reason_code=code, reason=reason)
        for item, code, reason in context["items"]
    )
