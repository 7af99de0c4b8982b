# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the dashboard pages show (trang giám sát), assembled from the index contract (`index.py`), the
monitoring selectors and the report: who may see which unit, the heat map, the ranking, hot spots and the
comparison. No query on dossiers here: every figure comes from those functions, so each page costs a
bounded number of queries whatever the number of dossiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import Role
from motcua.accounts.permissions import user_assignments, user_sees_everything, user_visible_units_q
from motcua.core.errors import NotFound, PermissionDenied
from motcua.core.text import fold
from motcua.units.models import COMMUNE_KINDS, Unit, UnitKind
from motcua.units.selectors import unit_get

from .forms import Period
from .index import IndexResult, band_for, index_compute_many

DASHBOARD_ROLES = (Role.DASHBOARD_VIEWER, Role.PROVINCE_ADMIN)
UNIT_CODE = re.compile(r"[\w.-]{1,32}")
PROCEDURE_CODE = re.compile(r"[\w.-]{1,32}")

# Each band says its name and has its own shape, so the colour is never the only signal (WCAG 1.4.1).
BANDS = {
    "green": (gettext_lazy("Tốt"), "●"),
    "yellow": (gettext_lazy("Trung bình"), "▲"),
    "red": (gettext_lazy("Cần cải thiện"), "■"),
    "na": (gettext_lazy("Chưa có số liệu"), "○"),
}


# ---------------------------------------------------------------- who sees what


def dashboard_roots(user) -> list[Unit]:
    """Units where `user` holds a dashboard role (theo dõi, giám sát — or province administrator), the
    highest first; a superuser gets the province this installation serves."""
    if user_sees_everything(user):
        return [unit_get(code=settings.MOTCUA_PROVINCE_CODE)]
    units = {a.unit.pk: a.unit for a in user_assignments(user) if a.role in DASHBOARD_ROLES}
    return sorted(units.values(), key=lambda unit: (unit.path.count("/"), unit.path))


def dashboard_unit(user, code: str | None) -> Unit:
    """The unit a page is about: `code` when the viewer may see it, else their own highest unit."""
    roots = dashboard_roots(user)
    if not roots:
        raise PermissionDenied(_("Trang giám sát dành cho cán bộ được giao vai trò theo dõi, giám sát."),
                               code="dashboard_forbidden")
    if not code:
        return roots[0]
    code = code.strip()
    if not UNIT_CODE.fullmatch(code):  # e.g. a NUL byte: PostgreSQL would refuse the query
        raise NotFound(_("Không tìm thấy đơn vị có mã %(code)s.") % {"code": code[:40]}, code="unit_not_found")
    unit = unit_get(code=code)
    if user_sees_everything(user) or any(unit.path.startswith(root.path) for root in roots):
        return unit
    # History: a merged unit is visible to whoever sees its successor.
    if Unit.objects.filter(user_visible_units_q(user, roles=DASHBOARD_ROLES), pk=unit.pk).exists():
        return unit
    raise PermissionDenied(_("Bạn chỉ xem được số liệu của %(units)s và các đơn vị trực thuộc.")
                           % {"units": ", ".join(root.name for root in roots)}, code="dashboard_unit_forbidden")


def unit_choices(user) -> list[Unit]:
    """Units offered in the pickers: each root and the units right below it that handle dossiers."""
    roots = dashboard_roots(user)
    children = (Unit.objects.filter(parent__in=roots).exclude(kind=UnitKind.SERVICE_CENTER)
                .filter(valid_to__isnull=True).order_by("parent__path", "kind", "name"))
    return [*roots, *children]


def communes_of(unit: Unit) -> list[Unit]:
    """Communes, wards and special zones right below `unit`, in force today (the heat map's rows)."""
    return list(Unit.objects.filter(parent=unit, kind__in=COMMUNE_KINDS, valid_to__isnull=True).order_by("name"))


# ---------------------------------------------------------------- cells, rows, columns


def fmt(value: float | None) -> str:
    """2 decimals with the Vietnamese decimal comma: 84.05 → "84,05"; None → "—"."""
    if value is None:
        return "—"
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


@dataclass
class Cell:
    score: float | None
    max: float
    band: str
    url: str = ""
    label: str = ""  # the column it sits in, for screen readers

    @cached_property
    def text(self) -> str:
        """The score; "—" when nothing was scored (N/A, or only informative indicators worth 0 points)."""
        return fmt(self.score) if self.max else "—"

    @cached_property
    def band_label(self) -> str:
        return str(BANDS[self.band][0])

    @cached_property
    def symbol(self) -> str:
        return BANDS[self.band][1]

    @cached_property
    def percent(self) -> float | None:
        return None if self.score is None or not self.max else round(100 * self.score / self.max, 2)

    @cached_property
    def describe(self) -> str:
        """What a screen reader and the tooltip say: "18,50 / 20 điểm — Tốt"."""
        if self.score is None:
            return self.band_label
        return _("%(score)s / %(max)s điểm — %(band)s") % {"score": fmt(self.score), "max": fmt(self.max),
                                                            "band": self.band_label}


def cell(score: float | None, maximum: float, url: str = "") -> Cell:
    return Cell(score=score, max=maximum, band=band_for(score=score, max=maximum), url=url)


@dataclass(frozen=True)
class Column:
    key: str    # "tong", "g2", "i2.1"
    label: str
    short: str  # what fits in a header: "Nhóm 2", "2.1"


