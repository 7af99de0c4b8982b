# SPDX-License-Identifier: AGPL-3.0-or-later
"""All REST endpoints under /api/v1/; each app contributes its own urlpatterns."""

from django.urls import include, path

urlpatterns = [
    path("", include("motcua.core.api_urls")),
    path("", include("motcua.units.api_urls")),
    path("", include("motcua.catalog.api_urls")),
    path("", include("motcua.dossiers.api_urls")),
    path("", include("motcua.assistant.api_urls")),
]
