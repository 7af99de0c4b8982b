# SPDX-License-Identifier: AGPL-3.0-or-later
"""The monthly roll-ups (MonthlyCounter, OpenMonthly) change nothing in the figures: the facts of any period
read through them equal the sums of the daily rows alone, whatever the period's edges."""

import random
from datetime import date, timedelta

import pytest
from django.db.models import Q, Sum
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from motcua.catalog.models import Procedure
from motcua.dossiers.tests.conftest import world  # noqa: F401
from motcua.monitoring.counters import counter_facts, period_split, rollups_refresh
from motcua.monitoring.facts import unit_prefixes
from motcua.monitoring.models import METRICS, DailyCounter, MonthlyCounter, OpenCounter, OpenKind, OpenMonthly

pytestmark = pytest.mark.django_db
FIRST, LAST = date(2026, 4, 20), date(2026, 9, 10)
MARKERS = (date(1900, 1, 1), date(9999, 12, 31))


@pytest.fixture
def counters(world):  # noqa: F811
    """Random daily rows over five months for the two wards (the province sums them both)."""
    rng = random.Random(766)
    now = timezone.now()
    procedures = list(Procedure.objects.order_by("pk")[:2])
    daily, opened = [], []
    day = FIRST
    while day <= LAST:
        for unit in (world.bmt, world.tan_an):
            for procedure in procedures:
                if rng.random() < 0.7:
                    daily.append(DailyCounter(unit=unit, day=day, procedure=procedure, updated_at=now,
                                              **{name: rng.randint(0, 4) for name in METRICS}))
            for _ in range(rng.randint(0, 3)):
                due = rng.choice([*MARKERS, day + timedelta(days=rng.randint(-20, 40))])
                opened.append((rng.choice(list(OpenKind)), unit, day, due))
        day += timedelta(days=1)
    DailyCounter.objects.bulk_create(daily)
    keys = {}
    for kind, unit, day, due in opened:
        keys[(kind, unit.pk, day, due)] = keys.get((kind, unit.pk, day, due), 0) + rng.choice([1, 1, -1])
    OpenCounter.objects.bulk_create([OpenCounter(kind=k, unit_id=u, day=d, due_day=due, count=c, updated_at=now)
                                     for (k, u, d, due), c in keys.items()])
    rollups_refresh()
    return world


def _from_daily_rows(unit_ids: list[int], start: date, end: date) -> dict:
    """The figures as they were read before the roll-ups: straight from the daily rows."""
    rows = DailyCounter.objects.filter(unit_id__in=unit_ids, day__gte=start, day__lte=end)
    result = {name: value or 0 for name, value in rows.aggregate(**{name: Sum(name) for name in METRICS}).items()}
    received = rows.values("procedure_id").annotate(r=Sum("received"), f=Sum("received_with_fee")).order_by()
    result["procedures_received"] = sum(1 for r in received if r["r"])
    result["procedures_fee_received"] = sum(1 for r in received if r["f"])
    open_rows = OpenCounter.objects.filter(unit_id__in=unit_ids, day__lte=end)
    found = open_rows.aggregate(total=Sum("count", filter=Q(kind=OpenKind.DOSSIER)),
                                within=Sum("count", filter=Q(kind=OpenKind.DOSSIER, due_day__gt=end)),
                                overdue=Sum("count", filter=Q(kind=OpenKind.PETITION, due_day__lte=end)))
    result.update(open_total=found["total"] or 0, open_within=found["within"] or 0,
                  petitions_open_overdue=found["overdue"] or 0)
    return result


def _read(facts) -> dict:
    return {name: getattr(facts, name) for name in [*METRICS, "procedures_received", "procedures_fee_received",
                                                    "open_total", "open_within", "petitions_open_overdue"]}


