# SPDX-License-Identifier: AGPL-3.0-or-later
"""Dossiers in the national exchange format (service DongBoHoSoMC, domain.md §6): import — the way a
province migrates from its old system — and export. Fields, mapping rules and choices: docs/exchange-format.md.

One JSON object per line (JSONL, UTF-8, Vietnamese field names, moments as yyyyMMddHHmmss in
Asia/Ho_Chi_Minh). An imported line becomes one dossier with its steps, supplement cycles and a history of
events, in one transaction: whole or not at all. A code already in the database is "unchanged" when the
line says what the database says and refused otherwise, so importing a file twice changes nothing.
"""

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Prefetch, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.catalog.models import Level, Procedure
from motcua.core.bulk import WriterThread, columns_of, ids_reserve, instance_like, writer_for
from motcua.core.errors import ApplicationError, ValidationFailed
from motcua.core.services import audit_record
from motcua.core.text import normalize_name
from motcua.units.models import Unit, UnitKind
from motcua.workdays.calendars import (
    VN_TZ,
    ProcessingTime,
    WorkCalendar,
    clock_start,
    restart_after_supplement,
)
from motcua.workdays.calendars import due_at as legal_due_from
from motcua.workdays.selectors import calendar_for_unit

from .models import (
    NATIONAL_STATUS,
    ApplicantKind,
    Channel,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    DossierStep,
    ResultDelivery,
    Stage,
    SupplementRequest,
)
from .rules import judge, step_deadlines
from .services import stage_set, step_plan, steps_build
from .workflow import Action

FORMAT = "DongBoHoSoMC"
IMPORT_ACTION = "import"
FINISH_ACTION = "finish"  # reached "done" (status 9); the live process says "forward" from its last step
SUBMIT_ACTION = "submit"

MOMENT_FORMAT = "%Y%m%d%H%M%S"
_MOMENT = re.compile(r"[0-9]{14}", re.ASCII)
_CODE = re.compile(r"(?P<agency>[0-9A-Za-z][0-9A-Za-z.]*)-(?P<day>[0-9]{6})-(?P<seq>[0-9]{4,7})", re.ASCII)
_SMALL_INT = re.compile(r"[0-9]{1,3}", re.ASCII)
_AMOUNT = re.compile(r"[0-9]{1,15}", re.ASCII)

# TrangThaiHoSo → the internal stage (the reverse of models.NATIONAL_STATUS; 4 covers "processing" and
# "consulting another agency": an imported dossier is processing).
STAGE_OF_STATUS: dict[int, str] = {
    1: Stage.SUBMITTED, 2: Stage.RECEIVED, 3: Stage.REFUSED, 4: Stage.PROCESSING, 5: Stage.SUPPLEMENT,
    6: Stage.FEES, 7: Stage.WITHDRAWN, 8: Stage.STOPPED, 9: Stage.DONE, 10: Stage.RETURNED,
}
# LoaiDoiTuong: 1 citizen, 2 business, 3 organisation; the model has citizen and "organisation or business".
KIND_OF_SUBJECT = {1: ApplicantKind.CITIZEN, 2: ApplicantKind.BUSINESS, 3: ApplicantKind.BUSINESS}
SUBJECT_OF_KIND = {ApplicantKind.CITIZEN: 1, ApplicantKind.BUSINESS: 2}

_UNRECEIVED = (1, 3)              # never accepted: no NgayTiepNhan, no NgayHenTra, no supplement
_OPEN = (1, 2, 4, 5, 6)           # no NgayKetThucXuLy, no NgayTra
_ENDED_BY_DATE = (3, 7, 8, 9)     # NgayKetThucXuLy required (10: defaults to NgayTra, domain.md §3)
# Lists the model has no place for yet: kept with the import event and written back out on export.
_EXTRA_LISTS = ("TaiLieuNop", "DanhSachGiayToKetQua")
_EXTRA_DEFAULTS = {"TaiLieuNop": [], "DanhSachGiayToKetQua": [], "HoSoCoThanhPhanSoHoa": 0}


# ---------------------------------------------------------------- moments and field readers


def _bad(field_name: str, message: str, code: str = "import_invalid") -> ValidationFailed:
    """A refused line: the message names the field (national name) first."""
    return ValidationFailed(f"{field_name}: {message}", code=code, extra={"field": field_name})


