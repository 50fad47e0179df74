"""Background work of exams (Django's tasks API): publishing a city's tickets.

A city of 4,000 candidates takes seconds to publish (numbers, status changes, audit events and
messages, in bulk): longer than a page should wait, so the page queues it and shows its state
(`Arrangement.publication`: queued, running, done, failed with the reason)."""

from django.tasks import task


@task
def publish_city(campaign_id: int, city_id: int, actor_id: int) -> str:
    """Publish the city's seating as `actor` (exams.services.publishing.run_publication); says what happened."""
    from accounts.models import User
    from catalog.models import Campaign, City
    from exams.services import publishing

    campaign, city = Campaign.objects.get(pk=campaign_id), City.objects.get(pk=city_id)
    return publishing.run_publication(User.objects.get(pk=actor_id), campaign, city)
