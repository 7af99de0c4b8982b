# SPDX-License-Identifier: AGPL-3.0-or-later
"""Turn a generated database into `--times` × as many dossiers: `--times` − 1 earlier years of history.

    .venv/bin/python benchmarks/replicate.py --database postgres://postgres@127.0.0.1:5432/motcua_bench10m --times 10

Generating 10 M dossiers takes hours here; copying 1 M takes minutes. Copy k (k = 1 … times − 1) holds every
dossier-related row of the original data shifted back by k × 364 days (52 weeks: weekdays kept), all in
set-based `INSERT … SELECT` on PostgreSQL, one transaction per copy, then ANALYZE:

- dossiers, steps, events, files, payments, ratings, petitions, supplement requests, consultations and the
  counters' per-dossier tracks get new primary keys: id + k × (largest id of the original table), foreign
  keys between them moved the same way (so no mapping table is needed), keys to units, procedures and
  accounts kept;
- every date and moment is shifted (the rows' own `created_at`/`updated_at` bookkeeping is not); JSON
  payloads (event data, form data, the counters' track state) are copied as they are;
- dossier codes keep their format `<agency>-YYMMDD-NNNN` with the shifted date, numbered after the numbers
  already taken that day at that centre (`DossierCodeCounter`, brought up to date): unique, the tracking
  lookup finds them; payment references (and codes of another format) get `-R<new id>` (unique too);
- the monitoring counters (daily and open) are copied shifted the same way, summed where a shifted day
  meets an existing one (a 365-day history overlaps itself by a day after 364). Holidays of the shifted
  years are not recomputed and the units exist before their real creation: benchmark data, not legal
  history;
- idempotency keys and notifications are not copied (they belong to requests, not to history).

Foreign-key triggers are off during the copy (`session_replication_role = replica`, superuser): the keys
are moved by construction, and `--check` (default on) verifies afterwards that every copied key resolves.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.settings")

SHIFT_DAYS = 364
# Row bookkeeping (when the row was written), not history: left as is.
NOT_SHIFTED = {"updated_at"}


def models_to_copy():
    from motcua.documents.models import DossierFile
    from motcua.dossiers.models import (
        Consultation,
        Dossier,
        DossierEvent,
        DossierStep,
        Petition,
        Rating,
        SupplementRequest,
    )
    from motcua.integrations.payments.models import Payment
    from motcua.monitoring.models import DossierTrack

    return [Dossier, DossierStep, DossierEvent, SupplementRequest, Consultation, Rating, Petition, DossierFile,
            Payment, DossierTrack]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def select_list(model, k: int, offsets: dict, shift_sql: str) -> tuple[list[str], list[str]]:
    """Columns of `model` and the expressions that make copy k of a row `t`."""
    from django.db import models

    from motcua.dossiers.models import Dossier
    from motcua.integrations.payments.models import Payment

    columns, values = [], []
    for field in model._meta.concrete_fields:
        column, ref = field.column, f"t.{_quote(field.column)}"
        columns.append(_quote(column))
        target = field.related_model if field.is_relation else (model if field.primary_key else None)
        if field.primary_key and field.is_relation:  # one-to-one used as the key (DossierTrack.dossier)
            target = field.related_model
        if target is not None and target in offsets:
            values.append(f"{ref} + {k * offsets[target]}")
        elif model is Dossier and field.name == "code":
            values.append("c.new_code")
        elif model is Dossier and field.name == "created_at":
            values.append(ref)
        elif model is Payment and field.name == "txn_ref":
            # Suffixed with the new row's id: unique even when a replicated database is replicated again.
            values.append(f"{ref} || '-R' || (t.id + {k * offsets[model]})")
        elif isinstance(field, models.DateTimeField) and field.name not in NOT_SHIFTED:
            values.append(f"{ref} - {shift_sql}")
        elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField) \
                and field.name not in NOT_SHIFTED:
            values.append(f"{ref} - {k * SHIFT_DAYS}")
        else:
            values.append(ref)
    return columns, values


def copy_codes(cursor, k: int, max_id: int) -> int:
    """Codes of copy k in a temporary table (id of the original → new code), and the code counters moved on."""
    shift = k * SHIFT_DAYS
    cursor.execute("DROP TABLE IF EXISTS replicate_codes")
    cursor.execute(f"""
        CREATE TEMP TABLE replicate_codes AS
        WITH split AS (
            -- The two last dash-separated parts, by string functions: a regex with a leading (.*) costs
            -- ~0.2 ms a row in PostgreSQL (backtracking), i.e. minutes per million.
            SELECT d.id, d.code, d.receiving_unit_id AS unit_id,
                   reverse(split_part(reverse(d.code), '-', 1)) AS seq,
                   reverse(split_part(reverse(d.code), '-', 2)) AS ymd
            FROM dossiers_dossier d WHERE d.id <= %s
        ), parsed AS (
            SELECT id, code, unit_id,
                   CASE WHEN seq ~ '^[0-9]+$' AND ymd ~ '^[0-9]{{6}}$' AND length(code) > length(seq) + 8
                        THEN ARRAY[left(code, length(code) - length(seq) - 8), ymd, seq] END AS m
            FROM split
        ), numbered AS (
            SELECT id, code, unit_id, m[1] AS prefix, to_date(m[2], 'YYMMDD') - {shift} AS day,
                   row_number() OVER (PARTITION BY unit_id, m[2] ORDER BY m[3]::bigint, id) AS rn
            FROM parsed WHERE m IS NOT NULL
        )
        SELECT n.id, n.unit_id, n.day, COALESCE(c.last, 0) + n.rn AS number,
               n.prefix || '-' || to_char(n.day, 'YYMMDD') || '-' || lpad((COALESCE(c.last, 0) + n.rn)::text, 4, '0')
                   AS new_code
        FROM numbered n LEFT JOIN dossiers_dossiercodecounter c ON c.unit_id = n.unit_id AND c.day = n.day
        UNION ALL
        SELECT id, unit_id, NULL, NULL, code || '-R' || (id + {k * max_id}) FROM parsed WHERE m IS NULL
    """, [max_id])  # noqa: S608 — integers and fixed names only
    cursor.execute("CREATE UNIQUE INDEX ON replicate_codes (id)")
    cursor.execute("""
        INSERT INTO dossiers_dossiercodecounter (unit_id, day, last)
        SELECT unit_id, day, max(number) FROM replicate_codes WHERE day IS NOT NULL GROUP BY unit_id, day
        ON CONFLICT (unit_id, day) DO UPDATE SET last = GREATEST(dossiers_dossiercodecounter.last, EXCLUDED.last)
    """)
    cursor.execute("SELECT count(*) FROM replicate_codes")
    return cursor.fetchone()[0]


def copy_counters(cursor, k: int) -> None:
    """Daily and open counters of the originals (snapshots), shifted and summed into what is there."""
    from motcua.monitoring.counters import LATE_ALWAYS, WITHIN_ALWAYS  # markers, not days: never shifted
    from motcua.monitoring.models import METRICS

    shift = k * SHIFT_DAYS
    metric_cols = ", ".join(METRICS)
    sums = ", ".join(f"{m} = monitoring_dailycounter.{m} + EXCLUDED.{m}" for m in METRICS)
    cursor.execute(f"""
        INSERT INTO monitoring_dailycounter (unit_id, day, procedure_id, {metric_cols}, updated_at)
        SELECT unit_id, day - {shift}, procedure_id, {metric_cols}, updated_at FROM replicate_daily
        ON CONFLICT (unit_id, day, procedure_id) DO UPDATE SET {sums}
    """)  # noqa: S608 — column names from the model
    cursor.execute(f"""
        INSERT INTO monitoring_opencounter (kind, unit_id, day, due_day, count, updated_at)
        SELECT kind, unit_id, day - {shift},
               CASE WHEN due_day IN (DATE '{LATE_ALWAYS}', DATE '{WITHIN_ALWAYS}') THEN due_day
                    ELSE due_day - {shift} END,
               count, updated_at FROM replicate_open
        ON CONFLICT (kind, unit_id, day, due_day) DO UPDATE SET count = monitoring_opencounter.count + EXCLUDED.count
    """)  # noqa: S608


def copy_all(cursor, times: int, models, offsets: dict, out) -> None:
    """Copies 1 … times − 1, one transaction each (a failure leaves whole copies only)."""
    from django.db import transaction

    from motcua.dossiers.models import Dossier

    for k in range(1, times):
        copy_started = time.perf_counter()
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")
            mark = time.perf_counter()
            copy_codes(cursor, k, offsets[Dossier])
            timings = {"codes": time.perf_counter() - mark}
            shift_sql = f"interval '{k * SHIFT_DAYS} days'"
            for model in models:
                mark = time.perf_counter()
                columns, values = select_list(model, k, offsets, shift_sql)
                pk = _quote(model._meta.pk.column)
                join = " JOIN replicate_codes c ON c.id = t.id" if model is Dossier else ""
                cursor.execute(
                    f"INSERT INTO {_quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
                    f"SELECT {', '.join(values)} FROM {_quote(model._meta.db_table)} t{join} "
                    f"WHERE t.{pk} <= {offsets[model]}")
                timings[model._meta.db_table] = time.perf_counter() - mark
            mark = time.perf_counter()
            copy_counters(cursor, k)
            timings["counters"] = time.perf_counter() - mark
        out(f"  copy {k}: {time.perf_counter() - copy_started:.1f} s ("
            + ", ".join(f"{name.split('_', 1)[-1]} {sec:.1f}" for name, sec in timings.items()) + ")")


def drop_secondary_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the non-unique indexes of `tables` that back no constraint; return their definitions."""
    cursor.execute("""
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
        WHERE t.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    """, [tables])
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in found]


