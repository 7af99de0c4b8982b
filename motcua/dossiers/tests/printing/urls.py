# SPDX-License-Identifier: AGPL-3.0-or-later
"""The project's URLs plus the printing include where the back office will mount it."""

from django.urls import include, path

from motcua.conf.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("can-bo/ho-so/<str:code>/mau/", include("motcua.dossiers.printing.urls")),
    *project_urlpatterns,
]
