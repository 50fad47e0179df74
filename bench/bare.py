"""The ceiling: a bare Django view (no middleware, no database), served like skillcert is.

`gunicorn bench.bare:application` with the project's worker shape; the public-read bench
compares skillcert's public paths with it in the same run.
"""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse("ok", content_type="text/plain")


settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-view-not-secret",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)
urlpatterns = [path("", hello)]
django.setup()
application = get_wsgi_application()
