"""Fixtures for notifications: an outbox file and fake transports (applications come from the root plugins)."""

import json

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    """Console backends write here instead of standard output; default backends otherwise."""
    path = tmp_path / "outbox.txt"
    settings.NOTIFICATIONS_OUTBOX_FILE = str(path)
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.channels.ConsoleSMS"
    settings.NOTIFICATIONS_EMAIL_BACKEND = "notifications.channels.Email"
    settings.NOTIFICATIONS_WECHAT_BACKEND = "notifications.channels.ConsoleWeChat"
    settings.NOTIFICATIONS_SITE_URL = "https://cert.example.cn"
    settings.NOTIFICATIONS_RETRY_DELAYS = [60, 300, 1800]
    cache.clear()
    return path


class FakeTransport:
    """Records each request and answers from a queue of (status, JSON) replies; no network."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.requests = []

    def __call__(self, method, url, body, headers, timeout):
        self.requests.append(
            {"method": method, "url": url, "json": json.loads(body) if body else None, "headers": headers}
        )
        status, answer = self.replies.pop(0)
        return status, json.dumps(answer).encode()
