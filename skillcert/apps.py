from django.apps import AppConfig


class SkillcertConfig(AppConfig):
    name = "skillcert"
    verbose_name = "skillcert"

    def ready(self) -> None:
        from skillcert import signing  # noqa: F401 (registers the deploy check of the signing keys)
