# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "motcua.integrations.notifications"
    label = "notifications"
    verbose_name = _("Thông báo (thư điện tử, SMS)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.dossiers import hooks

        from .rules import event_may_notify
        from .services import on_dossier_event

        hooks.listen(on_dossier_event, when=event_may_notify)
