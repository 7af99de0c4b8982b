# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from .api import DossierDetailApi, DossierEventsApi, DossierListApi, DossierTransitionApi

urlpatterns = [
    path("dossiers", DossierListApi.as_view(), name="api-dossier-list"),
    path("dossiers/<str:code>", DossierDetailApi.as_view(), name="api-dossier-detail"),
    path("dossiers/<str:code>/transitions", DossierTransitionApi.as_view(), name="api-dossier-transition"),
    path("dossiers/<str:code>/events", DossierEventsApi.as_view(), name="api-dossier-events"),
]
