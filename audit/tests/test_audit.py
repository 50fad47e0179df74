import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from audit.context import AuditContext, current
from audit.kinds import UndeclaredActionKind
from audit.models import AppendOnlyError, AuditEvent
from audit.services import record, record_many
from catalog.models import Organisation
from conftest import client_for

SEARCH = reverse("audit:search")


def test_record_takes_role_city_and_ip_from_the_actor_and_request(people):
    token = current.set(AuditContext(ip="10.2.3.4"))
    try:
        event = record("test.happened", actor=people["baotou_co"], before={"a": 1}, after={"a": 2})
    finally:
        current.reset(token)
    assert (event.role, event.city.code, event.ip) == ("co_organizer", "baotou", "10.2.3.4")
    assert event.actor_label == "baotou-co" and event.before == {"a": 1} and event.after == {"a": 2}


def test_record_takes_the_city_of_the_object_changed(people):
    organisation = Organisation.objects.get(kind="regulator", city__code="baotou")
    event = record("test.changed", actor=people["association"], obj=organisation)
    assert event.city.code == "baotou"
    assert event.object_type == "catalog.organisation" and event.object_id == str(organisation.pk)


def test_record_many_writes_the_rows_record_writes(people):
    organisations = list(Organisation.objects.filter(kind="regulator").order_by("pk")[:3])
    fields = ("actor_id", "actor_label", "role", "city_id", "action", "object_type", "object_id", "object_repr")
    fields += ("before", "after", "ip")
    token = current.set(AuditContext(ip="10.2.3.4"))
    try:
        one_by_one = [
            record("test.changed", actor=people["association"], obj=o, before={"n": o.pk}, after={"m": 1})
            for o in organisations
        ]
        expected = list(
            AuditEvent.objects.filter(pk__in=[e.pk for e in one_by_one]).order_by("pk").values_list(*fields)
        )
        batch = record_many(
            "test.changed", [(o, {"n": o.pk}, {"m": 1}) for o in organisations], actor=people["association"]
        )
    finally:
        current.reset(token)
    assert all(event.pk for event in batch)
    assert list(AuditEvent.objects.filter(pk__in=[e.pk for e in batch]).order_by("pk").values_list(*fields)) == expected


def test_record_many_refuses_an_undeclared_kind_before_writing(people):
    before = AuditEvent.objects.count()
    with pytest.raises(UndeclaredActionKind):
        record_many("undeclared.kind", [(people["association"], None, None)])
    assert AuditEvent.objects.count() == before


def test_system_actions_have_no_actor(db):
    assert record("test.system").actor_label == "system"


def test_events_cannot_be_changed_or_deleted_through_the_orm(people):
    event = record("test.happened", actor=people["association"])
    event.action = "test.rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_updates_even_in_raw_sql(people):
    event = record("test.happened", actor=people["association"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'forged' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "test.happened"


@pytest.fixture
def trail(people):
    record("catalog.campaign.windows_moved", actor=people["association"])
    record("review.returned", actor=people["hohhot_co"])
    record("review.returned", actor=people["baotou_co"])
    record("scoring.entered", actor=people["baotou_reg"])


def rows(response) -> list[AuditEvent]:
    return list(response.context["page"].object_list)


def test_association_searches_every_city(trail, people):
    client = client_for(people["association"])
    assert {e.actor_label for e in rows(client.get(SEARCH, {"action": "review."}))} == {"hohhot-co", "baotou-co"}
    baotou = people["baotou_co"].city_id
    assert {e.actor_label for e in rows(client.get(SEARCH, {"city": baotou}))} == {"baotou-co", "baotou-reg"}
    assert [e.actor_label for e in rows(client.get(SEARCH, {"text": "hohhot"}))] == ["hohhot-co"]


def test_regulator_sees_only_its_own_citys_trail(trail, people):
    response = client_for(people["baotou_reg"]).get(SEARCH)
    assert {e.city.code for e in rows(response)} == {"baotou"}
    # asking for another city's rows gives nothing, not an error
    hohhot = people["hohhot_co"].city_id
    assert rows(client_for(people["baotou_reg"]).get(SEARCH, {"city": hohhot})) == []


@pytest.mark.parametrize("who", ["hohhot_co", "hohhot_expert", "applicant"])
def test_other_roles_cannot_open_the_trail(trail, people, who):
    assert client_for(people[who]).get(SEARCH).status_code == 403


def test_anonymous_is_sent_to_login(db):
    response = client_for(None).get(SEARCH)
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_bad_date_range_is_explained(trail, people):
    response = client_for(people["association"]).get(SEARCH, {"since": "2026-05-02", "until": "2026-05-01"})
    assert "截止日期不能早于起始日期" in response.content.decode()
    assert rows(response) == []


def test_htmx_request_renders_only_the_results(trail, people):
    response = client_for(people["association"]).get(SEARCH, {"action": "review."}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="results">') and "<html" not in body


def test_the_trail_is_paginated(people):
    for n in range(60):
        record(f"test.bulk.{n}", actor=people["association"])
    client = client_for(people["association"])
    first = client.get(SEARCH, {"action": "test.bulk."})
    assert len(rows(first)) == 50 and first.context["page"].paginator.count == 60
    second = client.get(SEARCH, {"action": "test.bulk.", "page": 2})
    assert len(rows(second)) == 10
    assert "action=test.bulk." in first.content.decode()  # the pager keeps the filter
