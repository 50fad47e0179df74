"""Reads of the catalog for pages and the API."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from catalog.models import Campaign, CampaignOccupation, City, Level, Organisation


def featured_campaign(today: date) -> Campaign | None:
    """The campaign the home page shows: one open for registration, else the latest."""
    campaigns = Campaign.objects.prefetch_related("sessions")
    return campaigns.open_for_registration(today).order_by("-exam_date").first() or campaigns.first()


def campaigns() -> QuerySet[Campaign]:
    return Campaign.objects.prefetch_related("sessions").order_by("-exam_date")


def campaign_by_key(key: str) -> Campaign | None:
    """A campaign by slug ("demo") or year ("2023", the real one of that year)."""
    campaigns = Campaign.objects.prefetch_related("sessions")
    found = campaigns.filter(slug=key).first()
    if found is None and key.isdigit():
        found = campaigns.filter(year=int(key), is_demo=False).first()
    return found


def offerings(campaign: Campaign, *, query: str = "", level: int | None = None) -> QuerySet[CampaignOccupation]:
    rows = CampaignOccupation.objects.filter(campaign=campaign).select_related("occupation")
    query = query.strip()
    if query:
        rows = rows.filter(Q(occupation__name__icontains=query) | Q(occupation__code__startswith=query))
    if level:
        rows = rows.filter(levels__number=level)
    return rows.prefetch_related(Prefetch("levels", queryset=Level.objects.all())).order_by("position")


def levels() -> QuerySet[Level]:
    return Level.objects.all()


def directory() -> QuerySet[City]:
    return City.objects.prefetch_related(
        Prefetch("organisations", queryset=Organisation.objects.order_by("kind"))
    ).order_by("position")


def association() -> Organisation | None:
    return Organisation.objects.filter(kind=Organisation.Kind.ASSOCIATION).first()


def key_dates(campaign: Campaign, *, for_staff: bool = False) -> list[dict]:
    """The notice's dates in order, with the working-day deadlines computed.

    A deadline in a year whose holiday schedule is not known yet is `pending` (the
    year): the public sees "待公布", staff see which year's schedule is missing.
    Staff labels say how a deadline is counted; public ones only what happens.
    """
    from django.utils.translation import gettext as _

    from catalog.holidays import holiday_data
    from skillcert.lib import workdays
    from skillcert.lib.workdays import CalendarNotCovered

    data = holiday_data()

    def deadline(compute: Callable[[workdays.HolidayData], date]) -> dict[str, Any]:
        try:
            return {"date": compute(data), "pending": None}
        except CalendarNotCovered as error:
            return {"date": None, "pending": error.year}

    def dated(label: str, day: date, end: date | None = None) -> dict[str, Any]:
        return {"label": label, "date": day, "end": end, "pending": None}

    if for_staff:
        handbook = _("提交《考务手册》（考前 %(n)d 个工作日）") % {"n": campaign.handbook_working_days}
        results = _("成绩公示并录入（考后 %(n)d 个工作日内）") % {"n": campaign.results_working_days}
    else:
        handbook, results = _("提交《考务手册》"), _("成绩公示")
    return [
        dated(_("报名"), campaign.registration_opens, campaign.registration_closes),
        dated(_("资格审核（初审、复审）"), campaign.review_opens, campaign.review_closes),
        dated(_("缴费"), campaign.payment_opens, campaign.payment_closes),
        dated(_("完成考场编排"), campaign.arrangement_due),
        {"label": handbook, "end": None} | deadline(campaign.compute_handbook_due),
        dated(_("考试"), campaign.exam_date),
        {"label": results, "end": None} | deadline(campaign.compute_results_due),
    ]
