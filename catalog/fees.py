"""收费标准: which fee applies to an application (an occupation's own rule beats its level's)."""

from decimal import Decimal

from catalog.models import FeeRule


def fee_for(campaign, level_id: int, occupation_id: int | None) -> Decimal | None:
    """The fee in yuan, or None when the association has not set one for this level."""
    rules = FeeRule.objects.filter(campaign=campaign, level_id=level_id).values_list("occupation_id", "amount")
    by_occupation = dict(rules)
    if occupation_id in by_occupation:
        return by_occupation[occupation_id]
    return by_occupation.get(None)
