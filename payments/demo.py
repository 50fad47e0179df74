"""The payment stage of the demo: a second rehearsal campaign whose payment window is open
today, with an approved application waiting to be paid (`make run`)."""

from django.db import transaction

from applications import lifecycle
from applications.demo import _documents, _fill
from applications.services import submit_application
from catalog.fees import ensure_demo_fees
from catalog.services import demo_windows, ensure_demo_campaign, move_campaign_windows
from skillcert.refusals import TransitionRefused

SLUG = "demo-pay"


def ensure_payment_demo(today, *, applicant, city_reviewer, association) -> list[str]:
    """Idempotent; says what it did. The application really goes through submit and both
    reviews, then the campaign's windows move so that payment is open today."""
    campaign, created = ensure_demo_campaign(today, slug=SLUG, label="演示批次·缴费阶段")
    ensure_demo_fees(campaign)
    if not created:
        return [f"缴费阶段演示批次已存在：{campaign.title}"]
    try:
        with transaction.atomic():
            application = _fill(applicant, campaign, occupation="4-12-01-01", level=4)
            _documents(applicant, application)
            application = submit_application(applicant, application)
            application = lifecycle.approve(city_reviewer, application, tier="city")
            lifecycle.approve(association, application, tier="association")
    except TransitionRefused as refusal:
        return [f"缴费阶段演示申报未创建：{refusal}"]
    windows = demo_windows(today)
    shift = (windows["payment_opens"] - today).days + 1  # payment opened yesterday
    campaign = move_campaign_windows(campaign, days=-shift)
    window = f"{campaign.payment_opens} 至 {campaign.payment_closes}"
    return [f"{applicant.full_name}：{campaign.title} 审核通过，待缴费（缴费期 {window}）"]
