# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes to units: national sync, agencies, closing a unit with its successors."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.core.services import audit_record

from .models import SuccessionKind, Unit, UnitKind, UnitSuccession
from .seed import Seed, SeedUnit

CENTER_SUFFIX = ".TTPVHCC"


@dataclass
class SyncReport:
    created: int = 0
    updated: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.closed)


def default_agency_code(*, province_code: str, unit_code: str | None = None, center: bool = False) -> str:
    """Default agency identifier (mã định danh): 000.<commune|00>.<01 for a center|00>.H<province>."""
    return f"000.{unit_code or '00'}.{'01' if center else '00'}.H{province_code}"


def _center_name(unit_name: str) -> str:
    # A unit's name is Vietnamese data whatever language the caller's screen is in.
    return "Trung tâm Phục vụ hành chính công " + unit_name[:1].lower() + unit_name[1:]


class _Upserter:
    """Collects creations and updates so a full sync costs a handful of bulk queries."""

    FIELDS = ("name", "short_name", "kind", "parent", "path", "note", "valid_to")

    def __init__(self, existing: dict[str, Unit], valid_from: date, report: SyncReport):
        self.existing, self.valid_from, self.report = existing, valid_from, report
        self.to_create: list[Unit] = []
        self.to_update: list[Unit] = []

    def put(self, *, code, name, short_name, kind, parent, note, agency_code) -> Unit:
        path = f"{parent.path if parent else ''}{code}/"
        wanted = {"name": name, "short_name": short_name, "kind": kind, "parent": parent, "path": path,
                  "note": note, "valid_to": None}
        unit = self.existing.get(code)
        if unit is None:
            unit = Unit(code=code, valid_from=self.valid_from, agency_code=agency_code, from_seed=True, **wanted)
            self.to_create.append(unit)
            self.report.created += 1
            return unit
        changed = [k for k, v in wanted.items() if getattr(unit, k) != v]
        if changed:
            unit.updated_at = timezone.now()
            for key in changed:
                setattr(unit, key, wanted[key])
            self.to_update.append(unit)
            self.report.updated.append(code)
        else:
            self.report.unchanged += 1
        return unit

    def flush(self):
        # Parents first: bulk_create fills primary keys on PostgreSQL and SQLite alike.
        for level in (1, 2, 3):
            Unit.objects.bulk_create([u for u in self.to_create if u.path.count("/") == level], batch_size=500)
        for unit in self.to_create:
            if unit.parent is not None:
                unit.parent_id = unit.parent.pk
        Unit.objects.bulk_update(self.to_update, [*self.FIELDS, "updated_at"], batch_size=500)


def _put_with_center(upserter: _Upserter, item: SeedUnit, parent: Unit | None, province_code: str) -> Unit:
    unit = upserter.put(
        code=item.code, name=item.name, short_name=item.short_name, kind=item.kind, parent=parent, note=item.note,
        agency_code=default_agency_code(province_code=province_code,
                                        unit_code=item.code if parent else None),
    )
    upserter.put(
        code=item.code + CENTER_SUFFIX, name=_center_name(item.name), short_name=_center_name(item.short_name),
        kind=UnitKind.SERVICE_CENTER, parent=unit, note="",
        agency_code=default_agency_code(province_code=province_code,
                                        unit_code=item.code if parent else None, center=True),
    )
    return unit