def columns_for(result: IndexResult | None, mode: str) -> list[Column]:
    """Heat-map columns: the six groups, or every indicator that carries points."""
    if result is None:
        return []
    if mode == "chi-so":
        return [Column(f"i{i.id}", str(i.name), i.id) for g in result.groups for i in g.indicators
                if i.max or i.score is not None]
    return [Column(f"g{g.id}", str(g.name), _("Nhóm %(id)s") % {"id": g.id}) for g in result.groups]


def cell_for(result: IndexResult, key: str, url: str = "", label: str = "") -> Cell:
    if key == "tong":
        found = cell(result.total, result.max, url)
    elif key.startswith("g"):
        group = result.group(key[1:])
        found = cell(group.score, group.max, url)
    else:
        indicator = result.indicator(key[1:])
        found = cell(indicator.score, indicator.max, url)
    found.label = label
    return found


@dataclass
class HeatRow:
    unit: Unit
    rank: int | None
    total: Cell
    cells: list[Cell] = field(default_factory=list)


def _sort_value(row: HeatRow, key: str, columns: list[Column]):
    found = row.total if key == "tong" else next(
        (c for col, c in zip(columns, row.cells, strict=True) if col.key == key), row.total)
    return found.percent


def ranked(results: dict[int, IndexResult]) -> dict[int, int]:
    """Competition ranks (1, 2, 2, 4) by percent of the scored maximum; units without a score get none."""
    scored = sorted(((r.percent, pk) for pk, r in results.items() if r.percent is not None), reverse=True)
    ranks, previous, rank = {}, None, 0
    for position, (percent, pk) in enumerate(scored, start=1):
        if percent != previous:
            rank, previous = position, percent
        ranks[pk] = rank
    return ranks


def heat_rows(*, units: list[Unit], period: Period, mode: str, sort: str, descending: bool,
              url_for) -> tuple[list[Column], list[HeatRow]]:
    """The heat map: one row per unit, one cell per column, sorted. `url_for(unit)` is each cell's link
    (the drill-down)."""
    results = index_compute_many(units=units, start=period.start, end=period.end)
    first = next(iter(results.values()), None)
    columns = columns_for(first, mode)
    ranks = ranked(results)
    rows = []
    for unit in units:
        result, url = results[unit.pk], url_for(unit)
        rows.append(HeatRow(unit=unit, rank=ranks.get(unit.pk), total=cell_for(result, "tong", url),
                            cells=[cell_for(result, column.key, url, column.label) for column in columns]))
    keys = {"ten", "tong", *[c.key for c in columns]}
    sort = sort if sort in keys else "tong"
    if sort == "ten":
        rows.sort(key=lambda row: fold(row.unit.name), reverse=descending)
    else:
        # Units without a figure always go last, whichever the direction.
        present = [r for r in rows if _sort_value(r, sort, columns) is not None]
        missing = [r for r in rows if _sort_value(r, sort, columns) is None]
        # Ties keep the alphabetical order whichever the direction (two stable sorts).
        present.sort(key=lambda row: fold(row.unit.name))
        present.sort(key=lambda row: _sort_value(row, sort, columns), reverse=descending)
        rows = present + missing
    return columns, rows


# ---------------------------------------------------------------- hot spots and comparison


@dataclass
class Drop:
    unit: Unit
    before: float | None
    now: float | None

    @property
    def change(self) -> float:
        return round((self.now or 0) - (self.before or 0), 2)


def biggest_drops(*, units: list[Unit], now: dict[int, IndexResult], before: dict[int, IndexResult],
                  limit: int) -> list[Drop]:
    """Units whose percent fell most since the previous period (both periods scored)."""
    drops = [Drop(u, before[u.pk].percent, now[u.pk].percent) for u in units
             if now[u.pk].percent is not None and before[u.pk].percent is not None]
    drops = [d for d in drops if d.change < 0]
    return sorted(drops, key=lambda d: (d.change, d.unit.name))[:limit]


def lowest(*, units: list[Unit], results: dict[int, IndexResult], limit: int) -> list[tuple[Unit, IndexResult]]:
    scored = [(u, results[u.pk]) for u in units if results[u.pk].percent is not None]
    return sorted(scored, key=lambda pair: (pair[1].percent, pair[0].name))[:limit]


def compare_table(*, units: list[Unit], results: dict[int, IndexResult]) -> list[dict]:
    """Rows (total, each group, each indicator) × the compared units' cells."""
    if not units:
        return []
    first = results[units[0].pk]
    rows = [{"label": _("Tổng điểm"), "kind": "total", "cells": [cell_for(results[u.pk], "tong") for u in units]}]
    for group in first.groups:
        rows.append({"label": _("Nhóm %(id)s. %(name)s") % {"id": group.id, "name": group.name}, "kind": "group",
                     "cells": [cell_for(results[u.pk], f"g{group.id}") for u in units]})
        for indicator in group.indicators:
            if not indicator.max and indicator.score is None:
                continue
            rows.append({"label": f"{indicator.id}. {indicator.name}", "kind": "indicator",
                         "cells": [cell_for(results[u.pk], f"i{indicator.id}") for u in units]})
    return rows


def stamp_text(value) -> str:
    """`counters_latest_change()` as the opaque text the live endpoint hands out and compares."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
