# SPDX-License-Identifier: AGPL-3.0-or-later
"""Service index (Bộ chỉ số phục vụ người dân, doanh nghiệp — Decision 766/QĐ-TTg): the contract.

The dashboard, reports and CLI use only what is declared here. An indicator whose denominator is zero, or
whose source does not exist in motcua yet, has `score=None` and a `na_reason`; it is left out of the group
and the total (and so is its maximum: `max` of a group/total counts only scored indicators — see
docs/monitoring.md for the exact rule the implementation chose).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from motcua.units.models import Unit


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


@dataclass
class GroupResult:
    id: str  # "1".."6"
    name: str
    max: float
    score: float | None
    indicators: list[IndicatorResult] = field(default_factory=list)


@dataclass
class IndexResult:
    unit: Unit
    start: date
    end: date
    total: float | None
    max: float
    groups: list[GroupResult] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The CLI's JSON shape (numbers rounded to 2 decimals)."""
        raise NotImplementedError


def index_compute(*, unit: Unit, start: date, end: date) -> IndexResult:
    """Index of one unit for the days start..end inclusive (province = itself and every unit below it)."""
    raise NotImplementedError


def index_compute_many(*, units: list[Unit], start: date, end: date) -> dict[int, IndexResult]:
    """Same for many units with a bounded number of queries (the heat map's 102 communes, --children)."""
    raise NotImplementedError


def band_for(*, score: float | None, max: float) -> str:
    """"green" | "yellow" | "red" | "na" by the configured bands (defaults: green ≥ 90 %, yellow ≥ 70 %)."""
    raise NotImplementedError
