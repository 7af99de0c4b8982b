# SPDX-License-Identifier: AGPL-3.0-or-later
"""Texts of notifications, rendered once when the row is created (what was sent stays what was said).

Templates: notifications/email/<kind>.txt and notifications/sms/<kind>.txt; subjects here. Always in
the installation's language (Vietnamese): the applicant's own language is not recorded.
"""

import re
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.dossiers.models import Dossier, DossierEvent, ResultDelivery

from .models import Kind, NotificationChannel

TRACKING_PATH = "/tra-cuu/"

SUBJECTS = {
    Kind.RECEIVED: gettext_lazy("Hồ sơ %(code)s đã được tiếp nhận"),
    Kind.SUPPLEMENT_REQUESTED: gettext_lazy("Hồ sơ %(code)s cần bổ sung giấy tờ"),
    Kind.RESCHEDULED: gettext_lazy("Xin lỗi và hẹn lại ngày trả kết quả hồ sơ %(code)s"),
    Kind.RESULT_READY: gettext_lazy("Hồ sơ %(code)s đã có kết quả"),
    Kind.EARLY_RESULT: gettext_lazy("Hồ sơ %(code)s đã có kết quả trước hạn"),
}


def vn_datetime(value: datetime | None) -> str:
    """08:00 ngày 16/03/2026 (local time of the installation)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return _("%(time)s ngày %(date)s") % {"time": local.strftime("%H:%M"), "date": local.strftime("%d/%m/%Y")}


def vn_short(value: datetime | None) -> str:
    """09:00 16/03/2026: for SMS, where every character counts."""
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value is not None else ""


def tracking_url(code: str) -> str:
    return f"{settings.MOTCUA_PUBLIC_URL}{TRACKING_PATH}?{urlencode({'ma': code})}"


def _moment(data: dict, key: str) -> datetime | None:
    value = data.get(key)
    return parse_datetime(value) if isinstance(value, str) else None


def _pickup(dossier: Dossier) -> str:
    if dossier.result_delivery == ResultDelivery.ONLINE:
        return _("Kết quả được trả trực tuyến: ông/bà xem và tải về tại trang tra cứu hồ sơ.")
    if dossier.result_delivery == ResultDelivery.POST:
        return _("Kết quả sẽ được gửi đến ông/bà qua dịch vụ bưu chính công ích.")
    return _("Mời ông/bà đến nhận kết quả tại %(unit)s.") % {"unit": dossier.return_unit.name}


def context_for(event: DossierEvent, dossier: Dossier) -> dict:
    """Plain strings only: templates print them as they are (text, not HTML)."""
    data = event.data or {}
    procedure = dossier.procedure.name
    due_before, due_after = _moment(data, "due_before"), _moment(data, "due_after") or dossier.due_at
    return {
        "code": dossier.code,
        "applicant": dossier.applicant_name,
        "procedure": procedure,
        "procedure_short": Truncator(procedure).chars(50),
        "receiving_unit": dossier.receiving_unit.name,
        "handling_unit": dossier.handling_unit.name,
        "at": vn_datetime(event.at),
        "due_at": vn_datetime(dossier.due_at),
        "due_before": vn_datetime(due_before),
        "due_after": vn_datetime(due_after),
        "due_at_short": vn_short(dossier.due_at),
        "due_before_short": vn_short(due_before),
        "due_after_short": vn_short(due_after),
        "note": (event.note or "").strip(),
        "note_short": Truncator(" ".join((event.note or "").split())).chars(80),
        "pickup": _pickup(dossier),
        "tracking_url": tracking_url(dossier.code),
    }


def _tidy_email(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def render(kind: str, channel: str, context: dict) -> tuple[str, str]:
    """(subject, body) of one notification; SMS bodies are one line, subjects empty."""
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(f"notifications/{channel}/{kind}.txt", context)
        if channel == NotificationChannel.SMS:
            return "", " ".join(body.split())
        return str(SUBJECTS[kind] % {"code": context["code"]}), _tidy_email(body)
