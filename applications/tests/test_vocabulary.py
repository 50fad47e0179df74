"""The form's enumerations are stated once (applications.vocabulary): every user agrees with it."""

from typing import get_args

import pytest

from applications import api, eligibility, requirements, standards, uploads, vocabulary
from applications.forms import PersonForm, SelfCheckForm
from applications.models import Application, Category, Education, TitleField, TitleRank

LISTS = [
    (vocabulary.CATEGORY, Category, api.Category, eligibility.CATEGORIES),
    (vocabulary.EDUCATION, Education, api.Education, standards.EDUCATIONS),
    (vocabulary.TITLE_FIELD, TitleField, api.TitleField, eligibility.TITLE_FIELDS),
    (vocabulary.TITLE_RANK, TitleRank, api.TitleRank, eligibility.TITLE_RANKS),
]


@pytest.mark.parametrize(("terms", "choices", "literal", "rules"), LISTS, ids=lambda v: getattr(v, "__name__", ""))
def test_models_rules_and_api_use_the_vocabularys_keys_and_labels(terms, choices, literal, rules):
    keys = vocabulary.keys(terms)
    assert tuple(choices.values) == keys == get_args(literal) == tuple(rules)
    assert [str(label) for label in choices.labels] == [term.label for term in terms]
    assert all(term.label.startswith(rules[term.key]) or rules[term.key] in term.label for term in terms)


def test_the_education_a_sentence_names_is_the_one_the_form_offered():
    assert standards.EDUCATIONS["junior_middle"] == str(Education.JUNIOR_MIDDLE.label) == "初中及以下"


def test_the_fields_and_forms_offer_exactly_the_vocabulary():
    for name, terms in [("category", vocabulary.CATEGORY), ("education", vocabulary.EDUCATION)]:
        field = Application._meta.get_field(name)
        assert [key for key, _label in field.choices] == list(vocabulary.keys(terms))
    offered = [key for key, _label in PersonForm.base_fields["education"].choices if key]
    assert offered == list(vocabulary.keys(vocabulary.EDUCATION))
    assert [key for key, _label in SelfCheckForm.base_fields["category"].choices] == list(Category.values)


def test_the_text_minimums_are_the_vocabularys_in_rules_and_checks():
    assert requirements.MIN_CHARACTERS == vocabulary.MIN_CHARACTERS == {"technical_summary": 1000, "paper": 3000}
    assert uploads.TECHNICAL_SUMMARY_MIN_CHARACTERS == 1000 and uploads.PAPER_MIN_CHARACTERS == 3000
