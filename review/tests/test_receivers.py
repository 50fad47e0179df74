"""Review writes its rounds from the lifecycle's transitions, in the same transaction."""

from applications import lifecycle
from applications.lifecycle import Transition
from review.models import ReturnItem, ReviewRound


def test_approving_through_the_lifecycle_writes_the_round(people, submitted):
    lifecycle.approve(people["hohhot_co"], submitted, tier="city", comment="材料齐全")
    review_round = ReviewRound.objects.get(application=submitted)
    assert (review_round.tier, review_round.decision, review_round.reviewer, review_round.comment) == (
        "city",
        "approved",
        people["hohhot_co"],
        "材料齐全",
    )


def test_returning_through_the_lifecycle_writes_the_round_and_what_to_fix(people, submitted):
    items = [("photo", "photo_not_white", "照片不是白底")]
    lifecycle.return_for_changes(people["hohhot_co"], submitted, tier="city", items=items)
    review_round = ReviewRound.objects.get(application=submitted)
    assert review_round.decision == "returned"
    assert list(ReturnItem.objects.values_list("round", "item", "reason_code", "reason")) == [
        (review_round.pk, "photo", "photo_not_white", "照片不是白底")
    ]


def test_a_receiver_sees_the_change_inside_the_transaction(people, submitted, monkeypatch):
    seen = []

    def receiver(application, *, actor, before, after, context):
        application.refresh_from_db()
        seen.append((application.status, actor, before, after, dict(context)))

    monkeypatch.setitem(lifecycle._receivers, Transition.APPROVE, [*lifecycle.receivers(Transition.APPROVE), receiver])
    lifecycle.approve(people["hohhot_co"], submitted, tier="city", comment="材料齐全")
    assert seen == [
        ("city_approved", people["hohhot_co"], "submitted", "city_approved", {"tier": "city", "comment": "材料齐全"})
    ]


def test_receivers_do_not_run_when_the_work_was_already_done(people, submitted, monkeypatch):
    calls = []
    registered = [*lifecycle.receivers(Transition.APPROVE), lambda application, **kw: calls.append(kw)]
    monkeypatch.setitem(lifecycle._receivers, Transition.APPROVE, registered)
    lifecycle.approve(people["hohhot_co"], submitted, tier="city")
    lifecycle.approve(people["hohhot_co"], submitted, tier="city")  # a double click
    assert len(calls) == 1
    assert submitted.review_rounds.count() == 1
