# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua catalog import FILE`, `motcua catalog export` and `motcua catalog synonyms` (adds the rules of
catalog/data/synonyms.json an older database lacks): the procedure catalogue as `motcua.catalog/1`
(JSON, or .xlsx by the file's extension). A bad file is refused whole, with exit status 2."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.catalog.exchange import catalog_export, catalog_load
from motcua.catalog.synonyms import search_synonyms_load
from motcua.catalog.xlsx import payload_to_xlsx, xlsx_to_payload
from motcua.core.errors import ApplicationError
from motcua.units.selectors import unit_get


def _refuse(message) -> CommandError:
    return CommandError(str(message), returncode=2)


def _read(path: Path) -> dict:
    if not path.is_file():
        raise _refuse(_("Không tìm thấy tệp %(path)s.") % {"path": path})
    if path.suffix.lower() == ".xlsx":
        return xlsx_to_payload(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise _refuse(_("Tệp %(path)s không phải văn bản UTF-8.") % {"path": path}) from None
    except json.JSONDecodeError as exc:
        raise _refuse(_("Tệp JSON %(path)s sai cú pháp ở dòng %(line)s, cột %(column)s.")
                      % {"path": path, "line": exc.lineno, "column": exc.colno}) from None


class Command(BaseCommand):
    help = "Nhập, xuất danh mục thủ tục hành chính (định dạng motcua.catalog/1, JSON hoặc XLSX)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="import|export|synonyms")
        load = actions.add_parser("import", help="Nhập danh mục từ tệp .json hoặc .xlsx.")
        load.add_argument("file", help="Tệp .json hoặc .xlsx.")
        load.add_argument("--province", help="Mã tỉnh để tìm cơ quan giải quyết (mặc định MOTCUA_PROVINCE_CODE).")
        load.add_argument("--dry-run", action="store_true", help="Kiểm tra và báo kết quả, không ghi gì.")
        dump = actions.add_parser("export", help="Xuất danh mục.")
        dump.add_argument("--format", choices=["json", "xlsx"], help="Mặc định theo đuôi tệp --output, hoặc json.")
        dump.add_argument("--output", help="Tệp đích; không có thì in JSON ra màn hình.")
        dump.add_argument("--code", action="append", dest="codes", help="Chỉ xuất thủ tục có mã này (lặp được).")
        actions.add_parser("synonyms", help="Thêm các từ đồng nghĩa còn thiếu từ tệp dữ liệu đi kèm "
                                            "(không sửa, không xóa quy tắc đã có).")

    def handle(self, *args, action, **options):
        try:
            if action == "import":
                self.import_file(Path(options["file"]), province=options["province"], dry_run=options["dry_run"])
            elif action == "synonyms":
                created = search_synonyms_load()
                self.stdout.write(_("Đã thêm %(count)s từ đồng nghĩa.") % {"count": len(created)})
            else:
                self.export(output=options["output"], fmt=options["format"], codes=options["codes"])
        except ApplicationError as exc:
            raise _refuse(exc.message) from exc

    def import_file(self, path: Path, *, province: str | None, dry_run: bool) -> None:
        payload = _read(path)
        unit = unit_get(code=province or settings.MOTCUA_PROVINCE_CODE)
        report = catalog_load(payload=payload, province=unit, dry_run=dry_run)
        self.stdout.write(_("Tạo mới: %(created)s, cập nhật: %(updated)s, không đổi: %(unchanged)s.")
                          % {"created": len(report.created), "updated": len(report.updated),
                             "unchanged": len(report.unchanged)})
        if dry_run:
            self.stdout.write(_("Chạy thử: không ghi gì vào cơ sở dữ liệu."))

    def export(self, *, output: str | None, fmt: str | None, codes: list[str] | None) -> None:
        fmt = fmt or ("xlsx" if output and output.lower().endswith(".xlsx") else "json")
        if fmt == "xlsx" and not output:
            raise _refuse(_("Xuất XLSX cần chỉ rõ tệp đích bằng --output."))
        payload = catalog_export(codes=codes)
        if fmt == "xlsx":
            Path(output).write_bytes(payload_to_xlsx(payload))
        else:
            text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
            if not output:
                self.stdout.write(text, ending="")
                return
            Path(output).write_text(text, encoding="utf-8")
        self.stdout.write(_("Đã xuất %(count)s thủ tục ra %(path)s.")
                          % {"count": len(payload["procedures"]), "path": output})