@transaction.atomic
def units_sync(*, seed: Seed, today: date | None = None, actor=None) -> SyncReport:
    """Bring provinces, communes and their service centers in line with the national list.

    Idempotent: a second run changes nothing. A changed name or type is updated in place; a unit
    missing from the list is closed (valid_to = the day before), never deleted.
    """
    today = today or timezone.localdate()
    report = SyncReport()
    managed = Unit.objects.filter(from_seed=True).select_related("parent")
    existing = {unit.code: unit for unit in managed}
    upserter = _Upserter(existing, seed.effective_from, report)
    provinces = {p.code: _put_with_center(upserter, p, None, p.code) for p in seed.provinces}
    for commune in seed.communes:
        _put_with_center(upserter, commune, provinces[commune.province], commune.province)
    upserter.flush()

    seen = {u.code for u in seed.provinces + seed.communes}
    seen |= {code + CENTER_SUFFIX for code in seen}
    vanished = [u for code, u in existing.items() if code not in seen and u.valid_to is None]
    for unit in vanished:
        unit.valid_to = max(today - timedelta(days=1), unit.valid_from)
        unit.updated_at = timezone.now()
    Unit.objects.bulk_update(vanished, ["valid_to", "updated_at"])
    report.closed = sorted(unit.code for unit in vanished)
    if report.changed:
        audit_record(action="units.sync", object_type="units.unit", object_id="*", actor=actor, data={
            "created": report.created, "updated": report.updated, "closed": report.closed,
        })
    return report


@transaction.atomic
def unit_create_agency(
    *, parent: Unit, code: str, name: str, kind: str = UnitKind.DEPARTMENT, agency_code: str = "", actor=None
) -> Unit:
    """Create a department (sở, ban, ngành) or a service center under a province or commune."""
    if parent.level == "agency":
        raise ValidationFailed(_("Cơ quan phải trực thuộc tỉnh hoặc xã, không trực thuộc cơ quan khác."))
    if Unit.objects.filter(code=code).exists():
        raise ValidationFailed(_("Mã đơn vị %(code)s đã tồn tại.") % {"code": code}, code="unit_code_taken")
    if agency_code and Unit.objects.filter(agency_code=agency_code).exists():
        raise ValidationFailed(_("Mã định danh cơ quan %(code)s đã được dùng.") % {"code": agency_code},
                               code="agency_code_taken")
    unit = Unit.objects.create(
        code=code, name=name, short_name=name, kind=kind, parent=parent, agency_code=agency_code,
        valid_from=parent.valid_from,
    )
    audit_record(action="units.agency_created", obj=unit, actor=actor, data={"code": code})
    return unit


@transaction.atomic
def unit_close(
    *, unit: Unit, last_day: date, successors: list[tuple[Unit, str]], default: Unit | None = None, actor=None
) -> list[UnitSuccession]:
    """Close a unit (merged, renamed or split) and record who inherits its dossiers and statistics.

    `successors` is a list of (unit, SuccessionKind); `default` is the one that takes what cannot be
    attributed (required when there is more than one successor).
    """
    if unit.valid_to is not None:
        raise ValidationFailed(_("Đơn vị %(name)s đã hết hiệu lực.") % {"name": unit.name}, code="unit_closed")
    if not successors:
        raise ValidationFailed(_("Cần ít nhất một đơn vị kế thừa."), code="unit_no_successor")
    if default is None and len(successors) > 1:
        raise ValidationFailed(_("Có nhiều đơn vị kế thừa: cần chọn đơn vị kế thừa mặc định."))
    default = default or successors[0][0]
    for successor, kind in successors:
        if successor.pk == unit.pk or kind not in SuccessionKind.values:
            raise ValidationFailed(_("Đơn vị kế thừa không hợp lệ."), code="unit_bad_successor")
    unit.valid_to = last_day
    unit.save(update_fields=["valid_to", "updated_at"])
    Unit.objects.filter(parent=unit, kind=UnitKind.SERVICE_CENTER, valid_to__isnull=True).update(valid_to=last_day)
    rows = [
        UnitSuccession.objects.create(
            predecessor=unit, successor=successor, kind=kind, is_default=successor.pk == default.pk,
            effective_on=last_day + timedelta(days=1),
        )
        for successor, kind in successors
    ]
    audit_record(action="units.closed", obj=unit, actor=actor, data={
        "last_day": last_day.isoformat(), "successors": [s.code for s, _k in successors], "default": default.code,
    })
    return rows
