# SPDX-License-Identifier: AGPL-3.0-or-later
"""Answers composed from catalogue facts only (soạn câu trả lời từ dữ liệu danh mục).

Every sentence that states a paper, a fee, a time, a place or a step reads it from the procedure's own
rows (RequiredPaper, Fee, processing_time_*, handling_*, online_level, Process/ProcessStep, legal_basis).
Where the catalogue is silent the answer says so («danh mục chưa ghi phí, lệ phí») instead of guessing:
no fee row is not "free", only a row of 0 đồng is. Pure over already-loaded objects: the caller prefetches
(`procedure_facts_load`), so composing costs no query.
"""

from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.catalog.models import Level, OnlineLevel, Procedure, Process, ProcessStep, TimeUnit
from motcua.catalog.selectors import process_for
from motcua.core.text import choice_label

from .answers import Intent, ProcedureRef


def procedure_path(code: str) -> str:
    """Path of the procedure's public page, /thu-tuc/<code>/."""
    try:
        return reverse("portal:procedure-detail", kwargs={"code": code})
    except NoReverseMatch:  # the portal is not routed (API-only install): the same address by hand
        return "/thu-tuc/" + quote(code) + "/"


def procedure_ref(procedure: Procedure) -> ProcedureRef:
    return ProcedureRef(code=procedure.code, name=procedure.name, url=procedure_path(procedure.code))


def procedure_facts_load(procedures: list[Procedure]) -> None:
    """Load what composing reads (fees, papers, processes with steps and units) in four queries."""
    processes = Process.objects.select_related("province").prefetch_related(
        Prefetch("steps", queryset=ProcessStep.objects.select_related("unit")))
    prefetch_related_objects(procedures, "fees", "papers", Prefetch("processes", queryset=processes))


# --- numbers in words ----------------------------------------------------------------------------------