def check(cursor, offsets: dict) -> list[str]:
    """Every foreign key of the copied tables resolves (the triggers were off)."""
    problems = []
    for model in offsets:
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            target = field.related_model
            cursor.execute(
                f"SELECT count(*) FROM {_quote(model._meta.db_table)} t WHERE t.{_quote(field.column)} IS NOT NULL "  # noqa: S608
                f"AND NOT EXISTS (SELECT 1 FROM {_quote(target._meta.db_table)} r "
                f"WHERE r.{_quote(target._meta.pk.column)} = t.{_quote(field.column)})")
            missing = cursor.fetchone()[0]
            if missing:
                problems.append(f"{model._meta.db_table}.{field.column}: {missing} dangling")
    return problems


def replicate(*, times: int, verify: bool = True, drop_indexes: bool = True, out=print) -> dict:
    from django.db import connection

    from motcua.dossiers.models import Dossier

    if connection.vendor != "postgresql":
        raise SystemExit("replicate.py works on PostgreSQL only (set-based INSERT … SELECT).")
    models = models_to_copy()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        offsets = {}
        for model in models:
            cursor.execute(f"SELECT COALESCE(max({_quote(model._meta.pk.column)}), 0) FROM {_quote(model._meta.db_table)}")  # noqa: S608
            offsets[model] = cursor.fetchone()[0] or 0
        if not offsets[Dossier]:
            raise SystemExit("No dossier to replicate.")
        before = {model._meta.db_table: _count(cursor, model._meta.db_table) for model in models}
        out(f"original: {before['dossiers_dossier']:,} dossiers; copies 1…{times - 1} shifted by k × {SHIFT_DAYS} days")
        # Secondary indexes off during the copy, rebuilt once at the end (a sorted build of 10 M entries is
        # far cheaper than 9 M ordered inserts into each of ~40 indexes); keys and unique indexes stay, so a
        # duplicate code or key still fails the copy.
        dropped = drop_secondary_indexes(cursor, [m._meta.db_table for m in models]) if drop_indexes else []
        if dropped:
            out(f"secondary indexes dropped for the copy: {len(dropped)}")
        cursor.execute("DROP TABLE IF EXISTS replicate_daily, replicate_open")
        cursor.execute("CREATE TEMP TABLE replicate_daily AS SELECT * FROM monitoring_dailycounter")
        cursor.execute("CREATE TEMP TABLE replicate_open AS SELECT * FROM monitoring_opencounter")
        try:
            copy_all(cursor, times, models, offsets, out)
        finally:
            if dropped:
                mark = time.perf_counter()
                cursor.execute("SET maintenance_work_mem = '512MB'")
                for definition in dropped:
                    cursor.execute(definition)
                out(f"  {len(dropped)} secondary indexes rebuilt: {time.perf_counter() - mark:.0f} s")
        # Monthly roll-ups of the counters (when the monitoring app keeps them): summed again from the daily
        # rows, as the rebuild does.
        from motcua.monitoring import counters

        if hasattr(counters, "rollups_refresh"):
            mark = time.perf_counter()
            counters.rollups_refresh()
            out(f"  monthly roll-ups refreshed: {time.perf_counter() - mark:.1f} s")
        for model in models:
            table = _quote(model._meta.db_table)
            cursor.execute(f"SELECT pg_get_serial_sequence('{model._meta.db_table}', '{model._meta.pk.column}')")
            sequence = cursor.fetchone()[0]
            if sequence:
                cursor.execute(f"SELECT setval(%s, (SELECT COALESCE(max({_quote(model._meta.pk.column)}), 1) FROM {table}))",  # noqa: S608
                               [sequence])
        copied = time.perf_counter() - started
        analyze_started = time.perf_counter()
        counter_tables = ["monitoring_dailycounter", "monitoring_opencounter"] + _rollup_tables(cursor)
        for table in [m._meta.db_table for m in models] + ["dossiers_dossiercodecounter"]:
            cursor.execute(f"ANALYZE {_quote(table)}")
        # The counters are what the index reads: VACUUM too, so that their visibility map allows index-only
        # scans (autovacuum would, later; measured on 1 M: the province's year 499 → 285 ms).
        for table in counter_tables:  # (VACUUM cannot run in a transaction: a test's, say)
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM (ANALYZE)'} {_quote(table)}")
        analyzed = time.perf_counter() - analyze_started
        after = {model._meta.db_table: _count(cursor, model._meta.db_table) for model in models}
        problems = check(cursor, offsets) if verify else []
        cursor.execute("DROP TABLE IF EXISTS replicate_codes, replicate_daily, replicate_open")
    for table in after:
        out(f"  {table:<28} {before[table]:>12,} → {after[table]:>13,}")
    out(f"copied in {copied:.0f} s, ANALYZE {analyzed:.0f} s; "
        f"{(after['dossiers_dossier'] - before['dossiers_dossier']) / max(copied, 1e-9):,.0f} dossiers/s")
    if problems:
        out("DANGLING KEYS: " + "; ".join(problems))
    return {"before": before, "after": after, "seconds": round(copied, 1), "analyze_seconds": round(analyzed, 1),
            "problems": problems}


def _rollup_tables(cursor) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE tablename IN ('monitoring_monthlycounter', "
                   "'monitoring_openmonthly', 'monitoring_openbalance')")
    return [name for (name,) in cursor.fetchall()]


def _count(cursor, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {_quote(table)}")  # noqa: S608
    return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="postgres://… of the database to grow (in place)")
    parser.add_argument("--times", type=int, default=10, help="final size as a multiple of the original (2–50)")
    parser.add_argument("--no-check", action="store_true", help="skip the foreign-key verification")
    parser.add_argument("--keep-indexes", action="store_true",
                        help="keep the secondary indexes during the copy (slower; for comparison)")
    args = parser.parse_args()
    if not 2 <= args.times <= 50:
        parser.error("--times must be between 2 and 50")
    os.environ["DATABASE_URL"] = args.database
    import django

    django.setup()
    result = replicate(times=args.times, verify=not args.no_check, drop_indexes=not args.keep_indexes)
    sys.exit(1 if result["problems"] else 0)


if __name__ == "__main__":
    main()
