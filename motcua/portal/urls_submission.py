# SPDX-License-Identifier: AGPL-3.0-or-later
"""Portal pages: submission (included by portal/urls.py, namespace "portal").

The entry `/nop-ho-so/<code>/` keeps its name `portal:submit-placeholder` in portal/urls.py, whose view now
hands over to `submission.submit_entry`."""

from django.urls import path

from . import submission

urlpatterns = [
    path("nop-ho-so/<str:code>/bat-dau/", submission.submit_start, name="submit-start"),
    path("nop-ho-so/<str:code>/chu-ho-so/", submission.submit_applicant, name="submit-applicant"),
    path("nop-ho-so/<str:code>/to-khai/", submission.submit_eform, name="submit-eform"),
    path("nop-ho-so/<str:code>/giay-to/", submission.submit_papers, name="submit-papers"),
    path("nop-ho-so/<str:code>/giay-to/tep/<int:draft_id>/", submission.submit_draft_file, name="submit-draft-file"),
    path("nop-ho-so/<str:code>/nhan-ket-qua/", submission.submit_delivery, name="submit-delivery"),
    path("nop-ho-so/<str:code>/xem-lai/", submission.submit_review, name="submit-review"),
    path("ho-so-cua-toi/<str:dossier_code>/bien-nhan/", submission.submit_receipt, name="submit-receipt"),
    path("ho-so-cua-toi/<str:dossier_code>/mau-01.pdf", submission.submit_form01_pdf, name="submit-form01"),
]
