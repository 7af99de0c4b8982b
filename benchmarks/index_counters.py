# SPDX-License-Identifier: AGPL-3.0-or-later
"""Service-index benchmark (docs/monitoring.md): what the daily counters cost and what they save.

    .venv/bin/python benchmarks/index_counters.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_dev .venv/bin/python benchmarks/index_counters.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench1m .venv/bin/python benchmarks/index_counters.py \
        --existing [--on 2026-11-20] [--daily-only] [--explain]

It creates its own database (PostgreSQL: <name>_bench; SQLite: a temporary file), migrates it and loads the
units and the demo catalogue, then prints:

1. reading: milliseconds and queries of `index_compute` (the province) and `index_compute_many` (its 102
   communes) over a day, a month, a quarter and a year of synthetic counters (every commune, every day of
   2026, five procedures) — the work grows with units × days, and no dossier is read;
2. writing: milliseconds per dossier receipt + assignment through the real services with the counters'
   listener on and off, and the ratio (the price of keeping the counters in the same transaction).

`--existing` reads the database as it is (no setup, nothing written: e.g. after `motcua generate` and
`motcua index rebuild`) and prints the milliseconds and queries of the index of the province with its 102
communes over the 365 days ending `--on` (default: the last day with counters), of every commune of the
country (3,321) over the same days, and of the province and its communes over the month and the day of
`--on`. `--daily-only` reads the daily rows alone, as before the monthly roll-ups (to compare);
`--explain` prints PostgreSQL's EXPLAIN ANALYZE of the counter queries of the province's year.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.settings")

import django  # noqa: E402

django.setup()

from _common import scratch_database  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def synthetic_counters(communes, procedures, year: int) -> int:
    from motcua.monitoring.counters import rollups_refresh
    from motcua.monitoring.models import DailyCounter, OpenCounter

    rng, now = random.Random(766), datetime.now().astimezone()
    first = date(year, 1, 1)
    daily, opened = [], []
    for unit in communes:
        for n in range(365):
            day = first + timedelta(days=n)
            for procedure in procedures:
                received = rng.randint(0, 6)
                late = rng.randint(0, 1)
                daily.append(DailyCounter(unit=unit, day=day, procedure=procedure, received=received,
                                          received_online=received // 2, received_full_eligible=received,
                                          received_online_full=received // 2, received_with_fee=received,
                                          received_paid_online=received // 3, finished_on_time=received,
                                          finished_late=late, finished_done=received, handling_wd_milli=3000 * received,
                                          updated_at=now))
            for ahead in (2, 5, 9):
                opened.append(OpenCounter(kind="ho_so", unit=unit, day=day, due_day=day + timedelta(days=ahead),
                                          count=rng.randint(0, 3), updated_at=now))
    DailyCounter.objects.bulk_create(daily, batch_size=5000)
    OpenCounter.objects.bulk_create(opened, batch_size=5000)
    rollups_refresh()  # the monthly roll-ups, as the rebuild writes them
    return len(daily) + len(opened)


def timed(fn, rounds: int) -> tuple[float, int]:
    fn()  # warm the caches (configuration, successions)
    times = []
    with CaptureQueriesContext(connection) as queries:
        fn()
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), len(queries)


def reading(rounds: int) -> None:
    from motcua.catalog.models import Procedure
    from motcua.monitoring.index import index_compute, index_compute_many, period_of
    from motcua.units.models import Unit

    province = Unit.objects.get(code="66")
    communes = list(Unit.objects.filter(parent=province).communes())
    rows = synthetic_counters(communes, list(Procedure.objects.filter(level="commune")[:5]), 2026)
    print(f"1. reading — {rows:,} counter rows ({len(communes)} communes × 365 days); median of {rounds} runs")
    print(f"   {'period':<8} {'province ms':>12} {'queries':>8} {'102 communes ms':>16} {'queries':>8}")
    for kind in ("day", "month", "quarter", "year"):
        start, end = period_of(kind=kind, on=date(2026, 8, 15))
        one, q1 = timed(lambda s=start, e=end: index_compute(unit=province, start=s, end=e), rounds)
        many, q2 = timed(lambda s=start, e=end: index_compute_many(units=communes, start=s, end=e), rounds)
        print(f"   {kind:<8} {one:>12.1f} {q1:>8} {many:>16.1f} {q2:>8}")


def existing(rounds: int, on: date | None, explain: bool) -> None:
    from django.db.models import Max

    from motcua.monitoring import counters
    from motcua.monitoring.index import index_compute, index_compute_many, period_of
    from motcua.monitoring.models import DailyCounter, DossierTrack, MonthlyCounter, OpenCounter, OpenMonthly
    from motcua.units.models import Unit

    on = on or DailyCounter.objects.aggregate(m=Max("day"))["m"]
    if on is None:
        raise SystemExit("no counters: run `motcua index rebuild` first")
    province = Unit.objects.get(code=settings.MOTCUA_PROVINCE_CODE)
    communes = list(Unit.objects.filter(parent=province).communes().order_by("code"))
    everywhere = list(Unit.objects.communes().order_by("code"))
    rows = {model.__name__: model.objects.count()
            for model in (DailyCounter, MonthlyCounter, OpenCounter, OpenMonthly, DossierTrack)}
    print(f"database: {connection.vendor}, existing data; rows: "
          + ", ".join(f"{name} {count:,}" for name, count in rows.items())
          + f"; {'daily rows only' if not counters.ROLLUPS else 'with monthly roll-ups'}; median of {rounds} runs")
    year = (on - timedelta(days=364), on)
    cases = [("year", f"province {province.code} (itself + all below)", [province], year),
             ("year", f"its {len(communes)} communes", communes, year),
             ("year", f"all {len(everywhere):,} communes", everywhere, year),
             ("month", f"province {province.code}", [province], period_of(kind="month", on=on)),
             ("month", f"its {len(communes)} communes", communes, period_of(kind="month", on=on)),
             ("day", f"province {province.code}", [province], (on, on)),
             ("day", f"its {len(communes)} communes", communes, (on, on))]
    print(f"   {'period':<6} {'from':<10} {'to':<10} {'units':<34} {'ms':>9} {'queries':>8}")
    for kind, label, units, (start, end) in cases:
        if len(units) == 1:
            ms, queries = timed(lambda u=units[0], s=start, e=end: index_compute(unit=u, start=s, end=e), rounds)
        else:
            ms, queries = timed(lambda u=units, s=start, e=end: index_compute_many(units=u, start=s, end=e), rounds)
        print(f"   {kind:<6} {start.isoformat():<10} {end.isoformat():<10} {label:<34} {ms:>9.1f} {queries:>8}",
              flush=True)
    if explain and connection.vendor == "postgresql":
        with CaptureQueriesContext(connection) as captured:
            index_compute(unit=province, start=year[0], end=year[1])
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                if any(f"monitoring_{table}" in query["sql"] for table in
                       ("dailycounter", "monthlycounter", "opencounter", "openmonthly")):
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    print("\n" + query["sql"][:300] + " …")
                    print("\n".join("   " + line for (line,) in cursor.fetchall()))


def writing(count: int) -> None:
    from motcua.accounts.models import Role
    from motcua.accounts.services import role_assign
    from motcua.accounts.tests.factories import OfficialFactory
    from motcua.catalog.models import Procedure
    from motcua.dossiers import hooks
    from motcua.dossiers.services import ApplicantData, dossier_assign, dossier_receive_in_person
    from motcua.monitoring.counters import on_event
    from motcua.units.models import Unit
    from motcua.workdays.calendars import VN_TZ

    center, ward = Unit.objects.get(code="24133.TTPVHCC"), Unit.objects.get(code="24133")
    receiver, specialist = OfficialFactory(username="bench.tn"), OfficialFactory(username="bench.cv")
    role_assign(user=receiver, unit=center, role=Role.RECEIVER)
    role_assign(user=specialist, unit=ward, role=Role.SPECIALIST)
    procedure = Procedure.objects.filter(level="commune").first()
    applicant = ApplicantData(name="Nguyễn Văn An", id_number="066090000123", phone="0912345678")
    moment = datetime(2027, 3, 1, 8, 0, tzinfo=VN_TZ)

    def one_round() -> float:
        nonlocal moment
        start = time.perf_counter()
        for _ in range(count):
            moment += timedelta(minutes=3)
            dossier = dossier_receive_in_person(procedure=procedure, receiving_unit=center, applicant=applicant,
                                                actor=receiver, at=moment)
            dossier_assign(dossier=dossier, actor=receiver, assignee=specialist, at=moment)
        return (time.perf_counter() - start) * 1000 / count

    one_round()  # warm up
    with_listener = one_round()
    hooks.unlisten_in_transaction(on_event)
    try:
        without = one_round()
    finally:
        hooks.listen_in_transaction(on_event)
    print(f"2. writing — receipt + assignment ({count} dossiers, 2 events each)")
    print(f"   with counters {with_listener:.1f} ms, without {without:.1f} ms, ratio {with_listener / without:.2f}")


def run(rounds: int, dossiers: int) -> None:
    from motcua.catalog.demo import catalog_load_demo
    from motcua.units.models import Unit
    from motcua.units.seed import seed_read
    from motcua.units.services import unit_create_agency, units_sync

    units_sync(seed=seed_read())
    province = Unit.objects.get(code="66")
    unit_create_agency(parent=province, code="66.STP", name="Sở Tư pháp")
    catalog_load_demo(province=province)
    print(f"database: {connection.vendor}")
    reading(rounds)
    writing(dossiers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dossiers", type=int, default=100)
    parser.add_argument("--existing", action="store_true", help="read the database as it is (nothing written)")
    parser.add_argument("--on", type=date.fromisoformat, help="--existing: last day of the periods")
    parser.add_argument("--daily-only", action="store_true", help="read the daily rows only (no roll-ups)")
    parser.add_argument("--explain", action="store_true", help="--existing: EXPLAIN ANALYZE the counter queries")
    args = parser.parse_args()
    if args.daily_only:
        from motcua.monitoring import counters

        counters.ROLLUPS = False
    if args.existing:
        existing(args.rounds, args.on, args.explain)
        return
    with scratch_database():
        run(args.rounds, args.dossiers)

if __name__ == "__main__":
    main()
