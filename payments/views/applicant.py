"""The applicant's payment page, and the endpoint providers post their notifications to."""

import logging

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from applications.models import Status
from applications.selectors import get_application_for
from audit.middleware import client_ip
from payments import actions, services
from payments.models import Order, Payment
from payments.providers import get_provider
from payments.providers.base import ProviderError
from payments.services.common import REUSE_ATTEMPT_FOR
from skillcert.refusals import TransitionRefused

logger = logging.getLogger(__name__)

OPENID_SESSION_KEY = "wechat_openid"


def _in_wechat(request) -> bool:
    return "MicroMessenger" in request.headers.get("User-Agent", "")


def _client_ip(request) -> str:
    return client_ip(request) or "127.0.0.1"


def _context(request, application) -> dict:
    order = Order.objects.filter(application=application).select_related("campaign").first()
    allowed = actions.allowed_actions(request.user, order) if order is not None else None
    open_payment = open_native = None
    if order is not None and order.is_pending:
        # An attempt older than this has an expired QR code: the applicant starts a new one.
        fresh = timezone.now() - REUSE_ATTEMPT_FOR
        attempts = order.payments.filter(provider="wechat", state=Payment.State.PENDING, created_at__gte=fresh)
        open_payment = attempts.order_by("-created_at").first()
        open_native = attempts.filter(channel="native").order_by("-created_at").first()
    fee = order.amount if order else services.fee_of(application)
    # Before the order exists (it is opened by the first tap), the application decides.
    payable = bool(fee) and (allowed.pay if allowed is not None else application.status == Status.APPROVED)
    return {
        "application": application,
        "campaign": application.campaign,
        "order": order,
        "fee": fee,
        "confirmed": order.payments.filter(state__in=[Payment.State.CONFIRMED, Payment.State.REFUNDED]).first()
        if order
        else None,
        "refunds": [r for p in order.payments.all() for r in p.refunds.all()] if order else [],
        "open_payment": open_payment,
        "code_url": open_native.info.get("code_url", "") if open_native else "",
        "qr_svg": _qr(open_native),
        "invoice": getattr(order, "invoice", None) if order else None,
        "actions": allowed,
        "in_wechat": _in_wechat(request),
        "simulator": settings.WECHATPAY_SIMULATOR,
        "payable_status": application.status == Status.APPROVED,
        # Outside WeChat a shown QR code is the way to pay; inside WeChat the button is, even
        # while an attempt is open (the payer closed the sheet): it reuses that prepay_id.
        "can_start": payable and (open_native is None or _in_wechat(request)),
    }


def _qr(payment: Payment | None) -> str:
    code_url = payment.info.get("code_url") if payment and payment.channel == "native" else ""
    if not code_url:
        return ""
    return segno.make(code_url, error="m").svg_inline(scale=5, title=_("微信支付二维码"))


@login_required
def pay(request, pk: int):
    application = get_application_for(request.user, pk, need="own")
    if (
        _in_wechat(request)
        and request.GET.get("code")
        and request.GET.get("state") == request.session.get("oauth_state")
    ):
        try:
            request.session[OPENID_SESSION_KEY] = get_provider("wechat").openid_for_code(request.GET["code"])
        except ProviderError as error:
            messages.error(request, str(error))
        else:
            messages.info(request, _("已确认您的微信身份，请点击“微信支付”继续。"))
        return redirect("payments:pay", pk)
    return render(request, "payments/pay.html", _context(request, application))


@require_POST
@login_required
def start(request, pk: int):
    application = get_application_for(request.user, pk, need="own")
    channel = "jsapi" if _in_wechat(request) else "native"
    openid = request.session.get(OPENID_SESSION_KEY, "")
    if channel == "jsapi" and not openid:
        # snsapi_base: WeChat tells us who the payer is, without a consent screen.
        state = get_random_string(16)
        request.session["oauth_state"] = state
        callback = request.build_absolute_uri(reverse("payments:pay", args=[pk]))
        return redirect(get_provider("wechat").oauth_authorize_url(callback, state))
    try:
        order = services.open_order(request.user, application)
        started = services.start_payment(
            request.user, order, channel=channel, client_ip=_client_ip(request), openid=openid
        )
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("payments:pay", pk)
    if channel == "jsapi":
        context = {**_context(request, application), "jsapi": started.instructions.jsapi}
        return render(request, "payments/jsapi.html", context)
    return redirect("payments:pay", pk)


@login_required
def status(request, pk: int):
    """The status panel, polled by htmx while a QR code is shown; POST asks the provider now."""
    application = get_application_for(request.user, pk, need="own")
    order = Order.objects.filter(application=application).first()
    if order is None:
        raise Http404
    if request.method == "POST":
        try:
            services.refresh_order(request.user, order)
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
        if not request.htmx:
            return redirect("payments:pay", pk)
    application.refresh_from_db()
    response = render(request, "payments/pay.html#status", _context(request, application))
    if not actions.allowed_actions(request.user, order).pay:
        response["HX-Refresh"] = "true"  # paid: show the whole page in its new state
    return response


@csrf_exempt  # authenticated by the provider's signature, not a session
@require_POST
def notify(request, provider: str):
    if provider not in settings.PAYMENT_PROVIDERS or not get_provider(provider).online:
        raise Http404
    answer = services.handle_notification(provider, dict(request.headers), request.body)
    if answer.status == 204:
        return HttpResponse(status=204)
    response = JsonResponse(answer.body, status=answer.status, json_dumps_params={"ensure_ascii": False})
    if answer.rejection:
        # handle_notification logged the one WARNING line with the reason; Django's own marker
        # keeps django.request from adding a bare "Unauthorized: …" line for a forgery.
        response._has_been_logged = True
    return response
