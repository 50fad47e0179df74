"""The admin speaks Chinese: every model and field of the project has a Chinese name."""

import re

import pytest
from django.apps import apps

PROJECT_APPS = ("accounts", "applications", "audit", "catalog", "notifications", "payments", "paysim", "review")
HAN = re.compile(r"[\u4e00-\u9fff]")
MODELS = [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


@pytest.mark.parametrize("model", MODELS, ids=[model._meta.label for model in MODELS])
def test_every_model_and_field_has_a_chinese_name(model):
    assert HAN.search(str(model._meta.verbose_name)), model._meta.label
    assert HAN.search(str(model._meta.verbose_name_plural)), model._meta.label
    english = [
        field.name
        for field in model._meta.get_fields()
        if field.concrete and not field.auto_created and not HAN.search(str(field.verbose_name))
    ]
    assert english == [], f"{model._meta.label}: {english}"


def test_the_audit_admin_names_roles_in_chinese(people, client):
    from audit.services import record
    from conftest import client_for

    record("test.viewed", actor=people["hohhot_co"])
    body = client_for(people["association"]).get("/admin/audit/auditevent/").content.decode()
    assert "协办单位" in body and ">co_organizer<" not in body
