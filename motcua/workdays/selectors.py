# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads for the working calendar: the WorkCalendar that applies to a unit."""

from datetime import date

from django.db.models import Q

from .calendars import DEFAULT_OFFICE_HOURS, WorkCalendar
from .models import CalendarOverride, OfficeHours, OverrideKind


def calendar_for_unit(*, unit=None) -> WorkCalendar:
    """The working calendar (lịch làm việc) of `unit`: holidays.VN plus the nationwide overrides and
    those of the unit and its ancestors. For one day the most specific entry wins (unit over province
    over nationwide). Office hours: the unit's own, else the nearest ancestor's, else the default.
    Two queries; `unit=None` gives the nationwide calendar."""
    codes = unit.ancestor_codes if unit is not None else []
    days_off, working_days = _overrides(codes)
    return WorkCalendar(
        extra_days_off=days_off, extra_working_days=working_days, office_hours=_office_hours(codes)
    )


def _overrides(codes: list[str]) -> tuple[frozenset[date], frozenset[date]]:
    depth = {code: i for i, code in enumerate(codes)}  # root first: deeper = more specific
    rows = CalendarOverride.objects.filter(Q(unit__isnull=True) | Q(unit__code__in=codes))
    decided: dict[date, tuple[int, str]] = {}
    for day, kind, code in rows.values_list("day", "kind", "unit__code"):
        rank = -1 if code is None else depth[code]
        if day not in decided or rank > decided[day][0]:
            decided[day] = (rank, kind)
    days_off = frozenset(day for day, (_rank, kind) in decided.items() if kind == OverrideKind.DAY_OFF)
    return days_off, frozenset(decided) - days_off


def _office_hours(codes: list[str]):
    if not codes:
        return DEFAULT_OFFICE_HOURS
    rows = {row.unit.code: row for row in OfficeHours.objects.filter(unit__code__in=codes).select_related("unit")}
    for code in reversed(codes):
        if code in rows:
            return rows[code].periods
    return DEFAULT_OFFICE_HOURS
