"""The audit page renders every event the project records, whatever its payload holds."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from applications import services as applying
from audit.models import AuditEvent
from audit.rendering import payload_pairs
from audit.services import record
from conftest import client_for
from review import services as reviewing

SEARCH = reverse("audit:search")
ACTION = re.compile(r"""record\(\s*f?["']([a-z_.{}]+)["']""")
# Keys that are also dict methods: a template walking `payload.items` would call the method.
COLLIDING = {"items": ["photo", "education"], "keys": [1, 2], "values": {"a": None}, "get": True, "pop": "x"}


def recorded_actions() -> set[str]:
    """Every action name a service passes to `record`, read from the source, and those
    passed through a variable (all declared in the apps' kinds.py)."""
    from audit.kinds import declared

    actions = {kind.key for kind in declared() if not kind.is_family}
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        for name in ACTION.findall(path.read_text(encoding="utf-8")):
            actions |= {name.replace("{tier}", tier) for tier in ("city", "association")}
    # A name that ends in "." is completed at run time ("payments.refund." + state): its
    # completions are declared kinds, recorded above.
    return {re.sub(r"\{[^}]*\}", "x", name) for name in actions if not name.endswith(".")}


def test_the_source_scan_finds_the_actions_it_should():
    actions = recorded_actions()
    assert {"review.city.returned", "applications.draft_saved", "personal_data.unmasked"} <= actions
    assert len(actions) > 30


@pytest.mark.parametrize("who", ["association", "hohhot_reg"])
def test_the_audit_page_shows_an_event_of_every_recorded_kind(people, who):
    for action in sorted(recorded_actions()):
        record(action, actor=people["hohhot_co"], before={"status": "submitted", **COLLIDING}, after=COLLIDING)
    record("payments.notification.odd", actor=people["hohhot_co"], before=["a", "b"], after="text")
    response = client_for(people[who]).get(SEARCH, {"text": "hohhot-co"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "items=photo, education" in body and "keys=1, 2" in body and "values={&quot;a&quot;: null}" in body
    assert "review.city.returned" in body or response.context["page"].paginator.count > 50


def test_the_audit_page_shows_a_real_return_with_its_items(people, complete_draft):
    application = applying.submit_application(people["applicant"], complete_draft)
    reviewing.return_for_changes(
        people["hohhot_co"], application, items=[("photo", "photo_background", "照片不是白底")], comment="请重拍"
    )
    assert AuditEvent.objects.filter(action="review.city.returned").exists()
    for who in ("association", "hohhot_reg"):
        response = client_for(people[who]).get(SEARCH, {"action": "review."})
        assert response.status_code == 200
        assert "items=photo" in response.content.decode()


def test_payloads_read_as_text_whatever_their_shape():
    assert payload_pairs(None) == [] and payload_pairs({}) == []
    assert payload_pairs({"items": ["a", "b"], "n": 3, "ok": False, "x": None}) == [
        ("items", "a, b"),
        ("n", "3"),
        ("ok", "false"),
        ("x", "—"),
    ]
    assert payload_pairs({"nested": {"b": 1, "a": [1, {"c": 2}]}}) == [("nested", '{"a": [1, {"c": 2}], "b": 1}')]
    assert payload_pairs(["a", 1]) == [("", "a, 1")]
    assert payload_pairs("plain") == [("", "plain")]
