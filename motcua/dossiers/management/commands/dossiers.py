# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua dossiers import FILE.jsonl` and `motcua dossiers export`: dossiers in the national exchange format
(DongBoHoSoMC, one JSON object per line; docs/exchange-format.md).

Import exit status: 0 every line went in (created or already there), 1 some lines were refused (the others
are in), 2 the file cannot be read. Export: 0, or 2 when an option is wrong or the output cannot be written.
"""

import json
import os
import sys
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from motcua.core.errors import ApplicationError
from motcua.dossiers.exchange import dossiers_export, dossiers_import, moment_parse
from motcua.units.selectors import unit_get
from motcua.workdays.calendars import VN_TZ


def _refuse(message) -> CommandError:
    return CommandError(str(message), returncode=2)


DEFAULT_BATCH = 5000


def _batch(value: str) -> int:
    """--batch N: a whole number ≥ 0 (argparse turns the ValueError into a usage error, status 2)."""
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def _count_lines(handle) -> int:
    count = sum(1 for _line in handle)
    handle.seek(0)
    return count


def _since(value: str) -> datetime:
    """YYYY-MM-DD (local midnight) or yyyyMMddHHmmss, Asia/Ho_Chi_Minh."""
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=VN_TZ)
    except ValueError:
        pass
    try:
        return moment_parse(value, "--since")
    except ApplicationError:
        raise _refuse(_("--since %(value)s: cần dạng YYYY-MM-DD hoặc yyyyMMddHHmmss.") % {"value": value}) from None


class Command(BaseCommand):
    help = "Nhập, xuất hồ sơ theo định dạng trao đổi với Cổng Dịch vụ công quốc gia (DongBoHoSoMC, JSONL)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="import|export")
        load = actions.add_parser("import", help="Nhập hồ sơ từ tệp JSONL (mỗi dòng một hồ sơ).")
        load.add_argument("file", help="Tệp .jsonl, UTF-8.")
        load.add_argument("--dry-run", action="store_true", help="Kiểm tra và báo kết quả, không ghi gì.")
        load.add_argument("--no-progress", action="store_true", help="Không hiện thanh tiến độ.")
        load.add_argument("--batch", type=_batch, default=DEFAULT_BATCH, metavar="N",
                          help="Số dòng mỗi lô ghi (mặc định 5.000); 0: từng dòng một, mỗi dòng một giao dịch.")
        load.add_argument("--no-index", action="store_true",
                          help="Không dựng lại bộ đếm Bộ chỉ số sau khi nhập (tự chạy «motcua index rebuild»).")
        dump = actions.add_parser("export", help="Xuất hồ sơ ra JSONL.")
        dump.add_argument("--since", help="Chỉ hồ sơ thay đổi từ thời điểm này (YYYY-MM-DD hoặc yyyyMMddHHmmss).")
        dump.add_argument("--unit", help="Chỉ hồ sơ tiếp nhận hoặc giải quyết tại đơn vị này (mã đơn vị) "
                                         "hoặc các đơn vị trực thuộc.")
        dump.add_argument("--output", help="Tệp đích; không có thì in ra màn hình.")

    def handle(self, *args, action, **options):
        if action == "import":
            self.import_file(Path(options["file"]), dry_run=options["dry_run"], no_progress=options["no_progress"],
                             batch=options["batch"], index=not options["no_index"])
        else:
            self.export(since=options["since"], unit=options["unit"], output=options["output"])

    # ------------------------------------------------------------ import

    def import_file(self, path: Path, *, dry_run: bool, no_progress: bool, batch: int = DEFAULT_BATCH,
                    index: bool = True) -> None:
        if not path.is_file():
            raise _refuse(_("Không tìm thấy tệp %(path)s.") % {"path": path})
        stream = getattr(self.stderr, "_out", sys.stderr)
        try:
            with path.open("rb") as handle:
                total = _count_lines(handle)
                bar = tqdm(total=total, unit=" dòng", desc=_("Nhập hồ sơ"), file=stream, dynamic_ncols=True,
                           disable=no_progress or not stream.isatty())
                try:
                    report = dossiers_import(lines=handle, progress=bar.update, dry_run=dry_run, batch_size=batch,
                                             index=index)
                finally:
                    bar.close()
        except OSError as exc:
            raise _refuse(_("Không đọc được tệp %(path)s: %(error)s") % {"path": path, "error": exc.strerror or exc}
                          ) from None
        self.stdout.write(_("Tạo mới: %(created)s, không đổi: %(unchanged)s, bị từ chối: %(rejected)s.")
                          % {"created": report.created, "unchanged": report.unchanged,
                             "rejected": len(report.rejected)})
        for rejected in report.rejected:
            self.stdout.write(_("dòng %(line)s: %(reason)s") % {"line": rejected.line, "reason": rejected.reason})
        if dry_run:
            self.stdout.write(_("Chạy thử: không ghi gì vào cơ sở dữ liệu."))
        elif report.created and not report.index_rebuilt:
            self.stdout.write(_("Chưa dựng lại bộ đếm Bộ chỉ số: hãy chạy «motcua index rebuild»."))
        if not report.complete:
            message = (_("%(count)s dòng sẽ bị từ chối.") if dry_run
                       else _("%(count)s dòng bị từ chối; các dòng còn lại đã được nhập."))
            raise CommandError(message % {"count": len(report.rejected)}, returncode=1)

    # ------------------------------------------------------------ export

    def export(self, *, since: str | None, unit: str | None, output: str | None) -> None:
        moment = _since(since) if since else None
        try:
            scope = unit_get(code=unit) if unit else None
        except ApplicationError:
            raise _refuse(_("Không có đơn vị mã %(code)s.") % {"code": unit}) from None
        records = dossiers_export(since=moment, unit=scope)
        if not output:
            for record in records:
                self.stdout.write(json.dumps(record, ensure_ascii=False))
            return
        target = Path(output)
        partial = target.with_name(target.name + ".part")
        count = 0
        try:
            with partial.open("w", encoding="utf-8", newline="\n") as handle:
                for record in records:
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                    count += 1
            os.replace(partial, target)  # a reader never sees half a file
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise _refuse(_("Không ghi được tệp %(path)s: %(error)s") % {"path": target, "error": exc.strerror or exc}
                          ) from None
        self.stdout.write(_("Đã xuất %(count)s hồ sơ ra %(path)s.") % {"count": count, "path": target})
