# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua index`: the service index (Bộ chỉ số 766) of a unit and period, and `motcua index rebuild`.

    motcua index --unit 66 --from 2026-07-01 --to 2026-09-30 --format json
    motcua index --unit 66 --period quarter --on 2026-08-15 --format table --children
    motcua index rebuild [--unit 24133] [--from 2026-07-01 --to 2026-07-31] [--workers 2]
    motcua index checkpoints      # the yearly checkpoints of open items again (seconds; cron-friendly)

Without dates: the current month. Bad input → a Vietnamese message and exit status 2.
"""

import json
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError, NotFound
from motcua.monitoring.counters import balances_refresh, counters_rebuild
from motcua.monitoring.index import (
    PERIODS,
    IndexResult,
    index_compute,
    index_compute_many,
    period_check,
    period_of,
    rank_children,
)
from motcua.units.models import UnitKind
from motcua.units.selectors import unit_get

INVALID = 2
FORMATS = ("json", "table")


def fail(message) -> CommandError:
    return CommandError(str(message), returncode=INVALID)


def parse_day(raw: str, option: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise fail(_("Ngày %(value)s của %(option)s không hợp lệ; dùng dạng 2026-07-01.")
                   % {"value": raw, "option": option}) from None


def _n(value) -> str:
    return "N/A" if value is None else f"{value:.2f}"


class Command(BaseCommand):
    # argparse needs plain strings here: help texts are not translated.
    help = ("Chấm điểm Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) của một đơn vị trong "
            "một kỳ; 'rebuild' tính lại bộ đếm theo ngày từ hồ sơ và nhật ký xử lý.")

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", choices=["rebuild", "checkpoints"],
                            help="rebuild: tính lại bộ đếm; checkpoints: tính lại số hồ sơ đang mở chuyển năm "
                                 "(mặc định: in điểm Bộ chỉ số).")
        parser.add_argument("--unit", metavar="MA", help="Mã đơn vị, ví dụ 66 (tỉnh) hoặc 24133 (xã). Mặc định: "
                                                         "tỉnh của hệ thống; với rebuild: mọi đơn vị.")
        parser.add_argument("--from", dest="start", metavar="NGAY", help="Ngày đầu kỳ, ví dụ 2026-07-01.")
        parser.add_argument("--to", dest="end", metavar="NGAY", help="Ngày cuối kỳ, ví dụ 2026-09-30.")
        parser.add_argument("--period", choices=PERIODS, help="Kỳ chứa ngày --on: day, month, quarter, year.")
        parser.add_argument("--on", metavar="NGAY", help="Ngày nằm trong kỳ --period (mặc định: hôm nay).")
        parser.add_argument("--format", dest="output_format", default="json", help="json (mặc định) hoặc table.")
        parser.add_argument("--workers", type=int, metavar="N",
                            help="rebuild: số tiến trình tính song song trên PostgreSQL (mặc định: số CPU, tối đa 4; "
                                 "1 hoặc ít hơn = không song song).")
        parser.add_argument("--children", action="store_true",
                            help="Liệt kê mọi đơn vị trực thuộc với tổng điểm và thứ hạng.")

    def handle(self, *args, action, **options):
        if action == "rebuild":
            self.rebuild(options)
        elif action == "checkpoints":
            self.checkpoints()
        else:
            self.show(options)

    # ------------------------------------------------------------ options

    def _unit(self, code):
        try:
            return unit_get(code=code.strip())
        except NotFound:
            raise fail(_("Không tìm thấy đơn vị có mã %(code)s.") % {"code": code}) from None

    def _days(self, options, *, required: bool) -> tuple[date | None, date | None]:
        if options["period"]:
            if options["start"] or options["end"]:
                raise fail(_("Dùng --period (và --on) hoặc --from/--to, không dùng cả hai."))
            on = parse_day(options["on"], "--on") if options["on"] else timezone.localdate()
            return period_of(kind=options["period"], on=on)
        start = parse_day(options["start"], "--from") if options["start"] else None
        end = parse_day(options["end"], "--to") if options["end"] else None
        if required and start is None and end is None:
            return period_of(kind="month", on=timezone.localdate())
        if required and (start is None or end is None):
            raise fail(_("Cần cả --from và --to (hoặc không ghi cả hai để lấy tháng này)."))
        if start is not None and end is not None:
            try:
                period_check(start=start, end=end)
            except ApplicationError as exc:
                raise fail(exc.message) from None
        return start, end

    # ------------------------------------------------------------ the index

    def show(self, options) -> None:
        kind = options["output_format"].strip().lower()
        if kind not in FORMATS:
            raise fail(_("Định dạng %(value)s không hỗ trợ; chọn một trong: %(formats)s.")
                       % {"value": options["output_format"], "formats": ", ".join(FORMATS)})
        unit = self._unit(options["unit"] or settings.MOTCUA_PROVINCE_CODE)
        start, end = self._days(options, required=True)
        try:
            result = index_compute(unit=unit, start=start, end=end)
            children = self._children(unit, start, end) if options["children"] else None
        except ApplicationError as exc:
            raise fail(exc.message) from None
        if kind == "json":
            data = result.as_dict()
            if children is not None:
                data["children"] = [{"unit": r.unit.code, "name": r.unit.name, "total": r.as_dict()["total"],
                                     "max": r.as_dict()["max"], "percent": r.percent, "rank": rank}
                                    for rank, r in children]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(self._table(result, children))

    def _children(self, unit, start, end) -> list[tuple[int | None, IndexResult]]:
        units = list(unit.children.exclude(kind=UnitKind.SERVICE_CENTER).active_on(end).order_by("code"))
        return rank_children(list(index_compute_many(units=units, start=start, end=end).values()))

    def _table(self, result: IndexResult, children) -> str:
        lines = [
            _("Bộ chỉ số phục vụ người dân, doanh nghiệp — %(name)s (mã %(code)s)")
            % {"name": result.unit.name, "code": result.unit.code},
            _("Kỳ: %(start)s đến %(end)s") % {"start": result.start.strftime("%d/%m/%Y"),
                                              "end": result.end.strftime("%d/%m/%Y")},
            _("Tổng điểm: %(total)s / %(max)s (%(percent)s %%)")
            % {"total": _n(result.total), "max": _n(result.max), "percent": _n(result.percent)},
            "",
            f"{_('Chỉ số'):<6} {_('Tử số'):>8} {_('Mẫu số'):>8} {_('Tỷ lệ %'):>8} {_('Điểm'):>14}  {_('Tên')}",
        ]
        for group in result.groups:
            lines.append(f"{group.id:<6} {'':>8} {'':>8} {'':>8} {_n(group.score) + ' / ' + _n(group.max):>14}  "
                         f"{str(group.name).upper()}")
            for i in group.indicators:
                ratio = None if i.ratio is None else 100 * i.ratio
                score = f"{_n(i.score)} / {_n(i.max)}"
                name = str(i.name) + (f" — N/A: {i.na_reason}" if i.score is None else "")
                lines.append(f"{i.id:<6} {_n(i.numerator):>8} {_n(i.denominator):>8} {_n(ratio):>8} {score:>14}  {name}")
        if children is not None:
            lines += ["", f"{_('Hạng'):>4}  {_('Mã'):<8} {_('Điểm'):>16} {'%':>7}  {_('Đơn vị')}"]
            for rank, r in children:
                lines.append(f"{rank if rank is not None else '-':>4}  {r.unit.code:<8} "
                             f"{_n(r.total) + ' / ' + _n(r.max):>16} {_n(r.percent):>7}  {r.unit.name}")
        return "\n".join(lines)

    # ------------------------------------------------------------ rebuild

    def checkpoints(self) -> None:
        """The yearly checkpoints (OpenBalance) from the monthly open rows: a new year's appears, stale ones
        are made again. Only the checkpoints: the counters themselves are kept by the listener."""
        from django.db import transaction

        from motcua.monitoring.models import OpenBalance

        with transaction.atomic():
            balances_refresh()
        dates = sorted(set(OpenBalance.objects.values_list("as_of", flat=True)))
        self.stdout.write(_("Đã tính lại %(count)s mốc đầu năm của sổ theo dõi hồ sơ đang mở: %(dates)s.")
                          % {"count": len(dates), "dates": ", ".join(d.isoformat() for d in dates) or "—"})

    def rebuild(self, options) -> None:
        unit = self._unit(options["unit"]) if options["unit"] else None
        start, end = self._days(options, required=False)
        report = counters_rebuild(unit=unit, start=start, end=end, workers=options["workers"])
        self.stdout.write(_("Đã tính lại bộ đếm từ %(dossiers)s hồ sơ: %(daily)s dòng theo ngày, %(open)s dòng "
                            "theo dõi hồ sơ đang mở.")
                          % {"dossiers": report.dossiers, "daily": report.daily_rows, "open": report.open_rows})
