"""Staff pages of payments: the orders of a campaign, one order with its payments and refunds,
recording offline payments, refunds and 考前退出 / 取消资格."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import has_capability, require
from applications import lifecycle
from catalog import selectors as catalog_selectors
from catalog.models import Campaign
from payments import actions, selectors, services
from payments.forms import LeaveForm, OfflinePaymentForm, OrderFilterForm, RefundForm
from payments.models import Payment, ProviderNotification
from skillcert import exports
from skillcert.refusals import TransitionRefused


def _campaign(request):
    """The campaign asked for, else the one whose payment window is open, else the featured one."""
    key = request.GET.get("campaign")
    today = timezone.localdate()
    if key:
        campaign = catalog_selectors.campaign_by_key(key)
    else:
        paying = Campaign.objects.filter(payment_opens__lte=today, payment_closes__gte=today).order_by("-exam_date")
        campaign = paying.first() or catalog_selectors.featured_campaign(today)
    if campaign is None:
        raise Http404
    return campaign


def _order_rows(request, campaign):
    form = OrderFilterForm(request.GET or None)
    rows = selectors.orders_for(request.user, campaign)
    counts = selectors.state_counts(rows)
    rows = selectors.filtered(rows, **form.cleaned_data) if form.is_valid() else selectors.filtered(rows)
    return form, rows, counts


@login_required
def orders(request):
    require(request.user, "payments.view")
    campaign = _campaign(request)
    form, rows, counts = _order_rows(request, campaign)
    context = {
        "campaign": campaign,
        "can_export_personal_data": exports.can_export_personal_data(request.user),
        "campaigns": catalog_selectors.campaigns(),
        "form": form,
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "counts": counts,
        "can_manage": has_capability(request.user, "payments.manage"),
    }
    return render(request, "payments/orders.html", context)


ORDER_COLUMNS = [
    exports.Column(_("订单号"), lambda o: o.code, 20),
    exports.Column(_("姓名"), lambda o: o.application.full_name, 12),
    exports.Column(_("身份证号码"), lambda o: o.application.id_number, 22, personal="id_number"),
    exports.Column(_("联系电话"), lambda o: o.application.phone, 15, personal="phone"),
    exports.Column(_("盟市"), lambda o: o.city.name, 12),
    exports.Column(_("职业"), lambda o: o.application.occupation.name if o.application.occupation else "", 18),
    exports.Column(_("等级"), lambda o: str(o.application.level or ""), 14),
    exports.Column(_("金额（元）"), lambda o: o.amount, 10),
    exports.Column(_("状态"), lambda o: o.get_state_display(), 10),
    exports.Column(_("缴费时间"), lambda o: o.paid_at, 17),
    exports.Column(_("需核查"), lambda o: o.flagged, 8),
    exports.Column(_("核查原因"), lambda o: o.flag_reason, 30),
]


@require_POST
@login_required
def export(request):
    """The filtered orders (the page's query string) as xlsx; numbers in clear only on request."""
    require(request.user, "payments.view")
    campaign = _campaign(request)
    _form, rows, _counts = _order_rows(request, campaign)
    return exports.export_list(
        request, name="payment_orders", title=_("缴费订单"), columns=ORDER_COLUMNS, rows=rows.iterator(), obj=campaign
    )


def _order(request, code: str):
    require(request.user, "payments.view")
    order = selectors.order_for(request.user, code)
    if order is None:
        raise Http404
    return order


def _order_page(request, order, *, offline_form=None, refund_form=None, leave_form=None, refund_payment=None):
    payments = list(order.payments.prefetch_related("refunds"))
    allowed = actions.allowed_actions(request.user, order)
    context = {
        "order": order,
        "application": order.application,
        "payments": [(p, services.refundable(p) if p.state == Payment.State.CONFIRMED else None) for p in payments],
        "notifications": ProviderNotification.objects.filter(out_trade_no__in=[p.out_trade_no for p in payments])[:50],
        "actions": allowed,
        "offline_form": offline_form or (OfflinePaymentForm(order=order) if allowed.record_offline else None),
        "refund_form": refund_form or RefundForm(),
        "refund_payment": refund_payment,
        "leave_form": leave_form or LeaveForm(),
    }
    status = 400 if any(f is not None and f.is_bound for f in (offline_form, refund_form, leave_form)) else 200
    return render(request, "payments/order.html", context, status=status)


@login_required
def order(request, code: str):
    order = _order(request, code)
    if request.method == "POST" and "leave" in request.POST:
        return _leave(request, order)
    if request.method == "POST" and "sync" in request.POST:
        require(request.user, "payments.manage")
        for payment in order.payments.filter(state__in=services.OPEN_PAYMENT_STATES):
            services.sync_payment(payment)
        messages.success(request, _("已向支付渠道查询最新状态。"))
        return redirect("payments_staff:order", code)
    return _order_page(request, order)


def _leave(request, order):
    form = LeaveForm(request.POST)
    if not form.is_valid():
        return _order_page(request, order, leave_form=form)
    leave = lifecycle.withdraw_after_approval if form.cleaned_data["kind"] == "withdraw" else lifecycle.disqualify
    try:
        leave(request.user, order.application, reason=form.cleaned_data["reason"])
    except TransitionRefused as refusal:
        form.add_error(None, str(refusal))
        return _order_page(request, order, leave_form=form)
    messages.success(request, _("已登记。如已缴费，可在下方办理退费。"))
    return redirect("payments_staff:order", order.code)


@require_POST
@login_required
def record_offline(request, code: str):
    order = _order(request, code)
    require(request.user, "payments.manage")
    form = OfflinePaymentForm(request.POST, order=order)
    if form.is_valid():
        try:
            services.record_offline_payment(request.user, order, **form.cleaned_data)
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("线下缴费已登记，申报状态已更新为“已缴费”。"))
            return redirect("payments_staff:order", code)
    return _order_page(request, order, offline_form=form)


@require_POST
@login_required
def refund(request, code: str):
    order = _order(request, code)
    require(request.user, "payments.manage")
    payment = order.payments.filter(pk=request.POST.get("payment")).first()
    if payment is None:
        raise Http404
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            result = services.request_refund(request.user, payment, **form.cleaned_data)
        except TransitionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("退款 %(no)s：%(state)s。") % {"no": result.out_refund_no, "state": result.get_state_display()},
            )
            return redirect("payments_staff:order", code)
    return _order_page(request, order, refund_form=form, refund_payment=payment)
