# SPDX-License-Identifier: AGPL-3.0-or-later
"""The catalogue as an exchange document `motcua.catalog/1` (docs/catalog-format.md): export from the
database, and applying a whole document (import or dry run).

An exported document re-imports as "unchanged" for every procedure: every key is written, in the form
schema.py reads back (numbers as JSON numbers, dates as YYYY-MM-DD, roles with their English names).
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch

from motcua.units.models import Unit

from .models import Procedure, Process, ProcessStep
from .schema import FORMAT, ROLE_EXPORT
from .services import ImportReport, catalog_import, catalog_parse


def number_out(value) -> int | float:
    """A legal time or an allowance as a JSON number: 1 rather than 1.00, 0.25 rather than "0.25"."""
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def _unit_suffix(unit: Unit | None) -> str | None:
    """"66.STP" → "STP": the importer resolves it again under the province it is given."""
    return (unit.code.partition(".")[2] or None) if unit else None


def _steps_record(procedure: Procedure) -> list[dict]:
    process = next((p for p in procedure.processes.all() if p.province_id is None), None)
    if process is None:
        return []
    return [{"order": s.order, "name": s.name, "role": ROLE_EXPORT.get(s.role, s.role),
             "allowance": number_out(s.allowance), "unit": _unit_suffix(s.unit)} for s in process.steps.all()]


def procedure_record(procedure: Procedure) -> dict:
    """One procedure as an exchange-format record, every key present."""
    subjects = [name for name, on in (("citizen", procedure.for_citizens), ("business", procedure.for_businesses))
                if on]
    return {
        "code": procedure.code, "name": procedure.name, "field": procedure.field.code, "level": procedure.level,
        "handling_agency": procedure.handling_agency, "handling_agency_code": _unit_suffix(procedure.handling_unit),
        "processing_time": {"value": number_out(procedure.processing_time_value),
                            "unit": procedure.processing_time_unit},
        "processing_time_note": procedure.processing_time_note,
        "result": {"type": procedure.result_type, "name": procedure.result_name},
        "subjects": subjects, "online_level": procedure.online_level, "partial_reason": procedure.partial_reason,
        "cross_boundary": procedure.cross_boundary, "legal_basis": list(procedure.legal_basis),
        "publication_status": procedure.publication_status,
        "decided_on": procedure.decided_on.isoformat() if procedure.decided_on else None,
        "published_on": procedure.published_on.isoformat() if procedure.published_on else None,
        "form_schema": procedure.form_schema or {}, "keywords": list(procedure.keywords),
        "popularity": procedure.popularity, "verified": procedure.verified,
        "verification_note": procedure.verification_note,
        "fees": [{"name": f.name, "amount": f.amount, "paid_when": f.paid_when, "note": f.note}
                 for f in procedure.fees.all()],
        "papers": [{"name": p.name, "form": p.form, "count": p.count, "template": p.template, "required": p.required}
                   for p in procedure.papers.all()],
        "steps": _steps_record(procedure),
    }


def catalog_export(*, codes=None) -> dict:
    """The catalogue (or the procedures with these codes) as a `motcua.catalog/1` document, ordered by
    code, with the default internal process of each procedure. Provinces' own processes are not exported."""
    steps = Prefetch("steps", queryset=ProcessStep.objects.select_related("unit"))
    qs = (Procedure.objects.select_related("field", "handling_unit").order_by("code")
          .prefetch_related("fees", "papers", Prefetch(
              "processes", queryset=Process.objects.filter(province__isnull=True).prefetch_related(steps))))
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    procedures = list(qs)
    fields = sorted({(p.field.code, p.field.name) for p in procedures})
    return {"format": FORMAT, "fields": [{"code": code, "name": name} for code, name in fields],
            "procedures": [procedure_record(p) for p in procedures]}


def catalog_load(*, payload, province: Unit | None = None, dry_run: bool = False, actor=None) -> ImportReport:
    """Check and apply a whole document (catalog_parse + catalog_import): all procedures or none.
    With `dry_run` the import runs and is rolled back, so the report says what would change."""
    fields, procedures = catalog_parse(payload)
    with transaction.atomic():
        report = catalog_import(fields=fields, procedures=procedures, province=province, actor=actor)
        if dry_run:
            transaction.set_rollback(True)
    return report
