# SPDX-License-Identifier: AGPL-3.0-or-later
"""Content of the one-stop forms (biểu mẫu) 01–05 of Circular 01/2018/TT-VPCP, built from a dossier.

`form_context(dossier, number)` reads the dossier and its related rows only and returns plain data —
every sentence the form prints, already worded — so the PDF (`pdf.py`) and the printable page
(`templates/dossiers/print/`) say exactly the same thing. A form that does not apply to the
dossier's state raises `Conflict` with the reason in Vietnamese.

The forms are legal documents in Vietnamese and are never translated: their wording is plain Vietnamese
here (not gettext), and the model labels they quote are read under `translation.override("vi")` whatever
the reader's interface language; only the refusal messages (Conflict) follow the interface. Dates follow
the administrative style of Decree 30/2020 (a day below 10 and the months 1 and 2 take a leading zero):
"09 giờ 00 phút, ngày 09 tháng 3 năm 2026".

Wording follows the Circular's layout as far as it is known here; sentences whose exact official
wording is unsure are marked `# wording:` below.
"""

import unicodedata
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, NotFound

from ..models import ApplicantKind, Channel, Dossier, Outcome, ResultDelivery, Stage
from ..rules import judge
from ..workflow import Action

CIRCULAR = "Thông tư số 01/2018/TT-VPCP"
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"

FORM_NAMES = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "05": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}
PAGE_SIZES = {"01": "A5", "02": "A5", "03": "A5", "04": "A5", "05": "A4"}

SIGN_HINT = "(Ký và ghi rõ họ tên)"
SIGN_STAMP_HINT = "(Ký, ghi rõ họ tên và đóng dấu)"


# ---------------------------------------------------------------- formats (legal style, never translated)


def form_number(value) -> str | None:
    """The canonical number of a known form, "01" to "05" ("1" stands for "01"), else None."""
    text = str(value).strip()
    if len(text) == 1 and text in "12345":
        text = "0" + text
    return text if text in FORM_NAMES else None


def vn_date(value: date | datetime) -> str:
    """Date in words: "ngày 09 tháng 3 năm 2026"; "tháng 01" and "tháng 02" keep their zero."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def vn_datetime(value: datetime | None) -> str:
    """Moment in words, local time: "09 giờ 00 phút, ngày 09 tháng 3 năm 2026"; "" for no moment."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, {vn_date(local)}"


def _number_text(value: Decimal) -> str:
    """5.00 → "5", 2.50 → "2,5" (Vietnamese decimal comma)."""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def _text(value: str | None) -> str:
    """NFC (a name typed on a decomposing keyboard must still print as one glyph per letter), trimmed."""
    return unicodedata.normalize("NFC", value or "").strip()


def _lines(value: str | None) -> list[str]:
    """A free-text list (missing papers, reasons) as items: one per non-empty line, bullets dropped."""
    items = []
    for line in _text(value).splitlines():
        line = line.strip().lstrip("-•*+–").strip()
        if line:
            items.append(line)
    return items


def _person(user) -> str:
    return _text(user.get_full_name() or user.get_username()) if user is not None else ""


# ---------------------------------------------------------------- units


def _admin_unit(unit):
    """The province or commune a unit belongs to (an agency's parent), or the unit itself."""
    while unit is not None and unit.level == "agency":
        unit = unit.parent
    return unit


def locality(unit) -> str:
    """Place name that opens the date line: "Buôn Ma Thuột" for anything in that ward."""
    place = _admin_unit(unit)
    return _text(place.short_name or place.name) if place is not None else ""


