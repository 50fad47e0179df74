"""Invoice pages: the applicant's request and download, the association's list and issuing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.permissions import has_capability, require
from applications.models import Application
from applications.selectors import get_application_for
from payments import actions, invoicing
from payments.forms_invoices import InvoiceFilterForm, InvoiceRequestForm, IssueInvoiceForm
from payments.models import InvoiceRequest, Order
from skillcert.refusals import TransitionRefused

PAGE_SIZE = 50


# --- The applicant ---------------------------------------------------------------------------


def _initial(application, invoice: InvoiceRequest | None) -> dict:
    if invoice is not None:
        return {"kind": invoice.kind, "title": invoice.title, "tax_number": invoice.tax_number, "email": invoice.email}
    return {"kind": InvoiceRequest.Kind.PERSONAL, "title": application.full_name or application.applicant.full_name}


@login_required
def request_invoice(request, pk: int):
    """Ask for (or change) the e-invoice of one's own order; shows the issued invoice once issued."""
    application = get_application_for(request.user, pk, need="own")
    order = Order.objects.filter(application=application).select_related("campaign").first()
    invoice = InvoiceRequest.objects.filter(order=order).first() if order else None
    allowed = actions.allowed_actions(request.user, order, invoice=invoice) if order else None
    status = 200
    form = InvoiceRequestForm(initial=_initial(application, invoice))
    if request.method == "POST":
        if order is None:
            raise Http404
        form = InvoiceRequestForm(request.POST)
        if form.is_valid():
            try:
                invoicing.request_invoice(request.user, order, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            except TransitionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, _("开票信息已保存。发票开具后会发送到您填写的邮箱。"))
                return redirect("payments:invoice_request", pk)
        status = 400
    context = {
        "application": application,
        "order": order,
        "invoice": invoice,
        "form": form,
        "actions": allowed,
        "can_request": allowed is not None and allowed.request_invoice,
        "on_invoice_page": True,
    }
    return render(request, "payments/invoice_request.html", context, status=status)


@login_required
def invoice_pdf(request, pk: int):
    """The issued invoice's PDF: for the applicant of the application and the association only."""
    if has_capability(request.user, "payments.manage"):
        application = get_object_or_404(Application, pk=pk)
    else:
        application = get_application_for(request.user, pk, need="own")
    invoice = invoicing.issued_invoice_of(application)
    if invoice is None:
        raise Http404
    response = FileResponse(
        invoice.pdf.open("rb"),
        as_attachment=True,
        filename=f"发票-{invoice.invoice_number}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- The association -------------------------------------------------------------------------


def _list_context(request, *, failed: tuple[int, IssueInvoiceForm] | None = None) -> dict:
    filter_form = InvoiceFilterForm(request.GET or None)
    rows = invoicing.invoices_for(request.user, **filter_form.filters())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    failed_pk, failed_form = failed if failed else (None, None)
    for invoice in page:
        if invoice.state == InvoiceRequest.State.REQUESTED:
            invoice.issue_form = failed_form if invoice.pk == failed_pk else IssueInvoiceForm(prefix=f"inv{invoice.pk}")
    return {
        "filter_form": filter_form,
        "page": page,
        "failed_form": failed_form,
        "failed_pk": failed_pk,
        "query": request.GET.urlencode(),
    }


@login_required
def invoice_list(request):
    require(request.user, "payments.manage")
    return render(request, "payments/invoices.html", _list_context(request))


@require_POST
@login_required
def issue(request, pk: int):
    """Record an issued invoice (number, optional PDF). Errors are shown beside the row's fields."""
    require(request.user, "payments.manage")
    invoice = get_object_or_404(InvoiceRequest.objects.select_related("order"), pk=pk)
    form = IssueInvoiceForm(request.POST, request.FILES, prefix=f"inv{pk}")
    if form.is_valid():
        try:
            issued = invoicing.issue_invoice(
                request.user, invoice, invoice_number=form.cleaned_data["invoice_number"], pdf=form.cleaned_data["pdf"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("订单 %(order)s 的发票已开具（号码 %(number)s），将发送至 %(email)s。")
                % {"order": issued.order.code, "number": issued.invoice_number, "email": issued.email},
            )
            back = reverse("payments_staff:invoices") + (f"?{request.GET.urlencode()}" if request.GET else "")
            if request.htmx:
                return HttpResponseClientRedirect(back)
            return redirect(back)
    invoice.issue_form = form
    if request.htmx:
        context = {"invoice": invoice, "query": request.GET.urlencode()}
        return render(request, "payments/invoices.html#issue_form", context)
    context = _list_context(request, failed=(pk, form))
    return render(request, "payments/invoices.html", context, status=400)
