"""Daily reconciliation with Django: gathering one provider's day (`build_report`) and keeping
the reports (`save_report`, `generate_daily_reports`, `reports`, `stored_xlsx`)."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from audit.services import record
from payments.models import Payment, ReconciliationReport, Refund
from payments.providers import get_provider
from payments.providers.base import BillRow, ProviderError
from payments.reconciliation.comparison import (
    BILL_TIMEZONE,
    PAID_STATES,
    REFUND_DONE,
    Difference,
    PaymentRecord,
    RefundRecord,
    Totals,
    compare,
    is_refund_row,
    totals_of,
)
from payments.reconciliation.workbook import report_xlsx, xlsx_filename
from skillcert.storage import private_storage

logger = logging.getLogger(__name__)

OFFLINE_NOTE = "线下缴费没有渠道账单：请对照收据号、银行流水或现金收据逐笔人工核对。"


# --- Gathering a day -------------------------------------------------------------------------


@dataclass
class Report:
    provider: str
    provider_name: str
    day: date
    generated_at: datetime
    payments: list[PaymentRecord]
    refunds: list[RefundRecord]
    bill: list[BillRow] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    ours: Totals = field(default_factory=Totals)
    bill_totals: Totals | None = None  # None: no bill (offline provider, or fetching it failed)
    bill_error: str = ""
    note: str = ""

    @property
    def has_bill(self) -> bool:
        return self.bill_totals is not None


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first instant of `day` and of the next day, in Beijing time."""
    start = datetime.combine(day, time.min, tzinfo=BILL_TIMEZONE)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=BILL_TIMEZONE)


def provider_ids() -> list[str]:
    return list(settings.PAYMENT_PROVIDERS)


def provider_name(provider_id: str) -> str:
    try:
        return get_provider(provider_id).verbose_name or provider_id
    except (ImportError, ImproperlyConfigured, LookupError):
        return provider_id


def _payment_record(payment: Payment) -> PaymentRecord:
    order = payment.order
    return PaymentRecord(
        out_trade_no=payment.out_trade_no,
        amount=payment.amount,
        state=payment.state,
        confirmed_at=payment.confirmed_at,
        reference=payment.reference,
        state_label=payment.get_state_display(),
        channel=payment.channel,
        order_code=order.code,
        full_name=order.application.full_name,
        city=order.city.name,
        is_duplicate=payment.is_duplicate,
    )


def _refund_record(refund: Refund) -> RefundRecord:
    order = refund.payment.order
    return RefundRecord(
        out_refund_no=refund.out_refund_no,
        out_trade_no=refund.payment.out_trade_no,
        amount=refund.amount,
        state=refund.state,
        done_at=refund.done_at,
        reference=refund.reference,
        state_label=refund.get_state_display(),
        reason=refund.get_reason_display(),
        order_code=order.code,
        full_name=order.application.full_name,
        city=order.city.name,
    )


def build_report(provider_id: str, day: date, *, now: datetime | None = None) -> Report:
    """Our records of `day` for one provider, its bill and the differences (nothing is saved).

    Raises LookupError for a provider that is not in settings.PAYMENT_PROVIDERS.
    """
    if provider_id not in settings.PAYMENT_PROVIDERS:
        raise LookupError(f"payment provider {provider_id!r} is not configured")
    start, end = day_bounds(day)
    payments = (
        Payment.objects.filter(
            provider=provider_id, state__in=PAID_STATES, confirmed_at__gte=start, confirmed_at__lt=end
        )
        .select_related("order__application", "order__city")
        .order_by("confirmed_at", "pk")
    )
    refunds = (
        Refund.objects.filter(payment__provider=provider_id, state=REFUND_DONE, done_at__gte=start, done_at__lt=end)
        .select_related("payment__order__application", "payment__order__city")
        .order_by("done_at", "pk")
    )
    report = Report(
        provider=provider_id,
        provider_name=provider_id,
        day=day,
        generated_at=now or timezone.now(),
        payments=[_payment_record(p) for p in payments],
        refunds=[_refund_record(r) for r in refunds],
    )
    report.ours = totals_of(report.payments, report.refunds)
    try:
        provider = get_provider(provider_id)
    except (ImportError, ImproperlyConfigured) as error:
        logger.exception("reconciliation: provider %s cannot be built", provider_id)
        report.bill_error = f"账单获取失败：支付方式配置有误（{error}）"[:300]
        return report
    report.provider_name = provider.verbose_name or provider_id
    if not provider.online:
        report.note = OFFLINE_NOTE
        return report
    try:
        report.bill = list(provider.trade_bill(day))
    except ProviderError as error:
        logger.warning("reconciliation: bill of %s for %s not fetched: %s", provider_id, day, error)
        report.bill_error = f"账单获取失败：{error}"[:300]
        return report

    ours_nos = {p.out_trade_no for p in report.payments}
    asked_payments = {row.out_trade_no for row in report.bill if not is_refund_row(row)} - ours_nos
    known_payments = {
        p.out_trade_no: _payment_record(p)
        for p in Payment.objects.filter(provider=provider_id, out_trade_no__in=asked_payments).select_related(
            "order__application", "order__city"
        )
    }
    ours_refund_nos = {r.out_refund_no for r in report.refunds}
    asked_refunds = {row.out_refund_no for row in report.bill if is_refund_row(row)} - ours_refund_nos
    known_refunds = {
        r.out_refund_no: _refund_record(r)
        for r in Refund.objects.filter(payment__provider=provider_id, out_refund_no__in=asked_refunds).select_related(
            "payment__order__application", "payment__order__city"
        )
    }
    result = compare(
        report.payments, report.refunds, report.bill, known_payments=known_payments, known_refunds=known_refunds
    )
    report.differences = result.differences
    report.bill_totals = result.bill
    return report


