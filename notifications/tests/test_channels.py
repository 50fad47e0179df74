"""Channel backends: what the console writes, and the request contract of the real adapters
(checked with a fake transport: no test, and no default setting, reaches the network)."""

import json
import urllib.request

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from accounts.models import User
from notifications.channels import ConsoleSMS, HttpSMSGateway, PermanentError, WeChatTemplateMessage
from notifications.models import Delivery, DeliveryState
from notifications.services import notify
from notifications.tests.conftest import FakeTransport

OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
TEMPLATES = {
    "application.returned": {
        "template_id": "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
        "data": {"thing1": "title", "thing2": "body", "time3": "created"},
    }
}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to reach the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.fixture
def returned(people, complete_draft):
    """A stored 'returned' message for the applicant and its SMS delivery (not yet sent)."""
    context = {
        "application": complete_draft,
        "url": reverse("applications:detail", args=[complete_draft.pk]),
        "items": [{"label": "证件照", "reason": "照片不是白底"}],
    }
    message = notify(people["applicant"], "application.returned", context=context, obj=complete_draft)
    return message.deliveries.get()


def test_console_sms_writes_what_the_applicant_would_receive(returned, outbox):
    from notifications.tasks import send_delivery

    assert send_delivery.call(returned.pk) == "sent"
    text = outbox.read_text()
    assert "138****0001" in text and "13800000001" not in text  # the number is masked in the log
    assert "申报被退回，请修改：" in text and "1. 证件照：照片不是白底" in text
    assert f"详情：https://cert.example.cn/applications/{returned.message.object_id}/" in text


def test_console_sms_writes_to_standard_output_by_default(returned, settings, capsys):
    settings.NOTIFICATIONS_OUTBOX_FILE = ""
    ConsoleSMS().send(returned, "13800000001")
    assert "照片不是白底" in capsys.readouterr().out


def test_no_link_without_a_site_url(returned, settings, outbox):
    settings.NOTIFICATIONS_SITE_URL = ""
    ConsoleSMS().send(returned, "13800000001")
    assert "详情" not in outbox.read_text()


def test_http_sms_gateway_request_contract(returned):
    transport = FakeTransport((200, {"id": "gw-20231001-1"}))
    gateway = HttpSMSGateway(url="https://sms.example.cn/v1/messages", key="k-123", sign="就促会", transport=transport)
    assert gateway.send(returned, "13800000001") == "gw-20231001-1"
    (request,) = transport.requests
    assert request["method"] == "POST" and request["url"] == "https://sms.example.cn/v1/messages"
    assert request["headers"]["Authorization"] == "Bearer k-123"
    assert request["headers"]["Content-Type"] == "application/json; charset=utf-8"
    assert request["headers"]["Idempotency-Key"] == f"skillcert-delivery-{returned.pk}"
    assert request["json"]["to"] == "13800000001" and request["json"]["sign"] == "就促会"
    assert request["json"]["reference"] == f"skillcert-delivery-{returned.pk}"
    assert request["json"]["text"].startswith("申报被退回，请修改：") and "照片不是白底" in request["json"]["text"]


def test_http_sms_gateway_sends_a_bare_text_with_its_reference(db):
    transport = FakeTransport((200, {"id": "gw-2"}))
    gateway = HttpSMSGateway(url="https://sms.example.cn/v1/messages", key="k-123", transport=transport)
    assert gateway.send_text("13800000001", "验证码 123456", "skillcert-code-7") == "gw-2"
    (request,) = transport.requests
    assert request["json"] == {"to": "13800000001", "text": "验证码 123456", "reference": "skillcert-code-7"}
    assert request["headers"]["Idempotency-Key"] == "skillcert-code-7"


def test_http_sms_gateway_errors_are_retried_and_refusals_are_not(returned):
    with pytest.raises(RuntimeError, match="503"):
        HttpSMSGateway(url="https://sms.example.cn/", key="k", transport=FakeTransport((503, {}))).send(returned, "1")
    with pytest.raises(PermanentError, match="400"):
        HttpSMSGateway(url="https://sms.example.cn/", key="k", transport=FakeTransport((400, {}))).send(returned, "1")


def test_http_sms_gateway_needs_its_url_and_key(settings):
    settings.NOTIFICATIONS_SMS_GATEWAY_URL = "https://sms.example.cn/"
    settings.NOTIFICATIONS_SMS_GATEWAY_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="NOTIFICATIONS_SMS_GATEWAY_KEY"):
        HttpSMSGateway()


GATEWAY = FakeTransport()


class FakeGateway(HttpSMSGateway):
    def __init__(self):
        super().__init__(url="https://sms.example.cn/v1/messages", key="k", transport=GATEWAY)


