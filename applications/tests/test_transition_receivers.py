"""The lifecycle's registry of after-transition receivers."""

from applications import lifecycle
from applications.lifecycle import Transition


def test_registering_a_receiver_twice_runs_it_once(monkeypatch):
    monkeypatch.setitem(lifecycle._receivers, Transition.SUBMIT, [])

    def receiver(application, *, actor, before, after, context):
        pass

    lifecycle.on(Transition.SUBMIT)(receiver)
    lifecycle.on(Transition.SUBMIT)(receiver)
    assert lifecycle.receivers(Transition.SUBMIT) == (receiver,)


def test_receivers_run_in_installed_apps_order():
    from payments import receivers as payments_receivers
    from review import receivers as review_receivers

    assert lifecycle.receivers(Transition.APPROVE)[0] is review_receivers.record_approval
    assert lifecycle.receivers(Transition.RETURN_FOR_CHANGES)[0] is review_receivers.record_return
    assert payments_receivers.cancel_unpaid_order in lifecycle.receivers(Transition.DISQUALIFY)
