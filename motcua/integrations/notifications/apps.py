# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig


class Config(AppConfig):
    name = "motcua.integrations.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"
