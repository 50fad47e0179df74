"""The admin site: audited edits, validation, and the one login with its lockout."""

from conftest import client_for


def test_association_edits_the_catalog_in_the_admin_and_it_is_audited(people):
    from audit.models import AuditEvent
    from catalog.models import Occupation

    occupation = Occupation.objects.get(code="6-31-01-03")
    client = client_for(people["association"])
    response = client.post(
        f"/admin/catalog/occupation/{occupation.pk}/change/", {"code": "6-31-01-03", "name": "电工（新）"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.catalog.occupation.changed")
    assert event.before["name"] == "电工" and event.after["name"] == "电工（新）"
    assert event.actor == people["association"]


def test_admin_refuses_a_malformed_occupation_code(people):
    from catalog.models import Occupation

    occupation = Occupation.objects.get(code="6-31-01-03")
    client = client_for(people["association"])
    response = client.post(f"/admin/catalog/occupation/{occupation.pk}/change/", {"code": "63101", "name": "电工"})
    assert response.status_code == 200 and "4-12-01-01" in response.content.decode()
    occupation.refresh_from_db()
    assert occupation.code == "6-31-01-03"


def test_the_admin_login_goes_through_the_one_login_with_lockout(people):
    client = client_for(None)
    response = client.post("/admin/login/?next=/admin/", {"username": "alice", "password": "Correct-horse-42"})
    assert response.status_code == 302 and response.url == "/accounts/login/?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session
    final = client.get("/admin/", follow=True)
    assert final.request["PATH_INFO"] == "/accounts/login/" and "登录" in final.content.decode()
