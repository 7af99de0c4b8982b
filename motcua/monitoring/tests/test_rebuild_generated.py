# SPDX-License-Identifier: AGPL-3.0-or-later
"""The fast rebuild (batches by id range, sums in memory, COPY, worker processes) gives exactly what folding
each dossier on its own gives, on data from the generator (`motcua generate`)."""

from collections import Counter, defaultdict

import pytest
from django.db import connection

from motcua.demo import generate as gen
from motcua.demo.tests.test_generate import END, gen_world, options, run  # noqa: F401
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import world  # noqa: F401
from motcua.monitoring import counters
from motcua.monitoring.models import DossierTrack

pytestmark = pytest.mark.django_db


def _month(day: str) -> str:
    return day[:8] + "01"


def _one_by_one() -> tuple[tuple[dict, dict, dict, dict], dict]:
    """The counters and tracks from folding every dossier alone with the one fold (track_apply), summed here:
    the rebuild as it first was, without its batching, COPY or workers."""
    daily, opened, tracks = defaultdict(Counter), Counter(), {}
    for pk in Dossier.objects.order_by("pk").values_list("pk", flat=True):
        track = counters._Batch.load([pk]).fold(pk)
        if track is None:
            continue
        tracks[pk] = track.dump()
        part_daily, part_open = counters.contributions(track)
        for key, counts in part_daily.items():
            daily[key].update(counts)
        opened.update(part_open)
    monthly, open_monthly = defaultdict(Counter), Counter()
    for (unit, day, procedure), counts in daily.items():
        monthly[(unit, _month(day), procedure)].update(counts)
    for (kind, unit, day, due), count in opened.items():
        open_monthly[(kind, unit, _month(day), due)] += count

    def nonzero(rows):
        return {key: {name: value for name, value in counts.items() if value}
                for key, counts in rows.items() if any(counts.values())}

    return ((nonzero(daily), {k: c for k, c in opened.items() if c}, nonzero(monthly),
             {k: c for k, c in open_monthly.items() if c}), tracks)


def _tracks() -> dict:
    return dict(DossierTrack.objects.values_list("pk", "state"))


def test_rebuild_of_generated_data_equals_folding_each_dossier_alone(gen_world):  # noqa: F811
    report = run(options(150, seed=3))
    assert report.index_rebuilt
    counters.counters_rebuild(batch_size=40)  # several batches, ranges with gaps from refused dossiers
    snapshot = counters.counters_snapshot()
    expected, tracks = _one_by_one()
    assert snapshot == expected
    assert _tracks() == tracks
    assert sum(counts.get("received", 0) for counts in snapshot[0].values()) > 120
    assert snapshot[3], "some dossiers stay open across a month's end"


def test_a_second_rebuild_changes_nothing(gen_world):  # noqa: F811
    run(options(80, seed=4))
    counters.counters_rebuild()
    first, tracks = counters.counters_snapshot(), _tracks()
    counters.counters_rebuild(batch_size=7)
    assert counters.counters_snapshot() == first
    assert _tracks() == tracks


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="worker processes fold on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_worker_processes_give_the_same_counters_and_tracks(settings, tmp_path, monkeypatch):
    from motcua.catalog.demo import catalog_load_demo
    from motcua.demo.services import demo_units

    settings.MEDIA_ROOT = tmp_path
    catalog_load_demo(province=demo_units())
    gen.generate(gen.Options(province="66", dossiers=600, months=2, seed=1, end=END, batch=200, index=False))
    counters.counters_rebuild(workers=1)
    alone, tracks = counters.counters_snapshot(), _tracks()
    monkeypatch.setattr(counters, "WORKERS_FROM", 0)
    forked = []
    real_pool = counters.multiprocessing.get_context("fork").Pool

    class Pool:
        def __new__(cls, count):
            forked.append(count)
            return real_pool(count)

    monkeypatch.setattr(counters.multiprocessing, "get_context", lambda method: type("C", (), {"Pool": Pool}))
    counters.counters_rebuild(workers=2, batch_size=50)
    assert forked == [2], "the batches were folded by two worker processes"
    assert counters.counters_snapshot() == alone
    assert _tracks() == tracks
    assert alone == _one_by_one()[0]
