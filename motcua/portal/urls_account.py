# SPDX-License-Identifier: AGPL-3.0-or-later
"""Portal pages: account (included by portal/urls.py, namespace "portal")."""

from django.urls import path

from . import account_views as views

urlpatterns = [
    path("dang-ky/", views.register, name="register"),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/", views.account, name="account"),
    path("tai-khoan/doi-mat-khau/", views.PasswordChangeView.as_view(), name="password-change"),
    path("tai-khoan/doi-mat-khau/xong/", views.PasswordChangeDoneView.as_view(), name="password-change-done"),
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password-reset"),
    path("quen-mat-khau/da-gui/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path("quen-mat-khau/dat-lai/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password-reset-confirm"),
    path("quen-mat-khau/hoan-tat/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
]
