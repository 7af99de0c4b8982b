# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua demo`: load the Đắk Lắk demo (idempotent) and print the demo accounts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.demo import data
from motcua.demo.services import demo_load


class Command(BaseCommand):
    help = "Nạp dữ liệu trình diễn tỉnh Đắk Lắk và in danh sách tài khoản trình diễn."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Cho phép chạy khi DEBUG tắt.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Dữ liệu trình diễn có mật khẩu công khai: chỉ nạp khi MOTCUA_DEBUG bật.", returncode=2)
        accounts = demo_load()
        self.stdout.write(self.style.SUCCESS("Dữ liệu trình diễn Đắk Lắk đã sẵn sàng."))
        self.stdout.write(f"Mật khẩu chung của mọi tài khoản trình diễn: {data.DEMO_PASSWORD}")
        self.stdout.write(f"{'Tài khoản':<14} {'Vai trò':<34} Đơn vị")
        for account in accounts:
            self.stdout.write(f"{account.username:<14} {account.describe:<34} {account.unit_code or '—'}")
        self.stdout.write(f"{data.CITIZEN['phone']:<14} {'Công dân (đăng nhập bằng số điện thoại)':<34} —")