def moment_parse(value, field_name: str) -> datetime | None:
    """yyyyMMddHHmmss in Asia/Ho_Chi_Minh, strictly: 14 ASCII digits, a real moment, years 2000–2099 (the
    code's YYMMDD only makes sense within one century). Missing, null or "" → None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _MOMENT.fullmatch(value):
        raise _bad(field_name, _("«%(value)s» không đúng dạng yyyyMMddHHmmss.") % {"value": value},
                   "import_date_invalid")
    try:
        moment = datetime(int(value[0:4]), int(value[4:6]), int(value[6:8]), int(value[8:10]), int(value[10:12]),
                          int(value[12:14]), tzinfo=VN_TZ)
    except ValueError:
        moment = None
    if moment is None or not 2000 <= moment.year <= 2099:
        raise _bad(field_name, _("«%(value)s» không phải một ngày giờ có thật (năm 2000–2099).") % {"value": value},
                   "import_date_invalid")
    return moment


def moment_format(moment: datetime | None) -> str | None:
    return moment.astimezone(VN_TZ).strftime(MOMENT_FORMAT) if moment is not None else None


def _text(record: dict, key: str, *, max_length: int, required: bool = False) -> str:
    value = record.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _bad(key, _("phải là một chuỗi ký tự."))
    value = unicodedata.normalize("NFC", value).strip()
    if required and not value:
        raise _bad(key, _("bắt buộc, không được để trống."), "import_required")
    if len(value) > max_length:
        raise _bad(key, _("dài quá %(max)s ký tự.") % {"max": max_length})
    return value


def _choice(record: dict, key: str, allowed, *, default: int | None = None) -> int:
    """A small whole number among `allowed`, as a JSON number or a string of digits ("1")."""
    value = record.get(key)
    if value is None or value == "":
        if default is None:
            raise _bad(key, _("bắt buộc, không được để trống."), "import_required")
        return default
    if isinstance(value, str) and _SMALL_INT.fullmatch(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise _bad(key, _("giá trị %(value)s không hợp lệ; chỉ nhận %(allowed)s.")
                   % {"value": json.dumps(value, ensure_ascii=False), "allowed": ", ".join(map(str, allowed))},
                   "import_choice_invalid")
    return value


def _objects(record: dict, key: str) -> list[dict] | None:
    """A list of JSON objects; None when the key is missing or null."""
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _bad(key, _("phải là một danh sách các đối tượng JSON."))
    return value


def _not_before(later: datetime | None, later_name: str, earlier: datetime | None, earlier_name: str) -> None:
    if later is not None and earlier is not None and later < earlier:
        raise _bad(later_name, _("%(later)s sớm hơn %(earlier)s (%(value)s).")
                   % {"later": later_name, "earlier": earlier_name, "value": moment_format(earlier)},
                   "import_date_order")


# ---------------------------------------------------------------- lookups shared by the lines of one run


class Lookups:
    """Procedures, units and calendars by the keys the format uses, cached for one import run (they are
    only read). Never caches rows the import itself writes."""

    def __init__(self) -> None:
        self._procedures: dict[str, Procedure | None] = {}
        self._centers: dict[str, Unit | None] = {}
        self._units: dict[tuple[str, str], list[Unit]] = {}
        self._calendars: dict[int, WorkCalendar] = {}
        self._plans: dict[tuple[int, str], list] = {}
        self._steps: dict[tuple, list[DossierStep]] = {}
        self._loaded = False
        self._by_code: dict[str, Unit] = {}
        self._by_agency: dict[str, list[Unit]] = {}
        self._by_name: dict[str, list[Unit]] = {}

    def preload(self) -> "Lookups":
        """Load every procedure and unit in a few queries, for a bulk import: afterwards a key not found is
        simply not there (no query per miss). The catalogue and the units are read, never written, here."""
        procedures = (Procedure.objects.select_related("field", "handling_unit").prefetch_related("fees")
                      .order_by("pk"))
        for procedure in procedures:
            self._procedures.setdefault(procedure.code, procedure)
        parents: dict[int, Unit] = {}
        units = list(Unit.objects.order_by("path", "pk"))  # as the lazy lookups' `.first()` (Unit.Meta.ordering)
        for unit in units:
            parents[unit.pk] = unit
        for unit in units:
            if unit.parent_id is not None:
                unit.parent = parents.get(unit.parent_id)
            self._by_code.setdefault(unit.code, unit)
            if unit.agency_code:
                self._by_agency.setdefault(unit.agency_code, []).append(unit)
            self._by_name.setdefault(unit.name, []).append(unit)
        self._loaded = True
        return self

    def procedure(self, code: str) -> Procedure | None:
        if self._loaded:
            return self._procedures.get(code)
        if code not in self._procedures:
            self._procedures[code] = (Procedure.objects.select_related("field", "handling_unit")
                                      .prefetch_related("fees").filter(code=code).first())
        return self._procedures[code]

    def agency(self, agency_code: str) -> Unit | None:
        if self._loaded:
            found = self._by_agency.get(agency_code)
            return found[0] if found else None
        if agency_code not in self._centers:
            self._centers[agency_code] = (Unit.objects.select_related("parent")
                                          .filter(agency_code=agency_code).first())
        return self._centers[agency_code]

    def units(self, value: str, province_code: str) -> list[Unit]:
        """DonViXuLy: a unit code, else an agency identifier, else an exact unit name inside the province."""
        key = (value, province_code)
        if key not in self._units and self._loaded:
            found = ([self._by_code[value]] if value in self._by_code else list(self._by_agency.get(value, ())))
            if not found:
                found = [u for u in self._by_name.get(normalize_name(value), ())
                         if u.path.startswith(f"{province_code}/")]
            self._units[key] = found
        if key not in self._units:
            found = list(Unit.objects.filter(code=value)) or list(Unit.objects.filter(agency_code=value))
            if not found:
                found = list(Unit.objects.filter(name=normalize_name(value), path__startswith=f"{province_code}/"))
            self._units[key] = found
        return self._units[key]

    def plan(self, dossier: Dossier) -> list:
        """The procedure's internal process for the handling unit's province (services.step_plan)."""
        key = (dossier.procedure_id, dossier.handling_unit.province_code)
        if key not in self._plans:
            self._plans[key] = step_plan(dossier)
        return self._plans[key]

    def steps(self, dossier: Dossier, plan: list) -> list[DossierStep]:
        """The dossier's steps as `services.steps_build` makes them, built once per procedure, province and
        units and then copied (`instance_like`): the same rows for a fraction of the cost."""
        key = (dossier.procedure_id, dossier.handling_unit.province_code, dossier.receiving_unit_id,
               dossier.return_unit_id, dossier.handling_unit_id)
        if key not in self._steps:
            self._steps[key] = steps_build(dossier, plan)
        return [instance_like(step, {"dossier_id": None}) for step in self._steps[key]]

    def calendar(self, unit: Unit) -> WorkCalendar:
        if unit.pk not in self._calendars:
            self._calendars[unit.pk] = calendar_for_unit(unit=unit)
        return self._calendars[unit.pk]


# ---------------------------------------------------------------- one record, checked


@dataclass
class _Supplement:
    requested_at: datetime
    received_at: datetime | None
    due_before: datetime | None
    due_after: datetime | None

    def key(self) -> tuple:
        return tuple(_second(v) for v in (self.requested_at, self.received_at, self.due_before, self.due_after))


@dataclass
class _Record:
    """A line, checked and mapped to the model's values (names as on Dossier)."""

    code: str
    code_day: date
    code_number: int
    receiving_unit: Unit
    procedure: Procedure
    handling_unit: Unit
    channel: int
    applicant_kind: str
    applicant_name: str
    applicant_phone: str
    applicant_email: str
    summary: str
    submitted_at: datetime
    received_at: datetime | None
    due_at: datetime | None
    status: int
    finished_at: datetime | None
    returned_at: datetime | None
    paid_online: int
    identity_verified: bool
    fee_total: int
    supplements: list[_Supplement]
    extra: dict = field(default_factory=dict)

    @property
    def stage(self) -> str:
        return STAGE_OF_STATUS[self.status]

    @property
    def handling_unit_id(self) -> int:
        return self.handling_unit.pk

    @property
    def procedure_id(self) -> int:
        return self.procedure.pk

    @property
    def paper(self) -> bool:
        return self.channel != Channel.ONLINE

    @property
    def legal_due_at(self) -> datetime | None:
        """The last supplement's new date (NgayHenTraMoi) if there is one, else the appointment
        (NgayHenTra): the format does not carry an apology, so this may include one."""
        if self.supplements and self.supplements[-1].due_after is not None:
            return self.supplements[-1].due_after
        return self.due_at


def _code(record: dict, lookups: Lookups) -> tuple[str, date, int, Unit]:
    code = _text(record, "MaHoSo", max_length=64, required=True)
    match = _CODE.fullmatch(code)
    day = None
    if match:
        try:
            day = date(2000 + int(match["day"][:2]), int(match["day"][2:4]), int(match["day"][4:]))
        except ValueError:
            day = None
    number = int(match["seq"]) if match else 0
    # The sequence as codes.py writes it: at least four digits, no extra leading zero, never 0.
    if match is None or day is None or number == 0 or match["seq"] != f"{number:04d}":
        raise _bad("MaHoSo", _("«%(code)s» không đúng dạng <mã định danh cơ quan>-YYMMDD-XXXX.") % {"code": code},
                   "import_code_invalid")
    center = lookups.agency(match["agency"])
    if center is None:
        raise _bad("MaHoSo", _("không có đơn vị nào mang mã định danh %(agency)s.") % {"agency": match["agency"]},
                   "import_unit_unknown")
    if center.kind != UnitKind.SERVICE_CENTER:
        raise _bad("MaHoSo", _("mã định danh %(agency)s là của %(name)s, không phải một Trung tâm Phục vụ hành "
                               "chính công.") % {"agency": match["agency"], "name": center.name},
                   "import_unit_not_center")
    return code, day, number, center


