"""Background work of exams (Django's tasks API): publishing a city's tickets, and the daily
message that tickets may be downloaded from today.

A city of 4,000 candidates takes seconds to publish (numbers, status changes, audit events and
messages, in bulk): longer than a page should wait, so the page queues it and shows its state
(`Arrangement.publication`: queued, running, done, failed with the reason)."""

from datetime import time

from django.tasks import task

# Early morning in Beijing: the message arrives as the download opens for the day.
TICKETS_OPEN_AT = time(8, 0)


@task
def publish_city(campaign_id: int, city_id: int, actor_id: int) -> str:
    """Publish the city's seating as `actor` (exams.services.publishing.run_publication); says what happened."""
    from accounts.models import User
    from catalog.models import Campaign, City
    from exams.services import publishing

    campaign, city = Campaign.objects.get(pk=campaign_id), City.objects.get(pk=city_id)
    return publishing.run_publication(User.objects.get(pk=actor_id), campaign, city)


@task
def tell_tickets_open() -> int:
    """Tell ticket holders whose campaign's downloads are open (once each); returns messages sent."""
    from exams.services.publishing import tell_tickets_open as tell

    return tell()


def register_periodic() -> None:
    from skillcert import periodic

    periodic.register("exams.tickets_open", task=tell_tickets_open, daily_at=TICKETS_OPEN_AT)
