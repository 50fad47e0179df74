"""Every review transition: happy path, wrong role, other city, wrong state, already done, after the window."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from applications import services as applying
from applications.models import Application, Status
from audit.models import AuditEvent
from catalog.models import Campaign
from notifications.models import Message
from review import services
from review.models import Flag, ReviewRound
from skillcert.refusals import TransitionRefused

RETURN_PHOTO = [("photo", "photo_not_white", "照片不是白底")]


def close_review_window(campaign: Campaign) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(review_closes=timezone.localdate() - timedelta(days=1))


def test_city_approves_its_own_citys_application(people, submitted):
    application = services.approve(people["hohhot_co"], submitted)
    assert application.status == Status.CITY_APPROVED
    assert ReviewRound.objects.get().tier == "city"
    assert AuditEvent.objects.filter(action="review.city.approved", actor=people["hohhot_co"]).exists()
    assert Message.objects.filter(recipient=people["applicant"], kind="application.city_approved").exists()


def test_association_approves_after_the_city(people, submitted):
    services.approve(people["hohhot_co"], submitted)
    application = services.approve(people["association"], submitted)
    assert application.status == Status.APPROVED
    assert Message.objects.filter(recipient=people["applicant"], kind="application.approved").exists()


def test_association_cannot_skip_the_first_review(people, submitted):
    with pytest.raises(TransitionRefused, match="不在本环节审核"):
        services.approve(people["association"], submitted)


@pytest.mark.parametrize("who", ["hohhot_reg", "hohhot_expert", "applicant"])
def test_other_roles_cannot_decide(people, submitted, who):
    with pytest.raises(PermissionDenied):
        services.approve(people[who], submitted)


def test_another_citys_co_organizer_cannot_decide(people, submitted):
    with pytest.raises(PermissionDenied):
        services.approve(people["baotou_co"], submitted)
    with pytest.raises(PermissionDenied):
        services.return_for_changes(people["baotou_co"], submitted, items=RETURN_PHOTO)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_a_double_click_is_harmless(people, submitted):
    services.approve(people["hohhot_co"], submitted)
    services.approve(people["hohhot_co"], submitted)
    assert ReviewRound.objects.count() == 1


def test_a_second_reviewer_is_told_someone_decided_first(people, submitted):
    from accounts.models import Role, User

    colleague = User.objects.create_user(
        "hohhot-co-2", "Correct-horse-42", role=Role.CO_ORGANIZER, city=people["hohhot_co"].city, full_name="同事"
    )
    services.approve(people["hohhot_co"], submitted)
    with pytest.raises(TransitionRefused, match="已由他人处理，当前状态为“初审通过，待复审”"):
        services.return_for_changes(colleague, submitted, items=RETURN_PHOTO)


def test_no_decision_after_the_review_window(people, submitted):
    close_review_window(submitted.campaign)
    with pytest.raises(TransitionRefused, match="审核已于"):
        services.approve(people["hohhot_co"], submitted)


def test_the_association_extends_the_window(people, submitted):
    close_review_window(submitted.campaign)
    campaign = Campaign.objects.get(pk=submitted.campaign_id)
    services.extend_review(people["association"], campaign, until=timezone.localdate() + timedelta(days=3))
    assert services.approve(people["hohhot_co"], submitted).status == Status.CITY_APPROVED
    assert AuditEvent.objects.filter(action="catalog.campaign.review_extended").exists()
    with pytest.raises(PermissionDenied):
        services.extend_review(people["hohhot_co"], campaign, until=timezone.localdate())


def test_return_names_each_item_and_tells_the_applicant(people, submitted):
    items = [*RETURN_PHOTO, ("work_history", "incomplete", "填写不完整；缺少 2010 年以前的经历")]
    application = services.return_for_changes(people["hohhot_co"], submitted, items=items)
    assert application.status == Status.RETURNED and application.returned_tier == "city"
    assert application.returned_items == ["photo", "work_history"]
    message = Message.objects.get(kind="application.returned")
    assert "照片不是白底" in message.body and "缺少 2010 年以前的经历" in message.body


def test_return_without_items_is_refused(people, submitted):
    with pytest.raises(TransitionRefused, match="至少选择一项"):
        services.return_for_changes(people["hohhot_co"], submitted, items=[])


def test_only_returned_items_can_be_changed(people, submitted):
    application = services.return_for_changes(people["hohhot_co"], submitted, items=[("employer", "", "单位全称")])
    with pytest.raises(TransitionRefused, match="只能修改被退回的项目"):
        applying.save_step(
            people["applicant"], application, {"ethnicity": "汉族"}, expected_version=application.version
        )
    with pytest.raises(TransitionRefused, match="只能修改被退回的项目"):
        applying.upload_document(people["applicant"], application, "diploma", b"x", "d.png")
    application = applying.save_step(
        people["applicant"],
        application,
        {"employer": "呼和浩特市公路养护中心（全称）"},
        expected_version=application.version,
    )
    assert application.employer.endswith("（全称）")


@pytest.mark.parametrize(
    ("tier_user", "back_to"), [("hohhot_co", Status.SUBMITTED), ("association", Status.CITY_APPROVED)]
)
def test_resubmission_goes_back_to_the_tier_that_returned_it(people, submitted, tier_user, back_to):
    if tier_user == "association":
        services.approve(people["hohhot_co"], submitted)
    application = services.return_for_changes(people[tier_user], submitted, items=[("employer", "", "单位全称")])
    application = applying.save_step(
        people["applicant"], application, {"employer": "新单位"}, expected_version=application.version
    )
    application = applying.submit_application(people["applicant"], application)
    assert application.status == back_to and application.returned_items == []
    assert AuditEvent.objects.filter(action="applications.resubmitted").count() == 1


def test_every_round_is_kept(people, submitted):
    services.return_for_changes(people["hohhot_co"], submitted, items=RETURN_PHOTO)
    applying.submit_application(people["applicant"], Application.objects.get(pk=submitted.pk))
    services.approve(people["hohhot_co"], submitted)
    rounds = list(ReviewRound.objects.values_list("tier", "decision"))
    assert rounds == [("city", "returned"), ("city", "approved")]


def test_resubmission_after_the_window_is_refused(people, submitted):
    application = services.return_for_changes(people["hohhot_co"], submitted, items=RETURN_PHOTO)
    close_review_window(application.campaign)
    with pytest.raises(TransitionRefused, match="审核已于"):
        applying.submit_application(people["applicant"], Application.objects.get(pk=application.pk))


def test_bulk_approve_skips_flagged_applications(people, submitted, open_campaign):
    from accounts.models import Role, User
    from applications.tests.fixtures import attach_documents, fill

    other_user = User.objects.create_user(
        None,
        "Correct-horse-42",
        role=Role.APPLICANT,
        full_name="李四",
        id_number="11010519491231002X",
        phone="13900000009",
    )
    other = applying.start_application(other_user, open_campaign)
    fill(other)
    attach_documents(other)
    other = applying.submit_application(other_user, other)
    Flag.objects.create(application=other, kind="same_file", detail="photo")
    result = services.bulk_approve(people["hohhot_co"], [submitted.pk, other.pk])
    assert result.approved == [submitted.pk] and other.pk in result.skipped
    other.refresh_from_db()
    assert other.status == Status.SUBMITTED


def test_paper_form_receipt_after_approval(people, submitted):
    today = timezone.localdate()
    with pytest.raises(TransitionRefused, match="审核通过后"):
        services.record_paper_form(people["hohhot_co"], submitted, received_on=today)
    services.approve(people["hohhot_co"], submitted)
    services.approve(people["association"], submitted)
    with pytest.raises(PermissionDenied):
        services.record_paper_form(people["baotou_co"], submitted, received_on=today)
    receipt = services.record_paper_form(people["hohhot_co"], submitted, received_on=today)
    assert services.record_paper_form(people["hohhot_co"], submitted, received_on=today) == receipt
    assert AuditEvent.objects.filter(action="review.paper_form_received").count() == 1
