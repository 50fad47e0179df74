import pytest

from audit.kinds import ActionKind, declared_for_a_test


@pytest.fixture(autouse=True)
def _kinds_only_these_tests_record():
    """Names the audit page's filters and payload tests use that no app records (yet)."""
    with declared_for_a_test(
        ActionKind("review.returned", "退回"),
        ActionKind("scoring.entered", "录入成绩"),
        ActionKind("payments.notification.odd", "异常通知"),
    ):
        yield
