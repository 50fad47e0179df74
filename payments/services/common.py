"""What the use cases of payments share: states, lifetimes, dates."""

from datetime import date, timedelta

from payments.states import OPEN_PAYMENT_STATES

__all__ = ["ATTEMPT_LIFETIME", "OFFLINE_CHANNELS", "OPEN_PAYMENT_STATES", "REUSE_ATTEMPT_FOR", "chinese_date"]

# A Native code_url is valid for two hours; reuse an attempt younger than this.
REUSE_ATTEMPT_FOR = timedelta(minutes=90)
ATTEMPT_LIFETIME = timedelta(hours=2)
OFFLINE_CHANNELS = ("bank_transfer", "cash")


def chinese_date(value: date) -> str:
    return f"{value:%Y年%-m月%-d日}"
