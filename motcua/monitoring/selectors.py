# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads for monitoring: the index configuration, KPIs (per official, per step, per procedure), overdue now.

The KPI selectors take a unit the caller has already been allowed to see (the dashboard checks
`accounts.permissions.user_may_see_unit`); each one runs a fixed number of queries whatever the number of
dossiers (tests assert it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Exists, F, Max, OuterRef, Q, Sum
from django.utils import timezone

from motcua.accounts.models import User
from motcua.dossiers.models import OPEN_STAGES, WAITING_STAGES, Dossier, DossierEvent, DossierStep
from motcua.units.models import Unit

from .definitions import DEFAULT_CONFIG, GROUP_POINTS, INDICATOR_IDS, ScoringConfig
from .facts import owners_of, period_moments, scope_q, unit_prefixes
from .models import DailyCounter, IndexConfig


def index_config_read() -> ScoringConfig:
    """The configuration stored by the administrator (keys missing there keep the defaults of domain.md §5)."""
    config = IndexConfig.objects.order_by("pk").first()
    if config is None:
        return DEFAULT_CONFIG
    group_points, points, thresholds = dict(DEFAULT_CONFIG.group_points), dict(DEFAULT_CONFIG.points), \
        dict(DEFAULT_CONFIG.thresholds)
    for key, value, threshold in config.weights.values_list("key", "points", "threshold"):
        if key in GROUP_POINTS:
            group_points[key] = float(value)
        elif key in INDICATOR_IDS:
            points[key] = float(value)
            thresholds[key] = float(threshold / Decimal(100))
    return ScoringConfig(group_points=group_points, points=points, thresholds=thresholds,
                         band_green=float(config.band_green / 100), band_yellow=float(config.band_yellow / 100),
                         publish_days=config.publish_days)


# ---------------------------------------------------------------- dossiers: which are within time


def dossier_within_time_q(*, until: datetime) -> Q:
    """Q on Dossier: an accepted dossier still open at `until` is within time (the index's rule, as the
    counters apply it — see facts.py): at most one supplement request, and no legal due moment, or waiting
    for the applicant after a request made by the legal due moment, or else legal due moment ≥ `until`.
    Valid for the dossiers' state now (a period that ends after their last change)."""
    # "The last entry into waiting was made by the legal due moment", said as: there is such an entry and
    # none after the due moment. Two EXISTS instead of `legal_due_at >= (… ORDER BY at DESC LIMIT 1)`:
    # PostgreSQL planned that subquery as a backward walk of the whole events' `at` index for each waiting
    # dossier (> 120 s for the province at 1 M dossiers, 9.6 M events); EXISTS probes the dossier's events.
    entries = (DossierEvent.objects.filter(dossier=OuterRef("pk"), to_stage__in=WAITING_STAGES)
               .exclude(from_stage__in=WAITING_STAGES))
    waiting = (Q(stage__in=WAITING_STAGES) & Exists(entries)
               & ~Exists(entries.filter(at__gt=OuterRef("legal_due_at"))))
    running = ~Q(stage__in=WAITING_STAGES) & Q(legal_due_at__gte=until)
    return Q(supplement_count__lte=1) & (Q(legal_due_at__isnull=True) | waiting | running)


def overdue_now_by_unit(*, units: list[Unit], now: datetime | None = None) -> dict[int, int]:
    """Open dossiers past their appointment date now, the office's clock running (not waiting for the
    applicant), per unit (its subtree and history). Two queries."""
    now = now or timezone.now()
    prefixes = unit_prefixes(units)
    every = [p for prefs in prefixes.values() for p in prefs]
    result = dict.fromkeys(prefixes, 0)
    rows = (Dossier.objects.overdue(now).filter(scope_q(every, "handling_unit__path"))
            .values("handling_unit__path").annotate(n=Count("id")).order_by())
    for row in rows:
        for pk in owners_of(row["handling_unit__path"], prefixes):
            result[pk] += row["n"]
    return result


# ---------------------------------------------------------------- KPIs of officials and steps


@dataclass
class OfficialKpi:
    user_id: int
    name: str
    username: str
    handled: int  # steps finished in the period
    on_time: int  # … by the step's deadline
    overdue_now: int  # steps in their hands now, past the step's deadline

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.handled, 2) if self.handled else None


@dataclass
class StepKpi:
    order: int
    name: str
    role: str
    handled: int
    on_time: int
    overdue_now: int

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.handled, 2) if self.handled else None


def _steps_in_scope(unit: Unit):
    prefixes = unit_prefixes([unit])[unit.pk]
    return DossierStep.objects.filter(scope_q(prefixes, "unit__path"))


def _step_aggregates(start: date, end: date, now: datetime) -> dict:
    since, until = period_moments(start, end)
    finished = Q(finished_at__gte=since, finished_at__lt=until)
    on_time = finished & (Q(due_at__isnull=True) | Q(finished_at__lte=F("due_at")))
    overdue = (Q(started_at__isnull=False, finished_at__isnull=True, due_at__lt=now, dossier__stage__in=OPEN_STAGES)
               & ~Q(dossier__stage__in=WAITING_STAGES))
    return {"handled": Count("id", filter=finished), "on_time": Count("id", filter=on_time),
            "overdue_now": Count("id", filter=overdue)}


