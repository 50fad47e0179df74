"""SMS for the accounts tests: the console backend writes to a file the tests read codes from."""

import re
from pathlib import Path

import pytest


def without_per_request_values(html: str) -> str:
    """A page without its CSRF token and CSP nonces, to compare what two visitors see."""
    return re.sub(r'[A-Za-z0-9]{64}|nonce="[^"]*"', "", html)


class Outbox:
    def __init__(self, path: Path, capture):
        self.path = path
        self.capture = capture

    def sending(self):
        """Run what is queued after the commit when the block ends (as a real commit would)."""
        return self.capture(execute=True)

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8") if self.path.exists() else ""

    def codes(self) -> list[str]:
        return re.findall(r"验证码 (\d{6})", self.text())

    def last_code(self) -> str:
        codes = self.codes()
        assert codes, f"no code in the SMS outbox:\n{self.text()}"
        return codes[-1]


@pytest.fixture
def sms(settings, tmp_path, django_capture_on_commit_callbacks) -> Outbox:
    """Every SMS of the test goes to an outbox file. Wrap a request in `with sms.sending():`
    to run its after-commit work (the tests' tasks backend is immediate)."""
    path = tmp_path / "sms.txt"
    settings.NOTIFICATIONS_OUTBOX_FILE = str(path)
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.channels.ConsoleSMS"
    return Outbox(path, django_capture_on_commit_callbacks)
