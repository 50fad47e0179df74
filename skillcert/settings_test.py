"""Settings for the test suite: fixed keys, fast hashing, plain static files."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "test-field-encryption-key-0123456789abcdef")

from skillcert.settings import *  # noqa: F403
from skillcert.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_AUTOREFRESH = True  # no collectstatic before tests
# Each test process keeps its public reads in memory; conftest empties them for every test.
CACHES = {**CACHES, "public": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "public"}}  # noqa: F405
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

# The public data's version file: per test process (conftest renews it for every test).
PUBLIC_VERSION_FILE = Path(tempfile.mkdtemp(prefix="skillcert-test-public-")) / "version"
THROTTLE_STAMP_FILE = PUBLIC_VERSION_FILE.with_name("throttle-stamp")

# Uploaded files of the test run go to a throwaway folder, never into var/.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="skillcert-test-media-"))

# A file (not in-memory) SQLite test database: the live server's threads then get
# their own connections with the busy timeout, as gunicorn workers do.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.mkdtemp(prefix="skillcert-test-db-")) / "test.sqlite3")}  # noqa: F405

# paysim: the simulator's generated keys and the downloaded platform certificates live in
# throwaway folders, never in var/ (paysim.keys reads PAYSIM_KEY_DIR, default STATE_DIR/paysim).
PAYSIM_KEY_DIR = Path(tempfile.mkdtemp(prefix="skillcert-test-paysim-"))
WECHATPAY_PLATFORM_CERT_DIR = tempfile.mkdtemp(prefix="skillcert-test-wechatpay-certs-")

# Signing keys of the test run: a throwaway folder, the first key made on first use.
SIGNING_KEYS_DIR = tempfile.mkdtemp(prefix="skillcert-test-signing-")
SIGNING_KEYS_AUTO_CREATE = True
