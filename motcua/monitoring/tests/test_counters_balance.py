# SPDX-License-Identifier: AGPL-3.0-or-later
"""The yearly checkpoints of open items (OpenBalance) change nothing in the figures: open at the end of any
day, read through the latest checkpoint, equals the sum of the daily rows from the beginning — across
year ends, after a partial refresh, and after a back-dated change has made a checkpoint stale."""

import random
from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from motcua.dossiers.tests.conftest import world  # noqa: F401
from motcua.monitoring import counters as counters_module
from motcua.monitoring.counters import balance_checkpoints, counter_facts, rollups_refresh
from motcua.monitoring.facts import unit_prefixes
from motcua.monitoring.models import OpenBalance, OpenCounter, OpenKind, OpenMonthly

from .test_counters_rollup import MARKERS, _from_daily_rows

pytestmark = pytest.mark.django_db
FIRST, LAST = date(2024, 11, 20), date(2026, 2, 10)
OPEN = ["open_total", "open_within", "petitions_open_overdue"]


@pytest.fixture
def ledger(world):  # noqa: F811
    """Random open-item rows over fifteen months for the two wards, across two year ends."""
    rng = random.Random(118)
    now = timezone.now()
    keys: dict[tuple, int] = {}
    day = FIRST
    while day <= LAST:
        for unit in (world.bmt, world.tan_an):
            for _ in range(rng.randint(0, 3)):
                due = rng.choice([*MARKERS, day + timedelta(days=rng.randint(-20, 60))])
                key = (rng.choice(list(OpenKind)), unit.pk, day, due)
                keys[key] = keys.get(key, 0) + rng.choice([1, 1, -1])
        day += timedelta(days=3)
    OpenCounter.objects.bulk_create([OpenCounter(kind=k, unit_id=u, day=d, due_day=due, count=c, updated_at=now)
                                     for (k, u, d, due), c in keys.items()])
    rollups_refresh()
    return world


def _open(facts) -> dict:
    return {name: getattr(facts, name) for name in OPEN}


def _assert_open_figures_equal_the_daily_rows(w, end: date) -> None:
    facts = counter_facts(prefixes=unit_prefixes([w.province, w.bmt, w.tan_an]), start=end, end=end)
    for unit, ids in ((w.province, [w.bmt.pk, w.tan_an.pk]), (w.bmt, [w.bmt.pk]), (w.tan_an, [w.tan_an.pk])):
        expected = {name: value for name, value in _from_daily_rows(ids, end, end).items() if name in OPEN}
        assert _open(facts[unit.pk]) == expected, (unit.code, end)


def test_checkpoints_are_the_year_starts_and_keep_only_what_stays_open(ledger):
    # 2025 and 2026, and every later year start up to today's.
    assert set(OpenBalance.objects.values_list("as_of", flat=True)) \
        == set(balance_checkpoints(date(2024, 11, 1), timezone.localdate()))
    assert balance_checkpoints(date(2024, 11, 1), date(2026, 11, 23)) == [date(2025, 1, 1), date(2026, 1, 1)]
    assert 0 < OpenBalance.objects.filter(as_of=date(2026, 1, 1)).count() < OpenMonthly.objects.count()
    # Due days already past at the checkpoint are one row per kind and unit: the day before it.
    past = OpenBalance.objects.filter(as_of=date(2026, 1, 1), due_day__lt=date(2026, 1, 1))
    assert set(past.values_list("due_day", flat=True)) <= {date(2025, 12, 31)}


ends = st.integers(0, (LAST - FIRST).days + 40).map(lambda n: FIRST - timedelta(days=5) + timedelta(days=n))
year_edges = st.sampled_from([date(y, m, d) + timedelta(days=s) for y, m, d in
                              ((2025, 1, 1), (2026, 1, 1), (2025, 2, 1), (2025, 12, 1)) for s in (-1, 0, 1)])