# --- Keeping reports -------------------------------------------------------------------------


def _summary(row: ReconciliationReport) -> dict[str, object]:
    def text(value: object) -> str | None:
        return None if value is None else str(value)

    return {
        "generated_at": row.generated_at.isoformat(),
        "our_payments": [row.our_payment_count, text(row.our_payment_amount)],
        "our_refunds": [row.our_refund_count, text(row.our_refund_amount)],
        "bill_payments": [row.bill_payment_count, text(row.bill_payment_amount)],
        "bill_refunds": [row.bill_refund_count, text(row.bill_refund_amount)],
        "bill_fee": text(row.bill_fee),
        "difference_count": row.difference_count,
        "bill_error": row.bill_error,
    }


def save_report(report: Report, *, actor: User | None = None) -> ReconciliationReport:
    """Keep `report` as the one ReconciliationReport of its provider and day (replacing an
    older one and its file), with an audit event."""
    content = report_xlsx(report)
    bill = report.bill_totals
    values = {
        "generated_at": report.generated_at,
        "generated_by": actor if getattr(actor, "is_authenticated", False) else None,
        "our_payment_count": report.ours.payment_count,
        "our_payment_amount": report.ours.payment_amount,
        "our_refund_count": report.ours.refund_count,
        "our_refund_amount": report.ours.refund_amount,
        "bill_payment_count": bill.payment_count if bill else None,
        "bill_payment_amount": bill.payment_amount if bill else None,
        "bill_refund_count": bill.refund_count if bill else None,
        "bill_refund_amount": bill.refund_amount if bill else None,
        "bill_fee": bill.fee if bill else None,
        "difference_count": len(report.differences),
        "differences": [d.as_json() for d in report.differences],
        "bill_error": report.bill_error,
        "note": report.note,
    }
    for attempt in range(2):
        new_name = ""
        try:
            with transaction.atomic():
                row = (
                    ReconciliationReport.objects.select_for_update()
                    .filter(provider=report.provider, day=report.day)
                    .first()
                )
                before = _summary(row) if row is not None else None
                old_name = row.file.name if row is not None else ""
                if row is None:
                    row = ReconciliationReport(provider=report.provider, day=report.day)
                for name, value in values.items():
                    setattr(row, name, value)
                row.file.save(xlsx_filename(report.provider, report.day), ContentFile(content), save=False)
                new_name = row.file.name or ""
                row.save()
                record(
                    "payments.reconciliation.regenerated" if before else "payments.reconciliation.generated",
                    actor=actor,
                    obj=row,
                    before=before,
                    after={"provider": report.provider, "day": report.day.isoformat(), **_summary(row)},
                )
                if old_name and old_name != new_name:
                    transaction.on_commit(partial(private_storage.delete, old_name), robust=True)
            return row
        except IntegrityError:
            # Two runs created the same day at once: the other one won; replace its report.
            if new_name:
                private_storage.delete(new_name)
            if attempt:
                raise
        except BaseException:
            if new_name:
                private_storage.delete(new_name)
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def generate_daily_reports(
    day: date, actor: User | None = None, *, providers: Sequence[str] | None = None
) -> list[ReconciliationReport]:
    """Build and keep the report of `day` for every configured provider (or the given ones)."""
    now = timezone.now()
    return [save_report(build_report(pid, day, now=now), actor=actor) for pid in providers or provider_ids()]


def reports(*, provider: str = "", with_differences: bool = False) -> QuerySet[ReconciliationReport]:
    """Kept reports, newest day first, for the overview."""
    rows = ReconciliationReport.objects.select_related("generated_by").order_by("-day", "provider")
    if provider:
        rows = rows.filter(provider=provider)
    if with_differences:
        rows = rows.filter(Q(difference_count__gt=0) | ~Q(bill_error=""))
    return rows


def stored_xlsx(provider_id: str, day: date) -> bytes | None:
    """The kept workbook of that day, or None when there is none (or its file is gone)."""
    row = ReconciliationReport.objects.filter(provider=provider_id, day=day).first()
    if row is None or not row.file:
        return None
    try:
        with row.file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:
        logger.warning("reconciliation: file of %s is missing", row)
        return None
