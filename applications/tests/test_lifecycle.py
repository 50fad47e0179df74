"""Starting, saving, submitting and withdrawing an application: every path of each transition."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from applications import services
from applications.models import Application, Status
from applications.tests.fixtures import attach_documents, fill
from audit.models import AuditEvent
from catalog.models import Campaign
from catalog.services import WINDOW_FIELDS
from skillcert.refusals import TransitionRefused


def shift_campaign(campaign: Campaign, days: int) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(
        **{name: getattr(campaign, name) + timedelta(days=days) for name in WINDOW_FIELDS}
    )


def test_start_prefills_from_the_account_and_is_audited(people, open_campaign):
    application = services.start_application(people["applicant"], open_campaign)
    assert application.status == Status.DRAFT
    assert application.id_number == people["applicant"].id_number and application.full_name == "王小明"
    assert AuditEvent.objects.filter(action="applications.started", object_id=str(application.pk)).exists()


def test_starting_twice_continues_the_same_draft(people, draft, open_campaign):
    assert services.start_application(people["applicant"], open_campaign) == draft
    assert Application.objects.count() == 1


def test_staff_cannot_apply(people, open_campaign):
    with pytest.raises(PermissionDenied):
        services.start_application(people["hohhot_co"], open_campaign)


def test_cannot_start_before_registration_opens(people, open_campaign):
    shift_campaign(open_campaign, 30)
    open_campaign.refresh_from_db()
    with pytest.raises(TransitionRefused, match="报名尚未开始"):
        services.start_application(people["applicant"], open_campaign)


def test_cannot_start_after_registration_closes(people, open_campaign):
    shift_campaign(open_campaign, -40)
    open_campaign.refresh_from_db()
    with pytest.raises(TransitionRefused, match="报名已于"):
        services.start_application(people["applicant"], open_campaign)


def test_saving_a_step_changes_the_draft_and_records_which_fields(people, draft):
    services.save_step(people["applicant"], draft, {"ethnicity": "汉族", "employer": "单位"}, expected_version=0)
    draft.refresh_from_db()
    assert (draft.ethnicity, draft.version) == ("汉族", 1)
    event = AuditEvent.objects.get(action="applications.draft_saved")
    assert event.after == {"fields": ["employer", "ethnicity"]}


def test_a_stale_form_is_refused_and_nothing_is_lost(people, draft):
    services.save_step(people["applicant"], draft, {"employer": "从手机保存"}, expected_version=0)
    with pytest.raises(services.StaleEdit, match="其他页面或设备"):
        services.save_step(people["applicant"], draft, {"employer": "从电脑保存"}, expected_version=0)
    draft.refresh_from_db()
    assert draft.employer == "从手机保存"


def test_direct_units_go_to_hohhot(people, draft):
    services.save_step(people["applicant"], draft, {"is_direct_unit": True, "city": None}, expected_version=0)
    draft.refresh_from_db()
    assert draft.city.code == "hohhot"


def test_someone_else_cannot_edit(people, draft):
    with pytest.raises(PermissionDenied):
        services.save_step(people["hohhot_co"], draft, {"employer": "x"}, expected_version=0)


def test_submit_locks_the_application(people, complete_draft):
    application = services.submit_application(people["applicant"], complete_draft)
    assert application.status == Status.SUBMITTED and application.submitted_at is not None
    assert application.eligibility_rule
    with pytest.raises(TransitionRefused, match="不能修改"):
        services.save_step(people["applicant"], application, {"employer": "x"}, expected_version=application.version)
    event = AuditEvent.objects.get(action="applications.submitted")
    assert event.before == {"status": "draft"} and event.after["status"] == "submitted"
    assert event.city.code == "hohhot"


def test_submitting_twice_is_harmless(people, complete_draft):
    services.submit_application(people["applicant"], complete_draft)
    services.submit_application(people["applicant"], complete_draft)
    assert AuditEvent.objects.filter(action="applications.submitted").count() == 1


def test_an_incomplete_application_cannot_be_submitted(people, draft):
    fill(draft)
    with pytest.raises(TransitionRefused, match="未完成"):
        services.submit_application(people["applicant"], draft)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_readiness_lists_what_is_missing(people, draft):
    ready = services.readiness(draft)
    assert "occupation" in ready.missing_fields and "photo" in ready.missing_documents
    fill(draft, level=2, category="promotion")
    ready = services.readiness(draft)
    assert "prior_certificate_number" in ready.missing_fields
    assert set(ready.missing_documents) >= {"prior_certificate", "prior_certificate_query", "technical_summary"}
    assert "paper" not in ready.missing_documents


def test_an_ineligible_application_cannot_be_submitted(people, draft):
    fill(draft, level=4, occupation_years=2)  # 四级 needs 6 years without a certificate or school
    draft.education = "high_school"
    draft.save()
    attach_documents(draft)
    with pytest.raises(TransitionRefused, match="不符合申报条件"):
        services.submit_application(people["applicant"], draft)


def test_submit_after_the_window_is_refused(people, complete_draft, open_campaign):
    shift_campaign(open_campaign, -40)
    with pytest.raises(TransitionRefused, match="报名已于"):
        services.submit_application(people["applicant"], complete_draft)


def test_only_the_applicant_submits(people, complete_draft):
    with pytest.raises(PermissionDenied):
        services.submit_application(people["association"], complete_draft)


def test_withdraw_before_review_then_apply_again(people, complete_draft, open_campaign):
    services.submit_application(people["applicant"], complete_draft)
    services.withdraw_application(people["applicant"], complete_draft)
    complete_draft.refresh_from_db()
    assert complete_draft.status == Status.WITHDRAWN
    assert AuditEvent.objects.filter(action="applications.withdrawn").count() == 1
    again = services.start_application(people["applicant"], open_campaign)
    assert again.pk != complete_draft.pk


def test_withdrawing_twice_is_harmless(people, draft):
    services.withdraw_application(people["applicant"], draft)
    services.withdraw_application(people["applicant"], draft)
    assert AuditEvent.objects.filter(action="applications.withdrawn").count() == 1


def test_no_withdrawal_after_a_review_decision(people, complete_draft):
    Application.objects.filter(pk=complete_draft.pk).update(status=Status.CITY_APPROVED)
    with pytest.raises(TransitionRefused, match="不能在线撤回"):
        services.withdraw_application(people["applicant"], complete_draft)


def test_the_database_keeps_one_live_application_per_id_number(people, draft, open_campaign):
    """Whatever path creates it (a second account with the same ID number, a race)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(
            campaign=open_campaign,
            applicant=people["applicant"],
            full_name="王小明",
            id_number=draft.id_number,
            phone="1",
        )
