# SPDX-License-Identifier: AGPL-3.0-or-later
"""Import benchmark (docs/exchange-format.md, issue 7 benchmark 5): dossiers per second of
`motcua dossiers import` in batches, against the database's own bulk load of the same rows.

    # an exchange file: dossiers made by `motcua generate` in a scratch database, exported
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_h5src .venv/bin/python -m motcua dossiers export \\
        --output /tmp/export.jsonl
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_imp .venv/bin/python benchmarks/import.py \\
        --file /tmp/export.jsonl
    .venv/bin/python benchmarks/import.py --file /tmp/export.jsonl          # SQLite

It makes its own empty database (PostgreSQL: <name>_bench; SQLite: a temporary file) with the units and the
demo catalogue (the same as `motcua units sync` + `motcua demo` give the source), then:

1. **bulk import** of the whole file (`--batch`, the command's default 5,000), timed without the monitoring
   rebuild, then the rebuild timed apart;
2. **the database's own load of the same rows**: the four tables the import writes (dossiers, steps,
   supplement requests, events) and the code counters are copied out (`COPY … TO STDOUT`; SQLite: SELECT),
   emptied, and loaded back timed (`COPY … FROM STDIN` through psycopg 3; SQLite: executemany INSERT), in
   one transaction, indexes and foreign keys in place as for the import → the ratio import / database;
3. **re-import** of the same file (every line "unchanged");
4. **line by line** (`--batch 0`, the old path) and in batches on the first `--sample` lines, into
   emptied tables: the before/after.

The first line calibrates the machine (see benchmarks/generate.py). `--keep` keeps the database.
"""

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.settings")

import django  # noqa: E402

django.setup()

from _common import calibrate, demo_world_load, scratch_database  # noqa: E402
from django.db import connection, transaction  # noqa: E402

TABLES = ["dossiers_dossier", "dossiers_dossierstep", "dossiers_supplementrequest", "dossiers_dossierevent",
          "dossiers_dossiercodecounter"]


def counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        found = {}
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 — fixed names
            found[table] = cursor.fetchone()[0]
    return found


def empty() -> None:
    from motcua.monitoring.models import DailyCounter, DossierTrack, OpenCounter

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(TABLES)}, monitoring_dossiertrack, monitoring_dailycounter, "
                           "monitoring_opencounter CASCADE")
        return
    with transaction.atomic():
        for model in (DossierTrack, DailyCounter, OpenCounter):
            model.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE dossiers_dossier SET current_step_id = NULL")
            for table in reversed(TABLES):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 — fixed names


def import_file(path: Path, *, batch: int, limit: int | None = None, index: bool = False):
    from motcua.dossiers.exchange import dossiers_import

    with path.open("rb") as handle:
        lines = handle if limit is None else (line for number, line in enumerate(handle) if number < limit)
        began, cpu = time.perf_counter(), time.process_time()
        report = dossiers_import(lines=lines, batch_size=batch, index=index)
        return report, time.perf_counter() - began, time.process_time() - cpu


def columns(table: str) -> list[str]:
    """The table's column names, quoted ("order" is a keyword)."""
    with connection.cursor() as cursor:
        return [connection.ops.quote_name(c.name)
                for c in connection.introspection.get_table_description(cursor, table)]


