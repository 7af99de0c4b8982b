# SPDX-License-Identifier: AGPL-3.0-or-later
"""`{% payment_panel_state dossier user as pay %}`: loaded by payments/_pay_panel.html itself, so the page
that includes the panel needs to load nothing."""

from django import template

from ..selectors import payment_panel

register = template.Library()


@register.simple_tag
def payment_panel_state(dossier, user):
    return payment_panel(dossier=dossier, user=user)
