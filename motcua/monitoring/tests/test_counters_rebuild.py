# SPDX-License-Identifier: AGPL-3.0-or-later
"""The counters kept incrementally by the event listener equal (1) a rebuild from the events and (2) a
direct computation from the dossiers, after random sequences of real lifecycle operations."""

import random
from collections import Counter
from dataclasses import asdict
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.db.models import Q
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import world  # noqa: F401
from motcua.monitoring.counters import counter_facts, counters_rebuild, counters_snapshot
from motcua.monitoring.facts import facts_direct, period_moments, unit_prefixes
from motcua.monitoring.models import DossierTrack
from motcua.monitoring.reports import report_totals, report_totals_from_facts
from motcua.monitoring.selectors import dossier_within_time_q

from .index_support import Play

pytestmark = pytest.mark.django_db
START = date(2026, 7, 1)
# Figures that come from the counters (the catalogue ones are computed the same way on both sides).
COUNTED = ["received", "received_online", "received_full_eligible", "received_online_full", "received_with_fee",
           "received_paid_online", "received_reuse", "received_identity", "finished_early", "finished_on_time",
           "finished_late", "finished_done", "finished_e_result", "finished_digitised", "finished_complained",
           "handling_wd_milli", "open_total", "open_within", "petitions_received", "petitions_on_time",
           "petitions_late", "petitions_open_overdue", "petitions_rated", "petitions_satisfied", "ratings",
           "ratings_unsatisfied", "procedures_received", "procedures_identity", "procedures_fee_received",
           "procedures_paid_online"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _differences(rebuilt: dict, incremental: dict) -> list:
    """(dossier, field, rebuilt, incremental) of every field where the two tracks differ."""
    found = []
    for pk in sorted(set(rebuilt) | set(incremental)):
        a, b = rebuilt.get(pk) or {}, incremental.get(pk) or {}
        found += [(pk, name, a.get(name), b.get(name)) for name in sorted(set(a) | set(b)) if a.get(name) != b.get(name)]
    return found


class _Undo(Exception):
    pass


def _counted(facts) -> dict:
    return {name: value for name, value in asdict(facts).items() if name in COUNTED}


def _check_against_direct(w, first: date, last: date, *, every_start: bool = True) -> None:
    units = [w.province, w.bmt, w.tan_an]
    prefixes = unit_prefixes(units)
    starts = {first, max(first, last - timedelta(days=2)), last} if every_start else {max(first, last - timedelta(days=1))}
    for start in starts:
        counted = counter_facts(prefixes=prefixes, start=start, end=last)
        direct = facts_direct(units=units, start=start, end=last)
        for unit in units:
            assert _counted(counted[unit.pk]) == _counted(direct[unit.pk]), (unit.code, start, last)
            # The dashboard's summary figures from the counters equal the report's count of dossier rows.
            assert (report_totals_from_facts(counted[unit.pk]).figures
                    == report_totals(unit=unit, start=start, end=last).figures), (unit.code, start, last)
    # The Q offered to reports for "still within time" says the same as the reference.
    _since, until = period_moments(last, last)
    open_at_end = Dossier.objects.filter(handling_unit__path__startswith=w.bmt.path, received_at__lt=until).filter(
        Q(finished_at__isnull=True) | Q(finished_at__gte=until))
    assert open_at_end.filter(dossier_within_time_q(until=until)).count() == direct[w.bmt.pk].open_within


operations = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 50), st.integers(0, 13)), min_size=10,
                      max_size=35)


# No shrinking: each example replays dozens of real services, shrinking one failure took minutes; the failing
# list of operations is printed as generated.
@settings(max_examples=15, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_incremental_counters_equal_rebuild_and_direct_computation(world, ops):  # noqa: F811
    try:
        with transaction.atomic():
            play = Play(world)
            play.do("receive", 0)
            for choice, pick, variant in ops:
                done = play.step(choice, pick, variant)
                event(done)
                if done == "next_day":  # a day ended: its state is the state now → compare with the dossiers
                    _check_against_direct(world, START, play.day_ends[-1], every_start=False)
            _check_against_direct(world, START, play.now.date())
            incremental = counters_snapshot()
            tracks = dict(DossierTrack.objects.values_list("pk", "state"))
            counters_rebuild()
            assert counters_snapshot() == incremental
            rebuilt = dict(DossierTrack.objects.values_list("pk", "state"))
            assert _differences(rebuilt, tracks) == []
            raise _Undo
    except _Undo:
        pass


@pytest.mark.parametrize("seed", [2])
def test_long_random_history_agrees_everywhere(world, seed):  # noqa: F811
    """A few hundred operations (fixed seeds): deep states (supplement cycles, fees, results, ratings,
    answered and rated petitions) are reached for sure, unlike in hypothesis' short lists."""
    rng = random.Random(seed)
    play = Play(world)
    play.do("receive", 0)
    done = Counter()
    for _ in range(170):
        what = play.step(rng.randrange(8), rng.randrange(60), rng.randrange(14))
        done[what] += 1
        if what == "next_day":
            _check_against_direct(world, START, play.day_ends[-1], every_start=False)
    _check_against_direct(world, START, play.now.date())
    for op in ("forward", "return", "rate", "receive_supplement", "confirm_fees", "answer", "petition_rate",
               "result_file", "pay", "stop", "reschedule"):
        assert done[op], f"{op} never happened with seed {seed}: {done}"
    incremental = counters_snapshot()
    counters_rebuild()
    assert counters_snapshot() == incremental


def test_rebuild_of_one_unit_and_some_days_leaves_the_rest_alone(world):  # noqa: F811
    play = Play(world)
    for op in ["receive", "receive", "forward", "next_day", "receive", "forward", "forward", "next_day"]:
        play.do(op, 0)
    before = counters_snapshot()
    assert before[0], "the listener counted something"
    counters_rebuild(unit=world.bmt, start=date(2026, 7, 2), end=date(2026, 7, 2))
    assert counters_snapshot() == before
    counters_rebuild(unit=world.tan_an)  # no dossier there: nothing to write, nothing removed elsewhere
    assert counters_snapshot() == before
