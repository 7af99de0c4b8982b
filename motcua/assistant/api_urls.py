# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from .api import AssistantAskApi

urlpatterns = [
    path("assistant/ask", AssistantAskApi.as_view(), name="api-assistant-ask"),
]
