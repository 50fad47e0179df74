"""Background work of the 考务手册: rendering a site's pair, keeping it current after a change,
and the daily reminder of co-organizers before its due day.

The worker must run for handbooks to appear (docs/operations.md): a request never renders."""

from datetime import time

from django.tasks import task

# Morning in Beijing: the reminder arrives with the working day.
REMINDER_AT = time(9, 0)


@task
def render_site_handbook(site_id: int, fingerprint: str) -> str:
    """Render the site's PDF and xlsx for that fingerprint of its data (once: the row is claimed)."""
    from exams.services.handbook_files import run_render

    return run_render(site_id, fingerprint)


@task
def refresh_handbooks(campaign_id: int, city_id: int) -> int:
    """After a change to a city's exams data: queue the render of each of its sites whose current
    data has no pair yet. Returns how many sites are not ready."""
    from exams.models import Site
    from exams.services.handbook_files import current_status

    sites = Site.objects.filter(campaign=campaign_id, city=city_id).select_related("campaign", "city")
    return sum(1 for site in sites if not current_status(site).ready)


def refresh_on_commit(campaign_id: int, city_id: int) -> None:
    """Called by the use cases that change what a city's handbooks print (seats, tickets, rooms,
    staff, sites, a candidate leaving): the fingerprints are read and the renders queued after
    the commit, by the worker, never in the request that made the change."""
    from skillcert.jobs import enqueue_on_commit

    enqueue_on_commit(refresh_handbooks, campaign_id, city_id)


@task
def remind_handbooks() -> int:
    """Remind co-organizers who have not handed in every site's handbook (2 working days before, on the day)."""
    from exams.services.handbook import send_reminders

    return send_reminders()


def register_periodic() -> None:
    from skillcert import periodic

    periodic.register("exams.handbook_reminders", task=remind_handbooks, daily_at=REMINDER_AT)
