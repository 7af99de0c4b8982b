# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data for Đắk Lắk. An interface app: it only calls other apps' services."""

    name = "motcua.demo"
    label = "demo"
    verbose_name = _("Dữ liệu trình diễn")
