# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "motcua.monitoring"
    label = "monitoring"
    verbose_name = _("Giám sát, đánh giá")
    default_auto_field = "django.db.models.BigAutoField"
