# SPDX-License-Identifier: AGPL-3.0-or-later
"""Generator benchmark (docs/generator.md): how fast `motcua generate` writes realistic history, with each
write path, on the database of DATABASE_URL (SQLite by default).

    .venv/bin/python benchmarks/generate.py --dossiers 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_gen .venv/bin/python benchmarks/generate.py \\
        --dossiers 100000 --writers copy,orm

It creates its own database (PostgreSQL: <name>_bench; SQLite: a temporary file), migrates it, loads the
units, the Đắk Lắk departments, demo catalogue and demo accounts, then generates `--dossiers` dossiers over
`--months` months with each writer in turn (emptying the dossier tables in between), and drops the database
again (`--keep` keeps it). Printed: dossiers/s (wall clock, planning and writing; the index rebuild apart),
the CPU seconds of this process, rows written, table sizes, and the 1 M extrapolation. The first lines
calibrate the machine (a fixed Python loop, a due-date computation, the load average): compare figures
between machines with them, not raw.
"""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.settings")

import django  # noqa: E402

django.setup()

from _common import calibrate, demo_world_load, scratch_database  # noqa: E402
from django.db import connection  # noqa: E402

TABLES = ["dossiers_dossier", "dossiers_dossierstep", "dossiers_dossierevent", "documents_dossierfile",
          "dossiers_supplementrequest", "dossiers_rating", "dossiers_petition", "payments_payment"]


def empty() -> None:
    from motcua.dossiers.models import Dossier, DossierCodeCounter
    from motcua.integrations.payments.models import Payment
    from motcua.monitoring.models import DailyCounter, DossierTrack, OpenCounter

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE dossiers_dossier, dossiers_dossiercodecounter, monitoring_dailycounter, "
                           "monitoring_opencounter CASCADE")
        return
    for model in (Payment, DossierTrack, DailyCounter, OpenCounter, Dossier, DossierCodeCounter):
        model.objects.all().delete()


def sizes() -> str:
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)", [TABLES])
        found = dict(cursor.fetchall())
    total = sum(found.values())
    parts = ", ".join(f"{name.split('_', 1)[1]} {found[name] / 2**20:.0f}" for name in TABLES if name in found)
    return f"table sizes (MiB, with indexes): {parts}; total {total / 2**20:.0f} MiB"


def run_once(args, writer: str) -> None:
    from motcua.demo.generate import Options, generate, index_rebuild
    from motcua.units.models import Unit

    options = Options(province="66", dossiers=args.dossiers, months=args.months, seed=args.seed, end=args.end,
                      batch=args.batch, writer=writer, index=False)
    cpu = time.process_time()
    report = generate(options)
    cpu = time.process_time() - cpu
    w = report.written
    print(f"[{report.writer}{' + background writer' if report.overlapped else ''}] {w.dossiers:,} dossiers "
          f"{report.first_day}..{report.last_day} in {report.generate_seconds:.1f} s → {report.rate:,.0f} dossiers/s "
          f"(planning {report.plan_seconds:.1f} s, writing {report.write_seconds:.1f} s; CPU of this process "
          f"{cpu:.1f} s = {cpu / w.dossiers * 1000:.2f} ms/dossier; load {os.getloadavg()[0]:.1f})", flush=True)
    rows = w.dossiers + w.steps + w.events + w.supplements + w.files + w.ratings + w.petitions + w.payments
    print(f"  rows: {rows:,} ({w.steps:,} steps, {w.events:,} events, {w.files:,} files, {w.supplements:,} "
          f"supplement requests, {w.ratings:,} ratings, {w.petitions:,} petitions, {w.payments:,} payments) "
          f"= {rows / report.generate_seconds:,.0f} rows/s", flush=True)
    print(f"  1,000,000 dossiers at this rate: ~{1_000_000 / report.rate / 60:.0f} min", flush=True)
    if line := sizes():
        print(f"  {line}", flush=True)
    if not args.no_index:  # as `motcua generate` does at its end, timed apart
        began = time.perf_counter()
        index_rebuild(province=Unit.objects.get(code="66"), first_day=report.first_day, last_day=report.last_day)
        seconds = time.perf_counter() - began
        print(f"  index rebuild (monitoring.counters_rebuild): {seconds:.1f} s = {w.dossiers / seconds:,.0f} "
              f"dossiers/s; 1,000,000 dossiers: ~{1_000_000 / (w.dossiers / seconds) / 60:.0f} min", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--end", type=date.fromisoformat, default=None, help="last day (default: today)")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--writers", default="auto", help="comma-separated: auto, copy, orm")
    parser.add_argument("--no-index", action="store_true", help="skip the monitoring counters' rebuild")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    print(calibrate())
    with scratch_database(keep=args.keep):
        print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
        print(f"prepared units, catalogue and accounts in {demo_world_load():.1f} s")
        for index, writer in enumerate(args.writers.split(",")):
            if index:
                empty()
            run_once(args, writer.strip())

if __name__ == "__main__":
    main()
