"""Public catalog endpoints of /api/v1/."""

from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from catalog import selectors

router = Router(tags=["catalog"])


class OccupationOut(Schema):
    code: str
    name: str
    levels: list[int]


class OrganisationOut(Schema):
    name: str
    address: str
    office_phone: str


class CityOut(Schema):
    code: str
    name: str
    hosts_direct_units: bool
    co_organizer: OrganisationOut | None
    regulator: OrganisationOut | None


@router.get("/occupations", response=list[OccupationOut], summary="Occupations and levels a campaign offers")
def list_occupations(request, campaign: str | None = None, q: str = "", level: int | None = None):
    """Annex 1 of a campaign (by year or slug; default: the featured campaign), levels as the notice lists them."""
    found = selectors.campaign_by_key(campaign) if campaign else selectors.featured_campaign(timezone.localdate())
    if found is None:
        raise HttpError(404, f"认定批次不存在：{campaign}")
    if level is not None and not 1 <= level <= 5:
        raise HttpError(422, "level 只能是 1–5。")
    return [
        {"code": row.occupation.code, "name": row.occupation.name, "levels": row.level_numbers()}
        for row in selectors.offerings(found, query=q, level=level)
    ]


@router.get("/cities", response=list[CityOut], summary="Cities with their co-organizer and regulator")
def list_cities(request):
    cities = []
    for city in selectors.directory():
        by_kind = {org.kind: org for org in city.organisations.all()}
        cities.append(
            {
                "code": city.code,
                "name": city.name,
                "hosts_direct_units": city.hosts_direct_units,
                "co_organizer": by_kind.get("co_organizer"),
                "regulator": by_kind.get("regulator"),
            }
        )
    return cities
