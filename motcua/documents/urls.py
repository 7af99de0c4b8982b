# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("<int:file_id>/", views.file_view, name="file"),
]
