from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from applications import lifecycle
from applications import services as applying
from catalog.models import Campaign, FeeRule, Level
from payments.providers import get_provider, reset_providers

FEES = {5: "150.00", 4: "180.00", 3: "230.00", 2: "320.00", 1: "400.00"}


def open_payment_window(campaign: Campaign) -> Campaign:
    """Test setup: move the payment window so that it is open today."""
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(payment_opens=today - timedelta(days=1))
    campaign.refresh_from_db()
    return campaign


@pytest.fixture
def fees(open_campaign):
    for number, amount in FEES.items():
        FeeRule.objects.create(campaign=open_campaign, level=Level.objects.get(number=number), amount=Decimal(amount))
    return open_campaign


@pytest.fixture
def approved(people, complete_draft, fees):
    """王小明's application, approved by both tiers, with the payment window open today."""
    application = applying.submit_application(people["applicant"], complete_draft)
    application = lifecycle.approve(people["hohhot_co"], application, tier="city")
    application = lifecycle.approve(people["association"], application, tier="association")
    open_payment_window(application.campaign)
    application.refresh_from_db()
    return application


@pytest.fixture
def scripted_wechat(settings):
    """WeChat Pay replaced by a scripted double (see fakes.py)."""
    settings.PAYMENT_PROVIDERS = {**settings.PAYMENT_PROVIDERS, "wechat": "payments.tests.fakes.ScriptedWeChat"}
    reset_providers()
    yield get_provider("wechat")
    reset_providers()


ROLES = ["anon", "applicant", "other_applicant", "hohhot_co", "baotou_co", "hohhot_reg", "hohhot_expert", "association"]


@pytest.fixture
def other_applicant(people):
    """李四: an applicant who must never see 王小明's payment."""
    from accounts.demo import demo_id_number
    from accounts.models import Role, User

    return User.objects.create_user(
        None,
        "Correct-horse-42",
        role=Role.APPLICANT,
        full_name="李四",
        id_number=demo_id_number("15020319900708002"),
        phone="13800009999",
    )


@pytest.fixture
def client_as(people, other_applicant):
    """client_as(role): a test client logged in as one of ROLES ("anon": nobody)."""
    from conftest import client_for

    users = {**people, "other_applicant": other_applicant}
    return lambda role: client_for(None if role == "anon" else users[role])
