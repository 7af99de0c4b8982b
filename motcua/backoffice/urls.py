# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

app_name = "backoffice"
urlpatterns: list = []
