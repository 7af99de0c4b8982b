# SPDX-License-Identifier: AGPL-3.0-or-later
"""The web process's sender: a few daemon threads so that no request ever waits for SMTP or an SMS gateway.

Rows are in the database before they reach this queue, so a lost queue (restart, crash, a management
command that exits) loses nothing: the sweeper thread here, or the worker `motcua notifications send
--loop`, sends whatever is due. Threads start on first use, once per process (again after a fork).
"""

import logging
import os
import queue
import threading

from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

_STOP = object()


class BackgroundSender:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._queue: queue.Queue = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    def submit(self, ids: list[int]) -> None:
        """Queue rows for sending; returns at once."""
        if not ids:
            return
        self._ensure_started()
        for pk in ids:
            self._queue.put(pk)

    @property
    def running(self) -> bool:
        return self._pid == os.getpid() and any(thread.is_alive() for thread in self._threads)

    def _ensure_started(self) -> None:
        with self._lock:
            if self.running:
                return
            self._pid, self._queue, self._stopping = os.getpid(), queue.Queue(), threading.Event()
            self._threads = [threading.Thread(target=self._work, name=f"motcua-notify-{n}", daemon=True)
                             for n in range(settings.MOTCUA_NOTIFY_THREADS)]
            if settings.MOTCUA_NOTIFY_SWEEP_SECONDS > 0:
                self._threads.append(threading.Thread(target=self._sweep, name="motcua-notify-sweep", daemon=True,
                                                      args=(settings.MOTCUA_NOTIFY_SWEEP_SECONDS,)))
            for thread in self._threads:
                thread.start()

    def stop(self, timeout: float = 10) -> None:
        """Let the threads finish what they hold and end (tests; a graceful shutdown)."""
        with self._lock:
            if self._pid != os.getpid():
                return
            self._stopping.set()
            for _ in self._threads:
                self._queue.put(_STOP)
            for thread in self._threads:
                thread.join(timeout)
            self._threads, self._pid = [], None

    def _work(self) -> None:
        from .services import notification_send

        work = self._queue
        while True:
            pk = work.get()
            if pk is _STOP:
                break
            try:
                notification_send(notification_id=pk)
            except Exception:  # noqa: BLE001 — the thread must survive: the row stays due for the sweeper
                logger.exception("background sending of notification %s failed", pk)
            finally:
                close_old_connections()
        connection.close()

    def _sweep(self, seconds: int) -> None:
        from .services import notifications_send_due

        stopping = self._stopping
        while not stopping.wait(seconds):
            try:
                notifications_send_due(limit=50)
            except Exception:  # noqa: BLE001
                logger.exception("notification sweep failed")
            finally:
                close_old_connections()
        connection.close()


background = BackgroundSender()
