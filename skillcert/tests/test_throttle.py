"""The generic miss throttle: counted per scope and address in a sliding window, shared by workers
through the database, pruned as it goes. Times are passed in, never waited for."""

from datetime import timedelta

import pytest
from django.utils import timezone

from skillcert import throttle
from skillcert.models import ThrottleMiss

pytestmark = pytest.mark.django_db

SCOPE = throttle.declare("tests.lookup", misses="TEST_THROTTLE_MISSES", window="TEST_THROTTLE_WINDOW")


@pytest.fixture(autouse=True)
def limits(settings):
    settings.TEST_THROTTLE_MISSES = 3
    settings.TEST_THROTTLE_WINDOW = 600


def test_an_address_is_throttled_at_the_limit_until_its_oldest_miss_leaves_the_window():
    start = timezone.now()
    for minute in range(3):
        assert throttle.retry_after(SCOPE, "10.0.0.1", now=start + timedelta(minutes=minute)) is None
        throttle.record_miss(SCOPE, "10.0.0.1", now=start + timedelta(minutes=minute))
    assert throttle.retry_after(SCOPE, "10.0.0.1", now=start + timedelta(minutes=3)) == 420
    assert throttle.retry_after(SCOPE, "10.0.0.1", now=start + timedelta(seconds=599)) == 1
    assert throttle.retry_after(SCOPE, "10.0.0.1", now=start + timedelta(seconds=601)) is None


def test_other_addresses_and_scopes_are_counted_apart():
    other = throttle.declare("tests.other", misses="TEST_THROTTLE_MISSES", window="TEST_THROTTLE_WINDOW")
    now = timezone.now()
    for _ in range(3):
        throttle.record_miss(SCOPE, "10.0.0.1", now=now)
    assert throttle.retry_after(SCOPE, "10.0.0.1", now=now)
    assert throttle.retry_after(SCOPE, "10.0.0.2", now=now) is None
    assert throttle.retry_after(other, "10.0.0.1", now=now) is None


def test_an_ipv6_client_is_counted_by_its_64_network():
    now = timezone.now()
    for host in ("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3"):
        throttle.record_miss(SCOPE, host, now=now)
    assert throttle.retry_after(SCOPE, "2001:db8:1:2::99", now=now)
    assert throttle.retry_after(SCOPE, "2001:db8:1:3::1", now=now) is None
    assert throttle.address_key("::ffff:10.1.2.3") == "10.1.2.3"


def test_old_misses_are_pruned_when_a_new_one_comes():
    start = timezone.now()
    throttle.record_miss(SCOPE, "10.0.0.1", now=start)
    throttle.record_miss(SCOPE, "10.0.0.2", now=start)
    throttle.record_miss(SCOPE, "10.0.0.3", now=start + timedelta(seconds=700))
    assert list(ThrottleMiss.objects.values_list("address", flat=True)) == ["10.0.0.3"]


def test_the_limit_and_window_are_read_from_the_settings_at_each_call(settings):
    now = timezone.now()
    throttle.record_miss(SCOPE, "10.0.0.1", now=now)
    assert throttle.retry_after(SCOPE, "10.0.0.1", now=now) is None
    settings.TEST_THROTTLE_MISSES = 1
    assert throttle.retry_after(SCOPE, "10.0.0.1", now=now) == 600


def test_an_undeclared_scope_is_a_mistake():
    with pytest.raises(LookupError):
        throttle.retry_after("tests.nobody", "10.0.0.1")


def test_an_address_under_the_limit_is_not_read_again_until_a_miss_is_recorded_anywhere(
    django_assert_num_queries, settings
):
    assert throttle.retry_after(SCOPE, "10.0.0.9") is None  # read once: under the limit
    with django_assert_num_queries(0):
        assert throttle.retry_after(SCOPE, "10.0.0.9") is None  # remembered: one stat, no query
    # Another worker's misses: rows it wrote and the stamp it renewed.
    now = timezone.now()
    ThrottleMiss.objects.bulk_create(ThrottleMiss(scope=SCOPE, address="10.0.0.9", at=now) for _ in range(3))
    from skillcert.lib.stamps import renew

    renew(settings.THROTTLE_STAMP_FILE)
    assert throttle.retry_after(SCOPE, "10.0.0.9")  # the stamp moved: read again, throttled


def test_a_miss_recorded_here_is_seen_at_the_next_look(django_assert_num_queries):
    assert throttle.retry_after(SCOPE, "10.0.0.8") is None
    for _ in range(3):
        throttle.record_miss(SCOPE, "10.0.0.8")
    assert throttle.retry_after(SCOPE, "10.0.0.8")
