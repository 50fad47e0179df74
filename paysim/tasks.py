"""The simulator's background work: delivering notifications (retried by `services.deliver_notification`)."""

from django.tasks import task

from paysim import services


@task
def deliver(notification_pk: int) -> str:
    """One delivery attempt of a SimNotification; a failure schedules the next one."""
    return services.deliver_notification(notification_pk)
