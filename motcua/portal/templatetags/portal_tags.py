# SPDX-License-Identifier: AGPL-3.0-or-later
"""Display helpers of the citizen pages: money, legal durations, role names.

Numbers follow the active language's formats (motcua.conf.formats.vi: 1.250.000 đ, 0,5 ngày làm việc).
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.catalog.models import TimeUnit
from motcua.core.text import choice_label

register = template.Library()


@register.filter
def vn_number(value) -> str:
    """1250000 → "1.250.000", Decimal("0.50") → "0,5", Decimal("15.00") → "15"."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        number = int(number)
    else:
        number = number.normalize()
    return formats.number_format(number, use_l10n=True, force_grouping=True)


@register.filter
def vnd(amount) -> str:
    """An amount in đồng: 75000 → "75.000 đ"."""
    return _("%(amount)s đ") % {"amount": vn_number(amount or 0)}


@register.filter
def duration(value, unit: str) -> str:
    """A legal time with its unit: (3, "working_days") → "3 ngày làm việc"."""
    return _("%(value)s %(unit)s") % {"value": vn_number(value), "unit": choice_label(TimeUnit, unit)}


@register.filter
def role_label(value: str) -> str:
    """accounts.Role value → its Vietnamese name ("chuyen_vien" → "Chuyên viên xử lý")."""
    return choice_label(Role, value)


@register.filter
def fee_summary(procedure) -> str:
    """One line for a result card: "Miễn phí", "50.000 đ", or the range when the amounts differ.

    Reads `procedure.fees.all()`: prefetch the fees for lists.
    """
    amounts = sorted({fee.amount for fee in procedure.fees.all()})
    if not amounts or amounts[-1] == 0:
        return _("Miễn phí")
    if len(amounts) == 1:
        return vnd(amounts[0])
    # Several fees may be alternatives or add up; the detail page lists each with its note.
    return _("Nhiều mức, %(low)s – %(high)s") % {"low": vnd(amounts[0]), "high": vnd(amounts[-1])}