def issuer(unit) -> dict:
    """The two header lines of the issuing body, upper case.

    A commune People's Committee: "ỦY BAN NHÂN DÂN" / "PHƯỜNG BUÔN MA THUỘT". An agency (a center, a
    department): its superior People's Committee / its own name, without the locality the first line
    already gives ("UBND PHƯỜNG BUÔN MA THUỘT" / "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG").
    """
    name = _text(unit.name)
    if unit.level != "agency":
        if unit.level == "commune":
            return {"superior": "ỦY BAN NHÂN DÂN", "name": name.upper()}
        return {"superior": "", "name": ("ỦY BAN NHÂN DÂN " + name).upper()}
    parent = _admin_unit(unit.parent)
    if parent is None:
        return {"superior": "", "name": name.upper()}
    parent_name = _text(parent.name)
    if len(name) > len(parent_name) + 1 and name.casefold().endswith(" " + parent_name.casefold()):
        name = name[: -len(parent_name)].rstrip()
    return {"superior": ("UBND " + parent_name).upper(), "name": name.upper()}


def agency_name(unit) -> str:
    """The body as named in a sentence: "Ủy ban nhân dân phường Buôn Ma Thuột", "Sở Tư pháp"."""
    name = _text(unit.name)
    if unit.level == "agency":
        return name
    return "Ủy ban nhân dân " + name[:1].lower() + name[1:]


# ---------------------------------------------------------------- pieces shared by the forms


def _field(label: str, value) -> dict:
    return {"label": label, "value": _text(str(value)) if value is not None else ""}


def _you(dossier: Dossier) -> str:
    return "Ông/Bà" if dossier.applicant_kind == ApplicantKind.CITIZEN else "Quý tổ chức"


def _request_text(dossier: Dossier) -> str:
    """What is asked (nội dung yêu cầu giải quyết): the procedure, and the dossier's summary if any."""
    text = _text(dossier.procedure.name)
    summary = _text(dossier.summary)
    return f"{text} — {summary}" if summary and summary != text else text


def _contact_fields(dossier: Dossier) -> list[dict]:
    fields = []
    if dossier.applicant_address:
        fields.append(_field("Địa chỉ", dossier.applicant_address))
    if dossier.applicant_phone:
        fields.append(_field("Số điện thoại", dossier.applicant_phone))
    if dossier.applicant_email:
        fields.append(_field("Thư điện tử", dossier.applicant_email))
    return fields


def _event(dossier: Dossier, action: str):
    """The latest event of that action, with its actor (None if it never happened)."""
    return dossier.events.filter(action=action).select_related("actor").order_by("-at", "-id").first()


def _time_text(dossier: Dossier) -> str:
    procedure = dossier.procedure
    return f"{_number_text(procedure.processing_time_value)} {procedure.get_processing_time_unit_display()}"


def _appointment_at_receipt(dossier: Dossier) -> datetime | None:
    """The appointment promised at receipt: the due moment before the first supplement restart or
    apology changed it (both keep the previous value), else the current one."""
    changes = [(s.requested_at, s.due_before) for s in dossier.supplements.all() if s.due_before]
    for event in dossier.events.filter(action=Action.RESCHEDULE):
        before = event.data.get("due_before")
        if before:
            changes.append((event.at, datetime.fromisoformat(before)))
    return min(changes, key=lambda change: change[0])[1] if changes else dossier.due_at


def _delivery_text(dossier: Dossier) -> str:
    if dossier.result_delivery == ResultDelivery.ONLINE:
        return "Nhận kết quả trực tuyến (trên Cổng Dịch vụ công)"
    if dossier.result_delivery == ResultDelivery.POST:
        address = _text(dossier.applicant_address)
        return "Nhận qua dịch vụ bưu chính công ích" + (", tại địa chỉ: " + address if address else "")
    return _text(dossier.return_unit.name)


