# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads on units: subtrees, successions, the current unit for an old one."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound

from .models import Unit, UnitSuccession


def unit_get(*, code: str) -> Unit:
    try:
        return Unit.objects.select_related("parent").get(code=code)
    except Unit.DoesNotExist:
        raise NotFound(_("Không tìm thấy đơn vị có mã %(code)s.") % {"code": code}, code="unit_not_found") from None


def unit_list(*, kind: Iterable[str] | None = None, parent: Unit | None = None, active_on: date | None = None):
    qs = Unit.objects.all()
    if kind:
        qs = qs.filter(kind__in=list(kind))
    if parent is not None:
        qs = qs.filter(parent=parent)
    if active_on is not None:
        qs = qs.active_on(active_on)
    return qs


def unit_predecessor_paths(paths: set[str]) -> set[str]:
    """Paths of every unit that (transitively) handed its history to a unit in one of `paths`' subtrees.

    Old dossiers stay under the old unit and roll up to the new one: whoever sees the successor sees
    the predecessor's history too.
    """
    found: set[str] = set()
    frontier = set(paths)
    while frontier:
        prefix = Q()
        for path in frontier:
            prefix |= Q(successor__path__startswith=path)
        new = set(UnitSuccession.objects.filter(prefix).values_list("predecessor__path", flat=True)) - found
        found |= new
        frontier = new
    return found


def unit_scope_q(paths: set[str], *, fields: tuple[str, ...] = ("path",)) -> Q:
    """Q matching rows whose unit (any of `fields`, each a path lookup) lies inside a subtree in `paths`
    or inside one of their predecessors. The succession walk runs once, whatever the number of fields."""
    q = Q(pk__in=[])
    for path in paths | unit_predecessor_paths(paths):
        for field in fields:
            q |= Q(**{f"{field}__startswith": path})
    return q


def unit_current(*, unit: Unit, on: date) -> Unit:
    """Follow default successors from a closed unit to the one in force on `on`."""
    seen = {unit.pk}
    while not unit.is_active_on(on):
        step = UnitSuccession.objects.filter(predecessor=unit, is_default=True).select_related("successor").first()
        if step is None or step.successor.pk in seen:
            break
        unit = step.successor
        seen.add(unit.pk)
    return unit
