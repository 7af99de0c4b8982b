# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "motcua.monitoring"
    label = "monitoring"
    verbose_name = _("Giám sát, đánh giá")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.dossiers import hooks

        from .counters import on_event

        # Inside the transaction that writes each DossierEvent: the counters commit or roll back with it.
        hooks.listen_in_transaction(on_event)