def test_the_gateway_chosen_in_settings_is_retried_until_it_answers(
    people, complete_draft, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.tests.test_channels.FakeGateway"
    GATEWAY.replies[:] = [(502, {}), (503, {}), (200, {"id": "gw-3"})]
    GATEWAY.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(people["applicant"], "application.submitted", context={"application": complete_draft})
    delivery = message.deliveries.get()
    assert (delivery.state, delivery.attempts, delivery.provider_message_id) == ("sent", 3, "gw-3")
    assert len({r["headers"]["Idempotency-Key"] for r in GATEWAY.requests}) == 1  # one key over the retries


def _wechat(transport, **kwargs):
    return WeChatTemplateMessage(
        app_id="wx-app", app_secret="s3cret", templates=TEMPLATES, transport=transport, **kwargs
    )


def test_wechat_template_message_request_contract(returned):
    transport = FakeTransport(
        (200, {"access_token": "ACCESS_TOKEN", "expires_in": 7200}),
        (200, {"errcode": 0, "errmsg": "ok", "msgid": 200228332}),
        (200, {"errcode": 0, "errmsg": "ok", "msgid": 200228333}),
    )
    wechat = _wechat(transport)
    assert wechat.send(returned, OPENID) == "200228332"
    token, send = transport.requests
    assert token["url"] == "https://api.weixin.qq.com/cgi-bin/stable_token"
    assert token["json"] == {"grant_type": "client_credential", "appid": "wx-app", "secret": "s3cret"}
    assert send["method"] == "POST"
    assert send["url"] == "https://api.weixin.qq.com/cgi-bin/message/template/send?access_token=ACCESS_TOKEN"
    body = send["json"]
    assert body["touser"] == OPENID and body["template_id"] == TEMPLATES["application.returned"]["template_id"]
    assert body["url"] == f"https://cert.example.cn/applications/{returned.message.object_id}/"
    assert body["client_msg_id"] == f"skillcert-delivery-{returned.pk}"
    assert set(body["data"]) == {"thing1", "thing2", "time3"}
    assert body["data"]["thing1"] == {"value": "申报被退回，请修改"}
    assert len(body["data"]["thing2"]["value"]) == 20 and body["data"]["thing2"]["value"].endswith("…")
    assert body["data"]["time3"]["value"].startswith(f"{returned.message.created_at.year}年")
    # The token is cached: the next message costs one request.
    wechat.send(returned, OPENID)
    assert len(transport.requests) == 3


def test_wechat_refusals_and_expired_tokens(returned):
    cache.set("notifications:wechat:token:wx-app", "OLD")
    with pytest.raises(RuntimeError, match="40001"):
        _wechat(FakeTransport((200, {"errcode": 40001, "errmsg": "invalid credential"}))).send(returned, OPENID)
    assert cache.get("notifications:wechat:token:wx-app") is None  # fetched again on the retry
    cache.set("notifications:wechat:token:wx-app", "TOKEN")
    with pytest.raises(PermanentError, match="43004"):
        _wechat(FakeTransport((200, {"errcode": 43004, "errmsg": "require subscribe"}))).send(returned, OPENID)


def test_wechat_without_a_template_for_the_kind_fails_at_once(returned):
    transport = FakeTransport()
    with pytest.raises(PermanentError, match="no WeChat template"):
        WeChatTemplateMessage(app_id="wx", app_secret="s", templates={}, transport=transport).send(returned, OPENID)
    assert transport.requests == []


def test_wechat_template_fields_must_be_known(returned):
    templates = {"application.returned": {"template_id": "t", "data": {"thing1": "nickname"}}}
    with pytest.raises(PermanentError, match="nickname"):
        WeChatTemplateMessage(app_id="wx", app_secret="s", templates=templates, transport=FakeTransport()).send(
            returned, OPENID
        )


def test_wechat_needs_app_credentials(settings):
    settings.NOTIFICATIONS_WECHAT_APP_ID = ""
    with pytest.raises(ImproperlyConfigured, match="NOTIFICATIONS_WECHAT_APP_ID"):
        WeChatTemplateMessage()


def test_the_default_wechat_backend_only_writes_what_it_would_send(
    people, complete_draft, settings, monkeypatch, outbox, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(User, "wechat_openid", OPENID, raising=False)
    settings.NOTIFICATIONS_WECHAT_TEMPLATES = TEMPLATES
    context = {"application": complete_draft, "url": "/applications/1/", "items": []}
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(people["applicant"], "application.returned", context=context)
    assert message.deliveries.get(channel="wechat").state == DeliveryState.SENT
    line = next(line for line in outbox.read_text().splitlines() if line.startswith("{"))
    assert json.loads(line)["touser"] == OPENID and json.loads(line)["template_id"].startswith("ngq")


def test_a_lost_address_fails_the_delivery(returned, people):
    from notifications.tasks import send_delivery

    User.objects.filter(pk=people["applicant"].pk).update(phone="", phone_hash=None)
    assert send_delivery.call(returned.pk) == "failed"
    assert "no address" in Delivery.objects.get(pk=returned.pk).last_error
