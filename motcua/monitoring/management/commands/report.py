# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua report`: the periodic report on dossier handling of a unit as XLSX, PDF or JSON.

    motcua report --unit 66 --from 2026-07-01 --to 2026-09-30 --format xlsx --output bao-cao.xlsx

JSON goes to standard output unless --output is given; XLSX and PDF need --output ("-" writes the bytes to
standard output). Bad input → a Vietnamese message and exit status 2.
"""

import json
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.core.errors import ApplicationError, NotFound
from motcua.monitoring.reports import report_compute, report_pdf, report_xlsx
from motcua.units.selectors import unit_get

INVALID = 2
FORMATS = ("json", "xlsx", "pdf")


def fail(message: str) -> CommandError:
    return CommandError(message, returncode=INVALID)


def parse_day(raw: str, option: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise fail(_("Ngày %(value)s của %(option)s không hợp lệ; dùng dạng 2026-07-01.")
                   % {"value": raw, "option": option}) from None


class Command(BaseCommand):
    # argparse needs plain strings here: help texts are not translated.
    help = ("Báo cáo định kỳ tình hình giải quyết hồ sơ của một đơn vị (tiếp nhận, kỳ trước chuyển sang, "
            "đã giải quyết trước hạn / đúng hạn / quá hạn, đang giải quyết trong hạn / quá hạn) theo lĩnh vực, "
            "đơn vị và kênh tiếp nhận.")

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, metavar="MA", help="Mã đơn vị, ví dụ 66 (tỉnh) hoặc 24133 (xã).")
        parser.add_argument("--from", dest="start", required=True, metavar="NGAY", help="Ngày đầu kỳ, 2026-07-01.")
        parser.add_argument("--to", dest="end", required=True, metavar="NGAY", help="Ngày cuối kỳ, 2026-09-30.")
        parser.add_argument("--format", dest="output_format", default="json", help="json (mặc định), xlsx hoặc pdf.")
        parser.add_argument("--output", metavar="TEP", help="Tệp kết quả; '-' là đầu ra chuẩn.")

    def handle(self, *args, unit, start, end, output_format, output, **options):
        kind = output_format.strip().lower()
        if kind not in FORMATS:
            raise fail(_("Định dạng %(value)s không hỗ trợ; chọn một trong: %(formats)s.")
                       % {"value": output_format, "formats": ", ".join(FORMATS)})
        if kind != "json" and not output:
            raise fail(_("Định dạng %(format)s cần --output TEP (hoặc --output - để ghi ra đầu ra chuẩn).")
                       % {"format": kind})
        first, last = parse_day(start, "--from"), parse_day(end, "--to")
        try:
            report = report_compute(unit=unit_get(code=unit.strip()), start=first, end=last)
        except NotFound:
            raise fail(_("Không tìm thấy đơn vị có mã %(code)s.") % {"code": unit}) from None
        except ApplicationError as exc:
            raise fail(str(exc.message)) from None
        if kind == "json":
            text = json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n"
            if not output or output == "-":
                self.stdout.write(text, ending="")
                return
            data = text.encode()
        else:
            data = report_xlsx(report) if kind == "xlsx" else report_pdf(report)
        self._write(data, output)

    def _write(self, data: bytes, output: str) -> None:
        if output == "-":
            stream = getattr(self.stdout, "_out", sys.stdout)
            stream.flush()
            stream.buffer.write(data)
            stream.buffer.flush()
            return
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise fail(_("Không ghi được tệp %(path)s: %(error)s") % {"path": output, "error": exc.strerror}) from None
        self.stderr.write(_("Đã ghi %(path)s (%(size)s byte).") % {"path": output, "size": len(data)})
