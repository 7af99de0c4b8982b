# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes to the procedure catalogue: procedures, fields, internal processes, whole-file imports."""

from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.services import audit_record
from motcua.core.text import fold
from motcua.units.models import Unit

from .models import Fee, Field, Procedure, Process, ProcessStep, RequiredPaper, TimeUnit
from .schema import FORMAT, CatalogError, ProcedureData, StepData, check_step_sum, procedure_parse

SCALAR_FIELDS = (
    "name", "level", "handling_agency", "processing_time_value", "processing_time_unit", "processing_time_note",
    "result_type", "result_name", "for_citizens", "for_businesses", "online_level", "partial_reason",
    "cross_boundary", "publication_status", "decided_on", "published_on", "form_schema", "popularity",
    "verified", "verification_note",
)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def procedure_search_text(*, name: str, field_name: str, keywords, code: str) -> str:
    return fold(" ".join([code, name, field_name, *keywords]))


def _handling_unit(data: ProcedureData, province: Unit | None) -> Unit | None:
    if not data.handling_agency_code or province is None:
        return None
    return Unit.objects.filter(code=f"{province.code}.{data.handling_agency_code}").first()


def _snapshot(procedure: Procedure) -> dict:
    """Everything an import may change, for the unchanged/updated decision."""
    process = procedure.processes.filter(province__isnull=True).first()
    return {
        **{name: getattr(procedure, name) for name in SCALAR_FIELDS},
        "field": procedure.field.code, "handling_unit": procedure.handling_unit_id,
        "legal_basis": list(procedure.legal_basis), "keywords": list(procedure.keywords),
        "fees": [(f.name, f.amount, f.paid_when, f.note) for f in procedure.fees.all()],
        "papers": [(p.name, p.form, p.count, p.template, p.required) for p in procedure.papers.all()],
        "steps": [(s.order, s.name, s.role, s.allowance, s.unit_id) for s in process.steps.all()] if process else [],
    }


def _wanted(data: ProcedureData, handling_unit: Unit | None, province: Unit | None) -> dict:
    """The same shape as `_snapshot`, for the record about to be written."""
    return {
        **{name: getattr(data, name) for name in SCALAR_FIELDS},
        "field": data.field_code, "handling_unit": handling_unit.pk if handling_unit else None,
        "legal_basis": list(data.legal_basis), "keywords": list(data.keywords),
        "fees": [(f.name, f.amount, f.paid_when, f.note) for f in data.fees],
        "papers": [(p.name, p.form, p.count, p.template, p.required) for p in data.papers],
        "steps": [(s.order, s.name, s.role, s.allowance, getattr(_step_unit(s, province), "pk", None))
                  for s in sorted(data.steps, key=lambda s: s.order)],
    }


def _step_unit(step: StepData, base: Unit | None) -> Unit | None:
    if not step.unit_code or base is None:
        return None
    return Unit.objects.filter(code=f"{base.code}.{step.unit_code}").first()


def _replace_children(procedure: Procedure, data: ProcedureData, province: Unit | None) -> None:
    procedure.fees.all().delete()
    Fee.objects.bulk_create(Fee(procedure=procedure, order=i, **asdict(fee)) for i, fee in enumerate(data.fees))
    procedure.papers.all().delete()
    RequiredPaper.objects.bulk_create(
        RequiredPaper(procedure=procedure, order=i, **asdict(paper)) for i, paper in enumerate(data.papers)
    )
    if data.steps:
        _steps_write(procedure=procedure, province=None, steps=data.steps, provincial=province)


def _steps_write(*, procedure: Procedure, province: Unit | None, steps, provincial: Unit | None,
                 decision: str = "") -> Process:
    process, _created = Process.objects.update_or_create(procedure=procedure, province=province,
                                                         defaults={"decision": decision})
    process.steps.all().delete()
    base = provincial or province
    ProcessStep.objects.bulk_create(
        ProcessStep(process=process, order=s.order, name=s.name, role=s.role, allowance=s.allowance,
                    unit=_step_unit(s, base))
        for s in sorted(steps, key=lambda s: s.order)
    )
    return process


