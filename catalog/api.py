"""Public catalog endpoints of /api/v1/."""

from datetime import date, time

from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from catalog import selectors
from catalog.models import Campaign
from skillcert.lib.workdays import CalendarNotCovered
from skillcert.public_cache import public_api

router = Router(tags=["catalog"])


class WindowOut(Schema):
    opens: date
    closes: date


class SessionOut(Schema):
    kind: str
    date: date
    starts_at: time
    ends_at: time


class CampaignOut(Schema):
    slug: str
    year: int
    title: str
    is_demo: bool
    registration: WindowOut
    review: WindowOut
    payment: WindowOut
    arrangement_due: date
    exam_date: date
    sessions: list[SessionOut]
    handbook_due: date | None = Field(description="null when the holiday calendar does not cover the date")
    results_due: date | None = Field(description="null when the holiday calendar does not cover the date")


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
@decorate_view(public_api)
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
@decorate_view(public_api)
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


def _deadline(campaign: Campaign, name: str) -> date | None:
    try:
        return getattr(campaign, name)
    except CalendarNotCovered:
        return None


def _campaign(campaign: Campaign) -> dict:
    return {
        "slug": campaign.slug,
        "year": campaign.year,
        "title": campaign.title,
        "is_demo": campaign.is_demo,
        "registration": {"opens": campaign.registration_opens, "closes": campaign.registration_closes},
        "review": {"opens": campaign.review_opens, "closes": campaign.review_closes},
        "payment": {"opens": campaign.payment_opens, "closes": campaign.payment_closes},
        "arrangement_due": campaign.arrangement_due,
        "exam_date": campaign.exam_date,
        "sessions": list(campaign.sessions.all()),
        "handbook_due": _deadline(campaign, "handbook_due"),
        "results_due": _deadline(campaign, "results_due"),
    }


@router.get("/campaigns", response=list[CampaignOut], summary="Campaigns with their windows and deadlines")
@decorate_view(public_api)
def list_campaigns(request):
    return [_campaign(c) for c in selectors.campaigns()]


@router.get("/campaigns/{key}", response=CampaignOut, summary="One campaign, by slug or year")
@decorate_view(public_api)
def get_campaign(request, key: str):
    found = selectors.campaign_by_key(key)
    if found is None:
        raise HttpError(404, f"认定批次不存在：{key}")
    return _campaign(found)
