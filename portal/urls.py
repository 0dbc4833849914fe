from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path

from . import health, views
from .api import api
from .auth import ThrottledAdminAuthenticationForm, admin_login

admin.site.site_header = admin.site.site_title = "新潟市マイナンバーカード ポータル管理"
admin.site.index_title = "管理"
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("api/v1/", api.urls),
    # Anything else under /api/ answers in JSON too (API.md: unknown paths are 404).
    re_path(r"^api/", lambda request, *args, **kwargs: JsonResponse({"error": "not_found"}, status=404)),
    path(f"{settings.ADMIN_PATH}login/", admin_login, name="admin_login_throttled"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

# Pages: Japanese at /, English at /en/ (R-… Japanese first, English complete).
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("", include("reservations.urls")),
    path("staff/", include("reservations.counter.urls")),
    path("what-to-bring/", include("eligibility.urls")),
    path("fees/", include("fees.urls")),
    path("guide/", include("portal.info_urls")),
    prefix_default_language=False,
)
