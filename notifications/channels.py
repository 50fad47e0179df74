"""How a message leaves the site: one small interface, a backend per channel chosen in settings.

Every backend has `send(delivery, to) -> provider message id` and raises on failure:
`PermanentError` when trying again cannot help (the delivery is marked failed at once),
any other exception to be retried later. The defaults write to the console; the real
adapters (HTTP SMS gateway, WeChat template messages) are chosen in settings and talk to
the network only through a `transport`, which tests replace.
"""

import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, Protocol, TextIO

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import User
from notifications.conf import setting
from notifications.kinds import KINDS
from notifications.models import Channel as ChannelName
from notifications.models import Delivery, Message
from skillcert.lib.masking import mask_phone


class Channel(Protocol):
    def send(self, delivery: Delivery, to: str) -> str: ...


class TextChannel(Channel, Protocol):
    """An SMS backend also sends a bare text (one-time codes, which are no inbox message)."""

    def send_text(self, to: str, text: str, reference: str) -> str: ...


class PermanentError(Exception):
    """Retrying cannot help: a refused address, an unsubscribed user, a missing template."""


# (method, url, body, headers, timeout) -> (HTTP status, response body)
Transport = Callable[[str, str, bytes | None, dict[str, str], float], tuple[int, bytes]]


def urllib_transport(
    method: str, url: str, body: bytes | None, headers: dict[str, str], timeout: float
) -> tuple[int, bytes]:
    if not url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"not an http(s) URL: {url!r}")
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 (scheme checked)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (scheme checked)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


_BACKEND_SETTINGS: dict[str, str] = {
    ChannelName.SMS: "NOTIFICATIONS_SMS_BACKEND",
    ChannelName.EMAIL: "NOTIFICATIONS_EMAIL_BACKEND",
    ChannelName.WECHAT: "NOTIFICATIONS_WECHAT_BACKEND",
}


def enabled(channel: str) -> bool:
    """A channel whose backend setting is empty is off: no deliveries are created for it."""
    return bool(setting(_BACKEND_SETTINGS[channel]))


def backend(channel: str) -> Channel:
    return import_string(setting(_BACKEND_SETTINGS[channel]))()


def address(channel: str, user: User) -> str:
    """Where `user` receives `channel`; empty when they cannot. E-mail and WeChat are read
    with getattr: the user model has no such fields yet."""
    if channel == ChannelName.SMS:
        return user.phone or ""
    if channel == ChannelName.EMAIL:
        return getattr(user, "email", "") or ""
    return getattr(user, "wechat_openid", "") or ""


def link(message: Message) -> str:
    """The message's page as an absolute URL for the outside world, or "" without a site URL."""
    site = setting("NOTIFICATIONS_SITE_URL").rstrip("/")
    return f"{site}{message.url}" if site and message.url else ""


def plain_text(message: Message) -> str:
    """What an SMS or e-mail says: the title, the body, the link."""
    lines = [f"{message.title}：{message.body}"]
    if url := link(message):
        lines.append(f"详情：{url}")
    return "\n".join(lines)


# An SMS carries the start of a long message and the link; the inbox has all of it.
SMS_MAX_CHARACTERS = 200


def sms_text(message: Message) -> str:
    """What an SMS says: like `plain_text`, with a long title and body shortened."""
    text = f"{message.title}：{message.body}"
    if len(text) > SMS_MAX_CHARACTERS:
        text = text[: SMS_MAX_CHARACTERS - 1].rstrip() + "…（全文见站内消息）"
    if url := link(message):
        text += f"\n详情：{url}"
    return text


def _reference(delivery: Delivery) -> str:
    """Stable over retries, so a gateway that deduplicates sends once."""
    return f"skillcert-delivery-{delivery.pk}"


