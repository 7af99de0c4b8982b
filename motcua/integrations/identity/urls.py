# SPDX-License-Identifier: AGPL-3.0-or-later
"""Mounted at /dang-nhap-vneid/. The callback's absolute URL (…/dang-nhap-vneid/callback/) is the redirect
URI registered with the provider."""

from django.urls import path

from . import views

app_name = "identity"
urlpatterns = [
    path("", views.login_start, name="login"),
    path("callback/", views.callback, name="callback"),
]
