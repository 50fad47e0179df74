"""Invoices (发票/单位 or 发票/个人, the notice's 缴费流程): the applicant asks, the association issues.

* The applicant may ask, and change the request, while the order is pending or paid and the
  invoice is not issued yet.
* 单位 needs a title and a valid 统一社会信用代码 (the tax number); 个人 needs the person's name as
  the title and carries no tax number.
* The association issues a paid order's invoice with its number and, usually, the PDF of the
  e-invoice (checked by content like every upload, stored privately). After the commit the
  invoice is e-mailed to the requested address (`payments.tasks_invoices`) and the applicant
  gets an inbox message.
"""

import re
import uuid
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

from accounts.models import User
from accounts.permissions import AnyUser, require
from applications.models import Application
from audit.services import record
from catalog.models import Campaign
from notifications.services import notify
from payments import actions
from payments.models import InvoiceRequest, Order
from skillcert import uploads
from skillcert.jobs import enqueue_on_commit
from skillcert.refusals import TransitionRefused

# A CharField always has its max_length; the stub types every field's as optional.
TITLE_MAX_LENGTH: int = InvoiceRequest._meta.get_field("title").max_length  # type: ignore[assignment]
# 全电发票号码 are 20 digits; older e-invoices have an 8-digit number (and a 12-digit code).
INVOICE_NUMBER_RE = re.compile(r"^[0-9A-Z]{8,40}$")
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


# --- Checks (no database) ----------------------------------------------------------------------


def normalise_tax_number(value: str) -> str:
    """Upper case, without spaces or hyphens (as people copy it from a licence)."""
    return re.sub(r"[\s\-\u3000]", "", value or "").upper()


def check_uscc(value: str) -> str:
    """A valid 统一社会信用代码, normalised; ValueError with a Chinese message naming what is wrong."""
    number = normalise_tax_number(value)
    if not number:
        raise ValueError("单位发票须填写纳税人识别号（统一社会信用代码）。")
    if len(number) != 18:
        raise ValueError(f"统一社会信用代码应为 18 位，当前为 {len(number)} 位。")
    head = list(dict.fromkeys(c for c in number[:8] if c not in "0123456789"))
    tail = list(dict.fromkeys(c for c in number[8:] if c not in _USCC_ALPHABET))
    if head:
        raise ValueError(f"统一社会信用代码前 8 位应为数字，发现“{'、'.join(head)}”。")
    if tail:
        raise ValueError(
            f"统一社会信用代码含有不允许的字符“{'、'.join(tail)}”（只能是数字和大写字母，不含 I、O、S、V、Z）。"
        )
    try:
        return uscc.validate(number)
    except InvalidChecksum:
        raise ValueError("统一社会信用代码的校验位（第 18 位）不正确，请核对是否有输错的字符。") from None
    except InvalidLength:  # pragma: no cover - length checked above
        raise ValueError("统一社会信用代码应为 18 位。") from None
    except StdnumError:
        raise ValueError("统一社会信用代码格式不正确，请核对。") from None


def clean_request(*, kind: str, title: str, tax_number: str, email: str) -> dict[str, str]:
    """The request's values, normalised; ValidationError keyed by field with every problem."""
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    email = (email or "").strip()
    if kind not in InvoiceRequest.Kind.values:
        errors["kind"] = "请选择发票类型（单位或个人）。"
    if not title:
        errors["title"] = (
            "请填写单位名称作为发票抬头。" if kind == InvoiceRequest.Kind.UNIT else "请填写您的姓名作为发票抬头。"
        )
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = f"发票抬头不超过 {TITLE_MAX_LENGTH} 字，当前 {len(title)} 字。"
    if kind == InvoiceRequest.Kind.UNIT:
        try:
            tax_number = check_uscc(tax_number)
        except ValueError as error:
            errors["tax_number"] = str(error)
    else:
        tax_number = ""  # a personal invoice carries no tax number
    if not email:
        errors["email"] = "请填写接收电子发票的邮箱。"
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "邮箱格式不正确，例如 name@example.com。"
    if errors:
        raise ValidationError(errors)
    return {"kind": kind, "title": title, "tax_number": tax_number, "email": email}


def clean_invoice_number(value: str) -> str:
    number = re.sub(r"\s", "", value or "").upper()
    if not number:
        raise ValidationError({"invoice_number": "请填写发票号码。"})
    if not INVOICE_NUMBER_RE.match(number):
        raise ValidationError({"invoice_number": "发票号码只能是数字和字母，8 至 40 位（全电发票号码为 20 位数字）。"})
    return number


# --- Use cases ---------------------------------------------------------------------------------


def _facts(invoice: InvoiceRequest) -> dict[str, str]:
    return {"kind": invoice.kind, "title": invoice.title, "tax_number": invoice.tax_number, "email": invoice.email}


def request_invoice(
    applicant: AnyUser, order: Order, *, kind: str, title: str, tax_number: str = "", email: str
) -> InvoiceRequest:
    """Ask for (or change) the invoice of one's own order, until it is issued."""
    if order.application.applicant_id != getattr(applicant, "pk", None):
        raise PermissionDenied("not the applicant")
    values = clean_request(kind=kind, title=title, tax_number=tax_number, email=email)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        invoice = InvoiceRequest.objects.select_for_update().filter(order=order).first()
        if refusal := actions.invoice_request_refusal(order, invoice):
            raise TransitionRefused(refusal)
        if invoice is None:
            invoice = InvoiceRequest.objects.create(order=order, **values)
            record("payments.invoice.requested", actor=applicant, obj=invoice, after=values, city=order.city)
            return invoice
        before = _facts(invoice)
        if before == values:
            return invoice
        for name, value in values.items():
            setattr(invoice, name, value)
        invoice.save()
        record("payments.invoice.changed", actor=applicant, obj=invoice, before=before, after=values, city=order.city)
        return invoice