def _handling_unit(value: str, *, procedure: Procedure, center: Unit, lookups: Lookups) -> Unit:
    province = center.province_code
    if not value:
        # As at receipt: a province-level procedure's own department, else the center's commune.
        unit = procedure.handling_unit if procedure.level == Level.PROVINCE else (
            center.parent if center.parent is not None and center.parent.level == "commune" else None)
        if unit is None:
            raise _bad("DonViXuLy", _("bắt buộc với hồ sơ này (không suy ra được đơn vị giải quyết)."),
                       "import_required")
    else:
        found = lookups.units(value, province)
        if len(found) != 1:
            message = (_("«%(value)s» khớp với nhiều đơn vị; hãy dùng mã đơn vị hoặc mã định danh.") if found
                       else _("không có đơn vị «%(value)s» (mã đơn vị, mã định danh hoặc tên đúng).")) % {"value": value}
            raise _bad("DonViXuLy", message, "import_unit_unknown")
        unit = found[0]
    wanted_commune = procedure.level == Level.COMMUNE
    fits = unit.level == "commune" if wanted_commune else unit.kind == UnitKind.DEPARTMENT
    if not fits or unit.province_code != province:
        raise _bad("DonViXuLy", _("%(name)s không phải %(kind)s trong tỉnh của nơi tiếp nhận.")
                   % {"name": unit.name, "kind": _("xã, phường") if wanted_commune else _("sở, ban, ngành")},
                   "import_unit_mismatch")
    return unit


def _fee_total(record: dict, procedure: Procedure) -> int:
    fees = _objects(record, "DanhSachLePhi")
    if fees is None:  # no list: the procedure's fees, as at receipt
        return sum(fee.amount for fee in procedure.fees.all())
    total = 0
    for index, fee in enumerate(fees):
        amount = fee.get("Gia", 0)
        if isinstance(amount, str) and _AMOUNT.fullmatch(amount):
            amount = int(amount)
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise _bad(f"DanhSachLePhi[{index}].Gia", _("phải là số tiền nguyên, không âm (đồng)."))
        total += amount
    return total


def _supplements(record: dict) -> list[_Supplement]:
    items = _objects(record, "DanhSachHoSoBoSung") or []
    result = []
    for index, item in enumerate(items):
        name = f"DanhSachHoSoBoSung[{index}]"
        requested = moment_parse(item.get("NgayBoSung"), f"{name}.NgayBoSung")
        if requested is None:
            raise _bad(f"{name}.NgayBoSung", _("bắt buộc, không được để trống."), "import_required")
        result.append(_Supplement(
            requested_at=requested,
            received_at=moment_parse(item.get("NgayTiepNhanBoSung"), f"{name}.NgayTiepNhanBoSung"),
            due_before=moment_parse(item.get("NgayHenTraTruoc"), f"{name}.NgayHenTraTruoc"),
            due_after=moment_parse(item.get("NgayHenTraMoi"), f"{name}.NgayHenTraMoi"),
        ))
    return result


def _check_story(r: _Record) -> None:
    """The dates each status needs, and in order: submitted ≤ received ≤ supplements ≤ end ≤ return."""
    status = r.status
    if status in _UNRECEIVED:
        for value, name in ((r.received_at, "NgayTiepNhan"), (r.due_at, "NgayHenTra")):
            if value is not None:
                raise _bad(name, _("hồ sơ ở trạng thái %(status)s chưa được tiếp nhận, không có ngày này.")
                           % {"status": status}, "import_date_unexpected")
    elif status != 7 and r.received_at is None:
        raise _bad("NgayTiepNhan", _("bắt buộc với hồ sơ ở trạng thái %(status)s.") % {"status": status},
                   "import_required")
    if r.received_at is not None and r.due_at is None:
        raise _bad("NgayHenTra", _("bắt buộc với hồ sơ đã tiếp nhận."), "import_required")
    if r.received_at is None and (r.due_at is not None or r.supplements):
        name = "NgayHenTra" if r.due_at is not None else "DanhSachHoSoBoSung"
        raise _bad(name, _("hồ sơ chưa được tiếp nhận (không có NgayTiepNhan) thì không có mục này."),
                   "import_date_unexpected")
    if status in _OPEN and r.finished_at is not None:
        raise _bad("NgayKetThucXuLy", _("hồ sơ ở trạng thái %(status)s chưa kết thúc xử lý.") % {"status": status},
                   "import_date_unexpected")
    if status in _ENDED_BY_DATE and r.finished_at is None:
        raise _bad("NgayKetThucXuLy", _("bắt buộc với hồ sơ ở trạng thái %(status)s.") % {"status": status},
                   "import_required")
    if status == 10 and r.returned_at is None:
        raise _bad("NgayTra", _("bắt buộc với hồ sơ đã trả kết quả (trạng thái 10)."), "import_required")
    if status != 10 and r.returned_at is not None:
        raise _bad("NgayTra", _("chỉ hồ sơ đã trả kết quả (trạng thái 10) mới có ngày trả."), "import_date_unexpected")
    _not_before(r.received_at, "NgayTiepNhan", r.submitted_at, "NgayNopHoSo")
    _not_before(r.due_at, "NgayHenTra", r.received_at, "NgayTiepNhan")
    previous, previous_name = r.received_at, "NgayTiepNhan"
    for index, s in enumerate(r.supplements):
        name = f"DanhSachHoSoBoSung[{index}]"
        _not_before(s.requested_at, f"{name}.NgayBoSung", previous, previous_name)
        if s.received_at is None:
            last = index == len(r.supplements) - 1
            if not last or status not in (5, 7):
                raise _bad(f"{name}.NgayTiepNhanBoSung", _("bắt buộc: chỉ lần bổ sung cuối của hồ sơ đang chờ "
                                                             "bổ sung (5) hoặc đã rút (7) mới chưa nhận."),
                           "import_required")
            if s.due_after is not None:
                raise _bad(f"{name}.NgayHenTraMoi", _("chưa nhận bổ sung thì chưa có ngày hẹn trả mới."),
                           "import_date_unexpected")
            previous, previous_name = s.requested_at, f"{name}.NgayBoSung"
        else:
            _not_before(s.received_at, f"{name}.NgayTiepNhanBoSung", s.requested_at, f"{name}.NgayBoSung")
            _not_before(s.due_after, f"{name}.NgayHenTraMoi", s.received_at, f"{name}.NgayTiepNhanBoSung")
            previous, previous_name = s.received_at, f"{name}.NgayTiepNhanBoSung"
    if status == 5 and (not r.supplements or r.supplements[-1].received_at is not None):
        raise _bad("DanhSachHoSoBoSung", _("hồ sơ đang chờ bổ sung (5) cần một lần bổ sung cuối chưa nhận."),
                   "import_required")
    if previous is None:
        previous, previous_name = r.submitted_at, "NgayNopHoSo"
    _not_before(r.finished_at, "NgayKetThucXuLy", previous, previous_name)
    _not_before(r.returned_at, "NgayTra", r.finished_at, "NgayKetThucXuLy")


