"""Notification settings with their defaults (docs/operations.md lists them)."""

from django.conf import settings

DEFAULTS = {
    "NOTIFICATIONS_SMS_BACKEND": "notifications.channels.ConsoleSMS",
    "NOTIFICATIONS_EMAIL_BACKEND": "notifications.channels.Email",
    "NOTIFICATIONS_WECHAT_BACKEND": "notifications.channels.ConsoleWeChat",
    # Console backends append here; empty: standard output (like Django's console e-mail).
    "NOTIFICATIONS_OUTBOX_FILE": "",
    # Prefix for links in SMS, e-mail and WeChat ("https://cert.example.cn"); empty: no link.
    "NOTIFICATIONS_SITE_URL": "",
    # Seconds to wait before each retry; attempts = 1 + len(delays).
    "NOTIFICATIONS_RETRY_DELAYS": [60, 300, 1800, 7200],
    "NOTIFICATIONS_HTTP_TIMEOUT": 10,
    "NOTIFICATIONS_SMS_GATEWAY_URL": "",
    "NOTIFICATIONS_SMS_GATEWAY_KEY": "",
    "NOTIFICATIONS_SMS_SIGN": "",
    "NOTIFICATIONS_WECHAT_APP_ID": "",
    "NOTIFICATIONS_WECHAT_APP_SECRET": "",
    # kind -> {"template_id": "...", "data": {"thing1": "title", "time2": "created"}}
    "NOTIFICATIONS_WECHAT_TEMPLATES": {},
}


def setting(name: str):
    return getattr(settings, name, DEFAULTS[name])
