# SPDX-License-Identifier: AGPL-3.0-or-later
"""The catalogue exchange format `motcua.catalog/1` (docs/catalog-format.md): parsing and validation.

Every importer (JSON, XLSX, admin) turns its input into these dataclasses first; nothing is written
until a whole file has parsed, so a bad row never leaves a half-applied catalogue.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.core.errors import ValidationFailed
from motcua.core.text import normalize_name

from .models import FeePayment, Level, OnlineLevel, PaperForm, PublicationStatus, ResultType, TimeUnit

FORMAT = "motcua.catalog/1"
STEP_ROLES = (Role.RECEIVER, Role.SPECIALIST, Role.DEPARTMENT_LEADER, Role.SIGNING_LEADER, Role.CLERK)
# The exchange format names roles in English; the database keeps accounts.Role values.
ROLE_NAMES = {"receiver": Role.RECEIVER, "specialist": Role.SPECIALIST, "department_leader": Role.DEPARTMENT_LEADER,
              "signing_leader": Role.SIGNING_LEADER, "clerk": Role.CLERK}
ROLE_EXPORT = {v: k for k, v in ROLE_NAMES.items()}


class CatalogError(ValidationFailed):
    code = "catalog_invalid"


@dataclass(frozen=True)
class FeeData:
    name: str
    amount: int
    paid_when: str = FeePayment.ON_SUBMISSION
    note: str = ""


@dataclass(frozen=True)
class PaperData:
    name: str
    form: str = PaperForm.ORIGINAL
    count: int = 1
    template: str = ""
    required: bool = True


@dataclass(frozen=True)
class StepData:
    order: int
    name: str
    role: str
    allowance: Decimal
    unit_code: str | None = None


@dataclass(frozen=True)
class ProcedureData:
    code: str
    name: str
    field_code: str
    level: str
    handling_agency: str
    processing_time_value: Decimal
    processing_time_unit: str
    handling_agency_code: str | None = None
    processing_time_note: str = ""
    fees: tuple[FeeData, ...] = ()
    papers: tuple[PaperData, ...] = ()
    steps: tuple[StepData, ...] = ()
    result_type: str = ResultType.DOCUMENT
    result_name: str = ""
    for_citizens: bool = True
    for_businesses: bool = False
    online_level: str = OnlineLevel.FULL
    partial_reason: str = ""
    cross_boundary: bool = True
    legal_basis: tuple[str, ...] = ()
    publication_status: str = PublicationStatus.PUBLISHED
    decided_on: date | None = None
    published_on: date | None = None
    form_schema: dict = field(default_factory=dict)
    keywords: tuple[str, ...] = ()
    popularity: int = 0
    verified: bool = False
    verification_note: str = ""


def _fail(where: str, message: str) -> CatalogError:
    return CatalogError(_("%(where)s: %(message)s") % {"where": where, "message": message})


def _text(raw: dict, key: str, where: str, *, required: bool = False) -> str:
    value = raw.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _fail(where, _("trường %(key)s phải là chuỗi ký tự.") % {"key": key})
    value = normalize_name(value) if "\n" not in value else value.strip()
    if required and not value:
        raise _fail(where, _("thiếu trường %(key)s.") % {"key": key})
    return value


def _choice(raw: dict, key: str, choices, where: str, default=None) -> str:
    value = raw.get(key, default)
    if value not in choices:
        allowed = ", ".join(str(c) for c in choices)
        raise _fail(where, _("%(key)s «%(value)s» không hợp lệ (chọn một trong: %(allowed)s).")
                    % {"key": key, "value": value, "allowed": allowed})
    return value


def _decimal(value, where: str, key: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise _fail(where, _("%(key)s phải là số, nhận được «%(value)s».") % {"key": key, "value": value}) from None
    if not number.is_finite() or number < 0:
        raise _fail(where, _("%(key)s phải là số không âm.") % {"key": key})
    if number != number.quantize(Decimal("0.01")):
        # The database keeps two decimals: a finer value would be rounded and break the step sum.
        raise _fail(where, _("%(key)s chỉ được có tối đa 2 chữ số thập phân, nhận được «%(value)s».")
                    % {"key": key, "value": value})
    return number


def _int(value, where: str, key: str, *, minimum: int = 0) -> int:
    """Whole numbers; text may group thousands the Vietnamese way ("50.000"), never a decimal comma."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _fail(where, _("%(key)s phải là số nguyên.") % {"key": key})
    text = value.strip() if isinstance(value, str) else None
    if text is not None and not re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", text):
        raise _fail(where, _("%(key)s phải là số nguyên, nhận được «%(value)s».") % {"key": key, "value": value})
    number = int(text.replace(".", "")) if text is not None else int(value)
    if number < minimum or (isinstance(value, float) and value != number):
        raise _fail(where, _("%(key)s không hợp lệ: %(value)s.") % {"key": key, "value": value})
    return number