def _fill_due_before(r: _Record, cal: WorkCalendar) -> None:
    """NgayHenTraTruoc left out: the due moment by the rules at the request — from the receipt for the
    first request, else the previous request's new date (or its restart by the rules)."""
    time = _time_of(r.procedure)
    for index, s in enumerate(r.supplements):
        if s.due_before is not None:
            continue
        try:
            if index == 0:
                s.due_before = legal_due_from(cal, clock_start(cal, r.received_at, channel_is_paper=r.paper), time)
            else:
                prev = r.supplements[index - 1]
                s.due_before = prev.due_after or restart_after_supplement(cal, prev.received_at, time,
                                                                          channel_is_paper=r.paper)
        except ValueError as exc:
            raise _bad(f"DanhSachHoSoBoSung[{index}].NgayHenTraTruoc", str(exc)) from None


def _time_of(procedure: Procedure) -> ProcessingTime:
    return ProcessingTime(Decimal(procedure.processing_time_value), procedure.processing_time_unit)


def record_parse(record: dict, *, lookups: Lookups | None = None) -> _Record:
    """Check one exchange record and map it to the model's values; ValidationFailed names the field."""
    lookups = lookups or Lookups()
    if not isinstance(record, dict):
        raise ValidationFailed(_("mỗi dòng phải là một đối tượng JSON {…}."), code="import_not_object")
    code, day, number, center = _code(record, lookups)
    procedure_code = _text(record, "MaTTHC", max_length=32, required=True)
    procedure = lookups.procedure(procedure_code)
    if procedure is None:
        raise _bad("MaTTHC", _("không có thủ tục «%(code)s» trong danh mục.") % {"code": procedure_code},
                   "import_procedure_unknown")
    handling = _handling_unit(_text(record, "DonViXuLy", max_length=255), procedure=procedure, center=center,
                              lookups=lookups)
    email = _text(record, "Email", max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise _bad("Email", _("«%(value)s» không phải địa chỉ thư điện tử.") % {"value": email}) from None
    submitted = moment_parse(record.get("NgayNopHoSo"), "NgayNopHoSo")
    if submitted is None:
        raise _bad("NgayNopHoSo", _("bắt buộc, không được để trống."), "import_required")
    extra = {key: _objects(record, key) or [] for key in _EXTRA_LISTS}
    extra["HoSoCoThanhPhanSoHoa"] = _choice(record, "HoSoCoThanhPhanSoHoa", (0, 1), default=0)
    parsed = _Record(
        code=code, code_day=day, code_number=number, receiving_unit=center, procedure=procedure,
        handling_unit=handling, channel=_choice(record, "KenhThucHien", Channel.values),
        applicant_kind=KIND_OF_SUBJECT[_choice(record, "LoaiDoiTuong", tuple(KIND_OF_SUBJECT), default=1)],
        applicant_name=_text(record, "ChuHoSo", max_length=255, required=True),
        applicant_phone=_text(record, "SoDienThoai", max_length=15), applicant_email=email,
        summary=_text(record, "TrichYeuHoSo", max_length=500), submitted_at=submitted,
        received_at=moment_parse(record.get("NgayTiepNhan"), "NgayTiepNhan"),
        due_at=moment_parse(record.get("NgayHenTra"), "NgayHenTra"),
        status=_choice(record, "TrangThaiHoSo", tuple(STAGE_OF_STATUS)),
        finished_at=moment_parse(record.get("NgayKetThucXuLy"), "NgayKetThucXuLy"),
        returned_at=moment_parse(record.get("NgayTra"), "NgayTra"),
        paid_online=_choice(record, "DuocThanhToanTrucTuyen", (0, 1, 2), default=0),
        identity_verified=bool(_choice(record, "TaiKhoanDuocXacThucVoiVNeID", (0, 1), default=0)),
        fee_total=_fee_total(record, procedure), supplements=_supplements(record), extra=extra,
    )
    if parsed.status == 10 and parsed.finished_at is None:
        parsed.finished_at = parsed.returned_at  # domain.md §3: end = done, else returned
    _check_story(parsed)
    _fill_due_before(parsed, lookups.calendar(handling))
    return parsed


# ---------------------------------------------------------------- identity of an existing dossier

# Model value → the national field it comes from: what "the same dossier" means, and how a conflict is named.
_COMPARED = {
    "procedure_id": "MaTTHC", "handling_unit_id": "DonViXuLy", "channel": "KenhThucHien",
    "applicant_kind": "LoaiDoiTuong", "applicant_name": "ChuHoSo", "applicant_phone": "SoDienThoai",
    "applicant_email": "Email", "summary": "TrichYeuHoSo", "submitted_at": "NgayNopHoSo",
    "received_at": "NgayTiepNhan", "due_at": "NgayHenTra", "status": "TrangThaiHoSo",
    "finished_at": "NgayKetThucXuLy", "returned_at": "NgayTra", "paid_online": "DuocThanhToanTrucTuyen",
    "identity_verified": "TaiKhoanDuocXacThucVoiVNeID", "fee_total": "DanhSachLePhi",
}


def _second(value):
    """The format keeps whole seconds: compare moments at that precision."""
    return value.replace(microsecond=0) if isinstance(value, datetime) else value


def _import_event(dossier: Dossier) -> DossierEvent | None:
    events = getattr(dossier, "import_events", None)
    if events is None:
        events = list(dossier.events.filter(action=IMPORT_ACTION).order_by("at", "id"))
    return events[-1] if events else None


def _extra_of(dossier: Dossier) -> dict:
    event = _import_event(dossier)
    stored = (event.data or {}).get("extra", {}) if event is not None else {}
    return {key: stored.get(key, default) for key, default in _EXTRA_DEFAULTS.items()}


def _supplements_of(dossier: Dossier) -> list[SupplementRequest]:
    return sorted(dossier.supplements.all(), key=lambda s: (s.requested_at, s.pk))


def _differences(dossier: Dossier, parsed: _Record) -> list[str]:
    names = [name for attr, name in _COMPARED.items()
             if _second(getattr(dossier, attr)) != _second(getattr(parsed, attr))]
    stored = [_Supplement(s.requested_at, s.received_at, s.due_before, s.due_after).key()
              for s in _supplements_of(dossier)]
    if stored != [s.key() for s in parsed.supplements]:
        names.append("DanhSachHoSoBoSung")
    extra = _extra_of(dossier)
    names.extend(key for key in _EXTRA_DEFAULTS if extra[key] != parsed.extra[key])
    return names


# ---------------------------------------------------------------- writing one record


def _steps(dossier: Dossier, r: _Record, plan: list, cal: WorkCalendar, lookups: Lookups) -> list[DossierStep]:
    """The dossier's steps from the procedure's process, unit by unit as receipt gives them
    (services.steps_build), and as far as the format tells: the receipt step done at receipt, deadlines
    from the last clock start; a finished dossier's working steps done by its end and its return step
    waiting (9) or done (10). Built whole in memory and inserted once."""
    steps = lookups.steps(dossier, plan)
    if r.received_at is None:
        return steps
    restarts = [s.received_at for s in r.supplements if s.received_at is not None]
    try:
        dossier.clock_started_at = clock_start(cal, restarts[-1] if restarts else r.received_at,
                                               channel_is_paper=r.paper)
        deadlines = step_deadlines(cal, dossier.clock_started_at, [s.allowance for s in steps],
                                   _time_of(r.procedure).unit)
    except ValueError as exc:
        raise _bad("NgayTiepNhan", str(exc)) from None
    for step, deadline in zip(steps, deadlines, strict=True):
        step.due_at = deadline
    working = list(steps)
    if len(working) > 1 and working[0].role == Role.RECEIVER:
        receipt = working.pop(0)
        receipt.started_at = receipt.finished_at = r.received_at
    return_step = working.pop() if len(working) > 1 and working[-1].role == Role.RECEIVER else None
    if r.stage in (Stage.DONE, Stage.RETURNED):
        for step in working:
            step.finished_at = r.finished_at
        if return_step is not None:
            return_step.started_at, return_step.finished_at = r.finished_at, r.returned_at
    return steps


def _current_step(steps: list[DossierStep], r: _Record) -> DossierStep | None:
    """A finished dossier is at its return step; an open (or stopped, withdrawn) one waits at its first
    working step, unassigned: the format carries no step progress (CapNhatTienDoHoSoMC is another service)."""
    if r.received_at is None or not steps:
        return None
    if r.stage in (Stage.DONE, Stage.RETURNED):
        last = steps[-1]
        return last if len(steps) > 1 and last.role == Role.RECEIVER else None
    return steps[1] if len(steps) > 1 and steps[0].role == Role.RECEIVER else steps[0]


def _history(dossier: Dossier, r: _Record, *, record: dict, line: int,
             now: datetime | None = None) -> list[DossierEvent]:
    """One event per milestone the format dates, then the import itself (at `now`). They are history: no
    hook runs (no SMS about an old dossier, no second sync of what the old system already sent)."""
    events: list[DossierEvent] = []
    stage = ""

    def add(action: str, at: datetime, to_stage: str, data: dict | None = None) -> None:
        nonlocal stage
        events.append(instance_like(_template(DossierEvent), {
            "at": at, "action": action, "from_stage": stage, "to_stage": to_stage,
            "status": NATIONAL_STATUS[to_stage], "data": {"imported": True, **(data or {})}}))
        stage = to_stage

    add(SUBMIT_ACTION, r.submitted_at, Stage.SUBMITTED)
    if r.received_at is not None:
        add(Action.RECEIVE, r.received_at, Stage.RECEIVED)
    for count, s in enumerate(r.supplements, start=1):
        add(Action.REQUEST_SUPPLEMENT, s.requested_at, Stage.SUPPLEMENT,
            {"count": count, "due_before": s.due_before.isoformat()})
        if s.received_at is not None:
            add(Action.RECEIVE_SUPPLEMENT, s.received_at, Stage.PROCESSING,
                {"due_before": s.due_before.isoformat(), "due_after": s.due_after.isoformat() if s.due_after else None})
    ending = {Stage.REFUSED: Action.REFUSE, Stage.WITHDRAWN: Action.WITHDRAW, Stage.STOPPED: Action.STOP,
              Stage.DONE: FINISH_ACTION, Stage.RETURNED: FINISH_ACTION}.get(r.stage)
    if ending is not None:
        add(ending, r.finished_at, Stage.DONE if r.stage == Stage.RETURNED else r.stage)
    if r.stage == Stage.RETURNED:
        add(Action.RETURN_RESULT, r.returned_at, Stage.RETURNED)
    add(IMPORT_ACTION, now or timezone.now(), r.stage,
        {"format": FORMAT, "line": line, "extra": r.extra, "record": record})
    return events


_TEMPLATES: dict[type, object] = {}


def _template(model):
    """An empty instance of `model` (its defaults) that `instance_like` copies."""
    if model not in _TEMPLATES:
        _TEMPLATES[model] = model()
    return _TEMPLATES[model]


@dataclass
class _Built:
    """A new dossier and every row written with it, unsaved: both write paths (line by line, and in
    batches) start from here, so they write the same rows."""

    dossier: Dossier
    steps: list[DossierStep]
    current: DossierStep | None
    supplements: list[SupplementRequest]
    events: list[DossierEvent]


def _build(r: _Record, *, record: dict, line: int, lookups: Lookups, now: datetime | None = None) -> _Built:
    """The dossier of a checked line, its steps, supplement requests and events, in memory (no query but
    the cached lookups). ValidationFailed when the clock cannot start (a calendar without working time)."""
    cal = lookups.calendar(r.handling_unit)
    dossier = instance_like(_template(Dossier), {
        "code": r.code, "procedure_id": r.procedure.pk, "channel": r.channel, "applicant_kind": r.applicant_kind,
        "applicant_name": r.applicant_name, "applicant_phone": r.applicant_phone,
        "applicant_email": r.applicant_email, "submitter_name": r.applicant_name, "summary": r.summary,
        "identity_verified": r.identity_verified, "form_data": {},
        "result_delivery": ResultDelivery.ONLINE if r.channel == Channel.ONLINE else ResultDelivery.AT_CENTER,
        "receiving_unit_id": r.receiving_unit.pk, "handling_unit_id": r.handling_unit.pk,
        "return_unit_id": r.receiving_unit.pk, "submitted_at": r.submitted_at, "received_at": r.received_at,
        "due_at": r.due_at, "legal_due_at": r.legal_due_at, "finished_at": r.finished_at,
        "returned_at": r.returned_at, "supplement_count": len(r.supplements), "fee_total": r.fee_total,
        "paid_online": r.paid_online,
    }, {"procedure": r.procedure, "receiving_unit": r.receiving_unit, "handling_unit": r.handling_unit,
        "return_unit": r.receiving_unit})
    stage_set(dossier, r.stage)
    if r.finished_at is not None and r.received_at is not None:
        dossier.outcome = judge(end=r.finished_at, legal_due=r.legal_due_at,
                                supplement_count=len(r.supplements), tz=timezone.get_default_timezone())
    steps = _steps(dossier, r, lookups.plan(dossier), cal, lookups)
    supplements = [instance_like(_template(SupplementRequest), {
        "requested_at": s.requested_at, "requested_by_id": None, "missing": "", "due_before": s.due_before,
        "received_at": s.received_at, "due_after": s.due_after}) for s in r.supplements]
    return _Built(dossier=dossier, steps=steps, current=_current_step(steps, r), supplements=supplements,
                  events=_history(dossier, r, record=record, line=line, now=now))


def _counter_advance(*, unit: Unit, day: date, number: int) -> None:
    """New codes of (unit, day) must come after the imported one: one UPDATE … GREATEST, which holds
    under concurrent receipts (the row lock of dossier_code_next serialises both)."""
    counter = DossierCodeCounter.objects.filter(unit=unit, day=day)
    if not counter.update(last=Greatest("last", Value(number))):  # no row yet for that day: make it, then again
        DossierCodeCounter.objects.bulk_create([DossierCodeCounter(unit=unit, day=day, last=0)],
                                               ignore_conflicts=True)
        counter.update(last=Greatest("last", Value(number)))


def _counters_raise(highest: dict[tuple[int, date], int]) -> None:
    """The batch form of `_counter_advance`: one INSERT … ON CONFLICT DO UPDATE SET last = GREATEST(last,
    new) per 500 (unit, day) pairs, in key order (two importers lock rows in the same order)."""
    qn = connection.ops.quote_name
    table, last = qn(DossierCodeCounter._meta.db_table), qn("last")
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"  # SQLite's two-argument MAX
    items = sorted(highest.items())
    with connection.cursor() as cursor:
        for first in range(0, len(items), 500):
            part = items[first:first + 500]
            cursor.execute(
                f"INSERT INTO {table} ({qn('unit_id')}, {qn('day')}, {last}) "  # noqa: S608 — names, not data
                f"VALUES {', '.join(['(%s, %s, %s)'] * len(part))} "
                f"ON CONFLICT ({qn('unit_id')}, {qn('day')}) DO UPDATE SET {last} = {greatest}({table}.{last}, "
                f"excluded.{last})",
                [value for (unit_id, day), number in part
                 for value in (unit_id, connection.ops.adapt_datefield_value(day), number)])


def _conflict_check(existing: Dossier, r: _Record) -> str:
    """"unchanged" when the dossier already in the database says what the line says; else the conflict."""
    differences = _differences(existing, r)
    if differences:
        raise ValidationFailed(
            _("MaHoSo: hồ sơ %(code)s đã có với dữ liệu khác (%(fields)s).")
            % {"code": r.code, "fields": ", ".join(differences)},
            code="dossier_code_conflict", extra={"field": "MaHoSo", "differences": differences})
    return "unchanged"


def _import_parsed(r: _Record, *, record: dict, line: int, lookups: Lookups) -> str:
    """Write one checked line in its own transaction (the line-by-line path): "created" or "unchanged"."""
    with transaction.atomic():
        existing = Dossier.objects.filter(code=r.code).first()
        if existing is not None:
            return _conflict_check(existing, r)
        built = _build(r, record=record, line=line, lookups=lookups)
        dossier = built.dossier
        dossier.save()
        for row in (*built.steps, *built.supplements, *built.events):
            row.dossier_id = dossier.pk
        DossierStep.objects.bulk_create(built.steps)
        dossier.current_step = built.current
        if dossier.current_step is not None:
            dossier.save(update_fields=["current_step", "updated_at"])
        if built.supplements:
            SupplementRequest.objects.bulk_create(built.supplements)
        DossierEvent.objects.bulk_create(built.events)
        _counter_advance(unit=r.receiving_unit, day=r.code_day, number=r.code_number)
    return "created"


def dossier_import_record(*, record: dict, line: int, lookups: Lookups | None = None) -> str:
    """Import one DongBoHoSoMC record (nhập một hồ sơ từ hệ thống cũ) as a dossier keeping its MaHoSo.

    Returns "created", or "unchanged" when a dossier with that code already says the same; raises
    ValidationFailed naming the field otherwise (code `dossier_code_conflict` for a code that exists with
    other data). Everything is written in one transaction: the dossier, its steps, its supplement
    requests, its events and the code counter, or nothing.
    """
    lookups = lookups or Lookups()
    r = record_parse(record, lookups=lookups)
    return _import_parsed(r, record=record, line=line, lookups=lookups)


# ---------------------------------------------------------------- a whole file


@dataclass(frozen=True)
class RejectedLine:
    line: int
    reason: str
    code: str = ""


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    rejected: list[RejectedLine] = field(default_factory=list)
    index_rebuilt: bool = False  # the monitoring counters were rebuilt for what the import added

    @property
    def complete(self) -> bool:
        """Every line went in (created or already there)."""
        return not self.rejected


@dataclass
class _Touched:
    """Where the created dossiers count in the monitoring counters: their handling units and first day."""

    paths: set[str] = field(default_factory=set)
    first_day: date | None = None

    def add(self, r: _Record) -> None:
        self.paths.add(r.handling_unit.path)
        day = timezone.localdate(r.submitted_at)
        if self.first_day is None or day < self.first_day:
            self.first_day = day


def _decode(raw: str | bytes, number: int) -> str:
    text = (raw.decode("utf-8") if isinstance(raw, bytes) else raw).rstrip("\r\n")
    return text.removeprefix("\ufeff") if number == 1 else text


def _parse_line(raw: str | bytes, number: int, lookups: Lookups) -> tuple[dict, _Record] | None:
    """A line of the file, read and checked (None for a blank line); ValidationFailed says why not."""
    try:
        text = _decode(raw, number)
    except UnicodeDecodeError:
        raise ValidationFailed(_("không phải văn bản UTF-8."), code="import_not_utf8") from None
    if not text.strip():
        return None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(_("JSON sai cú pháp ở cột %(column)s.") % {"column": exc.colno},
                               code="import_json_invalid") from None
    if not isinstance(record, dict):
        raise ValidationFailed(_("mỗi dòng phải là một đối tượng JSON {…}."), code="import_not_object")
    return record, record_parse(record, lookups=lookups)


def _attempt(report: ImportReport, number: int, call: Callable[[], object]):
    """call() for line `number`; a refusal (the line's or the database's) is reported and gives None."""
    try:
        return call()
    except ApplicationError as exc:
        report.rejected.append(RejectedLine(number, str(exc.message), exc.code))
    except IntegrityError:  # the same code written meanwhile by another process
        report.rejected.append(RejectedLine(
            number, _("MaHoSo: hồ sơ vừa được ghi bởi một tiến trình khác; hãy chạy lại."), "import_race"))
    except DatabaseError as exc:  # a value the database refuses; the line's transaction is rolled back
        report.rejected.append(RejectedLine(
            number, _("cơ sở dữ liệu từ chối dòng này: %(error)s") % {"error": exc}, "import_database"))
    return None


def _count(report: ImportReport, touched: _Touched, outcome, r: _Record) -> None:
    if outcome == "created":
        report.created += 1
        touched.add(r)
    elif outcome == "unchanged":
        report.unchanged += 1


def _import_by_line(lines: Iterable[str | bytes], report: ImportReport, touched: _Touched,
                    progress: Callable[[int], object] | None) -> None:
    lookups = Lookups()
    for number, raw in enumerate(lines, start=1):
        parsed = _attempt(report, number, lambda: _parse_line(raw, number, lookups))  # noqa: B023 — called at once
        if parsed is not None:
            record, r = parsed
            _count(report, touched, _attempt(report, number, lambda: _import_parsed(  # noqa: B023
                r, record=record, line=number, lookups=lookups)), r)  # noqa: B023
        if progress is not None:
            progress(1)


# ---------------------------------------------------------------- a whole file, in batches

@dataclass
class _Line:
    number: int
    record: dict
    parsed: _Record


def _existing(codes: list[str]) -> dict[str, Dossier]:
    """Dossiers already holding some of `codes`, with what `_differences` reads (supplements, import event)."""
    found: dict[str, Dossier] = {}
    for first in range(0, len(codes), 900):  # SQLite's bound-parameter limit
        qs = (Dossier.objects.filter(code__in=codes[first:first + 900])
              .prefetch_related(
                  Prefetch("supplements", queryset=SupplementRequest.objects.order_by("requested_at", "id")),
                  Prefetch("events", queryset=DossierEvent.objects.filter(action=IMPORT_ACTION).order_by("at", "id"),
                           to_attr="import_events")))
        found.update((d.code, d) for d in qs)
    return found


_COLUMNS = {model: columns_of(model) for model in (Dossier, DossierStep)}
# Rows that nothing points to take their id from the table's own sequence.
_COLUMNS.update({model: tuple(c for c in columns_of(model) if c != "id") for model in (SupplementRequest, DossierEvent)})


def _write(built: list[_Built], records: list[_Record], *, writer, now: datetime) -> None:
    """Rows of a batch, ids allocated first (dossiers and their current steps point to each other):
    COPY on PostgreSQL, bulk_create elsewhere; then the code counters. The caller's transaction holds it."""
    dossier_ids = iter(ids_reserve(Dossier, len(built)))
    step_ids = iter(ids_reserve(DossierStep, sum(len(b.steps) for b in built)))
    dossiers, steps, supplements, events = [], [], [], []
    for b in built:
        d = b.dossier
        d.pk = next(dossier_ids)
        d.created_at = d.updated_at = now  # what save() does (auto_now), which a bulk write skips
        for step in b.steps:
            step.pk, step.dossier_id = next(step_ids), d.pk
        d.current_step_id = b.current.pk if b.current is not None else None
        for row in b.supplements:
            row.dossier_id = d.pk
        for row in b.events:
            row.dossier_id = d.pk
        dossiers.append(d)
        steps.extend(b.steps)
        supplements.extend(b.supplements)
        events.extend(b.events)
    for model, objects in ((Dossier, dossiers), (DossierStep, steps), (SupplementRequest, supplements),
                           (DossierEvent, events)):
        writer.write_objects(model, objects, _COLUMNS[model])
    highest: dict[tuple[int, date], int] = {}
    for r in records:
        key = (r.receiving_unit.pk, r.code_day)
        highest[key] = max(highest.get(key, 0), r.code_number)
    _counters_raise(highest)


def _batch_check(lines: list[_Line], *, report: ImportReport, touched: _Touched, lookups: Lookups,
                 now: datetime) -> tuple[list[tuple[_Line, _Built]], list[_Line]]:
    """Checked lines of one batch → (new dossiers built in memory, lines to do one by one). The codes
    already in the database are compared in one query; a code repeated inside the batch goes line by line
    after it (then "unchanged" or a conflict, as line by line)."""
    firsts: dict[str, _Line] = {}
    repeats: list[_Line] = []
    for item in lines:
        if item.parsed.code in firsts:
            repeats.append(item)
        else:
            firsts[item.parsed.code] = item
    existing = _existing(list(firsts))
    fresh: list[tuple[_Line, _Built]] = []
    for item in firsts.values():
        r = item.parsed
        if r.code in existing:
            _count(report, touched, _attempt(report, item.number, lambda: _conflict_check(
                existing[r.code], r)), r)  # noqa: B023 — called at once
            continue
        built = _attempt(report, item.number, lambda: _build(  # noqa: B023
            r, record=item.record, line=item.number, lookups=lookups, now=now))  # noqa: B023
        if built is not None:
            fresh.append((item, built))
    return fresh, repeats


def _batch_write(fresh: list[tuple[_Line, _Built]], repeats: list[_Line], *, report: ImportReport,
                 touched: _Touched, lookups: Lookups, writer, now: datetime) -> None:
    """The new dossiers of a batch in one transaction; if the database refuses it (a code written
    meanwhile, a value it rejects), the whole batch is rolled back and its lines go one by one, so the
    good ones still land and the report stays exact."""
    if fresh:
        try:
            with transaction.atomic():
                _write([b for _item, b in fresh], [item.parsed for item, _b in fresh], writer=writer, now=now)
        except DatabaseError:
            repeats = [item for item, _b in fresh] + repeats
        else:
            for item, _b in fresh:
                _count(report, touched, "created", item.parsed)
    for item in sorted(repeats, key=lambda i: i.number):
        _count(report, touched, _attempt(report, item.number, lambda: _import_parsed(  # noqa: B023
            item.parsed, record=item.record, line=item.number, lookups=lookups)), item.parsed)  # noqa: B023


class _Here:
    """Each batch written as soon as it is checked, on the caller's connection (inside its transaction)."""

    def __init__(self, report: ImportReport, touched: _Touched, lookups: Lookups, writer) -> None:
        self.report, self.touched, self.lookups, self.writer = report, touched, lookups, writer

    def submit(self, fresh, repeats, now) -> None:
        _batch_write(fresh, repeats, report=self.report, touched=self.touched, lookups=self.lookups,
                     writer=self.writer, now=now)

    def close(self) -> None:
        pass


class _Background(_Here):
    """PostgreSQL outside a transaction: batches are written by a thread on its own connection while the
    next batch is read and checked, so the server's work (indexes, foreign keys, WAL) runs beside the
    Python checks. One batch waits at most; batches commit in order. A code the next batch repeats from the
    one being written is not seen by its check: its write then fails on the unique code and goes line by
    line (exact, only slower). The thread counts into its own report, merged by `close`."""

    def __init__(self, report, touched, lookups, writer) -> None:
        super().__init__(ImportReport(), _Touched(), lookups, writer)
        self.target, self.target_touched = report, touched
        self.thread = WriterThread(lambda *item: _Here.submit(self, *item), name="motcua-import-writer")

    def submit(self, fresh, repeats, now) -> None:
        self.thread.submit(fresh, repeats, now)

    def close(self) -> None:
        try:
            self.thread.join()
        finally:
            self._merge()

    def _merge(self) -> None:
        self.target.created += self.report.created
        self.target.unchanged += self.report.unchanged
        self.target.rejected.extend(self.report.rejected)
        self.target_touched.paths |= self.touched.paths
        if self.touched.first_day is not None and (self.target_touched.first_day is None
                                                   or self.touched.first_day < self.target_touched.first_day):
            self.target_touched.first_day = self.touched.first_day
        self.report, self.touched = ImportReport(), _Touched()  # merged once


def _import_in_batches(lines: Iterable[str | bytes], size: int, report: ImportReport, touched: _Touched,
                       progress: Callable[[int], object] | None) -> None:
    lookups, writer = Lookups().preload(), writer_for("auto")
    background = connection.vendor == "postgresql" and not connection.in_atomic_block
    sink = (_Background if background else _Here)(report, touched, lookups, writer)
    batch: list[_Line] = []
    read = 0

    def flush() -> None:
        now = timezone.now()
        sink.submit(*_batch_check(batch, report=report, touched=touched, lookups=lookups, now=now), now)
        if progress is not None:
            progress(read)

    try:
        for number, raw in enumerate(lines, start=1):
            parsed = _attempt(report, number, lambda: _parse_line(raw, number, lookups))  # noqa: B023 — at once
            if parsed is not None:
                batch.append(_Line(number, *parsed))
            read += 1
            if read == size:
                flush()
                batch, read = [], 0
        if read:
            flush()
    finally:
        sink.close()
    report.rejected.sort(key=lambda rejected: rejected.line)


def _index_rebuild(touched: _Touched) -> bool:
    """Bulk and imported events bypass the monitoring listener: rebuild the counters over the smallest unit
    holding every handling unit the import used (the province for a province's file), from the first
    imported day on. False when the monitoring app is not there (then `motcua index rebuild`)."""
    try:
        from motcua.monitoring.counters import counters_rebuild
    except ImportError:  # pragma: no cover — a trimmed install
        return False
    parts = [path.strip("/").split("/") for path in touched.paths]
    common = []
    for segment in zip(*parts, strict=False):
        if len(set(segment)) != 1:
            break
        common.append(segment[0])
    unit = Unit.objects.filter(code=common[-1]).first() if common else None
    counters_rebuild(unit=unit, start=touched.first_day)
    return True


def dossiers_import(*, lines: Iterable[str | bytes], progress: Callable[[int], object] | None = None,
                    dry_run: bool = False, actor=None, batch_size: int = 0, index: bool = True) -> ImportReport:
    """Import a JSONL file (nhập hồ sơ từ hệ thống cũ): each line whole or not at all, the good lines in,
    the bad ones reported with their number (1-based) and reason. Blank lines are skipped.

    `batch_size` 0: line by line, one transaction per line. N > 0: N lines at a time — the same checks
    (`record_parse`), lookups loaded once, the batch's new dossiers written in one transaction (COPY on
    PostgreSQL); the report is the same. `progress(n)` is called as lines are done. With `dry_run`
    everything is rolled back at the end, so the report says what the import would do. `index`: after a
    run that created dossiers, rebuild the monitoring counters they touch (the import writes its events
    in bulk, without the counters' listener)."""
    report, touched = ImportReport(), _Touched()
    with transaction.atomic() if dry_run else nullcontext():
        if batch_size > 0:
            _import_in_batches(lines, batch_size, report, touched, progress)
        else:
            _import_by_line(lines, report, touched, progress)
        if dry_run:
            transaction.set_rollback(True)
        elif report.created:
            audit_record(action="dossiers.imported", object_type="dossiers.dossier", object_id="*", actor=actor,
                         data={"format": FORMAT, "created": report.created, "unchanged": report.unchanged,
                               "rejected": len(report.rejected)})
    if index and not dry_run and report.created:
        report.index_rebuilt = _index_rebuild(touched)
    return report


# ---------------------------------------------------------------- export


def dossier_export_record(dossier: Dossier) -> dict:
    """One dossier as a DongBoHoSoMC record, every field present (null for a moment not reached).

    Reads dossier.procedure (with field and fees), handling_unit, supplements and the import event:
    `dossiers_export` prefetches them. DanhSachLePhi is the procedure's fees; the lists the model has no
    place for (TaiLieuNop, DanhSachGiayToKetQua) and HoSoCoThanhPhanSoHoa come back as imported, else empty.
    """
    procedure, handling, extra = dossier.procedure, dossier.handling_unit, _extra_of(dossier)
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": procedure.code,
        "TenTTHC": procedure.name,
        "MaLinhVuc": procedure.field.code,
        "TenLinhVuc": procedure.field.name,
        "KenhThucHien": dossier.channel,
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": SUBJECT_OF_KIND.get(dossier.applicant_kind, 1),
        "SoDienThoai": dossier.applicant_phone,
        "Email": dossier.applicant_email,
        "TrichYeuHoSo": dossier.summary,
        "NgayNopHoSo": moment_format(dossier.submitted_at),
        "NgayTiepNhan": moment_format(dossier.received_at),
        "NgayHenTra": moment_format(dossier.due_at),
        "TrangThaiHoSo": dossier.status,
        "NgayKetThucXuLy": moment_format(dossier.finished_at),
        "NgayTra": moment_format(dossier.returned_at),
        "DonViXuLy": handling.agency_code or handling.code,
        "DuocThanhToanTrucTuyen": dossier.paid_online,
        "TaiKhoanDuocXacThucVoiVNeID": int(dossier.identity_verified),
        "HoSoCoThanhPhanSoHoa": extra["HoSoCoThanhPhanSoHoa"],
        "TaiLieuNop": extra["TaiLieuNop"],
        "DanhSachLePhi": [{"TenPhiLePhi": fee.name, "MaPhiLePhi": "", "Gia": fee.amount}
                          for fee in procedure.fees.all()],
        "DanhSachHoSoBoSung": [
            {"NgayBoSung": moment_format(s.requested_at), "NgayTiepNhanBoSung": moment_format(s.received_at),
             "NgayHenTraTruoc": moment_format(s.due_before), "NgayHenTraMoi": moment_format(s.due_after)}
            for s in _supplements_of(dossier)],
        "DanhSachGiayToKetQua": extra["DanhSachGiayToKetQua"],
    }


def dossiers_export(*, since: datetime | None = None, unit: Unit | None = None,
                    chunk_size: int = 500) -> Iterator[dict]:
    """Dossiers as DongBoHoSoMC records, by code, streamed: per chunk of `chunk_size` one query for the
    dossiers and one each for fees, supplement requests and import events.

    `since`: changed (updated_at) at or after that moment. `unit`: received or handled by that unit or
    inside it (a province gives the whole province)."""
    qs = (Dossier.objects.select_related("procedure__field", "handling_unit")
          .prefetch_related(
              "procedure__fees",
              Prefetch("supplements", queryset=SupplementRequest.objects.order_by("requested_at", "id")),
              Prefetch("events", queryset=DossierEvent.objects.filter(action=IMPORT_ACTION).order_by("at", "id"),
                       to_attr="import_events"))
          .order_by("code"))
    if since is not None:
        qs = qs.filter(updated_at__gte=since)
    if unit is not None:
        qs = qs.filter(Q(receiving_unit__path__startswith=unit.path) | Q(handling_unit__path__startswith=unit.path))
    for dossier in qs.iterator(chunk_size=chunk_size):
        yield dossier_export_record(dossier)
