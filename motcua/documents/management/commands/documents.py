# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua documents purge-drafts [--hours N]`: remove papers staged in the online submission wizard and
never submitted (run daily, e.g. from cron or a systemd timer). Exit status 0; 2 on a wrong option."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.documents.services import upload_drafts_purge


class Command(BaseCommand):
    help = "Dọn tệp hồ sơ: xóa các tệp nộp tạm (chưa nộp) đã quá hạn lưu."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="purge-drafts")
        purge = actions.add_parser("purge-drafts", help="Xóa tệp nộp tạm cũ hơn số giờ cho phép.")
        purge.add_argument("--hours", type=int, default=None,
                           help="Tuổi tối đa (giờ); mặc định MOTCUA_UPLOAD_DRAFT_MAX_AGE_HOURS (24).")

    def handle(self, *args, action, hours=None, **options):
        if hours is not None and hours < 0:
            raise CommandError(_("--hours phải là số không âm."), returncode=2)
        count = upload_drafts_purge(older_than=timedelta(hours=hours) if hours is not None else None)
        self.stdout.write(_("Đã xóa %(count)s tệp nộp tạm.") % {"count": count})