def kpi_officials(*, unit: Unit, start: date, end: date, now: datetime | None = None) -> list[OfficialKpi]:
    """Per official who held a step at the unit (or below): steps handled in the period, how many by the
    step's deadline, and steps in their hands past it now. Most handled first. Three queries."""
    now = now or timezone.now()
    rows = list(_steps_in_scope(unit).filter(assignee__isnull=False).values("assignee")
                .annotate(**_step_aggregates(start, end, now)).filter(Q(handled__gt=0) | Q(overdue_now__gt=0))
                .order_by())
    users = {u.pk: u for u in User.objects.filter(pk__in=[r["assignee"] for r in rows])}
    result = [OfficialKpi(user_id=r["assignee"], name=users[r["assignee"]].get_full_name() or
                          users[r["assignee"]].username, username=users[r["assignee"]].username,
                          handled=r["handled"], on_time=r["on_time"], overdue_now=r["overdue_now"]) for r in rows]
    return sorted(result, key=lambda k: (-k.handled, -k.overdue_now, k.name))


def kpi_steps(*, unit: Unit, start: date, end: date, now: datetime | None = None) -> list[StepKpi]:
    """Per step of the internal processes (by order, name and role) at the unit or below: handled in the
    period, on time, overdue now. In process order. Two queries."""
    now = now or timezone.now()
    rows = (_steps_in_scope(unit).values("order", "name", "role").annotate(**_step_aggregates(start, end, now))
            .filter(Q(handled__gt=0) | Q(overdue_now__gt=0)).order_by("order", "name", "role"))
    return [StepKpi(order=r["order"], name=r["name"], role=r["role"], handled=r["handled"], on_time=r["on_time"],
                    overdue_now=r["overdue_now"]) for r in rows]


# ---------------------------------------------------------------- procedures (from the daily counters)


@dataclass
class ProcedureKpi:
    procedure_id: int
    code: str
    name: str
    judged: int  # handling ended in the period (early + on time + late)
    late: int
    working_days_total: float  # Σ working days from receipt to end

    @property
    def average_working_days(self) -> float | None:
        return round(self.working_days_total / self.judged, 2) if self.judged else None

    @property
    def late_rate(self) -> float | None:
        return round(100 * self.late / self.judged, 2) if self.judged else None


def _procedure_kpis(unit: Unit, start: date, end: date) -> list[ProcedureKpi]:
    prefixes = unit_prefixes([unit])[unit.pk]
    rows = (DailyCounter.objects.filter(scope_q(prefixes, "unit__path"), day__gte=start, day__lte=end)
            .values("procedure_id", "procedure__code", "procedure__name")
            .annotate(early=Sum("finished_early"), on_time=Sum("finished_on_time"), late=Sum("finished_late"),
                      milli=Sum("handling_wd_milli")).order_by())
    result = []
    for r in rows:
        judged = (r["early"] or 0) + (r["on_time"] or 0) + (r["late"] or 0)
        if judged:
            result.append(ProcedureKpi(procedure_id=r["procedure_id"], code=r["procedure__code"],
                                       name=r["procedure__name"], judged=judged, late=r["late"] or 0,
                                       working_days_total=(r["milli"] or 0) / 1000))
    return result


def handling_time_by_procedure(*, unit: Unit, start: date, end: date) -> list[ProcedureKpi]:
    """Average working days from receipt to the end of handling, per procedure, over the dossiers whose
    handling ended in the period (the handling unit's calendar; waiting time is not taken out). Slowest
    first. Two queries, from the daily counters."""
    return sorted(_procedure_kpis(unit, start, end), key=lambda k: (-(k.average_working_days or 0), k.code))


def procedures_most_late(*, unit: Unit, start: date, end: date, limit: int = 10) -> list[ProcedureKpi]:
    """Procedures with the most dossiers judged late in the period (then the highest late rate). Two
    queries, from the daily counters."""
    late = [k for k in _procedure_kpis(unit, start, end) if k.late]
    return sorted(late, key=lambda k: (-k.late, -(k.late_rate or 0), k.code))[:max(limit, 0)]


# ---------------------------------------------------------------- live dashboard


def counters_latest_change() -> str:
    """A short token that changes whenever anything the dashboard shows may have changed: the last dossier
    event, the counters' and the configuration's last update. Three indexed MAX queries."""
    last_event = DossierEvent.objects.aggregate(m=Max("id"))["m"] or 0
    daily = DailyCounter.objects.aggregate(m=Max("updated_at"))["m"]
    config = IndexConfig.objects.aggregate(m=Max("updated_at"))["m"]
    stamp = max((m for m in (daily, config) if m is not None), default=None)
    return f"{last_event}-{int(stamp.timestamp() * 1000) if stamp else 0}"
