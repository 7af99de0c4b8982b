# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from .api import ProcedureDetailApi, ProcedureListApi

urlpatterns = [
    path("procedures", ProcedureListApi.as_view(), name="api-procedure-list"),
    path("procedures/<str:code>", ProcedureDetailApi.as_view(), name="api-procedure-detail"),
]