class _Outbox:
    """Console backends write to NOTIFICATIONS_OUTBOX_FILE, or to standard output."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        if self.stream is not None:
            self.stream.write(text)
            return
        path = setting("NOTIFICATIONS_OUTBOX_FILE")
        if path:
            with open(path, "a", encoding="utf-8") as file:
                file.write(text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()


class ConsoleSMS(_Outbox):
    """The default SMS backend: writes the text a person would receive (number masked)."""

    def send(self, delivery: Delivery, to: str) -> str:
        return self.send_text(to, sms_text(delivery.message), _reference(delivery))

    def send_text(self, to: str, text: str, reference: str) -> str:
        """A text that is no inbox message (one-time codes: they never enter an inbox)."""
        at = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        self.write(f"--- 短信 {at} → {mask_phone(to)} ({reference})\n{text}\n\n")
        return reference


class HttpSMSGateway:
    """An SMS gateway reached over HTTPS with JSON.

    POST NOTIFICATIONS_SMS_GATEWAY_URL
    Authorization: Bearer NOTIFICATIONS_SMS_GATEWAY_KEY
    Idempotency-Key: skillcert-delivery-<id>
    {"to": "13800000001", "text": "...", "reference": "skillcert-delivery-<id>", "sign": "..."}
    → 2xx {"id": "<provider message id>"}; 400 and 422 are refusals (not retried).
    """

    REFUSED = {400, 422}

    def __init__(
        self,
        *,
        url: str | None = None,
        key: str | None = None,
        sign: str | None = None,
        transport: Transport | None = None,
        timeout: float | None = None,
    ) -> None:
        self.url = url if url is not None else setting("NOTIFICATIONS_SMS_GATEWAY_URL")
        self.key = key if key is not None else setting("NOTIFICATIONS_SMS_GATEWAY_KEY")
        self.sign = sign if sign is not None else setting("NOTIFICATIONS_SMS_SIGN")
        if not self.url or not self.key:
            raise ImproperlyConfigured("NOTIFICATIONS_SMS_GATEWAY_URL and NOTIFICATIONS_SMS_GATEWAY_KEY must be set")
        self.transport = transport or urllib_transport
        self.timeout = timeout or setting("NOTIFICATIONS_HTTP_TIMEOUT")

    def send(self, delivery: Delivery, to: str) -> str:
        return self.send_text(to, sms_text(delivery.message), _reference(delivery))

    def send_text(self, to: str, text: str, reference: str) -> str:
        payload = {"to": to, "text": text, "reference": reference}
        if self.sign:
            payload["sign"] = self.sign
        headers = {
            "Authorization": f"Bearer {self.key}",
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": reference,
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        status, content = self.transport("POST", self.url, body, headers, self.timeout)
        detail = content[:300].decode(errors="replace")
        if status in self.REFUSED:
            raise PermanentError(f"SMS gateway refused ({status}): {detail}")
        if not 200 <= status < 300:
            raise RuntimeError(f"SMS gateway answered {status}: {detail}")
        try:
            return str(json.loads(content or b"{}").get("id", ""))
        except (ValueError, AttributeError):
            return ""


class Email:
    """E-mail through Django's send_mail and the default mailer (settings.MAILERS: console, file, smtp)."""

    def send(self, delivery: Delivery, to: str) -> str:
        send_mail(delivery.message.title, plain_text(delivery.message), None, [to], using="default")
        return ""


# WeChat template data value limits (characters) by key type: thing1, phrase2, character_string3.
_WECHAT_LIMITS = {"thing": 20, "phrase": 5, "character_string": 32}


def _fit(key: str, value: str) -> str:
    limit = _WECHAT_LIMITS.get(key.rstrip("0123456789"))
    if limit and len(value) > limit:
        return value[: limit - 1] + "…"
    return value


def wechat_payload(delivery: Delivery, to: str, templates: dict) -> dict:
    """The JSON body of a template message; PermanentError when the kind has no template."""
    message = delivery.message
    config = templates.get(message.kind)
    if not config or not config.get("template_id"):
        raise PermanentError(f"no WeChat template configured for {message.kind}")
    values = {
        "title": message.title,
        "body": message.body,
        "kind": str(KINDS.get(message.kind, message.kind)),
        "created": timezone.localtime(message.created_at).strftime("%Y年%m月%d日 %H:%M"),
    }
    fields = config.get("data", {})
    if unknown := set(fields.values()) - set(values):
        raise PermanentError(f"WeChat template fields must be {sorted(values)}, got {sorted(unknown)}")
    data = {key: {"value": _fit(key, values[name])} for key, name in fields.items()}
    payload = {"touser": to, "template_id": config["template_id"], "data": data, "client_msg_id": _reference(delivery)}
    if url := link(message):
        payload["url"] = url
    return payload