def _common(dossier: Dossier, number: str, issuing_unit, on: datetime | None) -> dict:
    name = FORM_NAMES[number]
    return {
        "number": number,
        "name": name,
        "title": name.upper(),
        "page_size": PAGE_SIZES[number],
        "circular": CIRCULAR,
        "national_name": NATIONAL_NAME,
        "national_motto": NATIONAL_MOTTO,
        "code": dossier.code,
        "qr_value": dossier.code,
        "issuer": issuer(issuing_unit),
        "place_date": f"{locality(issuing_unit)}, {vn_date(on)}" if on else "",
        "applicant_name": _text(dossier.applicant_name),
        "procedure_name": _text(dossier.procedure.name),
        "addressee": "",
        "fields": [],
        "intro": "",
        "items": [],
        "items_numbered": True,
        "paragraphs": [],
        "emphasis": "",
        "closing": "",
        "steps": [],
        "notes": [],
        "recipients": [],
        "signatures": [],
    }


# ---------------------------------------------------------------- the forms


def _form_01(dossier: Dossier) -> dict:
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả: issued by the receiving center at receipt."""
    receipt = _event(dossier, Action.RECEIVE)
    context = _common(dossier, "01", dossier.receiving_unit, dossier.received_at)
    fields = [_field("Tiếp nhận hồ sơ của", dossier.applicant_name)]
    if dossier.submitter_name and _text(dossier.submitter_name) != _text(dossier.applicant_name):
        fields.append(_field("Người nộp hồ sơ", dossier.submitter_name))
    fields += _contact_fields(dossier)
    fields.append(_field("Nội dung yêu cầu giải quyết", _request_text(dossier)))
    papers = []
    for paper in dossier.procedure.papers.all():
        # wording: the receipt lists the procedure's papers; the dossier does not record each paper yet.
        optional = "" if paper.required else " — nếu có"
        papers.append(f"{_text(paper.name)} ({paper.get_form_display().lower()}; số lượng: {paper.count:02d})"
                      f"{optional}")
    items = [
        {"label": "Thành phần hồ sơ nộp gồm", "value": "" if papers else "theo quy định của thủ tục",
         "list": papers},
        {"label": "Số lượng hồ sơ", "value": "01 (bộ)", "list": []},
        {"label": "Thời gian giải quyết hồ sơ theo quy định", "value": _time_text(dossier), "list": []},
        {"label": "Thời gian nhận hồ sơ", "value": vn_datetime(dossier.received_at), "list": []},
        {"label": "Thời gian trả kết quả giải quyết hồ sơ", "value": vn_datetime(_appointment_at_receipt(dossier)),
         "list": []},
        {"label": "Đăng ký nhận kết quả tại", "value": _delivery_text(dossier), "list": []},
    ]
    if dossier.channel != Channel.IN_PERSON:
        items.insert(3, {"label": "Hình thức nộp hồ sơ", "value": Channel(dossier.channel).label, "list": []})
    receiver = receipt.actor if receipt is not None else None
    context.update(
        fields=fields,
        intro=f"{agency_name(dossier.receiving_unit)} tiếp nhận hồ sơ với các nội dung sau:",
        items=items,
        signatures=[
            {"title": "NGƯỜI NỘP HỒ SƠ", "hint": SIGN_HINT,
             "name": _text(dossier.submitter_name or dossier.applicant_name)},
            {"title": "NGƯỜI TIẾP NHẬN HỒ SƠ", "hint": SIGN_HINT, "name": _person(receiver)},
        ],
    )
    return context


def _form_02(dossier: Dossier) -> dict:
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: what is missing, from the latest supplement request."""
    request = dossier.supplements.select_related("requested_by").order_by("-requested_at", "-id").first()
    you = _you(dossier)
    context = _common(dossier, "02", dossier.receiving_unit, request.requested_at)
    paragraphs = [
        # wording: the restart rule of Decree 61/2018 (as amended) stated for the applicant.
        "Thời hạn giải quyết hồ sơ được tính lại từ đầu kể từ khi nhận đủ hồ sơ đã bổ sung, hoàn thiện.",
    ]
    if request.received_at is not None:
        paragraphs.append(f"Hồ sơ bổ sung đã được tiếp nhận lúc {vn_datetime(request.received_at)}; thời gian "
                          f"hẹn trả kết quả mới: {vn_datetime(request.due_after)}.")
    paragraphs += [
        f"Trong quá trình bổ sung, hoàn thiện hồ sơ, nếu có vướng mắc, {you} liên hệ "
        f"{agency_name(dossier.receiving_unit)} để được hướng dẫn.",
    ]
    context.update(
        closing="Xin trân trọng cảm ơn!",
        fields=[_field("Hồ sơ của", dossier.applicant_name),
                _field("Nội dung yêu cầu giải quyết", _request_text(dossier)), *_contact_fields(dossier)],
        intro=f"{vn_date(request.requested_at).capitalize()}, {agency_name(dossier.handling_unit)} đã xem xét hồ "
              f"sơ và đề nghị {you} bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:",
        items=[{"label": line, "value": "", "list": []} for line in _lines(request.missing)],
        paragraphs=paragraphs,
        # wording: the Circular's form is signed by the official who gives the guidance (người hướng dẫn).
        signatures=[{"title": "NGƯỜI HƯỚNG DẪN", "hint": SIGN_HINT, "name": _person(request.requested_by)}],
    )
    return context


