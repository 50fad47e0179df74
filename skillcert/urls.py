from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from catalog import views as catalog_views
from skillcert import signing_views, views
from skillcert.api import api

admin.site.site_header = "职业技能等级认定 管理后台"
admin.site.site_title = "skillcert"

urlpatterns = [
    path("", include("catalog.urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("applications.urls")),
    path("", include("payments.urls")),
    path("notifications/", include("notifications.urls")),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/audit/", include("audit.urls")),
    path("staff/review/", include("review.urls")),
    path("staff/payments/", include("payments.staff_urls")),
    path("", include("exams.urls")),
    path("", include("scoring.urls")),
    path("", include("certificates.urls")),
    path("", include("certificates.public_urls")),
    path("staff/catalog/import/", catalog_views.import_catalog_view, name="catalog_import"),
    path("staff/", include("catalog.staff_urls")),
    path("healthz", views.healthz, name="healthz"),
    path(".well-known/jwks.json", signing_views.jwks, name="jwks"),
    path("api/v1/", api.urls),
    # One login for everyone, with its lockout: the admin's own form would bypass it.
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
]

if settings.WECHATPAY_SIMULATOR:  # the local stand-in for api.mch.weixin.qq.com; never in production
    urlpatterns.append(path("paysim/", include("paysim.urls")))

handler400 = "skillcert.errors.bad_request"
handler403 = "skillcert.errors.forbidden"
handler404 = "skillcert.errors.not_found"
handler500 = "skillcert.errors.server_error"
