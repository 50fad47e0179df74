import pytest
from django.urls import reverse

from accounts.permissions import has_capability, same_city, scope_by_city
from accounts.services import reveal_personal_data
from audit.models import AuditEvent
from catalog.models import Organisation
from conftest import client_for


@pytest.mark.parametrize(
    ("who", "visible"),
    [("association", 27), ("hohhot_co", 2), ("baotou_reg", 2), ("hohhot_expert", 2), ("applicant", 0)],
)
def test_each_role_reads_only_its_cities_rows(people, who, visible):
    rows = scope_by_city(Organisation.objects.all(), people[who])
    assert rows.count() == visible
    if who.startswith("hohhot"):
        assert {org.city.code for org in rows} == {"hohhot"}


def test_anonymous_reads_nothing(people):
    from django.contrib.auth.models import AnonymousUser

    assert scope_by_city(Organisation.objects.all(), AnonymousUser()).count() == 0


def test_a_deactivated_staff_member_reads_nothing(people):
    people["hohhot_co"].is_active = False
    assert scope_by_city(Organisation.objects.all(), people["hohhot_co"]).count() == 0


def test_same_city(people):
    hohhot = people["hohhot_co"].city_id
    baotou = people["baotou_co"].city_id
    assert same_city(people["hohhot_co"], hohhot)
    assert not same_city(people["hohhot_co"], baotou)
    assert not same_city(people["hohhot_co"], None)
    assert same_city(people["association"], baotou)
    assert not same_city(people["applicant"], hohhot)


@pytest.mark.parametrize(
    ("who", "capability", "allowed"),
    [
        ("association", "audit.view", True),
        ("hohhot_reg", "audit.view", True),
        ("hohhot_co", "audit.view", False),
        ("hohhot_expert", "audit.view", False),
        ("applicant", "audit.view", False),
        ("hohhot_co", "personal_data.unmask", True),
        ("hohhot_expert", "personal_data.unmask", False),
        ("applicant", "staff.dashboard", False),
        ("hohhot_expert", "staff.dashboard", True),
    ],
)
def test_capabilities_by_role(people, who, capability, allowed):
    assert has_capability(people[who], capability) is allowed


def test_association_unmasks_an_applicants_phone_and_it_is_audited(people):
    value = reveal_personal_data(people["association"], people["applicant"], "phone")
    assert value == "13800000001"
    event = AuditEvent.objects.get(action="personal_data.unmasked")
    assert event.actor == people["association"] and event.after == {"field": "phone"}
    assert event.object_id == str(people["applicant"].pk)


def reveal(client, subject, field="phone"):
    return client.post(reverse("accounts:reveal", args=[subject.pk, field]))


def test_city_staff_unmask_their_own_citys_staff_only(people):
    client = client_for(people["hohhot_co"])
    assert reveal(client, people["hohhot_reg"]).status_code == 200
    assert reveal(client, people["baotou_co"]).status_code == 403
    assert AuditEvent.objects.filter(action="personal_data.unmasked").count() == 1


def test_applicant_may_see_own_number_but_no_one_elses(people):
    client = client_for(people["applicant"])
    response = reveal(client, people["applicant"], "id_number")
    assert people["applicant"].id_number in response.content.decode()
    assert reveal(client, people["hohhot_co"]).status_code == 403


def test_expert_cannot_unmask(people):
    assert reveal(client_for(people["hohhot_expert"]), people["hohhot_reg"]).status_code == 403


def test_only_personal_number_fields_can_be_revealed(people):
    assert reveal(client_for(people["association"]), people["applicant"], "password").status_code == 403


def test_reveal_needs_post_and_login(people):
    client = client_for(None)
    assert reveal(client, people["applicant"]).status_code == 302
    assert client_for(people["association"]).get(reverse("accounts:reveal", args=[1, "phone"])).status_code == 405


def test_people_page_shows_masked_numbers_in_scope(people):
    people["baotou_co"].phone = "13911112222"
    people["baotou_co"].save()
    body = client_for(people["association"]).get(reverse("accounts:people")).content.decode()
    assert "139****2222" in body and "13911112222" not in body
    hohhot_view = client_for(people["hohhot_co"]).get(reverse("accounts:people")).content.decode()
    assert "baotou-co" not in hohhot_view and "hohhot-reg" in hohhot_view


def test_my_account_shows_my_numbers_masked(people):
    body = client_for(people["applicant"]).get(reverse("accounts:me")).content.decode()
    assert "138****0001" in body and "1501**********" in body
    assert people["applicant"].id_number not in body
