"""Invoices: the applicant's request (单位/个人), the association's issuing, the e-mail, the pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, Status
from applications.tests import uploadfixtures as fx
from audit.models import AuditEvent
from conftest import client_for
from notifications.models import Message
from payments import invoicing, tasks_invoices
from payments.models import InvoiceRequest, Order
from payments.tests.conftest import ROLES
from skillcert.refusals import TransitionRefused

VALID_USCC = "91110000802100433B"  # checked with stdnum.cn.uscc
JS_PDF = fx.one_page_pdf(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")
LAUNCH_PDF = fx.one_page_pdf(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >>")
URI_PDF = fx.one_page_pdf(catalog=b"/OpenAction << /S /URI /URI (https://evil.example/opened) >>")


def make_order(application, *, state=Order.State.PENDING, code="SC230925TESTAAAA") -> Order:
    """Test setup only: an order row as the lead's order service would create it."""
    status = Status.PAID if state == Order.State.PAID else Status.APPROVED
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    return Order.objects.create(
        code=code,
        application=application,
        campaign=application.campaign,
        city=application.city,
        amount=Decimal("180.00"),
        description="职业技能等级认定费-汽车维修工四级",
        state=state,
        expires_at=timezone.now() + timedelta(days=3),
        paid_at=timezone.now() if state == Order.State.PAID else None,
    )


@pytest.fixture
def pending_order(people, complete_draft):
    return make_order(complete_draft)


@pytest.fixture
def paid_order(people, complete_draft):
    return make_order(complete_draft, state=Order.State.PAID)


def personal(**changes):
    return {"kind": "personal", "title": "王小明", "tax_number": "", "email": "wang@example.cn", **changes}


def unit(**changes):
    return {
        "kind": "unit",
        "title": "呼和浩特市公路养护中心",
        "tax_number": VALID_USCC,
        "email": "cw@example.cn",
        **changes,
    }


@pytest.fixture
def requested(people, paid_order):
    return invoicing.request_invoice(people["applicant"], paid_order, **unit())


def pdf_upload(data: bytes = b"", name: str = "invoice.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or fx.one_page_pdf(), content_type="application/pdf")


# --- 统一社会信用代码 ---------------------------------------------------------------------------


def test_the_example_uscc_is_valid_and_normalised():
    assert invoicing.check_uscc(VALID_USCC) == VALID_USCC
    assert invoicing.check_uscc(" 9111 0000-8021 00433b ") == VALID_USCC


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9111000080210043", "应为 18 位，当前为 16 位"),
        ("91110000802100433B1", "应为 18 位，当前为 19 位"),
        ("911100008021004I3B", "不允许的字符“I”"),
        ("9111000O802100433B", "前 8 位应为数字，发现“O”"),
        ("91110000802100433A", "校验位（第 18 位）不正确"),
        ("", "须填写纳税人识别号"),
    ],
)
def test_invalid_uscc_says_what_is_wrong(value, message):
    with pytest.raises(ValueError, match=message):
        invoicing.check_uscc(value)


# --- Requesting --------------------------------------------------------------------------------


def test_applicant_requests_a_unit_invoice_while_the_order_is_pending(people, pending_order):
    invoice = invoicing.request_invoice(people["applicant"], pending_order, **unit(tax_number="91110000802100433b"))
    assert invoice.state == InvoiceRequest.State.REQUESTED
    assert invoice.tax_number == VALID_USCC
    event = AuditEvent.objects.get(action="payments.invoice.requested")
    assert event.after["title"] == "呼和浩特市公路养护中心" and event.city == pending_order.city


def test_personal_invoice_clears_the_tax_number(people, pending_order):
    invoice = invoicing.request_invoice(people["applicant"], pending_order, **personal(tax_number=VALID_USCC))
    assert invoice.kind == "personal" and invoice.tax_number == ""