days = st.integers(0, (LAST - FIRST).days + 20).map(lambda n: FIRST - timedelta(days=10) + timedelta(days=n))
# Month edges on purpose: first and last days of months, the day before and after.
edges = st.sampled_from([date(2026, m, 1) + timedelta(days=shift) for m in range(4, 11) for shift in (-1, 0, 1)])


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(a=st.one_of(days, edges), b=st.one_of(days, edges))
@example(a=date(2026, 5, 1), b=date(2026, 8, 31))  # whole months only: no daily row read
@example(a=date(2026, 5, 2), b=date(2026, 5, 30))  # inside one month: no roll-up read
@example(a=date(2026, 4, 30), b=date(2026, 6, 1))  # one whole month and a day on each side
def test_any_period_read_through_the_rollups_equals_the_daily_rows(counters, a, b):
    start, end = min(a, b), max(a, b)
    w = counters
    units = [w.province, w.bmt, w.tan_an]
    facts = counter_facts(prefixes=unit_prefixes(units), start=start, end=end)
    assert _read(facts[w.province.pk]) == _from_daily_rows([w.bmt.pk, w.tan_an.pk], start, end)
    assert _read(facts[w.bmt.pk]) == _from_daily_rows([w.bmt.pk], start, end)
    assert _read(facts[w.tan_an.pk]) == _from_daily_rows([w.tan_an.pk], start, end)


@given(a=st.one_of(days, edges), b=st.one_of(days, edges))
def test_a_period_splits_into_edge_days_and_whole_months_that_cover_it_once(a, b):
    start, end = min(a, b), max(a, b)
    edges_found, months = period_split(start, end)
    covered = [d for first, last in edges_found for d in (first + timedelta(days=n)
                                                          for n in range((last - first).days + 1))]
    if months is not None:
        month = months[0]
        assert month.day == 1 and months[1].day == 1
        while month <= months[1]:
            following = (month + timedelta(days=32)).replace(day=1)
            covered += [month + timedelta(days=n) for n in range((following - month).days)]
            month = following
    expected = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    assert sorted(covered) == expected  # every day once, none outside


def test_a_year_reads_whole_months_from_the_rollup(counters):
    w = counters
    assert period_split(date(2026, 1, 1), date(2026, 12, 31)) == ([], (date(2026, 1, 1), date(2026, 12, 1)))
    assert MonthlyCounter.objects.filter(unit=w.bmt).count() < DailyCounter.objects.filter(unit=w.bmt).count() / 10
    # Opened and closed in the same month cancel out: the open roll-up keeps fewer rows than the daily ledger.
    assert 0 < OpenMonthly.objects.count() < OpenCounter.objects.count()


def test_refreshing_some_units_and_months_leaves_the_other_rollups_alone(counters):
    w = counters
    before_other = list(MonthlyCounter.objects.filter(unit=w.tan_an).order_by("pk").values_list("pk", "received"))
    july = MonthlyCounter.objects.get(unit=w.bmt, month=date(2026, 7, 1),
                                      procedure=DailyCounter.objects.filter(unit=w.bmt).first().procedure)
    MonthlyCounter.objects.filter(pk=july.pk).update(received=10**6)
    MonthlyCounter.objects.filter(unit=w.bmt, month=date(2026, 5, 1)).update(received=10**6)
    rollups_refresh(unit_ids=[w.bmt.pk], start=date(2026, 7, 15), end=date(2026, 7, 20))
    refreshed = MonthlyCounter.objects.get(unit=w.bmt, month=date(2026, 7, 1), procedure=july.procedure)
    assert refreshed.received == DailyCounter.objects.filter(
        unit=w.bmt, procedure=july.procedure, day__gte=date(2026, 7, 1), day__lte=date(2026, 7, 31)
    ).aggregate(s=Sum("received"))["s"]
    assert set(MonthlyCounter.objects.filter(unit=w.bmt, month=date(2026, 5, 1)).values_list("received", flat=True)) \
        == {10**6}, "May was outside the days refreshed"
    assert list(MonthlyCounter.objects.filter(unit=w.tan_an).order_by("pk").values_list("pk", "received")) \
        == before_other
