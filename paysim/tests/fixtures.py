"""pytest fixtures for WeChat Pay against the simulator, with no server and no network.

`wechat_sim` routes every outgoing HTTP call of the SDK (`wechatpayv3.core.requests`), of the
adapter's OAuth call and of the simulator's notification delivery into Django's test Client:
the real SDK code signs real requests, the real simulator views check and answer them.
"""

import base64
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpResponse
from django.test import Client, TestCase
from requests.structures import CaseInsensitiveDict

from payments.providers import get_provider, reset_providers
from paysim import services, signing
from paysim.keys import get_keys
from paysim.models import SimNotification, SimRefund, SimTransaction

HOST = "testserver"
GATEWAY = f"http://{HOST}/paysim"
NOTIFY_URL = f"http://{HOST}/payments/notify/wechat/"


@dataclass
class Sent:
    """One request that left through the transport, and what came back."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None


@dataclass
class DjangoTransport:
    """Stands in for the `requests` module: http://testserver/… goes to the Django test Client,
    URLs registered in `receivers` to a callable, anything else fails like a dead network."""

    client: Client = field(default_factory=lambda: Client(HTTP_HOST=HOST))
    receivers: dict[str, Callable[[Sent], tuple[int, bytes]]] = field(default_factory=dict)
    # Called with (status, headers, content) of every simulator answer: a man in the middle.
    tamper: Callable[[int, dict[str, str], bytes], tuple[int, dict[str, str], bytes]] | None = None
    sent: list[Sent] = field(default_factory=list)

    RequestException = requests.RequestException
    ConnectionError = requests.ConnectionError
    Timeout = requests.Timeout
    exceptions = requests.exceptions

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        # Let requests itself build the exact bytes the SDK signed (json= serialisation, params=).
        prepared = requests.Request(
            method.upper(),
            url,
            params=kwargs.get("params"),
            data=kwargs.get("data"),
            json=kwargs.get("json"),
            headers=kwargs.get("headers") or {},
            files=kwargs.get("files"),
        ).prepare()
        body = prepared.body or b""
        body = body.encode() if isinstance(body, str) else body
        sent = Sent(prepared.method, prepared.url, dict(prepared.headers), body)
        self.sent.append(sent)
        parts = urlsplit(prepared.url)
        receiver = next((r for prefix, r in self.receivers.items() if prepared.url.startswith(prefix)), None)
        if receiver is not None:
            status, content = receiver(sent)
            headers = {"Content-Type": "application/json"}
        elif parts.netloc == HOST:
            headers_in = dict(prepared.headers)
            content_type = headers_in.pop("Content-Type", "application/octet-stream")
            headers_in.pop("Content-Length", None)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            # A fresh Client per call: calls nest (a notification handler may query the API).
            answer = Client().generic(prepared.method, path, data=body, content_type=content_type, headers=headers_in)
            content = b"".join(answer.streaming_content) if answer.streaming else answer.content
            status, headers = answer.status_code, dict(answer.items())
            if self.tamper is not None:
                status, headers, content = self.tamper(status, headers, content)
        else:
            raise requests.ConnectionError(f"no network in tests: {prepared.url}")
        sent.status = status
        response = requests.Response()
        response.status_code = status
        response.headers = CaseInsensitiveDict(headers)
        response._content = content
        response.encoding = "utf-8"
        response.url = prepared.url
        response.request = prepared
        return response

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", url, **kwargs)


def _out_trade_no(payment_or_no: Any) -> str:
    return payment_or_no if isinstance(payment_or_no, str) else payment_or_no.out_trade_no


class WeChatSim:
    """Helpers over the simulator for tests: pay like the payer, forge notifications, inspect state."""

    def __init__(self, transport: DjangoTransport) -> None:
        self.transport = transport
        self.client = transport.client  # a second browser: the payer's phone

    @property
    def provider(self):
        return get_provider("wechat")

    @property
    def keys(self):
        return get_keys()

    def transaction(self, payment_or_no: Any) -> SimTransaction:
        return SimTransaction.objects.get(out_trade_no=_out_trade_no(payment_or_no))

    def notifications(self) -> list[SimNotification]:
        return list(SimNotification.objects.order_by("pk"))

    def pay(self, payment_or_no: Any, *, deliver: bool = True, return_url: str = "") -> SimTransaction:
        """The payer confirms on the simulator's page (scan page for Native, JSAPI page for JSAPI).

        With `deliver`, the TRANSACTION.SUCCESS notification is posted to the notify_url
        (normally /payments/notify/wechat/) before this returns; otherwise it stays pending.
        """
        txn = self.transaction(payment_or_no)
        if txn.trade_type == "JSAPI":
            url = "/paysim/jsapi/"
            data = dict(self.provider.jsapi_parameters(txn.prepay_id))
        else:
            url = "/paysim/scan/"
            data = {"code_url": txn.code_url}
        if return_url:
            data["return_url"] = return_url
        page = self.client.get(f"{url}?{urlencode(data)}")
        assert page.status_code == 200, page.content.decode()
        assert "确认支付" in page.content.decode(), page.content.decode()
        with TestCase.captureOnCommitCallbacks(using=DEFAULT_DB_ALIAS, execute=deliver):
            answer = self.client.post(url, {**data, "action": "confirm"})
        assert "支付成功" in answer.content.decode(), answer.content.decode()
        return self.transaction(payment_or_no)

    def deliver_pending(self) -> list[str]:
        """Run one delivery attempt of every pending notification (as the task worker would)."""
        states = []
        for notice in SimNotification.objects.filter(state=SimNotification.State.PENDING).order_by("pk"):
            with TestCase.captureOnCommitCallbacks(using=DEFAULT_DB_ALIAS, execute=False):
                states.append(services.deliver_notification(notice.pk))
        return states

    def notification(
        self,
        payment_or_no: Any,
        *,
        event_type: str = "TRANSACTION.SUCCESS",
        refund: Any = None,
        wrong_signature: bool = False,
        tamper_ciphertext: bool = False,
        age: int = 0,
        unknown_serial: bool = False,
        wrong_apiv3_key: bool = False,
        body: str | None = None,
    ) -> tuple[dict[str, str], bytes]:
        """A notification as WeChat would post it, with knobs for the forgeries WeChat's never are.

        An unpaid transaction is paid first (without delivering anything) so that the resource
        says SUCCESS. For REFUND.* pass the `refund` (a payments Refund or its out_refund_no).
        `body` replaces the JSON entirely (still correctly signed): e.g. malformed JSON.
        """
        txn = self.transaction(payment_or_no)
        if txn.state == SimTransaction.State.NOTPAY and event_type == "TRANSACTION.SUCCESS":
            with TestCase.captureOnCommitCallbacks(using=DEFAULT_DB_ALIAS, execute=False):
                services.pay(txn.out_trade_no, mchid=txn.mchid)
            txn.refresh_from_db()
        sim_refund = None
        if refund is not None:
            out_refund_no = refund if isinstance(refund, str) else refund.out_refund_no
            sim_refund = SimRefund.objects.get(out_refund_no=out_refund_no)
        if body is None:
            body = services.build_notification(
                txn,
                event_type,
                refund=sim_refund,
                apiv3_key=signing.nonce(32) if wrong_apiv3_key else "",
            )
        if tamper_ciphertext:
            data = json.loads(body)
            raw = bytearray(base64.b64decode(data["resource"]["ciphertext"]))
            raw[0] ^= 0x01  # one flipped bit: AES-GCM's tag no longer matches
            data["resource"]["ciphertext"] = base64.b64encode(bytes(raw)).decode()
            body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        headers = services.notification_headers(body, timestamp=int(time.time()) - age)
        if wrong_signature:
            stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            headers["Wechatpay-Signature"] = signing.rsa_sign(
                stranger, f"{headers['Wechatpay-Timestamp']}\n{headers['Wechatpay-Nonce']}\n{body}\n"
            )
        if unknown_serial:
            headers["Wechatpay-Serial"] = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
        return headers, body.encode()

    def post_notification(self, headers: dict[str, str], body: bytes, *, client: Client | None = None) -> HttpResponse:
        """POST a notification to /payments/notify/wechat/ as WeChat would."""
        extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        return (client or Client()).post(
            "/payments/notify/wechat/", data=body, content_type="application/json", headers=extra
        )

    def api(
        self,
        method: str,
        path: str,
        data: dict | None = None,
        *,
        private_key: Any = None,
        serial_no: str = "",
        mchid: str = "",
        timestamp: int | None = None,
        signed_path: str = "",
    ) -> HttpResponse:
        """A raw call to the simulator's API (`path` as the real API's, e.g. "/v3/certificates"),
        signed as the merchant unless told otherwise: for testing the simulator's own checks."""
        from django.conf import settings

        body = json.dumps(data) if data is not None else ""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce_str = signing.nonce()
        message = signing.request_message(method, signed_path or path, stamp, nonce_str, body)
        signature = signing.rsa_sign(private_key or self.keys.merchant_private_key, message)
        authorization = (
            f'{signing.SCHEME} mchid="{mchid or settings.WECHATPAY_MCHID}",nonce_str="{nonce_str}",'
            f'signature="{signature}",timestamp="{stamp}",serial_no="{serial_no or self.keys.merchant_serial_no}"'
        )
        return Client().generic(
            method,
            f"/paysim{path}",
            data=body,
            content_type="application/json",
            headers={"Authorization": authorization},
        )

    def receiver(self, url: str, statuses: list[int] | None = None) -> list[Sent]:
        """Answer requests to `url` (e.g. a test notify_url) with `statuses` in turn (then 204); returns the log."""
        log: list[Sent] = []
        queue = list(statuses or [])

        def answer(sent: Sent) -> tuple[int, bytes]:
            log.append(sent)
            status = queue.pop(0) if queue else 204
            return status, b"" if status == 204 else b'{"code":"FAIL","message":"busy"}'

        self.transport.receivers[url] = answer
        return log


@pytest.fixture
def wechat_sim(settings, tmp_path, monkeypatch) -> Iterator[WeChatSim]:
    """The WeChat Pay adapter talking to the simulator through the Django test Client.

    Needs the database (use it with `db` or a fixture that does). Platform certificates are
    downloaded afresh into a temporary folder for each test.
    """
    settings.WECHATPAY_SIMULATOR = True
    settings.WECHATPAY_GATEWAY = GATEWAY
    settings.WECHATPAY_NOTIFY_URL = NOTIFY_URL
    settings.WECHATPAY_PLATFORM_CERT_DIR = str(tmp_path / "wechatpay-certs")
    settings.WECHATPAY_APIV3_KEY = settings.WECHATPAY_PRIVATE_KEY_FILE = settings.WECHATPAY_CERT_SERIAL_NO = ""
    settings.WECHATPAY_PUBLIC_KEY_FILE = settings.WECHATPAY_PUBLIC_KEY_ID = ""
    transport = DjangoTransport()
    for module in ("wechatpayv3.core", "payments.providers.wechat", "paysim.services"):
        monkeypatch.setattr(f"{module}.requests", transport)
    reset_providers()
    yield WeChatSim(transport)
    reset_providers()
