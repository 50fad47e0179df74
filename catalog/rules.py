"""The association's readings of the notice for a campaign (`CampaignRules`): reading and changing them."""

from typing import Any

from django.db import transaction

from accounts.models import User
from accounts.permissions import require
from audit.services import record
from catalog.models import Campaign, CampaignRules

RULE_FIELDS = tuple(
    f.name for f in CampaignRules._meta.get_fields() if f.concrete and f.name not in {"id", "campaign", "updated_at"}
)


def rules_for(campaign: Campaign) -> CampaignRules:
    """The stored rules, or today's defaults (unsaved) while nothing was changed."""
    return CampaignRules.objects.filter(campaign=campaign).first() or CampaignRules(campaign=campaign)


@transaction.atomic
def update_rules(actor: User, campaign: Campaign, values: dict[str, Any]) -> CampaignRules:
    """Store the readings; one audit event names each changed one with its old and new value.

    Applications already submitted keep the decision they were submitted with; the new
    readings apply to every check from now on (drafts, the self-check, resubmissions).
    """
    require(actor, "catalog.manage")
    Campaign.objects.select_for_update().get(pk=campaign.pk)  # one writer of a campaign's rules at a time
    rules = rules_for(campaign)
    before = {name: getattr(rules, name) for name in RULE_FIELDS}
    for name in RULE_FIELDS:
        if name in values:
            setattr(rules, name, values[name])
    changed = [name for name in RULE_FIELDS if getattr(rules, name) != before[name]]
    if not changed:
        return rules
    rules.full_clean()
    rules.save()
    record(
        "catalog.campaign.rules_changed",
        actor=actor,
        obj=campaign,
        before={name: before[name] for name in changed},
        after={name: getattr(rules, name) for name in changed},
    )
    return rules
