"""Background work of the 考务手册: the daily reminder of co-organizers before its due day."""

from datetime import time

from django.tasks import task

# Morning in Beijing: the reminder arrives with the working day.
REMINDER_AT = time(9, 0)


@task
def remind_handbooks() -> int:
    """Remind co-organizers who have not handed in every site's handbook (2 working days before, on the day)."""
    from exams.services.handbook import send_reminders

    return send_reminders()


def register_periodic() -> None:
    from skillcert import periodic

    periodic.register("exams.handbook_reminders", task=remind_handbooks, daily_at=REMINDER_AT)