def number_vi(value) -> str:
    """1250000 → "1.250.000", Decimal("0.50") → "0,5", Decimal("15.00") → "15" (Vietnamese notation)."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}".replace(",", ".")
    whole, _dot, fraction = format(number.normalize(), "f").partition(".")
    return f"{int(whole):,}".replace(",", ".") + "," + fraction


def amount_vi(amount: int) -> str:
    """8000 → "8.000 đồng"."""
    return _("%(amount)s đồng") % {"amount": number_vi(amount)}


def duration_vi(value, unit: str) -> str:
    """(3, "working_days") → "3 ngày làm việc"."""
    return _("%(value)s %(unit)s") % {"value": number_vi(value), "unit": choice_label(TimeUnit, unit)}


def role_label(value: str) -> str:
    return choice_label(Role, value)


# --- sections: one per intent ----------------------------------------------------------------------------

def papers_text(procedure: Procedure) -> str:
    papers = list(procedure.papers.all())
    if not papers:
        return _("Danh mục chưa ghi thành phần hồ sơ của thủ tục này.")
    lines = [_("Thành phần hồ sơ:")]
    for paper in papers:
        line = _("- %(name)s: %(form)s, %(count)s bản") % {
            "name": paper.name, "form": str(paper.get_form_display()).lower(), "count": paper.count}
        if paper.template:
            line += _(" (mẫu: %(template)s)") % {"template": paper.template}
        if not paper.required:
            line += _(" — nộp khi thuộc trường hợp này")
        lines.append(line)
    return "\n".join(lines)


def time_text(procedure: Procedure) -> str:
    text = _("Thời hạn giải quyết: %(time)s.") % {
        "time": duration_vi(procedure.processing_time_value, procedure.processing_time_unit)}
    if procedure.processing_time_note:
        text += " " + _("Ghi chú: %(note)s") % {"note": procedure.processing_time_note}
    return text


def fee_text(procedure: Procedure) -> str:
    fees = list(procedure.fees.all())
    if not fees:
        # No row is not "free": the catalogue simply does not say.
        return _("Danh mục chưa ghi phí, lệ phí của thủ tục này; vui lòng hỏi nơi tiếp nhận hồ sơ.")
    lines = [_("Phí, lệ phí:")]
    for fee in fees:
        if fee.amount:
            line = _("- %(name)s: %(amount)s (%(when)s)") % {
                "name": fee.name, "amount": amount_vi(fee.amount), "when": str(fee.get_paid_when_display()).lower()}
        else:
            line = _("- %(name)s: không thu") % {"name": fee.name}  # the row says 0 đồng
        if fee.note:
            line += ". " + fee.note
        lines.append(line)
    return "\n".join(lines)


def place_text(procedure: Procedure) -> str:
    if procedure.level == Level.COMMUNE:
        if procedure.cross_boundary:
            where = _("Nộp tại UBND hoặc Trung tâm Phục vụ hành chính công của bất kỳ xã, phường nào trong tỉnh "
                      "(tiếp nhận không phụ thuộc địa giới hành chính).")
        else:
            where = _("Nộp tại UBND hoặc Trung tâm Phục vụ hành chính công của xã, phường có thẩm quyền giải quyết.")
    elif procedure.cross_boundary:
        where = _("Nộp tại Trung tâm Phục vụ hành chính công cấp tỉnh (tiếp nhận không phụ thuộc địa giới "
                  "hành chính).")
    else:
        where = _("Nộp tại Trung tâm Phục vụ hành chính công cấp tỉnh.")
    agency = procedure.handling_unit.name if procedure.handling_unit_id else procedure.handling_agency
    text = where + " " + _("Cơ quan giải quyết: %(agency)s.") % {"agency": agency}
    if procedure.online_level == OnlineLevel.FULL:
        text += " " + _("Có thể nộp trực tuyến trên Cổng dịch vụ công.")
    return text


def online_text(procedure: Procedure) -> str:
    if procedure.online_level == OnlineLevel.FULL:
        return _("Thủ tục này làm được trực tuyến toàn trình: nộp hồ sơ, thanh toán và nhận kết quả trực tuyến "
                 "hoặc qua bưu chính. Bấm «Nộp trực tuyến» trên trang thủ tục (cần đăng nhập tài khoản công "
                 "dân, tổ chức).")
    text = _("Thủ tục này chỉ trực tuyến một phần: nộp hồ sơ trực tuyến được, nhưng còn bước phải đến trực tiếp.")
    if procedure.partial_reason:
        text += " " + _("Lý do: %(reason)s") % {"reason": procedure.partial_reason}
    return text


def _province_process(procedure: Procedure) -> Process | None:
    province_code = settings.MOTCUA_PROVINCE_CODE
    processes = list(procedure.processes.all())
    own = [p for p in processes if p.province_id is not None and p.province.code == province_code]
    return own[0] if own else process_for(procedure=procedure, province=None)


def steps_text(procedure: Procedure) -> str:
    process = _province_process(procedure)
    steps = list(process.steps.all()) if process is not None else []
    if not steps:
        return _("Danh mục chưa ghi quy trình nội bộ của thủ tục này.")
    lines = [_("Quy trình nội bộ:")]
    if process.decision:
        lines[0] = _("Quy trình nội bộ (%(decision)s):") % {"decision": process.decision}
    for step in steps:
        line = _("%(order)s. %(name)s — %(role)s") % {"order": step.order, "name": step.name,
                                                       "role": role_label(step.role)}
        if step.unit_id:
            line += _(" (%(unit)s)") % {"unit": step.unit.name}
        line += _(": %(time)s") % {"time": duration_vi(step.allowance, procedure.processing_time_unit)}
        lines.append(line)
    return "\n".join(lines)


def legal_text(procedure: Procedure) -> str:
    basis = [str(item) for item in procedure.legal_basis or [] if str(item).strip()]
    if not basis:
        return _("Danh mục chưa ghi căn cứ pháp lý của thủ tục này.")
    return "\n".join([_("Căn cứ pháp lý:"), *(f"- {item}" for item in basis)])


SECTIONS = {
    Intent.PAPERS: papers_text, Intent.TIME: time_text, Intent.FEE: fee_text, Intent.PLACE: place_text,
    Intent.ONLINE: online_text, Intent.STEPS: steps_text, Intent.LEGAL: legal_text,
}
OVERVIEW = (Intent.PAPERS, Intent.TIME, Intent.FEE, Intent.PLACE, Intent.ONLINE)


def procedure_answer_text(procedure: Procedure, intents: list[str]) -> str:
    """The answer for the asked intents (an overview when none), headed by the procedure's name and code."""
    head = _("«%(name)s» (mã thủ tục %(code)s).") % {"name": procedure.name, "code": procedure.code}
    parts = [SECTIONS[name](procedure) for name in (intents or OVERVIEW) if name in SECTIONS]
    return "\n\n".join([head, *parts])


def procedure_facts_text(procedure: Procedure) -> str:
    """Everything the catalogue says about a procedure, as text: what an LLM is allowed to word."""
    return procedure_answer_text(procedure, list(SECTIONS))
