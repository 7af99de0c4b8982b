# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import include, path

from . import petitions, views

app_name = "backoffice"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    # Dossier codes carry dots: 000.24133.01.H66-260302-0001. Printable forms (Mẫu 01–05) live under
    # ho-so/<code>/mau/<nn>.pdf (dossiers.printing).
    path("ho-so/<str:code>/", views.dossier_detail, name="dossier"),
    path("ho-so/<str:code>/mau/", include("motcua.dossiers.printing.urls")),
    path("ho-so/<str:code>/tep/", views.dossier_file, name="dossier-file"),
    path("ho-so/<str:code>/thao-tac/<slug:action>/", views.dossier_action, name="dossier-action"),
    path("tiep-nhan/", views.receive_start, name="receive"),
    path("tiep-nhan/<str:center>/<str:procedure>/", views.receive_form, name="receive-form"),
    # Petitions (phản ánh, kiến nghị) about dossiers of the official's units.
    path("phan-anh/", petitions.petition_list, name="petitions"),
    path("phan-anh/<int:pk>/", petitions.petition_detail, name="petition"),
]
