# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "motcua.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản và vai trò")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .auth import forget_identity_verification

        user_logged_in.connect(forget_identity_verification, dispatch_uid="motcua.accounts.identity_verified")
