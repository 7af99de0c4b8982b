# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views

app_name = "assistant"
urlpatterns = [
    path("", views.assistant_page, name="page"),
]