def test_request_can_be_changed_until_issued_and_each_change_is_audited(people, requested):
    changed = invoicing.request_invoice(people["applicant"], requested.order, **personal())
    assert changed.pk == requested.pk and changed.kind == "personal" and changed.tax_number == ""
    event = AuditEvent.objects.get(action="payments.invoice.changed")
    assert event.before["kind"] == "unit" and event.after["kind"] == "personal"
    invoicing.request_invoice(people["applicant"], requested.order, **personal())  # unchanged: no event
    assert AuditEvent.objects.filter(action="payments.invoice.changed").count() == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (unit(title=""), "title", "请填写单位名称"),
        (personal(title="  "), "title", "请填写您的姓名"),
        (unit(tax_number=""), "tax_number", "须填写纳税人识别号"),
        (unit(tax_number="91110000802100433A"), "tax_number", "校验位"),
        (personal(email="wang@"), "email", "邮箱格式不正确"),
        (personal(email=""), "email", "请填写接收电子发票的邮箱"),
        (personal(kind="company"), "kind", "请选择发票类型"),
        (personal(title="王" * 101), "title", "不超过 100 字"),
    ],
)
def test_bad_request_is_refused_with_the_field_and_nothing_saved(people, pending_order, values, field, message):
    with pytest.raises(ValidationError) as caught:
        invoicing.request_invoice(people["applicant"], pending_order, **values)
    assert message in caught.value.message_dict[field][0]
    assert not InvoiceRequest.objects.exists()


def test_only_the_orders_applicant_may_request(people, other_applicant, pending_order):
    for user in (other_applicant, people["association"], people["hohhot_co"]):
        with pytest.raises(PermissionDenied):
            invoicing.request_invoice(user, pending_order, **personal())
    assert not InvoiceRequest.objects.exists()


@pytest.mark.parametrize("state", [Order.State.EXPIRED, Order.State.CANCELED, Order.State.REFUNDED])
def test_no_request_for_an_order_that_is_not_pending_or_paid(people, pending_order, state):
    Order.objects.filter(pk=pending_order.pk).update(state=state)
    with pytest.raises(TransitionRefused, match="不能申请发票"):
        invoicing.request_invoice(people["applicant"], pending_order, **personal())


def test_issued_invoice_cannot_be_changed(people, requested):
    invoicing.issue_invoice(people["association"], requested, invoice_number="23152000000012345678")
    with pytest.raises(TransitionRefused, match="已开具"):
        invoicing.request_invoice(people["applicant"], requested.order, **personal())


# --- Issuing -----------------------------------------------------------------------------------


def test_issuing_stores_the_pdf_emails_it_and_tells_the_applicant(
    people, requested, django_capture_on_commit_callbacks
):
    data = fx.one_page_pdf()
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoicing.issue_invoice(
            people["association"], requested, invoice_number=" 2315 2000 0000 1234 5678 ", pdf=pdf_upload(data)
        )
    invoice.refresh_from_db()
    assert invoice.state == "issued" and invoice.invoice_number == "23152000000012345678"
    assert invoice.issued_by == people["association"] and invoice.issued_at is not None
    assert invoice.pdf.name.startswith("invoices/") and invoice.pdf.name.endswith(".pdf")
    assert "invoice" not in invoice.pdf.name.rsplit("/", 1)[1]  # a generated name, not the client's
    with invoice.pdf.open("rb") as stored:
        assert stored.read() == data
    # The e-mail, with the PDF attached, to the requested address.
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["cw@example.cn"]
    assert "23152000000012345678" in email.subject and "呼和浩特市公路养护中心" in email.body
    assert email.attachments[0].filename == "发票-23152000000012345678.pdf"
    assert email.attachments[0].content == data and email.attachments[0].mimetype == "application/pdf"
    assert invoice.emailed_at is not None
    # The inbox message and the audit event.
    message = Message.objects.get(recipient=people["applicant"], kind="invoice.issued")
    assert "23152000000012345678" in message.body and "cw@example.cn" in message.body
    assert message.url == reverse("payments:invoice_request", args=[requested.order.application_id])
    event = AuditEvent.objects.get(action="payments.invoice.issued")
    assert event.after["invoice_number"] == "23152000000012345678" and event.after["pdf"] is True


