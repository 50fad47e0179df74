"""Exam-day pages: the sync endpoint (CSRF header), the typed-number form without JavaScript, the
scanner's own CSP, the service worker, the manifest download, and the read-only status."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from conftest import client_for
from exams.models import CheckIn, Scan
from exams.tests.test_checkin import post, published, scan_of, seated, session  # noqa: F401 - fixtures

pytestmark = pytest.mark.usefixtures("post")


def _url(name, where):
    return reverse(f"exams:{name}", kwargs={"room": where.room.pk, "session": where.session.pk})


def _csrf_client(user) -> tuple[Client, str]:
    """A client that enforces CSRF, as a browser meets it: the token from the page's cookie."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="accounts.backends.IdentifierBackend")
    client.get(reverse("exams:checkin_home"))
    return client, client.cookies["csrftoken"].value


def test_the_sync_endpoint_takes_a_batch_with_the_csrf_header(post, invigilator):  # noqa: F811
    client, token = _csrf_client(invigilator)
    ticket = seated(post.room, post.session)[0]
    body = json.dumps({"scans": [scan_of(post, number=ticket.number)]})
    refused = client.post(reverse("exams:checkin_sync"), body, content_type="application/json")
    assert refused.status_code == 403 and not Scan.objects.exists()
    response = client.post(
        reverse("exams:checkin_sync"), body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200
    [answer] = response.json()["answers"]
    assert (answer["result"], answer["outcome"]) == ("accepted", "present")
    assert CheckIn.objects.count() == 1


def test_a_batch_that_is_not_a_list_is_a_bad_request(post, invigilator):  # noqa: F811
    client = client_for(invigilator)
    response = client.post(reverse("exams:checkin_sync"), {"scans": "x"}, content_type="application/json")
    assert response.status_code == 400


def test_without_javascript_the_typed_number_form_records_once(post, invigilator):  # noqa: F811
    client = client_for(invigilator)
    page = client.get(_url("checkin_room", post))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="fallback"' in html and 'name="number"' in html
    ticket = seated(post.room, post.session)[0]
    form = {"client_id": str(uuid.uuid4()), "number": ticket.number, "outcome": "present"}
    first = client.post(_url("checkin_scan", post), form, follow=True)
    assert "已记录" in first.content.decode()
    client.post(_url("checkin_scan", post), form)  # the same form sent twice
    assert Scan.objects.count() == 1 and CheckIn.objects.get().outcome == "present"
    unknown = {**form, "client_id": str(uuid.uuid4()), "number": "1"}
    wrong = client.post(_url("checkin_scan", post), unknown, follow=True)
    assert "准考证号不存在" in wrong.content.decode()


def test_without_javascript_the_rest_is_marked_absent(post, invigilator):  # noqa: F811
    client = client_for(invigilator)
    response = client.post(_url("checkin_rest_absent", post), follow=True)
    count = len(seated(post.room, post.session))
    assert f"已将 {count} 名" in response.content.decode()
    assert CheckIn.objects.filter(outcome="absent").count() == count


def test_only_the_scanner_page_may_compile_webassembly(post, invigilator):  # noqa: F811
    client = client_for(invigilator)
    scanner = client.get(_url("checkin_room", post))["Content-Security-Policy"]
    home = client.get(reverse("exams:checkin_home"))["Content-Security-Policy"]
    assert "'wasm-unsafe-eval'" in scanner and "'wasm-unsafe-eval'" not in home
    assert "script-src 'self' 'nonce-" in scanner


def test_the_service_worker_covers_the_exam_day_pages_and_keeps_the_scripts(post, invigilator):  # noqa: F811
    response = client_for(invigilator).get(reverse("exams:checkin_sw"))
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == reverse("exams:checkin_home")
    body = response.content.decode()
    for asset in ("exams/checkin.js", "vendor/jose/index.js", "vendor/jose/jws/compact/verify.js", "zxing_reader.wasm"):
        assert asset in body
    assert "/.well-known/jwks.json" in body


def test_the_vendored_libraries_are_served_from_here():
    from django.contrib.staticfiles import finders

    for name in ("vendor/jose/index.js", "vendor/zxing-wasm/reader/index.js", "vendor/zxing-wasm/zxing_reader.wasm"):
        assert finders.find(name), f"{name}: run npm ci (make install)"


def test_the_manifest_is_json_for_the_post_only(post, invigilator, people):  # noqa: F811
    response = client_for(invigilator).get(_url("checkin_manifest", post))
    assert response.status_code == 200
    assert len(response.json()["candidates"]) == len(seated(post.room, post.session))
    assert client_for(people["hohhot_co"]).get(_url("checkin_manifest", post)).status_code == 403


def test_desk_staff_read_the_rooms_status_and_absences(post, invigilator, people):  # noqa: F811
    client_for(invigilator).post(_url("checkin_rest_absent", post))
    for who in ("hohhot_co", "hohhot_reg", "association"):
        response = client_for(people[who]).get(_url("checkin_status", post))
        assert response.status_code == 200
        assert 'data-count="absent">' + str(len(seated(post.room, post.session))) in response.content.decode()
    assert client_for(people["baotou_co"]).get(_url("checkin_status", post)).status_code == 404


def test_desk_staff_see_each_rooms_counts_on_the_board(post, invigilator, people):  # noqa: F811
    client_for(invigilator).post(_url("checkin_rest_absent", post))
    seated_here = len(seated(post.room, post.session))
    response = client_for(people["hohhot_reg"]).get(reverse("exams:checkin_board") + "?campaign=demo")
    assert response.status_code == 200
    [line] = [line for line in response.context["lines"] if line.room == post.room and line.session == post.session]
    assert (line.seated, line.absent, line.present, line.unmarked) == (seated_here, seated_here, 0, 0)


def test_an_invigilator_lands_on_todays_rooms_after_logging_in(post, invigilator):  # noqa: F811
    from conftest import PASSWORD

    response = Client().post(reverse("accounts:login"), {"identifier": invigilator.username, "password": PASSWORD})
    assert response["Location"] == reverse("exams:checkin_home")
