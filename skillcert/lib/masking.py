"""Masking of personal data for display. Pure module: no Django.

Whatever shows an ID number, a phone number or a name to someone who has not
asked (with permission, audited) to see it in full uses these helpers.
"""

MASK = "*"


def mask_id_number(value: str | None) -> str:
    """1501**********1234: region prefix and last four stay, the birth date goes."""
    if not value:
        return ""
    value = value.strip()
    if len(value) <= 8:
        return MASK * len(value)
    return value[:4] + MASK * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678 for mobiles; landlines keep the area code and last two digits."""
    if not value:
        return ""
    value = value.strip()
    if len(value) == 11 and value.isdigit():
        return value[:3] + MASK * 4 + value[-4:]
    if "-" in value:
        area, _, number = value.partition("-")
        return f"{area}-{MASK * max(len(number) - 2, 1)}{number[-2:]}"
    if len(value) <= 4:
        return MASK * len(value)
    return value[:2] + MASK * (len(value) - 4) + value[-2:]


def mask_name(value: str | None) -> str:
    """张* / 欧阳** : the family name (first character) stays."""
    if not value:
        return ""
    value = value.strip()
    if len(value) == 1:
        return MASK
    return value[0] + MASK * (len(value) - 1)