@settings(max_examples=50, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(end=st.one_of(ends, year_edges))
@example(end=date(2025, 12, 31))  # a whole December: the checkpoint of that year plus every month
@example(end=date(2026, 1, 31))   # a whole January: the new checkpoint and its own month
@example(end=date(2024, 12, 31))  # before any checkpoint
def test_open_at_any_day_read_through_the_checkpoints_equals_the_daily_rows(ledger, end):
    _assert_open_figures_equal_the_daily_rows(ledger, end)


def test_without_checkpoints_the_figures_are_the_same(ledger):
    with_them = [_open(f) for f in counter_facts(prefixes=unit_prefixes([ledger.province]), start=LAST,
                                                 end=LAST).values()]
    # They are read indeed: a wrong checkpoint shows in the figures …
    OpenBalance.objects.filter(as_of=date(2026, 1, 1), kind=OpenKind.DOSSIER).update(count=10**6)
    assert [_open(f) for f in counter_facts(prefixes=unit_prefixes([ledger.province]), start=LAST,
                                            end=LAST).values()] != with_them
    # … and none at all gives the same figures, from the monthly rows.
    OpenBalance.objects.all().delete()
    assert [_open(f) for f in counter_facts(prefixes=unit_prefixes([ledger.province]), start=LAST,
                                            end=LAST).values()] == with_them


def test_a_back_dated_change_drops_the_later_checkpoints_and_the_figures_stay_right(ledger):
    w = ledger
    now = timezone.now()
    # What the listener writes for an item opened on 3 March 2025 (a back-dated event), then its check.
    OpenCounter.objects.create(kind=OpenKind.DOSSIER, unit=w.bmt, day=date(2025, 3, 3), due_day=date(2026, 6, 1),
                               count=1, updated_at=now)
    row, _created = OpenMonthly.objects.get_or_create(kind=OpenKind.DOSSIER, unit=w.bmt, month=date(2025, 3, 1),
                                                      due_day=date(2026, 6, 1), defaults={"updated_at": now})
    OpenMonthly.objects.filter(pk=row.pk).update(count=row.count + 1)
    counters_module._balances_outdated("2025-03-01")
    assert set(OpenBalance.objects.values_list("as_of", flat=True)) == {date(2025, 1, 1)}
    # A partial refresh (an import into one ward) does not make the dropped checkpoints again: a checkpoint
    # is read as complete for every unit, and this one would hold the ward's rows only.
    rollups_refresh(unit_ids=[w.bmt.pk], start=date(2025, 3, 1))
    assert set(OpenBalance.objects.values_list("as_of", flat=True)) == {date(2025, 1, 1)}
    _assert_open_figures_equal_the_daily_rows(w, date(2026, 1, 20))
    # This year's changes (every live event) leave the checkpoints alone.
    counters_module._balances_outdated(timezone.localdate().replace(day=1).isoformat())
    assert OpenBalance.objects.filter(as_of=date(2025, 1, 1)).exists()


def test_refreshing_some_units_leaves_the_other_units_checkpoints_alone(ledger):
    w = ledger
    other = list(OpenBalance.objects.filter(unit=w.tan_an).order_by("pk").values_list("pk", "count"))
    OpenBalance.objects.filter(unit=w.bmt).update(count=10**6)
    rollups_refresh(unit_ids=[w.bmt.pk], start=date(2025, 6, 1))
    assert not OpenBalance.objects.filter(unit=w.bmt, count=10**6, as_of=date(2026, 1, 1)).exists()
    assert set(OpenBalance.objects.filter(unit=w.bmt, as_of=date(2025, 1, 1)).values_list("count", flat=True)) \
        == {10**6}, "the 2025 checkpoint lies before the refreshed days"
    assert list(OpenBalance.objects.filter(unit=w.tan_an).order_by("pk").values_list("pk", "count")) == other
    OpenBalance.objects.filter(unit=w.bmt, as_of=date(2025, 1, 1)).delete()
    rollups_refresh(unit_ids=[w.bmt.pk])
    _assert_open_figures_equal_the_daily_rows(w, LAST)


def test_a_partial_refresh_into_an_empty_table_makes_no_checkpoint(ledger):
    OpenBalance.objects.all().delete()  # as right after migration 0005
    rollups_refresh(unit_ids=[ledger.bmt.pk])
    assert not OpenBalance.objects.exists()
    _assert_open_figures_equal_the_daily_rows(ledger, LAST)
    rollups_refresh()  # a full one does
    assert OpenBalance.objects.filter(unit=ledger.tan_an).exists()
    _assert_open_figures_equal_the_daily_rows(ledger, LAST)
