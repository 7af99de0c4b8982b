# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from .api import health

urlpatterns = [
    path("health", health, name="api-health"),
]
