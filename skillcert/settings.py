"""Settings for skillcert, read from the environment (see docs/operations.md).

Every value has an embedded default that is safe for `make run` on one machine:
SQLite in var/, secrets generated once into var/, DEBUG off, loopback only.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from skillcert.env import env_bool, env_header, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
STATE_DIR = Path(env_str("SKILLCERT_STATE_DIR", str(BASE_DIR / "var")))

# "production" makes every secret mandatory and refuses demo data.
SKILLCERT_ENV = env_str("SKILLCERT_ENV", "local")
PRODUCTION = SKILLCERT_ENV == "production"

SECRET_KEY = env_secret("SECRET_KEY", STATE_DIR, production=PRODUCTION, nbytes=50)
# Comma-separated; the first key encrypts, all of them decrypt (key rotation).
FIELD_ENCRYPTION_KEY = env_secret("FIELD_ENCRYPTION_KEY", STATE_DIR, production=PRODUCTION)
# Keyed-hash key for exact lookup of encrypted values; defaults to one derived
# from the first encryption key, set it explicitly before rotating that key.
FIELD_LOOKUP_KEY = env_str("FIELD_LOOKUP_KEY", "")

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# How many reverse proxies in front of us append to X-Forwarded-For (0: trust none).
SKILLCERT_TRUSTED_PROXIES = env_int("SKILLCERT_TRUSTED_PROXIES", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs from local static files, not a CDN
    "django_tasks_db",
    "skillcert",
    "accounts",
    "audit",
    "catalog",
    "applications",
    "review",
    "notifications",
    "payments",
    "exams",
    "scoring",
    "certificates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The certificate verification API's answers, before sessions and CSRF (certificates/middleware.py).
    "certificates.middleware.VerifyApiMiddleware",
    # Anonymous reads this worker already rendered, before sessions, locale and CSRF (skillcert/public_cache.py).
    "skillcert.public_cache.PublicReadMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "skillcert.middleware.PrivatePagesNotCachedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "skillcert.urls"
WSGI_APPLICATION = "skillcert.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "notifications.context_processors.unread",
                "skillcert.public_cache.placeholders",  # last: overrides csrf_token and csp_nonce
            ],
            "builtins": ["django_htmx.templatetags.django_htmx"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{STATE_DIR / 'skillcert.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait their turn instead of failing with "database is locked": a transaction
    # takes the write lock when it begins (a deferred one that read first cannot wait for
    # it), the busy timeout is how long it waits, and WAL lets readers go on meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# `public`: anonymous public reads rendered once per version of the catalog data
# (skillcert/public_cache.py). A file cache: every gunicorn worker on the host shares it,
# so an edit shows on every worker at its next request, and a hit reads no database.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "public": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("PUBLIC_CACHE_DIR", str(STATE_DIR / "cache" / "public")),
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# The version of the public data: one small file every web worker checks with a stat.
PUBLIC_VERSION_FILE = Path(env_str("PUBLIC_VERSION_FILE", str(STATE_DIR / "cache" / "public-version")))
# Renewed by every throttled miss (skillcert/throttle.py): workers re-read the misses when it changes.
THROTTLE_STAMP_FILE = Path(env_str("THROTTLE_STAMP_FILE", str(STATE_DIR / "cache" / "throttle-stamp")))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.IdentifierBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:me"
LOGOUT_REDIRECT_URL = "catalog:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.LettersAndDigitsValidator"},
    {"NAME": "accounts.validators.NotPersonalNumberValidator"},
]

# Lockout (docs/architecture.md, "Logging in"): failures are remembered for the window.
# One account from one address: LIMIT free attempts, then a delay doubling from BASE to MAX.
# Past ACCOUNT_LIMIT failures of one account (all addresses), or ADDRESS_ACCOUNTS distinct
# accounts failing from one address, a browser that has not logged in to the account
# before needs an unlock code sent by SMS to the account's own phone.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW = timedelta(minutes=env_int("LOGIN_FAILURE_WINDOW_MINUTES", 24 * 60))
LOGIN_DELAY_BASE = timedelta(seconds=env_int("LOGIN_DELAY_BASE_SECONDS", 60))
LOGIN_DELAY_MAX = timedelta(minutes=env_int("LOGIN_DELAY_MAX_MINUTES", 60))
LOGIN_ACCOUNT_LIMIT = env_int("LOGIN_ACCOUNT_LIMIT", 20)
LOGIN_ADDRESS_ACCOUNTS = env_int("LOGIN_ADDRESS_ACCOUNTS", 30)
KNOWN_DEVICE_DAYS = env_int("KNOWN_DEVICE_DAYS", 180)
# One-time SMS codes (registration, password reset, login unlock).
PHONE_CODE_TTL = timedelta(minutes=env_int("PHONE_CODE_TTL_MINUTES", 10))
PHONE_CODE_ATTEMPTS = env_int("PHONE_CODE_ATTEMPTS", 5)
PHONE_CODE_INTERVAL = timedelta(seconds=env_int("PHONE_CODE_INTERVAL_SECONDS", 60))
# Personal API tokens of staff (accounts.api_tokens): the longest lifetime one may be given, and
# how often its last_used_at is written (a machine calling every second writes once per interval).
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365, minimum=1)
API_TOKEN_USE_INTERVAL = timedelta(seconds=env_int("API_TOKEN_USE_INTERVAL_SECONDS", 300, minimum=0))
PHONE_CODE_PER_PHONE_HOUR = env_int("PHONE_CODE_PER_PHONE_HOUR", 5)
PHONE_CODE_PER_ADDRESS_HOUR = env_int("PHONE_CODE_PER_ADDRESS_HOUR", 30)

# Sessions end after this much inactivity, and never outlive the browser day.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 120) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"  # old browsers; current ones follow the policy's frame-ancestors
SECURE_REFERRER_POLICY = "same-origin"

# --- HTTPS and headers (docs/operations.md, "HTTPS and headers") ------------------------
# Production is served over HTTPS only: redirect plain HTTP and tell browsers to remember
# it. Preload and subdomains reach beyond this host, so they are the operator's choice.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's health check speaks plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# "X-Forwarded-Proto: https" when a proxy terminates TLS and overwrites that header.
SECURE_PROXY_SSL_HEADER = env_header("SECURE_PROXY_SSL_HEADER")
CSRF_FAILURE_VIEW = "skillcert.errors.csrf_failure"

# Content-Security-Policy on every response: scripts only from here or with the request's
# nonce, no plugins, no inline styles. Forms post here, except the JSAPI payment's
# redirect to WeChat's OAuth page (the simulator's own origin in the embedded default).
from urllib.parse import urlsplit  # noqa: E402

from django.utils.csp import CSP  # noqa: E402


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],  # the review screen shows our own PDFs in a frame
    "form-action": [CSP.SELF],  # the WeChat OAuth origin is added in the payments block
}
# --- end HTTPS and headers --------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]  # source strings are Chinese; add a language with makemessages -l
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
# Date inputs render and read ISO dates first (skillcert/formats/zh_Hans/formats.py).
FORMAT_MODULE_PATH = ["skillcert.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Browser libraries installed by npm (package.json, `make install` runs `npm ci`), served from
    # here, never a CDN: the exam-day page's JOSE library and QR decoder (with its WebAssembly).
    ("vendor/jose", BASE_DIR / "node_modules/jose/dist/webapi"),
    ("vendor/zxing-wasm/reader", BASE_DIR / "node_modules/zxing-wasm/dist/iife/reader"),
    ("vendor/zxing-wasm", BASE_DIR / "node_modules/zxing-wasm/dist/reader"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files are private: never under STATIC, served only through views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(STATE_DIR / "media")))
# Stored files (documents, invoices, reconciliation reports: all go through the storage)
# are readable by the service's own user only, whatever its umask.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Upload size: Django's DATA_UPLOAD_MAX_MEMORY_SIZE does not count files, and files above
# FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to a temporary file, so a 20 MB phone photo
# passes; the limits per material are in applications.uploads (and the proxy's, see
# docs/operations.md).

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 100

# Estimated Jaccard similarity (MinHash over character 5-shingles) at or above which two
# technical summaries or papers are flagged as near-duplicates for reviewers.
REVIEW_SIMILARITY_THRESHOLD = env_str("REVIEW_SIMILARITY_THRESHOLD", "0.6")

# --- notifications (docs/operations.md, "Notifications") -------------------------------
import json  # noqa: E402
from typing import Any  # noqa: E402

from django.core.exceptions import ImproperlyConfigured  # noqa: E402


def _notifications_env_json(name: str, default: str) -> Any:
    try:
        return json.loads(env_str(name, default))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be JSON, got {env_str(name)!r}") from None


# A channel's backend is a dotted class path; an empty value switches the channel off.
NOTIFICATIONS_SMS_BACKEND = env_str("NOTIFICATIONS_SMS_BACKEND", "notifications.channels.ConsoleSMS")
NOTIFICATIONS_EMAIL_BACKEND = env_str("NOTIFICATIONS_EMAIL_BACKEND", "notifications.channels.Email")
NOTIFICATIONS_WECHAT_BACKEND = env_str("NOTIFICATIONS_WECHAT_BACKEND", "notifications.channels.ConsoleWeChat")
NOTIFICATIONS_OUTBOX_FILE = env_str("NOTIFICATIONS_OUTBOX_FILE", "")  # console backends; empty: stdout
NOTIFICATIONS_SITE_URL = env_str("NOTIFICATIONS_SITE_URL", "")  # "https://cert.example.cn": links in SMS etc.
# Seconds before each retry of a failed delivery; attempts = 1 + len(delays).
NOTIFICATIONS_RETRY_DELAYS = _notifications_env_json("NOTIFICATIONS_RETRY_DELAYS", "[60, 300, 1800, 7200]")
NOTIFICATIONS_HTTP_TIMEOUT = env_int("NOTIFICATIONS_HTTP_TIMEOUT", 10)
NOTIFICATIONS_SMS_GATEWAY_URL = env_str("NOTIFICATIONS_SMS_GATEWAY_URL", "")
NOTIFICATIONS_SMS_GATEWAY_KEY = env_str("NOTIFICATIONS_SMS_GATEWAY_KEY", "")
NOTIFICATIONS_SMS_SIGN = env_str("NOTIFICATIONS_SMS_SIGN", "")
NOTIFICATIONS_WECHAT_APP_ID = env_str("NOTIFICATIONS_WECHAT_APP_ID", "")
NOTIFICATIONS_WECHAT_APP_SECRET = env_str("NOTIFICATIONS_WECHAT_APP_SECRET", "")
# {"application.returned": {"template_id": "…", "data": {"thing1": "title", "time2": "created"}}, …}
NOTIFICATIONS_WECHAT_TEMPLATES = _notifications_env_json("NOTIFICATIONS_WECHAT_TEMPLATES", "{}")
# E-mail goes through Django's mailers (Django 6.1 replaces EMAIL_BACKEND/EMAIL_HOST… with
# MAILERS). EMAIL_OPTIONS is the backend's OPTIONS as JSON, e.g. for smtp
# {"host": "smtp.example.cn", "port": 465, "username": "…", "password": "…", "use_ssl": true}.
# Production sends through SMTP (default: the local MTA on localhost:25); the console
# backend would drop every message, which `check --deploy` reports as mail.E001.
MAILERS = {
    "default": {
        "BACKEND": env_str(
            "EMAIL_BACKEND",
            "django.core.mail.backends.smtp.EmailBackend"
            if PRODUCTION
            else "django.core.mail.backends.console.EmailBackend",
        ),
        "OPTIONS": _notifications_env_json("EMAIL_OPTIONS", "{}"),
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "skillcert <noreply@localhost>")
# --- end notifications ------------------------------------------------------------------

# --- payments ---------------------------------------------------------------------------
# Providers an order can be paid through (payments.providers.base.PaymentProvider).
PAYMENT_PROVIDERS = {
    "wechat": "payments.providers.wechat.WeChatPayProvider",
    "offline": "payments.providers.offline.OfflineProvider",
}
# The local WeChat Pay v3 simulator (app `paysim`, mounted at /paysim/) stands in for
# api.mch.weixin.qq.com in the embedded default. Production refuses it.
WECHATPAY_SIMULATOR = env_bool("WECHATPAY_SIMULATOR", not PRODUCTION)
if PRODUCTION and WECHATPAY_SIMULATOR:
    raise ImproperlyConfigured("WECHATPAY_SIMULATOR must be off when SKILLCERT_ENV=production")
# Where this site is reachable, for the simulator's calls back to us (make run: loopback).
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}")
WECHATPAY_GATEWAY = env_str(
    "WECHATPAY_GATEWAY", f"{SITE_URL}/paysim" if WECHATPAY_SIMULATOR else "https://api.mch.weixin.qq.com"
)
WECHATPAY_MCHID = env_str("WECHATPAY_MCHID", "1900000109" if WECHATPAY_SIMULATOR else "")
WECHATPAY_APPID = env_str("WECHATPAY_APPID", "wxd678efh567hg6787" if WECHATPAY_SIMULATOR else "")
# The Official Account's AppSecret: JSAPI learns the payer's openid through snsapi_base OAuth.
WECHATPAY_APP_SECRET = env_str("WECHATPAY_APP_SECRET", "")
# APIv3 key (32 bytes), merchant API private key (PEM file) and its certificate's serial number.
WECHATPAY_APIV3_KEY = env_str("WECHATPAY_APIV3_KEY", "")
WECHATPAY_PRIVATE_KEY_FILE = env_str("WECHATPAY_PRIVATE_KEY_FILE", "")
WECHATPAY_CERT_SERIAL_NO = env_str("WECHATPAY_CERT_SERIAL_NO", "")
# Platform certificates are downloaded into this folder (or set the 微信支付公钥 and its id).
WECHATPAY_PLATFORM_CERT_DIR = env_str("WECHATPAY_PLATFORM_CERT_DIR", str(STATE_DIR / "wechatpay-certs"))
WECHATPAY_PUBLIC_KEY_FILE = env_str("WECHATPAY_PUBLIC_KEY_FILE", "")
WECHATPAY_PUBLIC_KEY_ID = env_str("WECHATPAY_PUBLIC_KEY_ID", "")
WECHATPAY_NOTIFY_URL = env_str("WECHATPAY_NOTIFY_URL", f"{SITE_URL}/payments/notify/wechat/")
# Notifications older (or newer) than this many seconds are refused as replays.
WECHATPAY_NOTIFY_MAX_AGE = env_int("WECHATPAY_NOTIFY_MAX_AGE", 300)
WECHATPAY_TIMEOUT = env_int("WECHATPAY_TIMEOUT", 10)
# A pending payment without a notification after this many seconds is queried.
PAYMENTS_QUERY_AFTER = env_int("PAYMENTS_QUERY_AFTER", 120)
# How often `run_periodic` enqueues the payment sweep (seconds); the daily reconciliation time.
PAYMENTS_SWEEP_INTERVAL = env_int("PAYMENTS_SWEEP_INTERVAL", 60)
PAYMENTS_RECONCILE_AT = env_str("PAYMENTS_RECONCILE_AT", "10:30")
# Paying inside WeChat posts a form whose answer redirects to WeChat's OAuth page.
SECURE_CSP["form-action"].append(_origin(WECHATPAY_GATEWAY) if WECHATPAY_SIMULATOR else "https://open.weixin.qq.com")
if WECHATPAY_SIMULATOR:
    INSTALLED_APPS.append("paysim")
    # The simulator's generated merchant and platform keys.
    PAYSIM_KEY_DIR = Path(env_str("PAYSIM_KEY_DIR", str(STATE_DIR / "paysim")))
# --- end payments -----------------------------------------------------------------------

# --- signing keys (docs/operations.md, "Signing keys") ----------------------------------
# Ed25519 keys that sign admission tickets and certificates (skillcert/signing.py), one PEM
# per kid in this folder, outside the repository and the database. Production names the
# folder and creates its key with `manage.py signing_keys create`; the embedded default
# keeps it under STATE_DIR and makes the first key when something first signs.
SIGNING_KEYS_DIR = env_str("SIGNING_KEYS_DIR", "" if PRODUCTION else str(STATE_DIR / "signing-keys"))
SIGNING_KEYS_AUTO_CREATE = env_bool("SIGNING_KEYS_AUTO_CREATE", not PRODUCTION)
# `iss` of every signed document: where verifiers find /.well-known/jwks.json.
SIGNING_ISSUER = env_str("SIGNING_ISSUER", SITE_URL)
# How long browsers and proxies may keep the JWK set (seconds); a rotation shows after at most this.
SIGNING_JWKS_MAX_AGE = env_int("SIGNING_JWKS_MAX_AGE", 3600, minimum=0)
# --- end signing keys -------------------------------------------------------------------

# --- certificates (docs/operations.md, "Certificates") ----------------------------------
# The evaluation body's codes in the national 证书编号 (人社鉴发〔2019〕2号): S a social
# evaluation organisation (Y an employer), 0000 when filed with the province, the province
# (内蒙古 15) and the 6-digit code the province assigned to the body.
CERTIFICATE_BODY_KIND = env_str("CERTIFICATE_BODY_KIND", "S")
CERTIFICATE_BODY_FILING = env_str("CERTIFICATE_BODY_FILING", "0000")
CERTIFICATE_BODY_PROVINCE = env_str("CERTIFICATE_BODY_PROVINCE", "15")
CERTIFICATE_BODY_CODE = env_str("CERTIFICATE_BODY_CODE", "150001")
CERTIFICATE_ISSUER = env_str("CERTIFICATE_ISSUER", "内蒙古职业培训与就业促进会")
# Printed under the QR (人社鉴发〔2021〕1号: the query addresses); this site's page comes first.
CERTIFICATE_QUERY_ADDRESSES = (
    "技能人才评价证书全国联网查询 http://zscx.osta.org.cn/",
    "内蒙古“四位一体”就业服务云平台 https://nmgswyt3.12333k.cn/",
)
# Misses of the public verification (page and API) one address may make in the window before it
# is answered 429 with Retry-After.
CERTIFICATE_VERIFY_MISSES = env_int("CERTIFICATE_VERIFY_MISSES", 10, minimum=1)
CERTIFICATE_VERIFY_WINDOW = env_int("CERTIFICATE_VERIFY_WINDOW", 600, minimum=1)
# Verification hits each worker keeps in memory for the current public data version (0: none).
CERTIFICATE_VERIFY_HELD_ANSWERS = env_int("CERTIFICATE_VERIFY_HELD_ANSWERS", 2048, minimum=0)
# --- end certificates -------------------------------------------------------------------

# Public objections (异议, scoring): objections one address may lodge, and unknown 受理编号 it may
# look up, in the window before it is answered 429 with Retry-After.
OBJECTIONS_PER_ADDRESS = env_int("OBJECTIONS_PER_ADDRESS", 5, minimum=1)
OBJECTIONS_WINDOW = env_int("OBJECTIONS_WINDOW", 3600, minimum=1)
OBJECTION_LOOKUP_MISSES = env_int("OBJECTION_LOOKUP_MISSES", 10, minimum=1)
OBJECTION_LOOKUP_WINDOW = env_int("OBJECTION_LOOKUP_WINDOW", 600, minimum=1)