def procedure_upsert(*, data: ProcedureData, fields: dict[str, str] | None = None, province: Unit | None = None,
                     actor=None) -> tuple[Procedure, str]:
    """Create or update one procedure by code; returns it with "created", "updated" or "unchanged"."""
    fields = fields or {}
    field_obj, _c = Field.objects.get_or_create(code=data.field_code,
                                                defaults={"name": fields.get(data.field_code, data.field_code)})
    if data.field_code in fields and field_obj.name != fields[data.field_code]:
        field_obj.name = fields[data.field_code]
        field_obj.save(update_fields=["name"])
    procedure = Procedure.objects.filter(code=data.code).select_related("field").first()
    handling_unit = _handling_unit(data, province)
    if procedure is not None and _snapshot(procedure) == _wanted(data, handling_unit, province):
        return procedure, "unchanged"  # nothing rewritten: rows and updated_at stay as they were
    values = {name: getattr(data, name) for name in SCALAR_FIELDS}
    values.update(field=field_obj, handling_unit=handling_unit,
                  legal_basis=list(data.legal_basis), keywords=list(data.keywords),
                  search_text=procedure_search_text(name=data.name, field_name=field_obj.name,
                                                    keywords=data.keywords, code=data.code))
    procedure, created = Procedure.objects.update_or_create(code=data.code, defaults=values)
    _replace_children(procedure, data, province)
    outcome = "created" if created else "updated"
    audit_record(action=f"catalog.procedure_{outcome}", obj=procedure, actor=actor, data={"code": data.code})
    return procedure, outcome


@transaction.atomic
def process_set(*, procedure: Procedure, steps: list[StepData], province: Unit | None = None, decision: str = "",
                actor=None) -> Process:
    """Approve an internal process (quy trình nội bộ) for a procedure — the default one, or a
    province's own. Refused when the step allowances do not add up to the legal time."""
    check_step_sum(steps, Decimal(procedure.processing_time_value),
                   str(TimeUnit(procedure.processing_time_unit).label), procedure.code)
    if not steps:
        raise CatalogError(_("Quy trình phải có ít nhất một bước."))
    process = _steps_write(procedure=procedure, province=province, steps=steps, provincial=province,
                           decision=decision)
    audit_record(action="catalog.process_set", obj=process, actor=actor,
                 data={"procedure": procedure.code, "province": province.code if province else None})
    return process


def catalog_parse(payload) -> tuple[dict[str, str], list[ProcedureData]]:
    """A whole `motcua.catalog/1` document → (fields, procedures); CatalogError names the bad record."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CatalogError(_("Tệp không đúng định dạng %(format)s.") % {"format": FORMAT})
    fields = {}
    for i, raw in enumerate(payload.get("fields") or [], 1):
        if not isinstance(raw, dict) or not raw.get("code") or not raw.get("name"):
            raise CatalogError(_("Lĩnh vực thứ %(n)s: cần code và name.") % {"n": i})
        fields[str(raw["code"])] = str(raw["name"])
    raw_procedures = payload.get("procedures")
    if not isinstance(raw_procedures, list):
        raise CatalogError(_("Tệp thiếu danh sách procedures."))
    procedures = [procedure_parse(raw, where=_("Thủ tục thứ %(n)s") % {"n": i})
                  for i, raw in enumerate(raw_procedures, 1)]
    seen = set()
    for i, data in enumerate(procedures, 1):
        if data.code in seen:
            raise CatalogError(_("Thủ tục thứ %(n)s: mã %(code)s bị trùng trong tệp.") % {"n": i, "code": data.code})
        if fields and data.field_code not in fields and not Field.objects.filter(code=data.field_code).exists():
            raise CatalogError(_("Thủ tục thứ %(n)s (%(code)s): lĩnh vực %(field)s không có trong tệp.")
                               % {"n": i, "code": data.code, "field": data.field_code})
        seen.add(data.code)
    return fields, procedures


@transaction.atomic
def catalog_import(*, fields: dict[str, str], procedures: list[ProcedureData], province: Unit | None = None,
                   actor=None) -> ImportReport:
    """Apply a parsed catalogue in one transaction: all rows or none. Idempotent by procedure code."""
    report = ImportReport()
    for data in procedures:
        _procedure, outcome = procedure_upsert(data=data, fields=fields, province=province, actor=actor)
        getattr(report, outcome).append(data.code)
    return report
