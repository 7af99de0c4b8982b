# SPDX-License-Identifier: AGPL-3.0-or-later
"""Dossier codes (Circular 01/2018 art. 19): <agency identifier>-YYMMDD-XXXX, never reused."""

from datetime import date

from django.db import transaction

from .models import DossierCodeCounter


def dossier_code_next(*, unit, day: date) -> str:
    """Take the next sequence number of `unit` for `day` inside the caller's transaction.

    One upsert creates the counter row at 1 or increments it, and returns the number (PostgreSQL, and
    SQLite ≥ 3.35 for RETURNING): on PostgreSQL the row lock serialises concurrent takers until commit;
    SQLite's IMMEDIATE transactions serialise writers. A rolled-back transaction rolls the counter back
    too, so numbers have no gaps and are never reused.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("dossier_code_next must run inside a transaction")
    table = connection.ops.quote_name(DossierCodeCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("unit_id", "day", "last") VALUES (%s, %s, 1) '  # noqa: S608 (table from the model)
            f'ON CONFLICT ("unit_id", "day") DO UPDATE SET "last" = {table}."last" + 1 RETURNING "last"',
            [unit.pk, day])
        (number,) = cursor.fetchone()
    return f"{unit.agency_code}-{day:%y%m%d}-{number:04d}"
