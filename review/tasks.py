"""Background work of reviewing, enqueued after commit with ids."""

from django.tasks import task


@task
def flag_application(application_id: int) -> int:
    """Compute the fraud and duplicate signals of a (re)submitted application."""
    from applications.models import Application
    from review.flagging import flag_application as compute

    application = Application.objects.filter(pk=application_id).first()
    return len(compute(application)) if application else 0
