# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import include, path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure-list"),
    # National codes carry dots and suffixes: 1.001193, 1.012753.H19.
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure-detail"),
    path("nop-ho-so/<str:code>/", views.submit_placeholder, name="submit-placeholder"),
    # Each area in its own module (no namespace of their own: the names stay "portal:...").
    path("", include("motcua.portal.urls_submission")),
    path("", include("motcua.portal.urls_tracking")),
    path("", include("motcua.portal.urls_account")),
]
