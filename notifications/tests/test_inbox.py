"""The inbox pages, who sees what, the header badge and the admin lists."""

import pytest
from django.urls import reverse

from conftest import client_for
from notifications.models import Delivery, Message

ROLES = ["applicant", "hohhot_co", "hohhot_reg", "hohhot_expert", "association"]


def _message(user, title="初审已通过", **fields):
    return Message.objects.create(recipient=user, kind="application.city_approved", title=title, body="正文", **fields)


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [("get", "inbox", []), ("get", "detail", [1]), ("post", "mark_all_read", [])],
)
def test_anonymous_visitors_are_sent_to_log_in(db, method, name, args):
    response = getattr(client_for(None), method)(reverse(f"notifications:{name}", args=args))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ROLES)
def test_everyone_logged_in_reads_only_their_own_inbox(people, role):
    _message(people[role], title="给本人的消息")
    _message(people["baotou_co"] if role != "baotou_co" else people["applicant"], title="给别人的消息")
    response = client_for(people[role]).get(reverse("notifications:inbox"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "给本人的消息" in page and "给别人的消息" not in page


def test_newest_first_unread_marked_and_paginated(people):
    applicant = people["applicant"]
    for n in range(25):
        _message(applicant, title=f"消息{n:02d}")
    Message.objects.filter(title="消息23").update(read_at="2024-01-01T00:00:00Z")
    client = client_for(applicant)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert page.index("消息24") < page.index("消息23") < page.index("消息22")
    assert "消息04" not in page and "1 / 2" in page
    assert page.count('class="card unread"') == 19  # 20 on the page, one of them read
    assert "消息00" in client.get(reverse("notifications:inbox") + "?page=2").content.decode()


def test_opening_a_message_marks_it_read_for_its_recipient_only(people):
    message = _message(people["applicant"], url="/applications/7/")
    other = client_for(people["hohhot_co"])
    assert other.get(reverse("notifications:detail", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.read_at is None

    response = client_for(people["applicant"]).get(reverse("notifications:detail", args=[message.pk]))
    assert response.status_code == 200 and 'href="/applications/7/"' in response.content.decode()
    message.refresh_from_db()
    first_read = message.read_at
    assert first_read is not None
    client_for(people["applicant"]).get(reverse("notifications:detail", args=[message.pk]))
    message.refresh_from_db()
    assert message.read_at == first_read


def test_mark_all_read_is_a_post_for_own_messages(people):
    mine = [_message(people["applicant"]) for _ in range(3)]
    theirs = _message(people["hohhot_co"])
    client = client_for(people["applicant"])
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302 and response.url == reverse("notifications:inbox")
    assert all(Message.objects.get(pk=m.pk).read_at for m in mine)
    assert Message.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_needs_the_csrf_token(people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["applicant"], backend="accounts.backends.IdentifierBackend")
    assert client.post(reverse("notifications:mark_all_read")).status_code == 403


def test_the_header_shows_the_unread_count(people):
    applicant = people["applicant"]
    client = client_for(applicant)
    link = f'href="{reverse("notifications:inbox")}"'
    page = client.get("/").content.decode()
    assert link in page and "条未读" not in page
    _message(applicant)
    _message(applicant)
    _message(people["hohhot_co"])
    assert '<span class="tag">2<span class="visually-hidden"> 条未读</span></span>' in client.get("/").content.decode()
    client.post(reverse("notifications:mark_all_read"))
    assert "条未读" not in client.get("/").content.decode()
    assert link not in client_for(None).get("/").content.decode()


ADMIN_PAGES = ["/admin/notifications/message/", "/admin/notifications/delivery/"]


@pytest.mark.parametrize("url", ADMIN_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_only_the_association_reads_the_admin_lists(people, role, url):
    message = _message(people["applicant"])
    Delivery.objects.create(message=message, channel="sms")
    response = client_for(people[role]).get(url)
    assert response.status_code == (200 if role == "association" else 302)


def test_the_admin_lists_are_read_only(people):
    message = _message(people["applicant"])
    delivery = Delivery.objects.create(message=message, channel="sms", last_error="RuntimeError: gateway down")
    client = client_for(people["association"])
    assert client.get("/admin/notifications/message/add/").status_code == 403
    assert client.post(f"/admin/notifications/message/{message.pk}/delete/").status_code == 403
    page = client.get(f"/admin/notifications/message/{message.pk}/change/").content.decode()
    assert "gateway down" in page and 'name="_save"' not in page
    assert client.get(f"/admin/notifications/delivery/{delivery.pk}/change/").status_code == 200
