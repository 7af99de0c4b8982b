# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua units sync [--file PATH] [--dry-run]`: import the national list of provinces and communes."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from motcua.core.errors import ApplicationError
from motcua.units.seed import DEFAULT_SEED, seed_read
from motcua.units.services import units_sync


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Đồng bộ danh mục đơn vị hành chính (34 tỉnh, 3.321 xã) từ tệp dữ liệu."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sync = sub.add_parser("sync", help="Đồng bộ từ tệp dữ liệu (mặc định: tệp đi kèm motcua).")
        sync.add_argument("--file", default=str(DEFAULT_SEED), help="Đường dẫn tệp JSON định dạng motcua.units/1")
        sync.add_argument("--dry-run", action="store_true", help="Chỉ báo cáo thay đổi, không ghi.")

    def handle(self, *args, action, file, dry_run, **options):
        try:
            seed = seed_read(file)
            with transaction.atomic():
                report = units_sync(seed=seed)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        except ApplicationError as exc:
            raise CommandError(str(exc.message), returncode=2) from None
        verb = "Sẽ" if dry_run else "Đã"
        self.stdout.write(
            f"{verb} tạo {report.created}, cập nhật {len(report.updated)}, đóng {len(report.closed)}; "
            f"không đổi {report.unchanged} đơn vị."
        )
        for code in report.updated[:50]:
            self.stdout.write(f"  cập nhật: {code}")
        for code in report.closed[:50]:
            self.stdout.write(f"  đóng: {code}")
