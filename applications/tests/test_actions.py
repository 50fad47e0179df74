"""`allowed_actions` says yes exactly where the lifecycle accepts the actor and the state."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from applications import lifecycle, services
from applications.actions import allowed_actions
from applications.models import Application, Status
from applications.tests.fixtures import attach_documents, fill
from catalog.models import Campaign
from review import services as review_services
from review.models import PaperFormReceipt


class _Undo(Exception):
    """Raised to roll a trial transition back."""


def _accepted(attempt, application: Application) -> bool:
    """Whether `attempt` changed something (a quiet "already done" is no action open to take)."""
    try:
        with transaction.atomic():
            version = application.version
            receipts = PaperFormReceipt.objects.count()
            attempt()
            changed = Application.objects.get(pk=application.pk).version != version
            raise _Undo(changed or PaperFormReceipt.objects.count() != receipts)
    except _Undo as undone:
        return undone.args[0]
    except (lifecycle.TransitionRefused, PermissionDenied):
        return False


def _trials(user, application: Application) -> dict:
    today = timezone.localdate()
    edited = {"employer": "包头市第一中学"}
    return {
        "edit": lambda: services.save_step(user, application, edited, expected_version=application.version),
        "submit": lambda: application.status == Status.DRAFT and services.submit_application(user, application),
        "resubmit": lambda: application.status == Status.RETURNED and services.submit_application(user, application),
        "withdraw": lambda: lifecycle.withdraw(user, application),
        "withdraw_after_approval": lambda: lifecycle.withdraw_after_approval(user, application, reason="病假"),
        "disqualify": lambda: lifecycle.disqualify(user, application, reason="材料造假"),
        "review_city": lambda: lifecycle.approve(user, application, tier=lifecycle.CITY_TIER),
        "review_association": lambda: lifecycle.approve(user, application, tier=lifecycle.ASSOCIATION_TIER),
        "record_paper_form": lambda: review_services.record_paper_form(user, application, received_on=today),
    }


@pytest.fixture
def every_window_open(open_campaign):
    today = timezone.localdate()
    Campaign.objects.filter(pk=open_campaign.pk).update(
        registration_opens=today - timedelta(days=2),
        registration_closes=today + timedelta(days=1),
        review_opens=today - timedelta(days=1),
        review_closes=today + timedelta(days=1),
        review_extended_until=None,
        payment_opens=today,
        payment_closes=today + timedelta(days=2),
        arrangement_due=today + timedelta(days=20),
        exam_date=today + timedelta(days=30),
    )


@pytest.mark.parametrize("status", Status.values)
def test_allowed_actions_agree_with_the_lifecycle_for_every_role(status, people, draft, every_window_open):
    fill(draft)
    attach_documents(draft)
    Application.objects.filter(pk=draft.pk).update(status=status, returned_items=["employer"], returned_tier="city")
    for who, user in people.items():
        application = Application.objects.select_related("campaign").get(pk=draft.pk)
        actions = allowed_actions(user, application)
        for action, attempt in _trials(user, application).items():
            assert getattr(actions, action) is _accepted(attempt, application), (status, who, action)


def test_a_returned_application_uploads_only_when_a_document_was_returned(people, draft):
    Application.objects.filter(pk=draft.pk).update(status=Status.RETURNED, returned_items=["employer"])
    draft.refresh_from_db()
    assert allowed_actions(people["applicant"], draft).edit_only_returned
    assert not allowed_actions(people["applicant"], draft).upload
    Application.objects.filter(pk=draft.pk).update(returned_items=["employer", "photo"])
    draft.refresh_from_db()
    assert allowed_actions(people["applicant"], draft).upload


def test_the_applicant_pays_while_approved_and_reads_the_receipt_once_paid(people, draft):
    for status, pay, receipt in [(Status.APPROVED, True, False), (Status.PAID, False, True)]:
        draft.status = status
        actions = allowed_actions(people["applicant"], draft)
        assert (actions.pay, actions.view_payment) == (pay, receipt)
        assert not allowed_actions(people["hohhot_co"], draft).pay


def test_staff_print_and_read_documents_only_with_the_capability(people, draft):
    draft.status = Status.SUBMITTED
    assert allowed_actions(people["applicant"], draft).print_form
    assert allowed_actions(people["hohhot_co"], draft).view_documents
    assert not allowed_actions(people["hohhot_expert"], draft).print_form
    draft.status = Status.DRAFT
    assert not allowed_actions(people["applicant"], draft).print_form  # the pledge is printed from the uploads page
