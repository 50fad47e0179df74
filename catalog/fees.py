"""收费标准: which fee applies to an application (an occupation's own rule beats its level's),
and the association's editing of the schedule."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from accounts.permissions import require
from audit.services import record
from catalog.models import Campaign, CampaignOccupation, FeeRule, Level, Occupation
from payments.money import AmountError, yuan


def fee_for(campaign: Campaign, level_id: int | None, occupation_id: int | None) -> Decimal | None:
    """The fee in yuan, or None when the association has not set one for this level."""
    if level_id is None:
        return None  # no level chosen yet: no fee applies
    rules = FeeRule.objects.filter(campaign=campaign, level_id=level_id).values_list("occupation_id", "amount")
    by_occupation: dict[int | None, Decimal] = dict(rules)
    if occupation_id in by_occupation:
        return by_occupation[occupation_id]
    return by_occupation.get(None)


# --- Editing the schedule (the association) ---------------------------------------------------
# The amount of an order is fixed when the order is created: nothing here touches orders.

FEE_BASIS_MAX_LENGTH = 1000

# Examples for the demo campaign only. The real amounts follow 内发改费字[2015]1552号 and are
# entered by the association on the fee page.
DEMO_FEES = {
    5: Decimal("150.00"),
    4: Decimal("180.00"),
    3: Decimal("230.00"),
    2: Decimal("320.00"),
    1: Decimal("400.00"),
}


def _level(level: Level | int | str) -> Level:
    if isinstance(level, Level):
        return level
    found = Level.objects.filter(number=level).first()
    if found is None:
        raise ValidationError({"level": "请选择等级（五级至一级）。"})
    return found


def _amount(value: str | int | Decimal | None) -> Decimal:
    if value is None or str(value).strip() == "":
        raise ValidationError({"amount": "请填写金额。"})
    try:
        return yuan(value)
    except AmountError as error:
        raise ValidationError({"amount": str(error)}) from None


def _require_offered(campaign: Campaign, occupation: Occupation, level: Level) -> None:
    offering = CampaignOccupation.objects.filter(campaign=campaign, occupation=occupation).first()
    if offering is None:
        raise ValidationError({"occupation": f"本批次没有开设“{occupation.name}”。"})
    if not offering.levels.filter(pk=level.pk).exists():
        offered = "、".join(str(n) for n in offering.level_numbers())
        raise ValidationError(
            {"occupation": f"本批次“{occupation.name}”只开设 {offered} 级，没有{level.name}，不能为其设置收费标准。"}
        )


def _rule_facts(rule: FeeRule) -> dict[str, object]:
    return {
        "campaign": rule.campaign.slug,
        "level": rule.level_id,
        "occupation": rule.occupation.code if rule.occupation else None,
        "amount": str(rule.amount),
    }


def set_fee(
    actor: User,
    campaign: Campaign,
    *,
    level: Level | int | str,
    occupation: Occupation | None = None,
    amount: str | int | Decimal | None,
) -> FeeRule:
    """Create or change the fee of a level (occupation None) or of one occupation at that level.

    Raises ValidationError keyed by field ("amount", "occupation", "level") with a Chinese
    message; nothing is saved then. Orders already created keep their amount.
    """
    require(actor, "fees.manage")
    level = _level(level)
    value = _amount(amount)
    if occupation is not None:
        _require_offered(campaign, occupation, level)
    with transaction.atomic():
        # One writer per campaign at a time: two first saves of a rule cannot both create it.
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        rule = (
            FeeRule.objects.select_for_update(of=("self",))
            .select_related("campaign", "occupation")
            .filter(campaign=campaign, level=level, occupation=occupation)
            .first()
        )
        if rule is not None and rule.amount == value:
            return rule
        before = _rule_facts(rule) if rule is not None else None
        if rule is None:
            rule = FeeRule.objects.create(campaign=campaign, level=level, occupation=occupation, amount=value)
        else:
            rule.amount = value
            rule.save(update_fields=["amount", "updated_at"])
        record("catalog.fee.set", actor=actor, obj=rule, before=before, after=_rule_facts(rule))
    return rule


def remove_fee(actor: User, rule: FeeRule) -> None:
    """Remove a fee rule: a level without one shows 未设置; an occupation falls back to its level's fee."""
    require(actor, "fees.manage")
    with transaction.atomic():
        locked = (
            FeeRule.objects.select_for_update(of=("self",))
            .select_related("campaign", "occupation")
            .filter(pk=rule.pk)
            .first()
        )
        if locked is None:
            return  # already removed
        record("catalog.fee.removed", actor=actor, obj=locked, before=_rule_facts(locked))
        locked.delete()


def set_fee_basis(actor: User, campaign: Campaign, text: str) -> Campaign:
    """The 收费依据 shown to applicants beside the fee."""
    require(actor, "fees.manage")
    text = "\n".join(line.rstrip() for line in (text or "").strip().splitlines())
    if len(text) > FEE_BASIS_MAX_LENGTH:
        raise ValidationError({"fee_basis": f"收费依据不超过 {FEE_BASIS_MAX_LENGTH} 字，当前 {len(text)} 字。"})
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.fee_basis == text:
            campaign.fee_basis = text
            return campaign
        before = locked.fee_basis
        locked.fee_basis = text
        locked.save(update_fields=["fee_basis"])
        record(
            "catalog.fee_basis.changed",
            actor=actor,
            obj=locked,
            before={"fee_basis": before},
            after={"fee_basis": text},
        )
    campaign.fee_basis = text
    return campaign


@transaction.atomic
def ensure_demo_fees(campaign: Campaign) -> list[FeeRule]:
    """Example per-level fees for a demo campaign (idempotent: a level with a fee keeps it).

    Examples only: the real amounts come from 内发改费字[2015]1552号 and the association enters them.
    Returns the rules created.
    """
    have = set(FeeRule.objects.filter(campaign=campaign, occupation__isnull=True).values_list("level_id", flat=True))
    created = [
        FeeRule.objects.create(campaign=campaign, level_id=number, amount=amount)
        for number, amount in DEMO_FEES.items()
        if number not in have and Level.objects.filter(number=number).exists()
    ]
    if created:
        record(
            "catalog.fee.demo_set",
            obj=campaign,
            after={"levels": {str(rule.level_id): str(rule.amount) for rule in created}},
        )
    return created


# --- Reading the schedule for the page --------------------------------------------------------


@dataclass(frozen=True)
class LevelFee:
    level: Level
    rule: FeeRule | None


@dataclass(frozen=True)
class Schedule:
    campaign: Campaign
    levels: list[LevelFee]
    overrides: list[FeeRule] = field(default_factory=list)

    @property
    def missing(self) -> list[Level]:
        return [row.level for row in self.levels if row.rule is None]


def schedule(campaign: Campaign) -> Schedule:
    """The five levels with their fee (or None), and the per-occupation overrides. Two queries."""
    rules = list(FeeRule.objects.filter(campaign=campaign).select_related("level", "occupation"))
    by_level = {rule.level_id: rule for rule in rules if rule.occupation_id is None}
    overrides = sorted(
        (rule for rule in rules if rule.occupation_id is not None),
        key=lambda rule: (-rule.level_id, rule.occupation.code if rule.occupation else ""),
    )
    levels = [LevelFee(level, by_level.get(level.number)) for level in Level.objects.all()]
    return Schedule(campaign, levels, overrides)
