"""Background work of exams (Django's tasks API): publishing a city's tickets.

A city of 4,000 candidates takes minutes to publish (a number, a status change, an audit
event and a message each): longer than a web request may last, so the page queues it."""

from django.tasks import task


@task
def publish_city(campaign_id: int, city_id: int, actor_id: int) -> str:
    """Publish the city's seating as `actor` (exams.services.publishing.publish); says what happened."""
    from accounts.models import User
    from catalog.models import Campaign, City
    from exams.services import publishing
    from skillcert.refusals import TransitionRefused

    campaign, city = Campaign.objects.get(pk=campaign_id), City.objects.get(pk=city_id)
    try:
        given = publishing.publish(User.objects.get(pk=actor_id), campaign, city)
    except TransitionRefused as refusal:
        return f"refused: {refusal}"
    return f"published: {given}"
