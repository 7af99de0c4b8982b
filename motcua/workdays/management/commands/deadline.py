# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua deadline`: print the due moment (ngày hẹn trả) for a start moment and a processing time."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import NotFound
from motcua.units.selectors import unit_get
from motcua.workdays.calendars import DEFAULT_CALENDAR, ProcessingTime, WorkCalendar, due_at
from motcua.workdays.selectors import calendar_for_unit

# option name → (options key, ProcessingTime unit, whole numbers only)
AMOUNTS = {
    "--days": ("working_days", "working_days", False),
    "--hours": ("hours", "hours", False),
    "--calendar-days": ("calendar_days", "days", True),
    "--months": ("months", "months", True),
}
INVALID = 2


def fail(message: str):
    return CommandError(message, returncode=INVALID)


class Command(BaseCommand):
    # argparse needs plain strings here: help texts are not translated.
    help = (
        "Tính ngày hẹn trả theo lịch làm việc: thời điểm bắt đầu cộng thời hạn giải quyết "
        "(ngày làm việc, giờ làm việc, ngày theo lịch hoặc tháng). In ra theo ISO 8601 có múi giờ."
    )
    requires_system_checks = []  # a calculator: no need to check the whole project first

    def add_arguments(self, parser):
        parser.add_argument(
            "--start",
            help=(
                "Thời điểm bắt đầu tính, ví dụ 2026-08-21T09:00 (không ghi múi giờ: giờ Việt Nam). "
                "Mặc định: bây giờ."
            ),
        )
        parser.add_argument(
            "--days", "--working-days", dest="working_days", metavar="N",
            help="Số ngày làm việc (có thể lẻ, ví dụ 0.5).",
        )
        parser.add_argument("--hours", metavar="N", help="Số giờ làm việc (tính trong giờ hành chính).")
        parser.add_argument(
            "--calendar-days", dest="calendar_days", metavar="N",
            help="Số ngày theo lịch; rơi vào ngày nghỉ thì dời sang lúc làm việc kế tiếp.",
        )
        parser.add_argument("--months", metavar="N", help="Số tháng theo lịch.")
        parser.add_argument(
            "--unit", metavar="MA",
            help="Mã đơn vị: áp dụng ngày nghỉ, ngày làm bù và giờ làm việc riêng của đơn vị.",
        )

    def handle(self, *args, **options):
        time = processing_time(options)
        start = start_moment(options["start"])
        cal = calendar(options["unit"])
        try:
            due = due_at(cal, start, time)
        except ValueError as exc:
            raise fail(str(exc)) from None
        self.stdout.write(due.isoformat())


def processing_time(options) -> ProcessingTime:
    given = [(name, options[key], unit, whole) for name, (key, unit, whole) in AMOUNTS.items() if options[key] is not None]
    if len(given) != 1:
        raise fail(
            _("Cần đúng một trong các tùy chọn %(options)s (nhận được %(count)s).")
            % {"options": ", ".join(AMOUNTS), "count": len(given)}
        )
    name, raw, unit, whole = given[0]
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or (whole and value != value.to_integral_value()):
        kind = _("một số nguyên không âm") if whole else _("một số không âm")
        raise fail(_("Giá trị của %(option)s phải là %(kind)s, nhận được %(value)s.") % {
            "option": name, "kind": kind, "value": raw,
        })
    return ProcessingTime(value, unit)


def start_moment(raw: str | None) -> datetime:
    if raw is None:
        return timezone.localtime(timezone.now(), DEFAULT_CALENDAR.tz)
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise fail(
            _("Thời điểm bắt đầu %(value)s không hợp lệ; dùng dạng 2026-08-21T09:00 hoặc 2026-08-21T09:00+07:00.")
            % {"value": raw}
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=DEFAULT_CALENDAR.tz)
    return moment


def calendar(code: str | None) -> WorkCalendar:
    """The nationwide calendar with the administrators' overrides, or the unit's."""
    try:
        if code is None:
            return calendar_for_unit(unit=None)
        try:
            unit = unit_get(code=code.strip())
        except NotFound:
            raise fail(_("Không tìm thấy đơn vị có mã %(code)s.") % {"code": code}) from None
        return calendar_for_unit(unit=unit)
    except DatabaseError as exc:
        raise CommandError(
            _("Không đọc được lịch làm việc từ cơ sở dữ liệu (đã chạy \"motcua migrate\" chưa?): %(error)s")
            % {"error": exc}
        ) from None
