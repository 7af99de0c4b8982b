# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("motcua.conf.api_urls")),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("tep/", include("motcua.documents.urls")),
    path("thanh-toan/", include("motcua.integrations.payments.urls")),
    path("dang-nhap-vneid/", include("motcua.integrations.identity.urls")),
    path("giam-sat/", include("motcua.monitoring.urls")),
    path("tro-ly/", include("motcua.assistant.urls")),
    path("", include("motcua.portal.urls")),
]
