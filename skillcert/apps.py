from django.apps import AppConfig


class SkillcertConfig(AppConfig):
    name = "skillcert"
    verbose_name = "skillcert"
