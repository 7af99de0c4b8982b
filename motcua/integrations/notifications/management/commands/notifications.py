# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua notifications send [--once | --loop] [--interval S] [--limit N]`: the notification worker.

One pass = catch up events whose hook was lost, then send every due row (up to --limit). `--once` (the
default) runs one pass, for cron; `--loop` runs passes until stopped (SIGTERM / Ctrl-C), for a service.
"""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils.translation import gettext as _

from motcua.integrations.notifications.services import notifications_catch_up, notifications_send_due


class Command(BaseCommand):
    help = "Gửi thông báo (thư điện tử, SMS) đang chờ cho người nộp hồ sơ."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="Gửi các thông báo đến hạn (kể cả gửi lại sau lỗi).")
        mode = send.add_mutually_exclusive_group()
        mode.add_argument("--once", action="store_true", help="Chạy một lượt rồi dừng (mặc định).")
        mode.add_argument("--loop", action="store_true", help="Chạy liên tục cho đến khi bị dừng (worker).")
        send.add_argument("--interval", type=float, default=5.0,
                          help="Số giây nghỉ giữa hai lượt khi không còn gì để gửi (với --loop).")
        send.add_argument("--limit", type=int, default=200, help="Số thông báo tối đa mỗi lượt.")

    def handle(self, *args, action, once, loop, interval, limit, **options):
        if interval <= 0 or limit <= 0:
            raise CommandError(_("--interval và --limit phải lớn hơn 0."), returncode=2)
        stop = threading.Event()
        previous = {}
        if loop:
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, lambda *_: stop.set())
        try:
            self._run(stop, loop=loop, interval=interval, limit=limit)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _run(self, stop: threading.Event, *, loop: bool, interval: float, limit: int) -> None:
        while True:
            caught_up = notifications_catch_up()
            report = notifications_send_due(limit=limit)
            if report.total or caught_up or not loop:
                self.stdout.write(
                    _("Đã gửi %(sent)d, chờ gửi lại %(retrying)d, không gửi được %(failed)d"
                      " (bổ sung %(caught_up)d sự kiện bị bỏ sót).")
                    % {"sent": report.sent, "retrying": report.retrying, "failed": report.failed,
                       "caught_up": caught_up})
            if not loop or stop.is_set():
                break
            if not connection.in_atomic_block:  # a long-running worker drops broken or aged connections
                close_old_connections()
            if report.total < limit:  # the queue is empty: rest; a full pass goes straight on
                stop.wait(interval)
            if stop.is_set():
                break