def test_issuing_without_a_pdf_emails_the_number(people, requested, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoicing.issue_invoice(people["association"], requested, invoice_number="23152000000012345678")
    assert len(mail.outbox) == 1 and not mail.outbox[0].attachments
    assert "23152000000012345678" in mail.outbox[0].body


def test_the_email_is_retried_and_sent_once(
    people, requested, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_RETRY_DELAYS = [1]
    calls = []
    original = tasks_invoices.EmailMessage.send

    def flaky(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("smtp down")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(tasks_invoices.EmailMessage, "send", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        invoicing.issue_invoice(people["association"], requested, invoice_number="23152000000012345678")
    requested.refresh_from_db()
    assert len(calls) == 2 and len(mail.outbox) == 1 and requested.emailed_at is not None
    assert tasks_invoices.email_invoice.call(requested.pk) == "skipped"  # already sent: never twice
    assert len(mail.outbox) == 1


def test_issuing_before_payment_is_refused(people, pending_order):
    invoice = invoicing.request_invoice(people["applicant"], pending_order, **personal())
    with pytest.raises(TransitionRefused, match="缴费到账后才能开具"):
        invoicing.issue_invoice(people["association"], invoice, invoice_number="23152000000012345678")
    invoice.refresh_from_db()
    assert invoice.state == "requested" and not AuditEvent.objects.filter(action="payments.invoice.issued").exists()


@pytest.mark.parametrize("role", ["applicant", "hohhot_co", "baotou_co", "hohhot_reg", "hohhot_expert"])
def test_only_the_association_issues(people, requested, role):
    with pytest.raises(PermissionDenied):
        invoicing.issue_invoice(people[role], requested, invoice_number="23152000000012345678")
    requested.refresh_from_db()
    assert requested.state == "requested"


@pytest.mark.parametrize(("pdf", "message"), [(JS_PDF, "JavaScript"), (LAUNCH_PDF, ""), (URI_PDF, "网址链接")])
def test_malicious_pdf_is_refused_and_nothing_stored(people, requested, pdf, message):
    files = set(_invoice_files())
    with pytest.raises(ValidationError) as caught:
        invoicing.issue_invoice(
            people["association"], requested, invoice_number="23152000000012345678", pdf=pdf_upload(pdf)
        )
    assert message in caught.value.message_dict["pdf"][0]
    requested.refresh_from_db()
    assert requested.state == "requested" and not requested.pdf
    assert set(_invoice_files()) == files
    assert not mail.outbox


def test_an_issued_invoice_pdf_is_readable_by_the_service_only(people, requested):
    import stat
    from pathlib import Path

    invoice = invoicing.issue_invoice(
        people["association"], requested, invoice_number="23152000000012345678", pdf=pdf_upload()
    )
    path = Path(invoice.pdf.path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def _invoice_files():
    from pathlib import Path

    root = Path(InvoiceRequest.pdf.field.storage.path("invoices"))
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_not_a_pdf_and_too_big_are_refused(people, requested, monkeypatch):
    with pytest.raises(ValidationError) as caught:
        invoicing.issue_invoice(
            people["association"], requested, invoice_number="23152000000012345678", pdf=pdf_upload(fx.photo())
        )
    assert "PDF" in caught.value.message_dict["pdf"][0]
    big = pdf_upload(fx.one_page_pdf())
    monkeypatch.setattr(big, "size", 11 * 1024 * 1024)
    with pytest.raises(ValidationError) as caught:
        invoicing.issue_invoice(people["association"], requested, invoice_number="23152000000012345678", pdf=big)
    assert "不能超过 10 MB" in caught.value.message_dict["pdf"][0]


@pytest.mark.parametrize(
    ("number", "message"), [("", "请填写发票号码"), ("2315-20#", "只能是数字和字母"), ("123", "8 至 40 位")]
)
def test_bad_invoice_number_is_refused(people, requested, number, message):
    with pytest.raises(ValidationError) as caught:
        invoicing.issue_invoice(people["association"], requested, invoice_number=number)
    assert message in caught.value.message_dict["invoice_number"][0]


def test_issuing_twice_same_number_is_a_no_op_other_number_is_refused(
    people, requested, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = invoicing.issue_invoice(people["association"], requested, invoice_number="23152000000012345678")
        again = invoicing.issue_invoice(people["association"], requested, invoice_number="23152000000012345678")
    assert again.issued_at == first.issued_at
    assert AuditEvent.objects.filter(action="payments.invoice.issued").count() == 1
    assert Message.objects.filter(kind="invoice.issued").count() == 1 and len(mail.outbox) == 1
    with pytest.raises(TransitionRefused, match="不能重复开具"):
        invoicing.issue_invoice(people["association"], requested, invoice_number="23152000000099999999")


def test_an_invoice_number_is_used_once(people, requested, complete_draft, other_applicant):
    invoicing.issue_invoice(people["association"], requested, invoice_number="23152000000012345678")
    from applications.services import start_application
    from applications.tests.fixtures import fill

    other = fill(start_application(other_applicant, complete_draft.campaign))
    second = make_order(other, state=Order.State.PAID, code="SC230925TESTBBBB")
    invoice = invoicing.request_invoice(other_applicant, second, **personal(title="李四"))
    with pytest.raises(ValidationError) as caught:
        invoicing.issue_invoice(people["association"], invoice, invoice_number="23152000000012345678")
    assert "已用于订单 SC230925TESTAAAA" in caught.value.message_dict["invoice_number"][0]


# --- Applicant pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_invoice_request_page_is_the_applicants_own(pending_order, role, client_as):
    url = reverse("payments:invoice_request", args=[pending_order.application_id])
    response = client_as(role).get(url)
    assert response.status_code == {"anon": 302, "applicant": 200}.get(role, 404)
    if role == "anon":
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ["other_applicant", "hohhot_co", "association"])
def test_nobody_else_can_post_a_request(pending_order, role, client_as):
    url = reverse("payments:invoice_request", args=[pending_order.application_id])
    response = client_as(role).post(url, personal())
    assert response.status_code == 404 and not InvoiceRequest.objects.exists()


def test_request_page_prefills_the_name_and_saves(people, pending_order):
    client = client_for(people["applicant"])
    url = reverse("payments:invoice_request", args=[pending_order.application_id])
    page = client.get(url).content.decode()
    assert 'value="王小明"' in page and "发票/" not in page
    assert '<label for="id_kind_0">单位</label>' in page and '<label for="id_kind_1">个人</label>' in page
    assert "需填写单位全称和统一社会信用代码" in page and "抬头为您的姓名" in page
    response = client.post(url, unit(tax_number="91110000802100433b"))
    assert response.status_code == 302 and response.url == url
    invoice = InvoiceRequest.objects.get()
    assert invoice.tax_number == VALID_USCC
    page = client.get(url).content.decode()
    assert "呼和浩特市公路养护中心" in page and "待开具" in page


def test_request_page_shows_errors_in_place(people, pending_order):
    url = reverse("payments:invoice_request", args=[pending_order.application_id])
    response = client_for(people["applicant"]).post(url, unit(tax_number="91110000802100433A", email="x@"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert 'id="id_tax_number-error"' in page and "校验位" in page
    assert 'id="id_email-error"' in page and "邮箱格式不正确" in page
    assert not InvoiceRequest.objects.exists()


def test_request_page_without_an_order_explains(people, complete_draft):
    url = reverse("payments:invoice_request", args=[complete_draft.pk])
    client = client_for(people["applicant"])
    assert "生成缴费订单后" in client.get(url).content.decode()
    assert client.post(url, personal()).status_code == 404


def test_issued_invoice_shown_with_download_and_no_form(people, requested):
    invoicing.issue_invoice(people["association"], requested, invoice_number="23152000000012345678", pdf=pdf_upload())
    url = reverse("payments:invoice_request", args=[requested.order.application_id])
    page = client_for(people["applicant"]).get(url).content.decode()
    assert (
        "23152000000012345678" in page
        and reverse("payments:invoice_pdf", args=[requested.order.application_id]) in page
    )
    assert "保存开票信息" not in page


@pytest.mark.parametrize("role", ROLES)
def test_invoice_pdf_for_the_owner_and_the_association_only(people, requested, role, client_as):
    data = fx.one_page_pdf()
    invoicing.issue_invoice(
        people["association"], requested, invoice_number="23152000000012345678", pdf=pdf_upload(data)
    )
    url = reverse("payments:invoice_pdf", args=[requested.order.application_id])
    response = client_as(role).get(url)
    expected = {"anon": 302, "applicant": 200, "association": 200}.get(role, 404)
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content) == data


def test_no_pdf_download_before_issuing(people, requested):
    url = reverse("payments:invoice_pdf", args=[requested.order.application_id])
    assert client_for(people["applicant"]).get(url).status_code == 404
    assert client_for(people["association"]).get(url).status_code == 404


def test_summary_partial_renders_every_state(people, pending_order):
    from django.template.loader import render_to_string

    from payments.actions import allowed_actions

    def render(invoice):
        actions = allowed_actions(people["applicant"], pending_order, invoice=invoice)
        context = {"order": pending_order, "invoice": invoice, "actions": actions}
        return render_to_string("payments/_invoice_summary.html", context)

    assert "申请开具发票" in render(None)
    invoice = invoicing.request_invoice(people["applicant"], pending_order, **unit())
    text = render(invoice)
    assert "修改开票信息" in text and VALID_USCC in text and "缴费完成后由就促会开具" in text


# --- Staff pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_invoice_list_is_for_the_association(requested, role, client_as):
    response = client_as(role).get(reverse("payments_staff:invoices"))
    assert response.status_code == {"anon": 302, "association": 200}.get(role, 403)
    if role == "association":
        assert "呼和浩特市公路养护中心" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_association_can_post_an_issue(requested, role, client_as):
    url = reverse("payments_staff:invoice_issue", args=[requested.pk])
    response = client_as(role).post(url, {f"inv{requested.pk}-invoice_number": "23152000000012345678"})
    assert response.status_code == {"anon": 302, "association": 302}.get(role, 403)
    requested.refresh_from_db()
    assert requested.state == ("issued" if role == "association" else "requested")


def test_invoice_list_filters_and_search(people, requested):
    client = client_for(people["association"])
    url = reverse("payments_staff:invoices")
    assert "呼和浩特市公路养护中心" in client.get(url, {"text": "养护"}).content.decode()
    assert "呼和浩特市公路养护中心" in client.get(url, {"text": requested.order.code.lower()}).content.decode()
    assert "呼和浩特市公路养护中心" not in client.get(url, {"text": "包头"}).content.decode()
    assert "呼和浩特市公路养护中心" not in client.get(url, {"state": "issued"}).content.decode()
    assert "呼和浩特市公路养护中心" not in client.get(url, {"kind": "personal"}).content.decode()
    assert (
        "呼和浩特市公路养护中心"
        in client.get(url, {"campaign": requested.order.campaign.slug, "kind": "unit"}).content.decode()
    )
    assert "呼和浩特市公路养护中心" not in client.get(url, {"campaign": "2023"}).content.decode()


def test_issue_form_errors_in_place(people, requested):
    url = reverse("payments_staff:invoice_issue", args=[requested.pk])
    response = client_for(people["association"]).post(
        url, {f"inv{requested.pk}-invoice_number": "12", f"inv{requested.pk}-pdf": pdf_upload(JS_PDF)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert f'id="id_inv{requested.pk}-invoice_number-error"' in page
    requested.refresh_from_db()
    assert requested.state == "requested"


def test_issue_with_pdf_through_the_page_and_htmx(people, requested, django_capture_on_commit_callbacks):
    url = reverse("payments_staff:invoice_issue", args=[requested.pk])
    client = client_for(people["association"])
    bad = client.post(url, {f"inv{requested.pk}-invoice_number": ""}, headers={"HX-Request": "true"})
    assert bad.status_code == 200 and "请填写发票号码" in bad.content.decode()
    assert "<html" not in bad.content.decode()  # the row's form only
    with django_capture_on_commit_callbacks(execute=True):
        good = client.post(
            url,
            {f"inv{requested.pk}-invoice_number": "23152000000012345678", f"inv{requested.pk}-pdf": pdf_upload()},
            headers={"HX-Request": "true"},
        )
    assert good.status_code == 200 and good["HX-Redirect"] == reverse("payments_staff:invoices")
    requested.refresh_from_db()
    assert requested.state == "issued" and requested.pdf and requested.emailed_at
    assert mail.outbox[0].attachments


def test_list_pages_through_many_invoices(people, requested):
    page = client_for(people["association"]).get(reverse("payments_staff:invoices"), {"page": "99"})
    assert page.status_code == 200 and "共 1 条" in page.content.decode()