class ConsoleWeChat(_Outbox):
    """The default WeChat backend: writes what would be sent, never calls WeChat."""

    def send(self, delivery: Delivery, to: str) -> str:
        templates = setting("NOTIFICATIONS_WECHAT_TEMPLATES")
        try:
            payload = wechat_payload(delivery, to, templates)
        except PermanentError:
            payload = {"touser": to, "template_id": "", "text": plain_text(delivery.message)}
        self.write(f"--- 微信模板消息 ({_reference(delivery)})\n{json.dumps(payload, ensure_ascii=False)}\n\n")
        return _reference(delivery)


class WeChatTemplateMessage:
    """The Official Account template-message API.

    The access token comes from the stable-token API (it does not invalidate tokens other
    services hold) and is cached until shortly before it expires.
    """

    TOKEN_URL = "https://api.weixin.qq.com/cgi-bin/stable_token"  # noqa: S105 (a URL, not a secret)
    SEND_URL = "https://api.weixin.qq.com/cgi-bin/message/template/send?access_token={token}"
    TOKEN_ERRORS = {40001, 40014, 42001}  # invalid or expired token: fetch a new one next time
    REFUSED = {40003, 40036, 40037, 43004, 47003}  # bad openid, template, data; user unsubscribed

    def __init__(
        self,
        *,
        app_id: str | None = None,
        app_secret: str | None = None,
        templates: dict[str, Any] | None = None,
        transport: Transport | None = None,
        timeout: float | None = None,
    ) -> None:
        self.app_id = app_id if app_id is not None else setting("NOTIFICATIONS_WECHAT_APP_ID")
        self.app_secret = app_secret if app_secret is not None else setting("NOTIFICATIONS_WECHAT_APP_SECRET")
        if not self.app_id or not self.app_secret:
            raise ImproperlyConfigured("NOTIFICATIONS_WECHAT_APP_ID and NOTIFICATIONS_WECHAT_APP_SECRET must be set")
        self.templates = templates if templates is not None else setting("NOTIFICATIONS_WECHAT_TEMPLATES")
        self.transport = transport or urllib_transport
        self.timeout = timeout or setting("NOTIFICATIONS_HTTP_TIMEOUT")
        self.cache_key = f"notifications:wechat:token:{self.app_id}"

    def _post(self, url: str, payload: dict) -> dict:
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        status, content = self.transport("POST", url, body, headers, self.timeout)
        if status != 200:
            raise RuntimeError(f"WeChat answered HTTP {status}")
        return json.loads(content)

    def access_token(self) -> str:
        if token := cache.get(self.cache_key):
            return token
        answer = self._post(
            self.TOKEN_URL, {"grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret}
        )
        if "access_token" not in answer:
            raise RuntimeError(f"WeChat token: {answer.get('errcode')} {answer.get('errmsg', '')}")
        cache.set(self.cache_key, answer["access_token"], max(int(answer.get("expires_in", 7200)) - 300, 60))
        return answer["access_token"]

    def send(self, delivery: Delivery, to: str) -> str:
        payload = wechat_payload(delivery, to, self.templates)
        answer = self._post(self.SEND_URL.format(token=self.access_token()), payload)
        code = answer.get("errcode", 0)
        if code == 0:
            return str(answer.get("msgid", ""))
        error = f"WeChat {code} {answer.get('errmsg', '')}"
        if code in self.TOKEN_ERRORS:
            cache.delete(self.cache_key)
        if code in self.REFUSED:
            raise PermanentError(error)
        raise RuntimeError(error)
