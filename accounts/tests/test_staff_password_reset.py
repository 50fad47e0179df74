"""The association sets a one-time password for a staff member, who must change it at once."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from conftest import PASSWORD, client_for

LOGIN = reverse("accounts:login")
CHANGE = reverse("accounts:password_change")


def reset_url(user) -> str:
    return reverse("accounts:staff_password_reset", args=[user.pk])


def one_time_password(response) -> str:
    import re

    return re.search(r'class="one-time-password">([^<]+)<', response.content.decode()).group(1)


def test_the_association_sets_a_one_time_password_that_must_be_changed_at_next_login(people):
    co = people["hohhot_co"]
    desk = client_for(co)
    response = client_for(people["association"]).post(reset_url(co))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    temporary = one_time_password(response)
    assert desk.get(reverse("staff_home")).status_code == 302  # their sessions ended
    assert Client().post(LOGIN, {"identifier": "hohhot-co", "password": PASSWORD}).status_code == 200

    staff = Client()
    assert staff.post(LOGIN, {"identifier": "hohhot-co", "password": temporary}).status_code == 302
    blocked = staff.get(reverse("staff_home"))
    assert blocked.status_code == 302 and blocked.url == CHANGE
    assert "临时密码" in staff.get(CHANGE).content.decode()
    data = {"old_password": temporary, "new_password1": "Own-choice-2027", "new_password2": "Own-choice-2027"}
    assert staff.post(CHANGE, data).status_code == 302
    assert staff.get(reverse("staff_home")).status_code == 200

    event = AuditEvent.objects.get(action="accounts.staff_password_reset")
    assert event.actor == people["association"] and event.object_id == str(co.pk)
    assert temporary not in str(event.after) and temporary not in str(event.before)
    assert AuditEvent.objects.filter(action="accounts.password_changed", actor=co).exists()


def test_the_people_page_offers_the_reset_to_the_association_only(people):
    co = people["hohhot_co"]
    assert reset_url(co) in client_for(people["association"]).get(reverse("accounts:people")).content.decode()
    assert reset_url(co) not in client_for(people["hohhot_reg"]).get(reverse("accounts:people")).content.decode()


@pytest.mark.parametrize("who", ["hohhot_co", "hohhot_reg", "hohhot_expert", "applicant"])
def test_nobody_but_the_association_resets_a_staff_password(people, who):
    assert client_for(people[who]).post(reset_url(people["baotou_co"])).status_code == 403
    assert not AuditEvent.objects.filter(action="accounts.staff_password_reset").exists()


def test_an_applicants_password_is_not_reset_by_staff_and_the_page_needs_a_login(people):
    assert client_for(people["association"]).post(reset_url(people["applicant"])).status_code == 404
    assert Client().post(reset_url(people["hohhot_co"])).status_code == 302
    assert client_for(people["association"]).get(reset_url(people["hohhot_co"])).status_code == 405


def test_the_association_cannot_reset_its_own_password_this_way(people):
    alice = people["association"]
    assert client_for(alice).post(reset_url(alice)).status_code == 403


def test_a_password_set_in_the_admin_must_be_changed_at_next_login(people):
    from accounts.admin import StaffUserForm

    co = people["hohhot_co"]
    data = {"username": co.username, "full_name": co.full_name, "role": co.role, "city": co.city_id, "is_active": True}
    form = StaffUserForm({**data, "new_password": "Handed-over-2027"}, instance=co)
    assert form.is_valid(), form.errors
    form.save()
    staff = Client()
    assert staff.post(LOGIN, {"identifier": "hohhot-co", "password": "Handed-over-2027"}).status_code == 302
    assert staff.get(reverse("staff_home")).url == CHANGE
