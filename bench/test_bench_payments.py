"""Payments at scale (`make bench`).

* Notifications: BENCH_NOTIFICATIONS (default 300) orders paid through the simulator; each
  signed, encrypted notification goes through the real endpoint (signature check, AES-GCM,
  locks, lifecycle, audit, inbox message). Target: well under 100 ms each.
* Reconciliation: BENCH_PAYMENTS (default 10,000) confirmed payments of one day against a
  bill of the same size with a few planted differences, then the workbook. Target: the
  daily report of a whole province's campaign in under a minute.
"""

import os
import statistics
import time
from datetime import datetime, timedelta
from datetime import time as clock
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.generator import generate
from applications.models import Application, Status
from bench.results import save
from catalog.fees import ensure_demo_fees
from catalog.models import Campaign
from catalog.services import ensure_demo_campaign
from payments import services
from payments.models import Order, Payment
from payments.providers import reset_providers
from payments.providers.base import BillRow, PaymentProvider
from payments.reconciliation import build_report, report_xlsx

NOTIFICATIONS = int(os.environ.get("BENCH_NOTIFICATIONS", "300"))
PAYMENTS = int(os.environ.get("BENCH_PAYMENTS", "10000"))


def _approved_campaign(count: int) -> Campaign:
    """`count` generated applications, approved (bench setup only), with the payment window open."""
    campaign = ensure_demo_campaign(timezone.localdate())[0]
    ensure_demo_fees(campaign)
    generate(campaign, count)
    Application.objects.filter(campaign=campaign).update(status=Status.APPROVED)
    Campaign.objects.filter(pk=campaign.pk).update(payment_opens=timezone.localdate() - timedelta(days=1))
    campaign.refresh_from_db()
    return campaign


@pytest.mark.django_db
def test_notifications_through_the_real_endpoint(catalog_2023, wechat_sim, settings):
    settings.WECHATPAY_NOTIFY_URL = "http://testserver/sink/"  # we post the notifications ourselves
    reset_providers()
    wechat_sim.receiver(settings.WECHATPAY_NOTIFY_URL)
    campaign = _approved_campaign(NOTIFICATIONS)
    payments = []
    for application in Application.objects.filter(campaign=campaign).select_related("applicant"):
        order = services.open_order(application.applicant, application)
        payments.append(services.start_payment(application.applicant, order, channel="native").payment)
    notices = [wechat_sim.notification(payment) for payment in payments]
    timings = []
    for headers, body in notices:
        started = time.perf_counter()
        assert wechat_sim.post_notification(headers, body).status_code == 204
        timings.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    for headers, body in notices[:50]:
        wechat_sim.post_notification(headers, body)
    duplicate_ms = (time.perf_counter() - started) * 1000 / 50
    paid = Application.objects.filter(campaign=campaign, status=Status.PAID).count()
    save(
        "payment-notifications",
        {
            "notifications": len(timings),
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(sorted(timings)[int(len(timings) * 0.95) - 1], 1),
            "duplicate_median_ms": round(duplicate_ms, 1),
        },
    )
    assert paid == NOTIFICATIONS


class _BillOf(PaymentProvider):
    """The day's bill as WeChat would have it, with planted differences."""

    identifier = "wechat"
    online = True
    rows: list[BillRow] = []

    def trade_bill(self, day):
        return self.rows


@pytest.mark.django_db
def test_daily_reconciliation_of_a_province(catalog_2023, settings):
    campaign = _approved_campaign(PAYMENTS)
    day = timezone.localdate()
    noon = timezone.make_aware(datetime.combine(day, clock(12)))
    applications = list(Application.objects.filter(campaign=campaign).values_list("pk", "city_id"))
    orders = Order.objects.bulk_create(
        Order(
            code=f"SCB{pk:013d}",
            application_id=pk,
            campaign=campaign,
            city_id=city,
            amount=Decimal("180.00"),
            description="bench",
            state=Order.State.PAID,
            expires_at=noon + timedelta(days=2),
        )
        for pk, city in applications
    )
    Payment.objects.bulk_create(
        Payment(
            order=order,
            provider="wechat",
            channel="native",
            out_trade_no=f"{order.code}-1",
            amount=order.amount,
            state=Payment.State.CONFIRMED,
            reference=f"42{i:026d}",
            confirmed_at=noon + timedelta(seconds=i),
        )
        for i, order in enumerate(orders)
    )
    rows = [
        BillRow(
            traded_at=(noon + timedelta(seconds=i)).replace(tzinfo=None),
            out_trade_no=f"{order.code}-1",
            transaction_id=f"42{i:026d}",
            trade_state="SUCCESS",
            amount=Decimal("180.00"),
            fee=Decimal("1.08"),
        )
        for i, order in enumerate(orders)
    ]
    planted = 3
    rows = rows[planted:]  # three payments the bill does not have
    _BillOf.rows = rows
    settings.PAYMENT_PROVIDERS = {**settings.PAYMENT_PROVIDERS, "wechat": "bench.test_bench_payments._BillOf"}
    reset_providers()
    started = time.perf_counter()
    report = build_report("wechat", day)
    built_in = time.perf_counter() - started
    started = time.perf_counter()
    workbook = report_xlsx(report)
    written_in = time.perf_counter() - started
    reset_providers()
    save(
        "reconciliation-of-a-day",
        {
            "payments": len(report.payments),
            "bill_rows": len(rows),
            "differences": len(report.differences),
            "build_seconds": round(built_in, 2),
            "xlsx_seconds": round(written_in, 2),
            "xlsx_kib": len(workbook) // 1024,
        },
    )
    assert len(report.payments) == PAYMENTS
    assert len(report.differences) == planted
