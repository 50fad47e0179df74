from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("成绩与评审")

    def ready(self) -> None:
        from scoring import receivers  # noqa: F401  registers on the lifecycle's transitions
