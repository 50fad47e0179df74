"""`/.well-known/jwks.json`: the public keys that verify tickets and certificates, for anyone, cacheable.

No login, no session, no database: the keys are files (skillcert/signing.py). The answer is the same for
every visitor, signed in or not, so it is `public` (the private-pages middleware leaves it so) with an
ETag; a matching If-None-Match is answered 304.
"""

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_safe

from skillcert import signing

JWKS_CONTENT_TYPE = "application/jwk-set+json"  # RFC 7517 §8.5


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _matches(request: HttpRequest, etag: str) -> bool:
    tags = [tag.strip().removeprefix("W/") for tag in request.headers.get("If-None-Match", "").split(",")]
    return etag in tags or "*" in tags


@require_safe
def jwks(request: HttpRequest) -> HttpResponse:
    body = json.dumps(signing.jwks(), separators=(",", ":")).encode()
    etag = _etag(body)
    response = HttpResponseNotModified() if _matches(request, etag) else HttpResponse(body, JWKS_CONTENT_TYPE)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={settings.SIGNING_JWKS_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"  # verifiers in other sites' pages (wallets) may read it
    return response
