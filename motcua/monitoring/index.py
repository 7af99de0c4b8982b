# SPDX-License-Identifier: AGPL-3.0-or-later
"""Service index (Bộ chỉ số phục vụ người dân, doanh nghiệp — Decision 766/QĐ-TTg): the contract.

The dashboard, reports and CLI use only what is declared here. An indicator whose denominator is zero, or
whose source does not exist in motcua yet, has `score=None` and a `na_reason`; it is left out of the group
and the total, and so is its maximum: `max` of a group (and of the total) is the sum of the maxima of its
*scored* indicators. `percent` (total ÷ max × 100) compares units with different N/A indicators; ranks use it.

Rounding: each indicator score is rounded to 2 decimals, a group is the sum of its rounded indicator scores
and the total the sum of the groups, so the printed figures always add up. Details: docs/monitoring.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.units.models import Unit

from .definitions import GROUPS, INDICATORS, ScoringConfig, config_current, indicator_scores
from .facts import Facts, facts_for_units


@dataclass
class IndicatorResult:
    id: str  # "2.1", "5.3" ...
    name: str
    max: float
    numerator: float | None = None
    denominator: float | None = None
    ratio: float | None = None  # 0..1
    score: float | None = None  # 0..max, None = N/A
    na_reason: str = ""
    threshold: float = 1.0  # full points at ratio ≥ threshold (0..1)

    def as_dict(self) -> dict:
        return {
            "id": self.id, "name": str(self.name), "numerator": _r(self.numerator),
            "denominator": _r(self.denominator), "ratio": _r(self.ratio), "score": _r(self.score),
            "max": _r(self.max), "na_reason": str(self.na_reason),
        }


@dataclass
class GroupResult:
    id: str  # "1".."6"
    name: str
    max: float
    score: float | None
    indicators: list[IndicatorResult] = field(default_factory=list)
    points: float = 0.0  # the group's configured points (max counts only scored indicators)

    def as_dict(self) -> dict:
        return {"id": self.id, "name": str(self.name), "score": _r(self.score), "max": _r(self.max),
                "indicators": [indicator.as_dict() for indicator in self.indicators]}


@dataclass
class IndexResult:
    unit: Unit
    start: date
    end: date
    total: float | None
    max: float
    groups: list[GroupResult] = field(default_factory=list)
    # The numerators and denominators it was scored from (the dashboard's summary figures read them too).
    facts: Facts | None = field(default=None, repr=False, compare=False)

    @property
    def percent(self) -> float | None:
        """Total as a share of the scored maximum, 0..100 (2 decimals); None when nothing is scored."""
        if self.total is None or not self.max:
            return None
        return round(100 * self.total / self.max, 2)

    def group(self, group_id: str) -> GroupResult:
        return next(g for g in self.groups if g.id == group_id)

    def indicator(self, indicator_id: str) -> IndicatorResult:
        return next(i for g in self.groups for i in g.indicators if i.id == indicator_id)

    def as_dict(self) -> dict:
        """The CLI's JSON shape (numbers rounded to 2 decimals)."""
        return {
            "unit": self.unit.code, "unit_name": self.unit.name, "from": self.start.isoformat(),
            "to": self.end.isoformat(), "total": _r(self.total), "max": _r(self.max), "percent": self.percent,
            "groups": [group.as_dict() for group in self.groups],
        }


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


PERIODS = ("day", "month", "quarter", "year")


def period_of(*, kind: str, on: date) -> tuple[date, date]:
    """First and last day of the day, month, quarter or year that contains `on`."""
    if kind == "day":
        return on, on
    if kind == "month":
        first = on.replace(day=1)
    elif kind == "quarter":
        first = on.replace(month=(on.month - 1) // 3 * 3 + 1, day=1)
    elif kind == "year":
        first = on.replace(month=1, day=1)
    else:
        raise ValidationFailed(_("Kỳ %(kind)s không hợp lệ; chọn ngày, tháng, quý hoặc năm (%(kinds)s).")
                               % {"kind": kind, "kinds": ", ".join(PERIODS)}, code="period_invalid")
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    month = first.month - 1 + months
    after = date(first.year + month // 12, month % 12 + 1, 1)
    return first, after - timedelta(days=1)


def period_check(*, start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed(_("Ngày bắt đầu (%(start)s) phải trước hoặc bằng ngày kết thúc (%(end)s).")
                               % {"start": start.isoformat(), "end": end.isoformat()}, code="period_invalid")


def index_compute(*, unit: Unit, start: date, end: date) -> IndexResult:
    """Index of one unit for the days start..end inclusive (province = itself and every unit below it)."""
    return index_compute_many(units=[unit], start=start, end=end)[unit.pk]


def index_compute_many(*, units: list[Unit], start: date, end: date) -> dict[int, IndexResult]:
    """Same for many units with a bounded number of queries (the heat map's 102 communes, --children)."""
    period_check(start=start, end=end)
    config = config_current()
    facts = facts_for_units(units=units, start=start, end=end, config=config)
    results = {}
    for unit in units:
        results[unit.pk] = result_build(unit=unit, start=start, end=end,
                                        scores=indicator_scores(facts[unit.pk], config), config=config)
        results[unit.pk].facts = facts[unit.pk]
    return results


def result_build(*, unit: Unit, start: date, end: date, scores: dict[str, IndicatorResult],
                 config: ScoringConfig) -> IndexResult:
    """Assemble groups and total from the indicators (pure: no database)."""
    groups = []
    for group_id, group_name in _group_names().items():
        indicators = [scores[i.id] for i in INDICATORS if i.group == group_id]
        scored = [i for i in indicators if i.score is not None]
        score = round(sum(i.score for i in scored), 2) if scored else None
        groups.append(GroupResult(id=group_id, name=group_name, max=round(sum(i.max for i in scored), 2),
                                  score=score, indicators=indicators, points=config.group_points[group_id]))
    scored_groups = [g for g in groups if g.score is not None]
    total = round(sum(g.score for g in scored_groups), 2) if scored_groups else None
    return IndexResult(unit=unit, start=start, end=end, total=total,
                       max=round(sum(g.max for g in scored_groups), 2), groups=groups)


def _group_names() -> dict:
    return dict(GROUPS)


def rank_children(results: list[IndexResult]) -> list[tuple[int | None, IndexResult]]:
    """Rank units by their share of the scored maximum (`percent`), best first; equal shares share a rank
    (1, 2, 2, 4); units with nothing scored come last without a rank."""
    scored = sorted((r for r in results if r.percent is not None), key=lambda r: (-r.percent, r.unit.code))
    ranked, previous, rank = [], None, 0
    for position, result in enumerate(scored, start=1):
        if result.percent != previous:
            rank, previous = position, result.percent
        ranked.append((rank, result))
    return ranked + [(None, r) for r in sorted(results, key=lambda r: r.unit.code) if r.percent is None]


def band_for(*, score: float | None, max: float) -> str:
    """"green" | "yellow" | "red" | "na" by the configured bands (defaults: green ≥ 90 %, yellow ≥ 70 %)."""
    if score is None or not max:
        return "na"
    config = config_current()
    share = score / max
    if share >= config.band_green - 1e-9:
        return "green"
    if share >= config.band_yellow - 1e-9:
        return "yellow"
    return "red"
