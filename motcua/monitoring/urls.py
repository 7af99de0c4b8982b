# SPDX-License-Identifier: AGPL-3.0-or-later
"""Dashboard (trang giám sát), mounted at /giam-sat/. Unit codes carry dots (66.STP): <str:code>."""

from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ban-do-nhiet/", views.heatmap, name="heatmap"),
    path("don-vi/<str:code>/", views.unit_detail, name="unit"),
    path("don-vi/<str:code>/ho-so/", views.unit_dossiers, name="unit-dossiers"),
    path("diem-nong/", views.hotspots, name="hotspots"),
    path("so-sanh/", views.compare, name="compare"),
    path("bao-cao/", views.report, name="report"),
    path("bao-cao/tai-ve.xlsx", views.report_download, {"fmt": "xlsx"}, name="report-xlsx"),
    path("bao-cao/tai-ve.pdf", views.report_download, {"fmt": "pdf"}, name="report-pdf"),
    path("api/thay-doi/", views.changes, name="changes"),
    path("api/tom-tat/", views.summary, name="summary"),
]