def _form_03(dossier: Dossier) -> dict:
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ: refusal at reception, with the reasons."""
    refusal = _event(dossier, Action.REFUSE)
    you = _you(dossier)
    context = _common(dossier, "03", dossier.receiving_unit, refusal.at if refusal else dossier.finished_at)
    reasons = _lines(dossier.closing_note)
    context.update(
        fields=[_field("Hồ sơ của", dossier.applicant_name), *_contact_fields(dossier),
                _field("Nội dung yêu cầu giải quyết", _request_text(dossier)),
                _field("Thời gian nộp hồ sơ", f"{vn_datetime(dossier.submitted_at)} "
                                               f"({str(Channel(dossier.channel).label).lower()})")],
        intro=f"Qua xem xét, {agency_name(dossier.receiving_unit)} thông báo không tiếp nhận, giải quyết hồ sơ này "
              f"với lý do cụ thể như sau:",
        items=[{"label": reason, "value": "", "list": []} for reason in reasons],
        items_numbered=len(reasons) > 1,
        paragraphs=[f"Xin thông báo để {you} được biết và thực hiện./."],
        signatures=[{"title": "NGƯỜI TIẾP NHẬN HỒ SƠ", "hint": SIGN_HINT,
                     "name": _person(refusal.actor if refusal else None)}],
    )
    return context


def _form_04(dossier: Dossier) -> dict:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả: issued by the handling unit, with the reason and the
    new date of the (single) apology."""
    apology = _event(dossier, Action.RESCHEDULE)
    you = _you(dossier)
    handling = agency_name(dossier.handling_unit)
    before = datetime.fromisoformat(apology.data["due_before"]) if apology.data.get("due_before") else None
    after = datetime.fromisoformat(apology.data["due_after"]) if apology.data.get("due_after") else dossier.due_at
    context = _common(dossier, "04", dossier.handling_unit, apology.at)
    name = _text(dossier.applicant_name)
    context.update(
        addressee=f"Kính gửi: {you} {name}" if you == "Ông/Bà" else f"Kính gửi: {name}",
        fields=_contact_fields(dossier),
        intro=f"{vn_date(dossier.received_at).capitalize()}, {agency_name(dossier.receiving_unit)} đã tiếp nhận "
              f"hồ sơ của {you} đề nghị giải quyết thủ tục hành chính: {_text(dossier.procedure.name)}.",
        items=[{"label": "Mã hồ sơ", "value": dossier.code, "list": []},
               {"label": "Thời gian hẹn trả kết quả giải quyết hồ sơ", "value": vn_datetime(before), "list": []}],
        items_numbered=False,
        paragraphs=[
            # wording: close to the Circular's form as remembered, not checked against the gazette.
            f"Tuy nhiên, {handling} không thể trả kết quả giải quyết hồ sơ của {you} đúng thời gian đã hẹn ghi trên "
            f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
            "Lý do: " + "; ".join(_lines(apology.note)),
            f"Sự chậm trễ này đã gây phiền hà cho {you}. {handling} xin lỗi {you} và sẽ trả kết quả giải quyết hồ sơ "
            f"cho {you} vào:",
        ],
        emphasis=vn_datetime(after),
        closing="Xin trân trọng cảm ơn!",
        recipients=["Như trên;", _text(dossier.receiving_unit.name) + ";", "Lưu: VT."],
        # wording: who signs is the agency's representative; the name printed is the official who
        # recorded the apology in the system.
        signatures=[{"title": "ĐẠI DIỆN CƠ QUAN GIẢI QUYẾT HỒ SƠ", "hint": SIGN_STAMP_HINT,
                     "name": _person(apology.actor)}],
    )
    return context


