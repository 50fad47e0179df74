"""The applicant's payment page and the staff pages of payments, for every role."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from applications.models import Status
from conftest import client_for
from payments import services
from payments.models import Order, Payment
from payments.tests.conftest import ROLES


@pytest.fixture
def order(people, approved):
    return services.open_order(people["applicant"], approved)


# --- Applicant ---------------------------------------------------------------------------------


def test_pay_page_shows_fee_deadline_and_legal_basis(people, approved):
    response = client_for(people["applicant"]).get(reverse("payments:pay", args=[approved.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "¥180.00" in text
    assert "内发改费字[2015]1552号" in text
    assert f"{approved.campaign.payment_closes:%Y年%-m月%-d日}" in text


@pytest.mark.parametrize("role", ROLES)
def test_only_the_applicant_sees_their_pay_page(approved, role, client_as):
    response = client_as(role).get(reverse("payments:pay", args=[approved.pk]))
    expected = {"anon": 302, "applicant": 200}.get(role, 404)
    if role in {"hohhot_co", "baotou_co", "hohhot_reg", "hohhot_expert", "association"}:
        expected = 404  # staff use the staff pages; the pay page is the applicant's own
    assert response.status_code == expected


def test_paying_shows_a_qr_code_and_polls_the_status(people, approved, scripted_wechat):
    client = client_for(people["applicant"])
    response = client.post(reverse("payments:start", args=[approved.pk]))
    assert response.status_code == 302
    page = client.get(reverse("payments:pay", args=[approved.pk])).content.decode()
    assert "<svg" in page and "微信支付二维码" in page
    assert 'hx-trigger="every 3s"' in page
    payment = Payment.objects.get()
    scripted_wechat.success(payment)  # paid; the notification is late
    response = client.post(reverse("payments:status", args=[approved.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    approved.refresh_from_db()
    assert approved.status == Status.PAID
    assert "已缴费" in client.get(reverse("payments:pay", args=[approved.pk])).content.decode()


def test_paying_outside_the_window_says_why_in_place(people, approved, scripted_wechat):
    from catalog.models import Campaign

    Campaign.objects.filter(pk=approved.campaign_id).update(
        payment_opens=timezone.localdate() + timezone.timedelta(days=1)
    )
    client = client_for(people["applicant"])
    response = client.post(reverse("payments:start", args=[approved.pk]), follow=True)
    assert "缴费尚未开始" in response.content.decode()
    assert not Order.objects.exists()


def test_inside_wechat_the_payer_is_identified_first(people, approved, scripted_wechat):
    scripted_wechat.oauth_authorize_url = lambda redirect_uri, state: f"https://open.example/authorize?state={state}"
    client = client_for(people["applicant"])
    response = client.post(
        reverse("payments:start", args=[approved.pk]), HTTP_USER_AGENT="Mozilla/5.0 MicroMessenger/8.0"
    )
    assert response.status_code == 302 and response.url.startswith("https://open.example/authorize")
    assert not Order.objects.exists()


def test_notify_endpoint_of_an_unknown_provider_is_404(client):
    assert client.post("/payments/notify/alipay/", b"{}", content_type="application/json").status_code == 404
    assert client.post("/payments/notify/offline/", b"{}", content_type="application/json").status_code == 404


def test_notify_endpoint_refuses_get(client):
    assert client.get("/payments/notify/wechat/").status_code == 405


# --- Staff -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_orders_list_is_scoped_by_city(other_applicant, order, role, client_as):
    response = client_as(role).get(reverse("payments_staff:orders") + "?campaign=demo")
    expected = {"anon": 302, "applicant": 403, "other_applicant": 403, "hohhot_expert": 403}.get(role, 200)
    assert response.status_code == expected
    if expected == 200:
        shown = order.code in response.content.decode()
        assert shown == (role != "baotou_co")


@pytest.mark.parametrize("role", ROLES)
def test_order_page_is_scoped_by_city(other_applicant, order, role, client_as):
    response = client_as(role).get(reverse("payments_staff:order", args=[order.code]))
    expected = {"anon": 302, "applicant": 403, "other_applicant": 403, "hohhot_expert": 403, "baotou_co": 404}
    assert response.status_code == expected.get(role, 200)


@pytest.mark.parametrize("role", ["hohhot_co", "hohhot_reg"])
def test_city_staff_cannot_record_offline_payments_or_refunds(people, order, role):
    client = client_for(people[role])
    data = {"channel": "cash", "receipt_number": "R1", "amount": "180", "paid_on": timezone.localdate().isoformat()}
    assert client.post(reverse("payments_staff:record_offline", args=[order.code]), data).status_code == 403
    assert client.post(reverse("payments_staff:refund", args=[order.code]), {"payment": 1}).status_code == 403
    assert not Payment.objects.exists()


def test_association_records_an_offline_payment_on_the_order_page(people, order):
    client = client_for(people["association"])
    url = reverse("payments_staff:record_offline", args=[order.code])
    data = {"channel": "bank_transfer", "receipt_number": "", "amount": "18O", "paid_on": "not a date"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "请修改以下问题" in response.content.decode()
    assert not Payment.objects.exists()
    data = {**data, "receipt_number": "NM-1", "amount": "170", "paid_on": timezone.localdate().isoformat()}
    response = client.post(url, data)
    assert response.status_code == 400 and "不一致" in response.content.decode()
    response = client.post(url, {**data, "amount": "180.00"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == Order.State.PAID


def test_the_offline_payment_form_prefills_a_date_the_date_picker_can_show(people, order):
    page = client_for(people["association"]).get(reverse("payments_staff:order", args=[order.code])).content.decode()
    today = timezone.localdate()
    assert f'name="paid_on" value="{today.isoformat()}"' in page  # not 2026/12/02, which shows as empty
    assert f"{today:%Y/%m/%d}" not in page


def test_association_refunds_after_recording_a_withdrawal(people, order):
    services.record_offline_payment(
        people["association"], order, channel="cash", receipt_number="NM-2", amount="180", paid_on=timezone.localdate()
    )
    client = client_for(people["association"])
    page = reverse("payments_staff:order", args=[order.code])
    response = client.post(page, {"leave": "1", "kind": "withdraw", "reason": "本人申请退出"})
    assert response.status_code == 302
    payment = order.payments.get()
    refund_url = reverse("payments_staff:refund", args=[order.code])
    response = client.post(
        refund_url, {"payment": payment.pk, "amount": "200", "reason": "withdrawal", "reference": "HD-1"}
    )
    assert response.status_code == 400 and "超过可退金额" in response.content.decode()
    response = client.post(
        refund_url, {"payment": payment.pk, "amount": "180", "reason": "withdrawal", "reference": "HD-1"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == Order.State.REFUNDED


def test_a_co_organizer_records_a_withdrawal_but_cannot_disqualify(people, order):
    client = client_for(people["hohhot_co"])
    page = reverse("payments_staff:order", args=[order.code])
    assert client.post(page, {"leave": "1", "kind": "disqualify", "reason": "替考"}).status_code == 403
    assert client.post(page, {"leave": "1", "kind": "withdraw", "reason": "调动"}).status_code == 302
    order.refresh_from_db()
    assert order.state == Order.State.CANCELED


WECHAT_BROWSER = "Mozilla/5.0 (iPhone) MicroMessenger/8.0.50"


def test_inside_wechat_the_applicant_pays_with_jsapi_through_the_simulator(people, approved, wechat_sim):
    client = client_for(people["applicant"])
    client.defaults["HTTP_USER_AGENT"] = WECHAT_BROWSER
    start = reverse("payments:start", args=[approved.pk])
    authorize = client.post(start)
    assert authorize.status_code == 302 and "/paysim/connect/oauth2/authorize" in authorize.url
    assert "scope=snsapi_base" in authorize.url
    back = client.get(authorize.url.split("#")[0])  # WeChat sends the payer straight back with a code
    assert back.status_code == 302
    page = client.get(back.url, follow=True)
    assert "已确认您的微信身份" in page.content.decode()
    sheet = client.post(start)
    assert sheet.status_code == 200
    params = sheet.context["jsapi"]
    assert params["package"].startswith("prepay_id=") and params["signType"] == "RSA"
    payment = Payment.objects.get()
    assert payment.channel == "jsapi" and payment.info["openid"]
    # WeChat's payment sheet (the simulator's JSAPI page) checks paySign, then the payer confirms.
    wechat_sim.pay(payment)
    approved.refresh_from_db()
    assert approved.status == Status.PAID


def test_a_forged_oauth_state_is_not_trusted(people, approved, wechat_sim):
    client = client_for(people["applicant"])
    client.defaults["HTTP_USER_AGENT"] = WECHAT_BROWSER
    client.post(reverse("payments:start", args=[approved.pk]))  # sets the expected state
    response = client.get(reverse("payments:pay", args=[approved.pk]) + "?code=stolen&state=guess")
    assert response.status_code == 200
    assert "wechat_openid" not in client.session


def test_an_expired_qr_code_is_not_shown_and_a_new_one_can_be_made(people, approved, scripted_wechat):
    from datetime import timedelta

    client = client_for(people["applicant"])
    client.post(reverse("payments:start", args=[approved.pk]))
    Payment.objects.update(created_at=timezone.now() - timedelta(hours=3))
    page = client.get(reverse("payments:pay", args=[approved.pk])).content.decode()
    assert "<svg" not in page and "微信扫码支付 ¥180.00" in page
    client.post(reverse("payments:start", args=[approved.pk]))
    assert Payment.objects.count() == 2
    assert "<svg" in client.get(reverse("payments:pay", args=[approved.pk])).content.decode()


class _Forms(HTMLParser):
    """The fields of every form on a page, by form id (hidden inputs included)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._current = self.forms.setdefault(attributes.get("id") or f"form-{len(self.forms)}", {})
            self._current["_action"] = attributes.get("action") or ""
        elif tag == "input" and self._current is not None and attributes.get("name"):
            self._current[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _forms(response) -> dict[str, dict[str, str]]:
    parser = _Forms()
    parser.feed(response.content.decode())
    return parser.forms


def _in_wechat(client, openid: str = "oPAYER-wechat") -> None:
    """The payer's WeChat browser, already identified by snsapi_base (see the OAuth test above)."""
    client.defaults["HTTP_USER_AGENT"] = WECHAT_BROWSER
    session = client.session
    session["wechat_openid"] = openid
    session.save()


def test_closing_wechats_sheet_leaves_a_way_to_pay_again_with_the_same_prepay_id(people, approved, wechat_sim):
    client = client_for(people["applicant"])
    _in_wechat(client)
    start = reverse("payments:start", args=[approved.pk])
    first = client.post(start).context["jsapi"]
    # The payer closed the sheet and came back to the pay page: it offers 微信支付 again.
    page = client.get(reverse("payments:pay", args=[approved.pk])).content.decode()
    assert "待支付" in page and "微信支付 ¥180.00" in page and "再次支付" in page
    again = client.post(start)
    assert again.status_code == 200
    assert again.context["jsapi"]["package"] == first["package"]  # the open prepay_id, still valid
    assert Payment.objects.count() == 1
    html = again.content.decode()
    assert "payments/jsapi.js" in html and "onclick" not in html and "<script>" not in html
    assert "您已取消支付" in html and 'id="jsapi-pay"' in html  # what jsapi.js shows on cancel


def test_after_the_reuse_window_paying_again_in_wechat_makes_a_new_attempt(people, approved, wechat_sim):
    from datetime import timedelta

    client = client_for(people["applicant"])
    _in_wechat(client)
    start = reverse("payments:start", args=[approved.pk])
    first = client.post(start).context["jsapi"]
    Payment.objects.update(created_at=timezone.now() - timedelta(minutes=100))  # prepay_id nearly expired
    second = client.post(start).context["jsapi"]
    assert second["package"] != first["package"] and Payment.objects.count() == 2


def test_the_demo_simulator_button_on_the_jsapi_page_works_with_csrf_checks(people, approved, wechat_sim):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["applicant"])
    _in_wechat(client)
    pay_page = client.get(reverse("payments:pay", args=[approved.pk]))
    start = next(form for form in _forms(pay_page).values() if form["_action"].endswith("/pay/start/"))
    sheet_page = client.post(start.pop("_action"), start)
    assert sheet_page.status_code == 200
    simulated = _forms(sheet_page)["simulated-jsapi"]
    assert simulated["csrfmiddlewaretoken"]
    sheet = client.post(simulated.pop("_action"), simulated)
    assert sheet.status_code == 200, sheet.content.decode()[:300]  # was 403: no CSRF token in the form
    assert "确认支付" in sheet.content.decode()
    confirm = next(form for form in _forms(sheet).values() if "paySign" in form)
    confirm.pop("_action")
    done = client.post(reverse("paysim:jsapi"), {**confirm, "action": "confirm"})
    assert "支付成功" in done.content.decode()
    assert f'href="{reverse("payments:pay", args=[approved.pk])}"' in done.content.decode()  # back to our page
    wechat_sim.deliver_pending()  # the simulator's signed notification, queued on commit
    approved.refresh_from_db()
    assert approved.status == Status.PAID


def test_a_sheet_opened_in_wechat_does_not_block_paying_by_qr_code_on_a_computer(people, approved, wechat_sim):
    phone = client_for(people["applicant"])
    _in_wechat(phone)
    phone.post(reverse("payments:start", args=[approved.pk]))
    computer = client_for(people["applicant"])
    page = computer.get(reverse("payments:pay", args=[approved.pk])).content.decode()
    assert "待支付" in page and "微信扫码支付 ¥180.00" in page
    computer.post(reverse("payments:start", args=[approved.pk]))
    assert "<svg" in computer.get(reverse("payments:pay", args=[approved.pk])).content.decode()
    assert sorted(Payment.objects.values_list("channel", flat=True)) == ["jsapi", "native"]
