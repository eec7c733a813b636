from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from masthead.api.api import api
from masthead.core import views as core_views

admin.site.site_header = f"{settings.SITE_NAME} — newsroom desk"
admin.site.site_title = settings.SITE_NAME

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("favicon.ico", core_views.favicon),
    path("accounts/", include("allauth.urls")),
    path("", include("masthead.accounts.urls")),
    path("", include("masthead.community.urls")),
    path("", include("masthead.membership.urls")),
    path("", include("masthead.moderation.urls")),
    path("", include("masthead.comments.urls")),
    path("", include("masthead.newsroom.urls")),
]

if settings.SERVE_MEDIA:
    # Uploaded images for a one-machine install; at scale a proxy or object store serves them.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))

handler400 = "masthead.core.views.bad_request"
handler403 = "masthead.core.views.permission_denied"
handler404 = "masthead.core.views.page_not_found"
handler500 = "masthead.core.views.server_error"
