# SPDX-License-Identifier: AGPL-3.0-or-later
"""motcua served as production would, for the benchmarks: gunicorn on loopback, DEBUG off, PostgreSQL,
secrets from the environment, static files collected (whitenoise's manifest storage needs them).

    with Server(database_url="postgres://postgres@127.0.0.1:5432/x", workers=2) as server:
        server.port, server.worker_pids(), server.memory()

Settings through the production environment variables (docs/configuration.md) plus, for measuring:
- `MOTCUA_RATELIMIT_ENABLED=0`: the load comes from one address, the limits would answer 429;
- `MOTCUA_DB_CONN_MAX_AGE=60`: persistent database connections, as a production install sets them;
- `MOTCUA_NOTIFY_SYNC_THREAD=0`: notification rows are written by the request but sent by the worker
  (`motcua notifications send --loop`), as in production — not by threads of the web process.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url: str, var_dir: str) -> dict:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "MOTCUA_DEBUG": "0", "MOTCUA_SECRET_KEY": secrets.token_urlsafe(50),
        "MOTCUA_ALLOWED_HOSTS": "127.0.0.1,localhost", "MOTCUA_VAR_DIR": var_dir, "MOTCUA_LOG_LEVEL": "WARNING",
        "MOTCUA_RATELIMIT_ENABLED": "0", "MOTCUA_DB_CONN_MAX_AGE": "60", "MOTCUA_NOTIFY_SYNC_THREAD": "0",
        "MOTCUA_NOTIFY_SWEEP_SECONDS": "0", "DJANGO_SETTINGS_MODULE": "motcua.conf.settings",
    })
    return env


class Server:
    def __init__(self, *, database_url: str, workers: int, threads: int = 4, worker_class: str = "gthread",
                 log: Path | None = None):
        self.database_url, self.workers, self.threads, self.worker_class = database_url, workers, threads, worker_class
        self.port = free_port()
        self.var_dir = tempfile.mkdtemp(prefix="motcua-bench-var-")
        self.env = production_env(database_url, self.var_dir)
        self.process: subprocess.Popen | None = None
        self.log = log or Path(self.var_dir) / "gunicorn.log"  # gunicorn's and Django's errors (tracebacks)

    @property
    def command(self) -> list[str]:
        return [PYTHON, "-m", "gunicorn", "motcua.conf.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(self.workers), "--worker-class", self.worker_class, "--threads", str(self.threads),
                "--keep-alive", "30", "--backlog", "2048", "--timeout", "60"]

    def __enter__(self) -> "Server":
        # DEBUG off serves static files through whitenoise's manifest: collect them, as a deployment does.
        subprocess.run([PYTHON, "-m", "motcua", "collectstatic", "--noinput", "-v", "0"],  # noqa: S603
                       env=self.env, cwd=ROOT, check=True)
        self._log_file = open(self.log, "ab")  # noqa: SIM115 — closed in __exit__
        self.process = subprocess.Popen(self.command, env=self.env, cwd=ROOT,  # noqa: S603
                                        stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:] if self.log.exists() else ''}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/health", timeout=2) as response:
                    if response.status == 200 and len(self.worker_pids()) >= self.workers:
                        return self
            except OSError:
                pass
            time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log_file", None):
            self._log_file.close()
        shutil.rmtree(self.var_dir, ignore_errors=True)

    def errors(self, lines: int = 40) -> str:
        """The end of the server's log when it holds a traceback (what a 500 was)."""
        try:
            text = self.log.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:]) if "Traceback" in text or "ERROR" in text else ""

    def worker_pids(self) -> list[int]:
        """The master's children (gunicorn workers), by scanning /proc for their parent id."""
        if self.process is None:
            return []
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def warm(self, paths: list[str], cookie: str = "") -> None:
        """Each worker imports lazily; a few requests per worker so the first measured ones are not imports."""
        for _ in range(self.workers * 2):
            for path in paths:
                request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers={"Cookie": cookie})
                try:
                    urllib.request.urlopen(request, timeout=30).read()  # noqa: S310 — http on loopback
                except OSError:
                    pass

    def memory(self) -> list[dict]:
        """Peak (VmHWM) and current (VmRSS) resident memory of each worker, MiB."""
        rows = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            fields = {line.split(":")[0]: line.split(":")[1].strip() for line in status.splitlines() if ":" in line}
            rows.append({"pid": pid, "peak_mib": round(int(fields["VmHWM"].split()[0]) / 1024, 1),
                         "rss_mib": round(int(fields["VmRSS"].split()[0]) / 1024, 1)})
        return rows
