"""Which documents an application needs, from its category and level. Pure module."""

from applications.vocabulary import MIN_CHARACTERS

ALWAYS = ("id_front", "id_back", "diploma", "pledge", "photo")
PROMOTION = ("prior_certificate", "prior_certificate_query")

# Slots that must be PDF with a minimum length of text (CJK characters): `MIN_CHARACTERS`.
__all__ = ["ALWAYS", "MIN_CHARACTERS", "PROMOTION", "required_slots"]


def required_slots(category: str, level: int | None) -> tuple[str, ...]:
    """The notice's section 三: everyone's basics; promotion adds the prior certificate
    and its online-query screenshot (so does a transfer, which rests on a held
    certificate: our reading, the notice names only promotion); 技师 (2) and 高级技师 (1) add a technical summary,
    高级技师 also a paper, patent or project report."""
    slots = list(ALWAYS)
    if category in ("promotion", "transfer"):  # a transfer rests on a held certificate too
        slots += PROMOTION
    if level in (1, 2):
        slots.append("technical_summary")
    if level == 1:
        slots.append("paper")
    return tuple(slots)


def missing_slots(category: str, level: int | None, uploaded: set[str]) -> tuple[str, ...]:
    return tuple(slot for slot in required_slots(category, level) if slot not in uploaded)


# Fields of annex 2 every application needs, and those a category adds.
REQUIRED_FIELDS = (
    "full_name",
    "ethnicity",
    "education",
    "phone",
    "work_started_on",
    "occupation_years",
    "employer",
    "city",
    "occupation",
    "level",
    "category",
    "work_history",
)
CATEGORY_FIELDS = {
    "promotion": ("prior_certificate_number", "prior_level", "prior_issued_on"),
    "transfer": ("prior_certificate_number", "prior_level", "prior_issued_on"),
    "through": ("title_field", "title_rank", "title_obtained_on"),
    "veteran": ("veteran_wage_level", "veteran_wage_since_year"),
}


def missing_fields(values: dict) -> tuple[str, ...]:
    """Names of required fields still empty; `values` maps field name to value."""
    needed = REQUIRED_FIELDS + CATEGORY_FIELDS.get(values.get("category") or "", ())
    missing = [name for name in needed if values.get(name) in (None, "")]
    if values.get("category") in ("promotion", "transfer") and not (
        values.get("prior_occupation") or values.get("prior_occupation_name")
    ):
        missing.append("prior_occupation")
    return tuple(missing)
