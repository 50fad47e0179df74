"""Two reviewers deciding one application at the same moment, on PostgreSQL's row locks."""

import threading

import pytest
from django.db import connection, connections

from applications.models import Application, Status
from review import services
from review.models import ReviewRound
from skillcert.refusals import TransitionRefused

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (make test runs this file on PostgreSQL too)")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_exactly_one_of_two_simultaneous_decisions_wins(postgres_only, people, open_campaign):
    from applications import services as applying
    from applications.tests.fixtures import attach_documents, fill

    draft = applying.start_application(people["applicant"], open_campaign)
    fill(draft)
    attach_documents(draft)
    application = applying.submit_application(people["applicant"], draft)
    from accounts.models import Role, User

    colleague = User.objects.create_user(
        "hohhot-co-2", "Correct-horse-42", role=Role.CO_ORGANIZER, city=people["hohhot_co"].city, full_name="同事"
    )
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name, decide):
        try:
            barrier.wait(timeout=10)
            decide()
            outcomes[name] = "done"
        except TransitionRefused as refusal:
            outcomes[name] = f"refused: {refusal}"
        finally:
            connections.close_all()

    first = threading.Thread(target=act, args=("approve", lambda: services.approve(people["hohhot_co"], application)))
    second = threading.Thread(
        target=act,
        args=(
            "return",
            lambda: services.return_for_changes(
                colleague, application, items=[("photo", "photo_not_white", "照片不是白底")]
            ),
        ),
    )
    first.start()
    second.start()
    first.join(30)
    second.join(30)
    assert sorted(v.split(":")[0] for v in outcomes.values()) == ["done", "refused"]
    assert "已由他人处理" in next(v for v in outcomes.values() if v.startswith("refused"))
    assert ReviewRound.objects.filter(application=application).count() == 1
    final = Application.objects.get(pk=application.pk).status
    assert final in (Status.CITY_APPROVED, Status.RETURNED)
