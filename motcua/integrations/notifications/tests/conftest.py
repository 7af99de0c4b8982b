# SPDX-License-Identifier: AGPL-3.0-or-later
"""Real servers on loopback for notification tests: an SMTP server (aiosmtpd) and an SMS gateway
(http.server in a thread), both recording what reached them and able to refuse or be slow."""

import asyncio
import json
import logging
import socket
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from motcua.dossiers.tests.conftest import world  # noqa: F401

PUBLIC_URL = "https://dichvucong.daklak.gov.vn"
SMS_TOKEN = "token-thu-nghiem-123"


@pytest.fixture(autouse=True)
def _notification_settings(settings):
    settings.MOTCUA_NOTIFY_ENABLED = True
    settings.MOTCUA_NOTIFY_MAX_AGE_HOURS = 0  # the test world lives on fixed 2026 dates
    settings.MOTCUA_NOTIFY_RETRY_MINUTES = [1, 5, 30]
    settings.MOTCUA_NOTIFY_MAX_ATTEMPTS = 4
    settings.MOTCUA_PUBLIC_URL = PUBLIC_URL
    settings.MOTCUA_SMS_ENABLED = False
    settings.DEFAULT_FROM_EMAIL = "Một cửa Đắk Lắk <khong-tra-loi@daklak.gov.vn>"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.2):
    """Poll until `predicate()` is true (database errors from a busy SQLite count as "not yet")."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except Exception:  # noqa: BLE001
            pass
        time.sleep(interval)
    return False


# ---------------------------------------------------------------- SMTP


class SmtpRecorder:
    """aiosmtpd handler: keeps every accepted message; `rcpt_answers` refuses the next recipients."""

    def __init__(self):
        self.messages = []
        self.rcpt_answers: list[str] = []
        self.delay = 0.0
        self.arrived = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_answers:
            return self.rcpt_answers.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.arrived.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    # aiosmtpd logs every SMTP line at INFO, from its own thread, after pytest has closed the capture.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    recorder = SmtpRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", controller.port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield recorder
    controller.stop()


# ---------------------------------------------------------------- SMS gateway


class _GatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 — http.server's naming
        gateway = self.server.gateway
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        gateway.requests.append({"path": self.path, "headers": dict(self.headers), "raw": raw,
                                 "json": json.loads(raw.decode("utf-8"))})
        if gateway.delay:
            time.sleep(gateway.delay)
        status, body = gateway.responses.pop(0) if gateway.responses else (200, None)
        if body is None:
            body = {"id": f"sms-{len(gateway.requests)}", "status": "queued"}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        gateway.answered += 1

    def log_message(self, *args):  # keep the test output quiet
        pass


class SmsGateway:
    def __init__(self):
        self.requests: list[dict] = []
        self.responses: list[tuple[int, dict | None]] = []
        self.delay = 0.0
        self.answered = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _GatewayHandler)
        self.server.daemon_threads = True
        self.server.gateway = self
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/sms"

    def texts(self) -> list[str]:
        return [request["json"]["text"] for request in self.requests]


@pytest.fixture
def sms_gateway(settings):
    gateway = SmsGateway()
    thread = threading.Thread(target=gateway.server.serve_forever, daemon=True)
    thread.start()
    settings.MOTCUA_SMS_ENABLED = True
    settings.MOTCUA_SMS_URL, settings.MOTCUA_SMS_TOKEN = gateway.url, SMS_TOKEN
    settings.MOTCUA_SMS_SENDER, settings.MOTCUA_SMS_TIMEOUT = "UBND DakLak", 5
    yield gateway
    gateway.server.shutdown()
    gateway.server.server_close()
