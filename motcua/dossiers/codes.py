# SPDX-License-Identifier: AGPL-3.0-or-later
"""Dossier codes (Circular 01/2018 art. 19): <agency identifier>-YYMMDD-XXXX, never reused."""

from datetime import date

from django.db import transaction
from django.db.models import F

from .models import DossierCodeCounter


def dossier_code_next(*, unit, day: date) -> str:
    """Take the next sequence number of `unit` for `day` inside the caller's transaction.

    The counter row is created if missing, then incremented by one UPDATE: on PostgreSQL the row lock
    serialises concurrent takers until commit; SQLite's IMMEDIATE transactions serialise writers. A
    rolled-back transaction rolls the counter back too, so numbers have no gaps and are never reused.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_code_next must run inside a transaction")
    DossierCodeCounter.objects.bulk_create([DossierCodeCounter(unit=unit, day=day, last=0)], ignore_conflicts=True)
    DossierCodeCounter.objects.filter(unit=unit, day=day).update(last=F("last") + 1)
    number = DossierCodeCounter.objects.filter(unit=unit, day=day).values_list("last", flat=True).get()
    return f"{unit.agency_code}-{day:%y%m%d}-{number:04d}"
