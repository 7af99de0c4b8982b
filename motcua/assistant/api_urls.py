# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

urlpatterns: list = []  # POST assistant/ask (api.py)
