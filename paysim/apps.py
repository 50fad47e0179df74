from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def check_not_production(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A second lock beside settings.py: the simulator takes "payments" that move no money."""
    if settings.PRODUCTION:
        return [
            checks.Critical(
                "paysim (the WeChat Pay simulator) is installed in production.",
                hint="Remove paysim from INSTALLED_APPS and set WECHATPAY_SIMULATOR=0.",
                id="paysim.E001",
            )
        ]
    return []


class PaysimConfig(AppConfig):
    name = "paysim"
    verbose_name = "微信支付模拟器（仅本地）"

    def ready(self) -> None:
        # Refuse to run at all in production, whatever the settings file said.
        if settings.PRODUCTION:
            raise ImproperlyConfigured("paysim (the WeChat Pay simulator) must never run in production")
        checks.register(check_not_production, checks.Tags.security, deploy=True)
