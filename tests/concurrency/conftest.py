"""Parallel writes against a live, threaded server: every request on its own thread and connection.

Run alone with `pytest -m parallel_writes` (SQLite), or under scripts/with_postgres.py.
"""

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string

from conftest import client_for
from payments.tests.conftest import approved, client_as, fees, other_applicant, scripted_wechat  # noqa: F401

PARALLEL = 10


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.parallel_writes)


@dataclass
class Burst:
    responses: list[requests.Response]

    @property
    def statuses(self) -> list[int]:
        return [response.status_code for response in self.responses]

    @property
    def bodies(self) -> list[str]:
        return [response.text for response in self.responses]

    @property
    def server_errors(self) -> int:
        return sum(status >= 500 for status in self.statuses)


class Parallel:
    """Fires the same request PARALLEL times at once (a barrier releases them together)."""

    tried = 0
    errors = 0

    def __init__(self, base_url: str):
        self.base_url = base_url

    def post(self, user, path: str, data=None, *, files=None, headers=None, json=None, session=None) -> Burst:
        """`user`'s session, or `session` (a session key: e.g. a visitor's registration in progress)."""
        cookies = {settings.CSRF_COOKIE_NAME: _get_new_csrf_string()}
        if user is not None:
            cookies[settings.SESSION_COOKIE_NAME] = client_for(user).cookies[settings.SESSION_COOKIE_NAME].value
        elif session is not None:
            cookies[settings.SESSION_COOKIE_NAME] = session
        send_headers = {"X-CSRFToken": cookies[settings.CSRF_COOKIE_NAME], **(headers or {})}
        barrier = threading.Barrier(PARALLEL)
        responses: list[requests.Response | None] = [None] * PARALLEL

        def one(index: int) -> None:
            with requests.Session() as session:
                session.cookies.update(cookies)
                barrier.wait(timeout=30)
                response = session.post(
                    self.base_url + path,
                    data=data,
                    files=files,
                    json=json,
                    headers=send_headers,
                    allow_redirects=False,
                    timeout=90,
                )
                responses[index] = response

        threads = [threading.Thread(target=one, args=(index,)) for index in range(PARALLEL)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "a request never finished"
        assert None not in responses, "a request failed without an answer"
        burst = Burst(responses)
        Parallel.tried += PARALLEL
        Parallel.errors += burst.server_errors
        return burst


@pytest.fixture
def parallel(live_server, django_db_serialized_rollback, settings) -> Parallel:
    """live_server empties the tables after each test; serialized rollback restores the migrations' rows."""
    settings.WECHATPAY_NOTIFY_URL = f"{live_server.url}/payments/notify/wechat/"
    return Parallel(live_server.url)


def pytest_terminal_summary(terminalreporter):
    if Parallel.tried:
        terminalreporter.write_line(
            f"parallel writes: {Parallel.tried} requests, {Parallel.errors} server errors "
            f"({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
        )
