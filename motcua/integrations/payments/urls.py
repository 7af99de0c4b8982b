# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    # Dossier codes carry dots: 000.00.01.H66-260312-0007.
    path("ho-so/<str:code>/", views.start, name="start"),
    path("vnpay/tra-ve/", views.vnpay_return, name="vnpay-return"),
    path("vnpay/ipn/", views.vnpay_ipn, name="vnpay-ipn"),
]
