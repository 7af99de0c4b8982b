# SPDX-License-Identifier: AGPL-3.0-or-later
"""Portal pages: tracking (included by portal/urls.py, namespace "portal").

Dossier codes carry dots: 000.24133.01.H66-260302-0001. Form 01 of a dossier (ho-so-cua-toi/<code>/mau-01.pdf)
is served by the submission pages, not here.
"""

from django.urls import path

from . import tracking

urlpatterns = [
    path("tra-cuu/", tracking.track, name="track"),
    path("ho-so-cua-toi/", tracking.my_dossiers, name="my-dossiers"),
    path("ho-so-cua-toi/<str:code>/", tracking.my_dossier, name="my-dossier"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", tracking.my_dossier_supplement, name="my-dossier-supplement"),
    path("ho-so-cua-toi/<str:code>/tep/<int:file_id>/", tracking.my_dossier_file, name="my-dossier-file"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", tracking.my_dossier_rate, name="my-dossier-rate"),
    path("ho-so-cua-toi/<str:code>/phan-anh/", tracking.my_dossier_petition, name="my-dossier-petition"),
    path("ho-so-cua-toi/<str:code>/phan-anh/<int:petition_id>/danh-gia/", tracking.my_dossier_petition_rate,
         name="my-dossier-petition-rate"),
]