def database_load() -> tuple[float, int]:
    """The database's own bulk load of the rows now in TABLES: copy them out, empty the tables, load them
    back in one transaction (timed). Returns (seconds, rows)."""
    dumped: dict[str, object] = {}
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                buffer = io.BytesIO()
                with cursor.cursor.copy(f"COPY {table} TO STDOUT") as copy:
                    for block in copy:
                        buffer.write(block)
                dumped[table] = buffer.getvalue()
            else:
                cursor.execute(f"SELECT {', '.join(columns(table))} FROM {table}")  # noqa: S608
                dumped[table] = cursor.fetchall()
    rows = sum(counts().values())
    empty()
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                    copy.write(dumped[table])
            else:
                names = columns(table)
                cursor.executemany(f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
                                   f"VALUES ({', '.join(['%s'] * len(names))})", dumped[table])
    seconds = time.perf_counter() - began
    assert sum(counts().values()) == rows
    return seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, required=True, help="an exchange file (motcua dossiers export)")
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--sample", type=int, default=1000, help="lines for the line-by-line comparison")
    parser.add_argument("--no-reimport", action="store_true")
    parser.add_argument("--no-index", action="store_true", help="skip timing the monitoring counters' rebuild")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args()
    figures: dict[str, object] = {"machine": calibrate()}
    print(figures["machine"], flush=True)
    with scratch_database(keep=args.keep):
        demo_world_load()
        vendor = connection.vendor
        lines = sum(1 for _line in args.file.open("rb"))
        print(f"database: {vendor} {connection.settings_dict['NAME']}; file {args.file} ({lines:,} lines, "
              f"{args.file.stat().st_size / 2**20:.0f} MiB)", flush=True)
        figures.update(database=vendor, lines=lines, batch=args.batch)

        report, seconds, cpu = import_file(args.file, batch=args.batch)
        rows = counts()
        total = sum(rows.values())
        rate = report.created / seconds
        figures["bulk"] = {"created": report.created, "unchanged": report.unchanged,
                           "rejected": len(report.rejected), "seconds": seconds, "cpu_seconds": cpu,
                           "dossiers_per_s": rate, "rows": rows, "rows_per_s": total / seconds}
        print(f"bulk import (--batch {args.batch}): {report.created:,} created, {len(report.rejected):,} refused "
              f"in {seconds:.1f} s → {rate:,.0f} dossiers/s, {total / seconds:,.0f} rows/s ({total:,} rows: "
              + ", ".join(f"{name.split('_', 1)[1]} {count:,}" for name, count in rows.items())
              + f"); CPU of this process {cpu:.1f} s = {cpu / max(report.created, 1) * 1e6:.0f} µs/dossier; "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
        for rejected in report.rejected[:5]:
            print(f"  line {rejected.line}: {rejected.reason}")

        if not args.no_index:  # what the command does after the import (timed apart)
            from motcua.monitoring.counters import counters_rebuild

            began = time.perf_counter()
            counters_rebuild(unit=None)
            index_seconds = time.perf_counter() - began
            figures["index_rebuild_seconds"] = index_seconds
            print(f"monitoring counters rebuild after it (counters_rebuild): {index_seconds:.1f} s "
                  f"= {report.created / index_seconds:,.0f} dossiers/s", flush=True)

        if not args.no_reimport:
            again, seconds2, _cpu = import_file(args.file, batch=args.batch)
            figures["reimport"] = {"unchanged": again.unchanged, "seconds": seconds2,
                                   "lines_per_s": again.unchanged / seconds2}
            print(f"re-import of the same file: {again.created} created, {again.unchanged:,} unchanged in "
                  f"{seconds2:.1f} s → {again.unchanged / seconds2:,.0f} lines/s", flush=True)

        load_seconds, load_rows = database_load()
        own = "COPY FROM STDIN" if vendor == "postgresql" else "executemany INSERT"
        load_rate = report.created / load_seconds
        figures["database_load"] = {"how": own, "seconds": load_seconds, "rows": load_rows,
                                    "dossiers_per_s": load_rate, "rows_per_s": load_rows / load_seconds}
        figures["ratio"] = rate / load_rate
        print(f"{vendor} {own} of the same {load_rows:,} rows: {load_seconds:.1f} s → {load_rate:,.0f} dossiers/s, "
              f"{load_rows / load_seconds:,.0f} rows/s", flush=True)
        print(f"ratio import / database load: {rate / load_rate:.2f}", flush=True)

        for batch in (0, args.batch):
            empty()
            small, seconds3, _cpu = import_file(args.file, batch=batch, limit=args.sample)
            key = "line_by_line" if batch == 0 else "sample_bulk"
            figures[key] = {"created": small.created, "seconds": seconds3, "dossiers_per_s": small.created / seconds3}
            print(f"first {args.sample:,} lines, {'line by line (--batch 0)' if batch == 0 else f'--batch {batch}'}: "
                  f"{small.created:,} created in {seconds3:.1f} s → {small.created / seconds3:,.0f} dossiers/s",
                  flush=True)
        print(f"batches / line by line on those lines: "
              f"{figures['sample_bulk']['dossiers_per_s'] / figures['line_by_line']['dossiers_per_s']:.1f}×", flush=True)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
