"""The exam rules text the association edits: the ticket and the applicant's page give it their own heading."""

import importlib

from django.apps import apps

from catalog.models import EXAM_RULES_DEFAULT

drop_heading = importlib.import_module("catalog.migrations.0010_exam_rules_without_heading").drop_heading


def test_the_default_text_starts_with_the_first_rule_not_a_heading():
    assert EXAM_RULES_DEFAULT.startswith("1. 考生须携带准考证")
    assert "应考须知" not in EXAM_RULES_DEFAULT


def test_campaigns_stored_with_the_old_heading_lose_it_and_edited_texts_are_kept(catalog_2023, db):
    catalog_2023.exam_rules = "应考须知：\n1. 带好准考证。"
    catalog_2023.save(update_fields=["exam_rules"])
    drop_heading(apps, None)
    catalog_2023.refresh_from_db()
    assert catalog_2023.exam_rules == "1. 带好准考证。"

    catalog_2023.exam_rules = "考生请注意：应考须知：不得迟到。"
    catalog_2023.save(update_fields=["exam_rules"])
    drop_heading(apps, None)
    catalog_2023.refresh_from_db()
    assert catalog_2023.exam_rules == "考生请注意：应考须知：不得迟到。"