def _step_result(step) -> str:
    """Early / on time / late of one step, judged like the dossier (rules.judge) against the step's own
    deadline. A step without a time allowance (the return desk) has no deadline of its own — its end is
    when the applicant collects the result — so it is only marked done."""
    if step.finished_at is None:
        return "Đang xử lý" if step.started_at is not None else "Chưa thực hiện"
    if step.due_at is None or not step.allowance:
        return "Đã thực hiện"
    outcome = judge(end=step.finished_at, legal_due=step.due_at, supplement_count=0,
                    tz=timezone.get_current_timezone())
    return str(Outcome(outcome).label)


def _form_05(dossier: Dossier) -> dict:
    """Phiếu kiểm soát quá trình giải quyết hồ sơ: every step with its unit, deadline, start, finish,
    official and whether it was early, on time or late."""
    receipt = _event(dossier, Action.RECEIVE)
    context = _common(dossier, "05", dossier.receiving_unit, dossier.received_at)
    unit_label = dossier.procedure.get_processing_time_unit_display()
    steps = []
    for step in dossier.steps.select_related("unit", "assignee").order_by("order"):
        steps.append({
            "order": step.order,
            "name": _text(step.name),
            "unit": agency_name(step.unit),
            "allowance": f"{_number_text(step.allowance)} {unit_label}" if step.allowance else "",
            "official": _person(step.assignee),
            "due": vn_datetime(step.due_at),
            "started": vn_datetime(step.started_at),
            "finished": vn_datetime(step.finished_at),
            "result": _step_result(step),
        })
    partners = []
    for consultation in dossier.consultations.select_related("unit").order_by("requested_at"):
        name = _text(consultation.unit.name)
        if name not in partners:
            partners.append(name)
    fields = [
        _field("Kèm theo hồ sơ của", dossier.applicant_name),
        _field("Nội dung yêu cầu giải quyết", _request_text(dossier)),
        _field("Cơ quan tiếp nhận hồ sơ", dossier.receiving_unit.name),
        _field("Cơ quan (bộ phận) giải quyết hồ sơ", agency_name(dossier.handling_unit)),
    ]
    if partners:
        fields.append(_field("Cơ quan phối hợp giải quyết hồ sơ", "; ".join(partners)))
    fields += [
        _field("Thời gian nhận hồ sơ", vn_datetime(dossier.received_at)),
        _field("Thời gian giải quyết theo quy định", _time_text(dossier)),
        _field("Thời gian hẹn trả kết quả", vn_datetime(dossier.due_at)
               + (" (đã hẹn lại)" if dossier.rescheduled_at else "")),
    ]
    if dossier.finished_at is not None and dossier.outcome:
        outcome = str(Outcome(dossier.outcome).label).lower()
        fields.append(_field("Kết quả giải quyết hồ sơ", f"{Stage(dossier.stage).label} — {outcome}"))
    else:
        fields.append(_field("Tình trạng hồ sơ", Stage(dossier.stage).label))
    notes = []
    for request in dossier.supplements.order_by("requested_at"):
        note = f"Yêu cầu bổ sung, hoàn thiện hồ sơ lúc {vn_datetime(request.requested_at)}"
        if request.received_at is not None:
            note += (f"; nhận hồ sơ bổ sung lúc {vn_datetime(request.received_at)}, thời hạn giải quyết tính lại "
                     f"từ đầu")
        notes.append(note + ".")
    for consultation in dossier.consultations.select_related("unit").order_by("requested_at"):
        note = (f"Xin ý kiến {_text(consultation.unit.name)} lúc {vn_datetime(consultation.requested_at)}, hạn "
                f"trả lời {vn_datetime(consultation.due_at)}")
        if consultation.answered_at is not None:
            note += f"; đã trả lời lúc {vn_datetime(consultation.answered_at)}"
        notes.append(note + ".")
    apology = _event(dossier, Action.RESCHEDULE)
    if apology is not None and apology.data.get("due_after"):
        due_after = datetime.fromisoformat(apology.data["due_after"])
        notes.append(f"Xin lỗi và hẹn lại ngày trả kết quả lúc {vn_datetime(apology.at)}; thời gian hẹn trả mới: "
                     f"{vn_datetime(due_after)}.")
    context.update(
        fields=fields,
        steps=steps,
        notes=notes,
        signatures=[{"title": "NGƯỜI TIẾP NHẬN HỒ SƠ", "hint": SIGN_HINT,
                     "name": _person(receipt.actor if receipt else None)}],
    )
    return context


