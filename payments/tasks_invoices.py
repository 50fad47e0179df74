"""E-mailing an issued invoice (Django's tasks API), with retries like notifications.tasks.

Issuing enqueues `email_invoice` after its transaction commits. Each run makes one attempt;
a failure is retried by `skillcert.jobs.RetryPolicy` after NOTIFICATIONS_RETRY_DELAYS
(attempts = 1 + len(delays)).
`emailed_at` is set when the mail left; a run for an invoice already e-mailed does nothing.
"""

import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from notifications.conf import setting
from payments.models import InvoiceRequest
from skillcert.jobs import RetryPolicy

logger = logging.getLogger(__name__)


def invoice_email(invoice: InvoiceRequest) -> EmailMessage:
    """The e-mail: what was invoiced, the number, and the PDF attached when there is one."""
    order = invoice.order
    lines = [
        f"{invoice.title}：",
        "",
        f"您缴纳的{order.description}（订单号 {order.code}，金额 {order.amount} 元）的电子发票已开具。",
        f"发票类型：{invoice.get_kind_display()}",
        f"发票抬头：{invoice.title}",
    ]
    if invoice.tax_number:
        lines.append(f"纳税人识别号：{invoice.tax_number}")
    lines.append(f"发票号码：{invoice.invoice_number}")
    lines.append("")
    if invoice.pdf:
        lines.append("电子发票 PDF 见附件，也可登录平台在缴费页面下载。")
    else:
        lines.append("电子发票文件请登录平台在缴费页面查看，或联系内蒙古职业培训与就业促进会。")
    lines += ["", "内蒙古职业培训与就业促进会"]
    message = EmailMessage(subject=f"电子发票 {invoice.invoice_number}", body="\n".join(lines), to=[invoice.email])
    if invoice.pdf:
        with invoice.pdf.open("rb") as handle:
            message.attach(f"发票-{invoice.invoice_number}.pdf", handle.read(), "application/pdf")
    return message


@task
def email_invoice(invoice_id: int, attempt: int = 1) -> str:
    """One attempt to e-mail an issued invoice; returns "sent", "skipped", "retry" or "failed"."""
    with transaction.atomic():
        # The lock keeps a duplicate run from sending the same invoice twice.
        invoice = (
            InvoiceRequest.objects.select_for_update(of=("self",)).select_related("order").filter(pk=invoice_id).first()
        )
        if invoice is None or invoice.state != InvoiceRequest.State.ISSUED or invoice.emailed_at is not None:
            return "skipped"
        try:
            invoice_email(invoice).send(using="default")
        except Exception as error:  # any mailer failure is retried, then logged
            retry = RetryPolicy(setting("NOTIFICATIONS_RETRY_DELAYS")).retry_on_commit(
                email_invoice, invoice_id, attempt + 1, attempts=attempt
            )
            logger.warning(
                "invoice %s e-mail attempt %s failed%s: %s: %s",
                invoice_id,
                attempt,
                ", will retry" if retry else "",
                type(error).__name__,
                error,
            )
            return "failed" if retry is None else "retry"
        invoice.emailed_at = timezone.now()
        invoice.save(update_fields=["emailed_at", "updated_at"])
        return "sent"
