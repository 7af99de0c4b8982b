# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from .api import UnitDetailApi, UnitListApi

urlpatterns = [
    path("units", UnitListApi.as_view(), name="api-unit-list"),
    path("units/<str:code>", UnitDetailApi.as_view(), name="api-unit-detail"),
]
