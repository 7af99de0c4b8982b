# SPDX-License-Identifier: AGPL-3.0-or-later
"""Mounted by the back office at /can-bo/ho-so/<code>/mau/: the include passes `code`."""

from django.urls import path

from . import views

app_name = "printing"
urlpatterns = [
    path("<str:number>.pdf", views.form_pdf, name="form-pdf"),
    path("<str:number>/", views.form_html, name="form-html"),
]
