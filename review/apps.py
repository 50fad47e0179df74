from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("资格审核")

    def ready(self) -> None:
        from review import receivers  # noqa: F401  registers on the lifecycle's transitions