def _date(value, where: str, key: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _fail(where, _("%(key)s phải là ngày dạng YYYY-MM-DD.") % {"key": key}) from None


def _list(raw: dict, key: str, where: str) -> list:
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise _fail(where, _("%(key)s phải là danh sách.") % {"key": key})
    return value


def fee_parse(raw, where: str) -> FeeData:
    if not isinstance(raw, dict):
        raise _fail(where, _("phí, lệ phí phải là đối tượng."))
    return FeeData(name=_text(raw, "name", where, required=True), amount=_int(raw.get("amount"), where, "amount"),
                   paid_when=_choice(raw, "paid_when", FeePayment.values, where, FeePayment.ON_SUBMISSION),
                   note=_text(raw, "note", where))


def paper_parse(raw, where: str) -> PaperData:
    if not isinstance(raw, dict):
        raise _fail(where, _("thành phần hồ sơ phải là đối tượng."))
    required = raw.get("required", True)
    return PaperData(name=_text(raw, "name", where, required=True),
                     form=_choice(raw, "form", PaperForm.values, where, PaperForm.ORIGINAL),
                     count=_int(raw.get("count", 1), where, "count", minimum=1),
                     template=_text(raw, "template", where), required=bool(required))


def step_parse(raw, where: str) -> StepData:
    if not isinstance(raw, dict):
        raise _fail(where, _("bước xử lý phải là đối tượng."))
    role = _choice(raw, "role", list(ROLE_NAMES), where)
    return StepData(order=_int(raw.get("order"), where, "order", minimum=1), name=_text(raw, "name", where, required=True),
                    role=ROLE_NAMES[role], allowance=_decimal(raw.get("allowance"), where, "allowance"),
                    unit_code=raw.get("unit") or None)


def format_amount(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def check_step_sum(steps, total: Decimal, unit_label: str, where: str) -> None:
    """The step allowances must add up to the legal time exactly; the message names the gap."""
    if not steps:
        return
    orders = [step.order for step in steps]
    if len(set(orders)) != len(orders):
        raise _fail(where, _("thứ tự các bước xử lý bị trùng."))
    used = sum((step.allowance for step in steps), Decimal(0))
    if used != total:
        gap = total - used
        key = _("thiếu %(gap)s") if gap > 0 else _("thừa %(gap)s")
        raise _fail(where, _("tổng thời gian các bước (%(used)s %(unit)s) khác thời hạn giải quyết "
                             "(%(total)s %(unit)s): %(gap)s %(unit)s.")
                    % {"used": format_amount(used), "total": format_amount(total), "unit": unit_label,
                       "gap": key % {"gap": format_amount(abs(gap))}})


def procedure_parse(raw, *, where: str) -> ProcedureData:
    """One procedure record of the exchange format → ProcedureData, or CatalogError naming `where`."""
    if not isinstance(raw, dict):
        raise _fail(where, _("bản ghi không phải đối tượng JSON."))
    code = _text(raw, "code", where, required=True)
    where = f"{where} ({code})"
    time = raw.get("processing_time") or {}
    if not isinstance(time, dict):
        raise _fail(where, _("processing_time phải có value và unit."))
    time_unit = _choice(time, "unit", TimeUnit.values, where)
    time_value = _decimal(time.get("value"), where, "processing_time.value")
    steps = tuple(step_parse(s, where) for s in _list(raw, "steps", where))
    check_step_sum(steps, time_value, str(TimeUnit(time_unit).label), where)
    online_level = _choice(raw, "online_level", OnlineLevel.values, where, OnlineLevel.FULL)
    partial_reason = _text(raw, "partial_reason", where)
    if online_level == OnlineLevel.PARTIAL and not partial_reason:
        raise _fail(where, _("thủ tục trực tuyến một phần phải công bố lý do (partial_reason)."))
    subjects = _list(raw, "subjects", where) or ["citizen"]
    if set(subjects) - {"citizen", "business"}:
        raise _fail(where, _("subjects chỉ gồm citizen, business."))
    result = raw.get("result") or {}
    schema = raw.get("form_schema") or {}
    if not isinstance(schema, dict):
        raise _fail(where, _("form_schema phải là đối tượng JSON Schema."))
    return ProcedureData(
        code=code, name=_text(raw, "name", where, required=True), field_code=_text(raw, "field", where, required=True),
        level=_choice(raw, "level", Level.values, where),
        handling_agency=_text(raw, "handling_agency", where, required=True),
        handling_agency_code=raw.get("handling_agency_code") or None,
        processing_time_value=time_value, processing_time_unit=time_unit,
        processing_time_note=_text(raw, "processing_time_note", where),
        fees=tuple(fee_parse(f, where) for f in _list(raw, "fees", where)),
        papers=tuple(paper_parse(p, where) for p in _list(raw, "papers", where)),
        steps=steps,
        result_type=_choice(result, "type", ResultType.values, where, ResultType.DOCUMENT),
        result_name=_text(result, "name", where),
        for_citizens="citizen" in subjects, for_businesses="business" in subjects,
        online_level=online_level, partial_reason=partial_reason,
        cross_boundary=bool(raw.get("cross_boundary", True)),
        legal_basis=tuple(str(x) for x in _list(raw, "legal_basis", where)),
        publication_status=_choice(raw, "publication_status", PublicationStatus.values, where,
                                   PublicationStatus.PUBLISHED),
        decided_on=_date(raw.get("decided_on"), where, "decided_on"),
        published_on=_date(raw.get("published_on"), where, "published_on"),
        form_schema=schema,
        keywords=tuple(normalize_name(str(k)) for k in _list(raw, "keywords", where)),
        popularity=_int(raw.get("popularity", 0), where, "popularity"),
        verified=bool(raw.get("verified", False)), verification_note=_text(raw, "verification_note", where),
    )
