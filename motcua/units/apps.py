# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "motcua.units"
    label = "units"
    verbose_name = _("Đơn vị hành chính")