def _read_upload(pdf: File) -> bytes:
    size = getattr(pdf, "size", None)
    if size is not None and size > uploads.DOCUMENT_MAX_BYTES:
        # Refused before reading the whole file into memory.
        raise ValidationError({"pdf": f"PDF 文件不能超过 {uploads.DOCUMENT_MAX_BYTES // uploads.MB} MB。"})
    pdf.seek(0)
    return pdf.read(uploads.DOCUMENT_MAX_BYTES + 1)


def issue_invoice(
    actor: User, invoice: InvoiceRequest, *, invoice_number: str, pdf: File | None = None
) -> InvoiceRequest:
    """The association records the issued invoice (number, optional PDF) of a paid order.

    Issuing again with the same number is a no-op; with another number it is refused.
    ValidationError (keyed "invoice_number" / "pdf") for bad input, TransitionRefused for a
    state that does not allow it; nothing is stored then.
    """
    require(actor, "payments.manage")
    number = clean_invoice_number(invoice_number)
    stored_name = ""
    if pdf is not None:
        data = _read_upload(pdf)
        try:
            checked = uploads.check_pdf(data)
        except uploads.UploadRejected as error:
            raise ValidationError({"pdf": str(error)}) from None
        storage = InvoiceRequest.pdf.field.storage
        stored_name = storage.save(
            f"invoices/{timezone.localdate():%Y}/{uuid.uuid4().hex}{checked.extension}", ContentFile(data)
        )
    try:
        with transaction.atomic():
            return _issue(actor, invoice, number, stored_name)
    except BaseException:
        if stored_name:
            InvoiceRequest.pdf.field.storage.delete(stored_name)  # the row was not written: no file left behind
        raise


def _issue(actor: User, invoice: InvoiceRequest, number: str, stored_name: str) -> InvoiceRequest:
    invoice = (
        InvoiceRequest.objects.select_for_update(of=("self",))
        .select_related("order__application__applicant", "order__application__campaign", "order__city")
        .get(pk=invoice.pk)
    )
    order = invoice.order
    if invoice.state == InvoiceRequest.State.ISSUED:
        if invoice.invoice_number == number:
            if stored_name:  # already issued: the new upload is not needed
                transaction.on_commit(partial(InvoiceRequest.pdf.field.storage.delete, stored_name))
            return invoice
        issued_on = f"{timezone.localtime(invoice.issued_at):%Y-%m-%d}"
        raise TransitionRefused(f"该发票已于 {issued_on} 开具（号码 {invoice.invoice_number}），不能重复开具。")
    if order.state != Order.State.PAID:
        raise TransitionRefused(f"订单状态为“{order.get_state_display()}”，缴费到账后才能开具发票。")
    used = InvoiceRequest.objects.filter(invoice_number=number).exclude(pk=invoice.pk).select_related("order").first()
    if used is not None:
        raise ValidationError({"invoice_number": f"发票号码 {number} 已用于订单 {used.order.code}，请核对。"})
    invoice.state = InvoiceRequest.State.ISSUED
    invoice.invoice_number = number
    invoice.issued_by = actor
    invoice.issued_at = timezone.now()
    if stored_name:
        invoice.pdf.name = stored_name
    invoice.save()
    record(
        "payments.invoice.issued",
        actor=actor,
        obj=invoice,
        after={"invoice_number": number, "order": order.code, "pdf": bool(stored_name), **_facts(invoice)},
        city=order.city,
    )
    application = order.application
    notify(
        application.applicant,
        "invoice.issued",
        context={
            "order": order,
            "invoice": invoice,
            "application": application,
            "url": reverse("payments:invoice_request", args=[application.pk]),
        },
        obj=invoice,
    )
    from payments.tasks_invoices import email_invoice

    enqueue_on_commit(email_invoice, invoice.pk)
    return invoice


# --- Reads ------------------------------------------------------------------------------------


def invoices_for(
    user: AnyUser, *, text: str = "", state: str = "", kind: str = "", campaign: Campaign | None = None
) -> QuerySet[InvoiceRequest]:
    """Invoice requests for the association's list, newest request first (payments.manage)."""
    require(user, "payments.manage")
    rows = InvoiceRequest.objects.select_related(
        "order", "order__campaign", "order__city", "order__application", "issued_by"
    ).order_by("-created_at", "-pk")
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    if campaign is not None:
        rows = rows.filter(order__campaign=campaign)
    if text:
        rows = rows.filter(Q(title__icontains=text) | Q(order__code__icontains=text) | Q(invoice_number=text.upper()))
    return rows


def issued_invoice_of(application: Application) -> InvoiceRequest | None:
    """The issued invoice of an application's order, with a PDF, or None."""
    return (
        InvoiceRequest.objects.filter(order__application=application, state=InvoiceRequest.State.ISSUED)
        .exclude(pdf="")
        .first()
    )