# ---------------------------------------------------------------- applicability and entry point


def _check_applies(dossier: Dossier, number: str) -> None:
    """Conflict, with the reason, when form `number` does not apply to the dossier's state."""
    values = {"code": dossier.code, "form": number}
    if number in ("01", "05") and dossier.received_at is None:
        if dossier.stage == Stage.SUBMITTED:
            message = _("Hồ sơ %(code)s nộp trực tuyến chưa được tiếp nhận nên chưa có Mẫu số %(form)s; hãy tiếp "
                        "nhận hồ sơ trước.")
        else:
            message = _("Hồ sơ %(code)s chưa từng được tiếp nhận (trạng thái «%(stage)s») nên không có Mẫu "
                        "số %(form)s.")
            values["stage"] = Stage(dossier.stage).label
        raise Conflict(message % values, code="form_not_applicable")
    if number == "02" and not dossier.supplements.exists():
        raise Conflict(_("Hồ sơ %(code)s chưa có yêu cầu bổ sung, hoàn thiện nào nên không có Mẫu số 02.") % values,
                       code="form_not_applicable")
    if number == "03" and dossier.stage != Stage.REFUSED:
        raise Conflict(_("Hồ sơ %(code)s không bị từ chối tiếp nhận nên không có Mẫu số 03. Hồ sơ dừng xử lý "
                         "sau thẩm định được thông báo bằng văn bản của cơ quan giải quyết.") % values,
                       code="form_not_applicable")
    if number == "04" and not dossier.events.filter(action=Action.RESCHEDULE).exists():
        raise Conflict(_("Hồ sơ %(code)s chưa có phiếu xin lỗi và hẹn lại ngày trả kết quả nên không có Mẫu số "
                         "04.") % values, code="form_not_applicable")


_BUILDERS = {"01": _form_01, "02": _form_02, "03": _form_03, "04": _form_04, "05": _form_05}


def form_context(dossier: Dossier, number) -> dict:
    """Everything form `number` ("01".."05") prints for `dossier`, as plain data.

    Raises NotFound for an unknown form and Conflict when the form does not apply to the dossier's
    state (02 without a supplement request, 03 for a dossier not refused at reception, 04 without an
    apology, 01 and 05 before receipt). Reads only the dossier and its related rows.
    """
    key = form_number(number)
    if key is None:
        raise NotFound(_("Không có biểu mẫu số %(number)s.") % {"number": number}, code="form_unknown")
    _check_applies(dossier, key)
    with translation.override("vi"):
        return _BUILDERS[key](dossier)
