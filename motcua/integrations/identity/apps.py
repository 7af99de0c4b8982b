# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "motcua.integrations.identity"
    label = "identity"
    verbose_name = _("Định danh điện tử (VNeID)")
    default_auto_field = "django.db.models.BigAutoField"
