from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = _("考务")

    def ready(self) -> None:
        from exams import (
            handbook_tasks,
            receivers,  # noqa: F401  registers on the lifecycle's transitions
            tasks,
        )

        handbook_tasks.register_periodic()
        tasks.register_periodic()
