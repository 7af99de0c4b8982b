# SPDX-License-Identifier: AGPL-3.0-or-later
"""Bulk writers (ghi hàng loạt) shared by the history generator and the exchange-format import.

Rows go in as tuples in a given column order, or as unsaved model instances: PostgreSQL `COPY FROM STDIN`
(psycopg 3) where it is available, Django's `bulk_create` (multi-row INSERT) everywhere else. Neither runs
`save()`, signals or `auto_now`: the caller fills every column, primary keys included when rows point to
each other (`ids_reserve`). The caller owns the transaction: one per batch, whole or nothing.
"""

import json
import queue
import threading
from collections.abc import Callable, Iterable, Sequence

from django.db import connection, models
from django.db.models.base import ModelState

_EMPTY_JSON = "{}"


def json_text(value) -> str:
    """A JSON column's text for COPY (compact; `{}` for an empty or missing value, as the generator wrote)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else _EMPTY_JSON


def columns_of(model) -> tuple[str, ...]:
    """Every concrete column of `model` (attnames, primary key first as Django orders them)."""
    return tuple(f.attname for f in model._meta.concrete_fields)


def instance_like(template: models.Model, values: dict, related: dict | None = None) -> models.Model:
    """A new unsaved instance: `template`'s field values, then `values` (by attname: `dossier_id`, not
    `dossier`), and `related` objects cached as if assigned (so reading `obj.unit` runs no query).

    Skips Model.__init__, whose per-field defaults and foreign-key descriptor checks cost tens of µs a row:
    most of the Python time of a bulk load. Mutable values (a JSONField's dict) must come in `values`,
    else the instances share the template's."""
    obj = template.__class__.__new__(template.__class__)
    obj.__dict__.update(template.__dict__)
    obj._state = ModelState()
    obj.__dict__.update(values)
    if related:
        obj._state.fields_cache.update(related)
    return obj


class CopyWriter:
    """PostgreSQL COPY FROM STDIN through psycopg 3: the fastest bulk path (rows as tuples)."""

    name = "copy"

    def write(self, model, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        qn = connection.ops.quote_name
        kinds = {f.attname: f for f in model._meta.concrete_fields}
        json_at = [i for i, name in enumerate(columns) if isinstance(kinds[name], models.JSONField)]
        sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
        # The raw psycopg cursor bypasses Django's error translation: wrap it, so a refused row raises
        # django.db.IntegrityError / DatabaseError like any other write.
        with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            write = copy.write_row
            if not json_at:
                for row in rows:
                    write(row)
                return
            for row in rows:
                row = list(row)
                for i in json_at:
                    row[i] = json_text(row[i])
                write(row)

    def write_objects(self, model, objects: Iterable[models.Model], columns: Sequence[str] | None = None) -> None:
        """Unsaved instances, each column read by attname (`columns` default: all, primary key included)."""
        columns = tuple(columns or columns_of(model))
        self.write(model, columns, [tuple(obj.__dict__[c] for c in columns) for obj in objects])


class OrmWriter:
    """Django's bulk_create: one multi-row INSERT per 1,000 rows (SQLite and PostgreSQL)."""

    name = "orm"

    def write(self, model, columns: Sequence[str], rows: list[tuple]) -> None:
        if rows:
            model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows],
                                      batch_size=1000)

    def write_objects(self, model, objects: Iterable[models.Model], columns: Sequence[str] | None = None) -> None:
        """On SQLite one executemany of a prepared INSERT, values converted by each field's
        `get_db_prep_save` as bulk_create does (bulk_create is limited to 999 parameters a statement and
        compiles each one: 26 dossiers an INSERT); elsewhere bulk_create. No `pre_save`: auto_now columns
        must be filled by the caller."""
        objects = list(objects)
        if not objects:
            return
        if connection.vendor != "sqlite":
            model.objects.bulk_create(objects, batch_size=1000)
            return
        columns = tuple(columns or columns_of(model))
        fields = {f.attname: f for f in model._meta.concrete_fields}
        prepare = [(c, fields[c].get_db_prep_save) for c in columns]
        qn = connection.ops.quote_name
        sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
               f"VALUES ({', '.join(['%s'] * len(columns))})")
        rows = [tuple(prep(obj.__dict__[c], connection) for c, prep in prepare) for obj in objects]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def writer_for(choice: str = "auto"):
    """`copy`, `orm`, or `auto`: COPY on PostgreSQL, bulk_create elsewhere."""
    if choice == "copy" or (choice == "auto" and connection.vendor == "postgresql"):
        return CopyWriter()
    return OrmWriter()


def ids_reserve(model, count: int) -> list[int]:
    """`count` new primary keys for `model`, taken before the rows exist (rows that point to each other):
    PostgreSQL draws them from the table's sequence; SQLite continues after the highest one (its write
    transaction is IMMEDIATE, so no other writer can take them meanwhile)."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT array_agg(nextval(pg_get_serial_sequence(%s, 'id'))) FROM generate_series(1, %s)",
                           [table, count])
            return cursor.fetchone()[0]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(top, row[0] if row else 0) + 1
    return list(range(start, start + count))


class WriterThread:
    """Calls `write(*item)` for each submitted item in a background thread on its own database connection,
    so the database's work on one batch (indexes, foreign keys, WAL) runs while the caller prepares the next.
    One item waits at most; items are written in order. The first failure stops the writing and is raised in
    the caller's thread by the next `submit` or by `join`; after it, every `submit` refuses (nothing is
    dropped silently)."""

    def __init__(self, write: Callable[..., None], *, name: str) -> None:
        self.write = write
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.failed = False
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        self.write(*item)
                    except BaseException as exc:  # noqa: BLE001 — handed to the caller's thread
                        self.error = exc
        finally:
            connection.close()

    def submit(self, *item) -> None:
        if self.error is not None or self.failed:
            self.join()
            raise RuntimeError("the writer thread stopped after an error")
        self.queue.put(item)

    def join(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            error, self.error, self.failed = self.error, None, True
            raise error
