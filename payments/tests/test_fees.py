"""The fee schedule: the association's services and page (收费标准, 收费依据)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Status
from audit.models import AuditEvent
from catalog import fees
from catalog.models import Campaign, FeeRule, Level, Occupation
from conftest import client_for
from payments.models import Order

ROLES = ["anon", "applicant", "hohhot_co", "baotou_co", "hohhot_reg", "baotou_reg", "hohhot_expert", "association"]
MOTOR = "4-12-01-01"  # 汽车维修工: offered at levels 5–1 in 2023


@pytest.fixture
def campaign(catalog_2023):
    return Campaign.objects.get(slug="2023")


def level(number: int) -> Level:
    return Level.objects.get(number=number)


def occupation_not_offered_at(campaign, number: int) -> Occupation:
    """An occupation the campaign offers, but not at level `number`."""
    for offering in campaign.offerings.prefetch_related("levels").select_related("occupation"):
        if number not in offering.level_numbers():
            return offering.occupation
    raise AssertionError("every occupation offers this level")


# --- Services ----------------------------------------------------------------------------------


def test_set_fee_creates_then_updates_with_audit(people, campaign):
    rule = fees.set_fee(people["association"], campaign, level=4, amount="180")
    assert rule.amount == Decimal("180.00") and rule.occupation is None
    rule = fees.set_fee(people["association"], campaign, level=level(4), amount="185.50")
    assert FeeRule.objects.filter(campaign=campaign).count() == 1 and rule.amount == Decimal("185.50")
    first, second = AuditEvent.objects.filter(action="catalog.fee.set").order_by("pk")
    assert first.before is None and first.after["amount"] == "180.00"
    assert second.before["amount"] == "180.00" and second.after["amount"] == "185.50"
    fees.set_fee(people["association"], campaign, level=4, amount="185.5")  # same amount: nothing to record
    assert AuditEvent.objects.filter(action="catalog.fee.set").count() == 2
    assert fees.fee_for(campaign, 4, None) == Decimal("185.50")


def test_occupation_fee_wins_over_the_level_fee(people, campaign):
    motor = Occupation.objects.get(code=MOTOR)
    fees.set_fee(people["association"], campaign, level=3, amount="230")
    fees.set_fee(people["association"], campaign, level=3, occupation=motor, amount="260")
    assert fees.fee_for(campaign, 3, motor.pk) == Decimal("260.00")
    assert fees.fee_for(campaign, 3, None) == Decimal("230.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("abc", "金额格式不正确"),
        ("-5", "必须大于 0"),
        ("0", "必须大于 0"),
        ("12.345", "最多保留两位小数"),
        ("99999999", "金额过大"),
        ("", "请填写金额"),
        ("NaN", "金额格式不正确"),
    ],
)
def test_bad_amount_is_refused_and_nothing_saved(people, campaign, amount, message):
    with pytest.raises(ValidationError) as caught:
        fees.set_fee(people["association"], campaign, level=5, amount=amount)
    assert message in caught.value.message_dict["amount"][0]
    assert not FeeRule.objects.exists() and not AuditEvent.objects.filter(action="catalog.fee.set").exists()


def test_occupation_must_be_offered_at_that_level(people, campaign):
    for number in (1, 2, 3, 4, 5):
        try:
            other = occupation_not_offered_at(campaign, number)
        except AssertionError:
            continue
        with pytest.raises(ValidationError) as caught:
            fees.set_fee(people["association"], campaign, level=number, occupation=other, amount="300")
        assert "只开设" in caught.value.message_dict["occupation"][0]
        break
    else:
        pytest.skip("the 2023 catalog offers every level of every occupation")
    outside = Occupation.objects.create(code="9-99-99-99", name="测试职业")
    with pytest.raises(ValidationError) as caught:
        fees.set_fee(people["association"], campaign, level=3, occupation=outside, amount="300")
    assert "没有开设“测试职业”" in caught.value.message_dict["occupation"][0]
    assert not FeeRule.objects.exists()


@pytest.mark.parametrize("role", ["applicant", "hohhot_co", "hohhot_reg", "hohhot_expert"])
def test_only_the_association_edits_fees(people, campaign, role):
    rule = fees.set_fee(people["association"], campaign, level=5, amount="150")
    with pytest.raises(PermissionDenied):
        fees.set_fee(people[role], campaign, level=5, amount="1")
    with pytest.raises(PermissionDenied):
        fees.remove_fee(people[role], rule)
    with pytest.raises(PermissionDenied):
        fees.set_fee_basis(people[role], campaign, "x")
    rule.refresh_from_db()
    assert rule.amount == Decimal("150.00")


def test_remove_fee_is_audited(people, campaign):
    rule = fees.set_fee(people["association"], campaign, level=2, amount="320")
    fees.remove_fee(people["association"], rule)
    fees.remove_fee(people["association"], rule)  # already gone: quietly done
    assert not FeeRule.objects.exists()
    assert AuditEvent.objects.get(action="catalog.fee.removed").before["amount"] == "320.00"
    assert fees.fee_for(campaign, 2, None) is None


def test_fee_basis_is_saved_and_audited(people, campaign):
    fees.set_fee_basis(people["association"], campaign, "  依据某某文件  ")
    campaign.refresh_from_db()
    assert campaign.fee_basis == "依据某某文件"
    event = AuditEvent.objects.get(action="catalog.fee_basis.changed")
    assert "1552" in event.before["fee_basis"] and event.after["fee_basis"] == "依据某某文件"
    with pytest.raises(ValidationError) as caught:
        fees.set_fee_basis(people["association"], campaign, "字" * 1001)
    assert "不超过 1000 字" in caught.value.message_dict["fee_basis"][0]


def test_changing_a_fee_never_changes_an_existing_order(people, complete_draft):
    campaign = complete_draft.campaign
    fees.set_fee(people["association"], campaign, level=4, amount="180")
    Application.objects.filter(pk=complete_draft.pk).update(status=Status.APPROVED)
    order = Order.objects.create(
        code="SC230925FEESAAAA",
        application=complete_draft,
        campaign=campaign,
        city=complete_draft.city,
        amount=fees.fee_for(campaign, 4, None),
        description="认定费",
        expires_at=timezone.now() + timedelta(days=2),
    )
    fees.set_fee(people["association"], campaign, level=4, amount="999")
    fees.remove_fee(people["association"], FeeRule.objects.get(campaign=campaign, level=4))
    order.refresh_from_db()
    assert order.amount == Decimal("180.00")


def test_demo_fees_are_examples_and_idempotent(open_campaign):
    FeeRule.objects.create(campaign=open_campaign, level=level(3), amount=Decimal("250.00"))  # already entered
    created = fees.ensure_demo_fees(open_campaign)
    assert sorted(rule.level_id for rule in created) == [1, 2, 4, 5]
    assert fees.ensure_demo_fees(open_campaign) == []
    amounts = {rule.level_id: rule.amount for rule in FeeRule.objects.filter(campaign=open_campaign)}
    assert amounts == {5: Decimal("150"), 4: Decimal("180"), 3: Decimal("250"), 2: Decimal("320"), 1: Decimal("400")}
    assert AuditEvent.objects.filter(action="catalog.fee.demo_set").count() == 1


def test_schedule_lists_five_levels_and_overrides(people, campaign):
    motor = Occupation.objects.get(code=MOTOR)
    fees.set_fee(people["association"], campaign, level=5, amount="150")
    fees.set_fee(people["association"], campaign, level=5, occupation=motor, amount="160")
    schedule = fees.schedule(campaign)
    assert [row.level.number for row in schedule.levels] == [5, 4, 3, 2, 1]
    assert schedule.levels[0].rule.amount == Decimal("150.00")
    assert [level.number for level in schedule.missing] == [4, 3, 2, 1]
    assert [rule.occupation for rule in schedule.overrides] == [motor]


# --- The page ----------------------------------------------------------------------------------

URL = "/staff/payments/fees/"


def test_url_name():
    assert reverse("payments_staff:fees") == URL


@pytest.mark.parametrize("role", ROLES)
def test_fee_page_is_for_the_association(people, campaign, role):
    client = client_for(None if role == "anon" else people[role])
    response = client.get(URL, {"campaign": "2023"})
    assert response.status_code == {"anon": 302, "association": 200}.get(role, 403)
    post = client.post(URL, {"campaign": "2023", "action": "level", "level": "5", "level5-amount": "150"})
    assert post.status_code == {"anon": 302, "association": 302}.get(role, 403)
    assert FeeRule.objects.exists() == (role == "association")


def test_page_shows_levels_unset_note_and_basis(people, campaign):
    fees.set_fee(people["association"], campaign, level=5, amount="150")
    page = client_for(people["association"]).get(URL, {"campaign": "2023"}).content.decode()
    assert "150.00" in page and page.count("未设置") >= 4
    assert "已生成的订单" in page and "金额不变" in page
    assert "内发改费字[2015]1552号" in page


def test_demo_campaign_page_says_amounts_are_examples(people, open_campaign):
    fees.ensure_demo_fees(open_campaign)
    page = client_for(people["association"]).get(URL, {"campaign": "demo"}).content.decode()
    assert "仅为示例" in page and "400.00" in page


def test_default_campaign_is_the_latest(people, open_campaign):
    response = client_for(people["association"]).get(URL)
    assert response.context["campaign"] == Campaign.objects.order_by("-exam_date").first()


def test_unknown_campaign_is_404(people, campaign):
    assert client_for(people["association"]).get(URL, {"campaign": "nope"}).status_code == 404


def test_set_level_fee_through_the_page(people, campaign):
    client = client_for(people["association"])
    response = client.post(URL, {"campaign": "2023", "action": "level", "level": "4", "level4-amount": "180.5"})
    assert response.status_code == 302 and response.url == f"{URL}?campaign=2023"
    assert FeeRule.objects.get(level=4).amount == Decimal("180.50")
    assert "四级 收费标准已保存：180.50 元" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("amount", "message"),
    [("abc", "金额格式不正确"), ("-1", "必须大于 0"), ("1.234", "最多保留两位小数"), ("1000000", "金额过大")],
)
def test_bad_amount_on_the_page_shows_error_in_place(people, campaign, amount, message):
    response = client_for(people["association"]).post(
        URL, {"campaign": "2023", "action": "level", "level": "3", "level3-amount": amount}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page and 'href="#id_level3-amount"' in page
    assert 'id="id_level3-amount-error"' in page and message in page
    assert not FeeRule.objects.exists()


def test_occupation_fee_through_the_page(people, campaign):
    motor = Occupation.objects.get(code=MOTOR)
    client = client_for(people["association"])
    data = {"campaign": "2023", "action": "occupation", "occupation-level": "3", "occupation-amount": "260"}
    response = client.post(URL, {**data, "occupation-occupation": motor.pk})
    assert response.status_code == 302
    assert FeeRule.objects.get(occupation=motor).amount == Decimal("260.00")
    page = client.get(response.url).content.decode()
    assert "汽车维修工" in page and "260.00" in page


def test_occupation_not_offered_on_the_page_is_refused_in_place(people, campaign):
    client = client_for(people["association"])
    outside = Occupation.objects.create(code="9-99-99-98", name="不在目录")
    data = {"campaign": "2023", "action": "occupation", "occupation-level": "3", "occupation-amount": "260"}
    response = client.post(URL, {**data, "occupation-occupation": outside.pk})
    assert response.status_code == 400
    assert 'id="id_occupation-occupation-error"' in response.content.decode()
    assert "不在本批次的职业目录中" in response.content.decode()
    for number in (1, 2, 3, 4, 5):
        try:
            other = occupation_not_offered_at(campaign, number)
        except AssertionError:
            continue
        response = client.post(URL, {**data, "occupation-level": str(number), "occupation-occupation": other.pk})
        assert response.status_code == 400 and "只开设" in response.content.decode()
        break
    assert not FeeRule.objects.exists()


def test_remove_and_basis_through_the_page(people, campaign):
    rule = fees.set_fee(people["association"], campaign, level=1, amount="400")
    client = client_for(people["association"])
    assert client.post(URL, {"campaign": "2023", "action": "remove", "rule": rule.pk}).status_code == 302
    assert not FeeRule.objects.exists()
    response = client.post(URL, {"campaign": "2023", "action": "basis", "basis-fee_basis": "新的依据"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.fee_basis == "新的依据"


def test_remove_a_rule_of_another_campaign_is_404(people, campaign, open_campaign):
    rule = fees.set_fee(people["association"], open_campaign, level=1, amount="400")
    response = client_for(people["association"]).post(URL, {"campaign": "2023", "action": "remove", "rule": rule.pk})
    assert response.status_code == 404 and FeeRule.objects.filter(pk=rule.pk).exists()


def test_htmx_swaps_the_schedule_with_errors_or_the_saved_message(people, campaign):
    client = client_for(people["association"])
    headers = {"HX-Request": "true"}
    bad = client.post(URL, {"campaign": "2023", "action": "level", "level": "5", "level5-amount": "x"}, headers=headers)
    assert bad.status_code == 200  # htmx swaps 2xx answers only
    text = bad.content.decode()
    assert text.lstrip().startswith('<div id="fee-schedule">') and "金额格式不正确" in text
    good = client.post(
        URL, {"campaign": "2023", "action": "level", "level": "5", "level5-amount": "150"}, headers=headers
    )
    assert good.status_code == 200 and "五级 收费标准已保存：150.00 元" in good.content.decode()
    assert FeeRule.objects.get(level=5).amount == Decimal("150.00")


def test_unknown_action_is_404(people, campaign):
    response = client_for(people["association"]).post(URL, {"campaign": "2023", "action": "drop"})
    assert response.status_code == 404
