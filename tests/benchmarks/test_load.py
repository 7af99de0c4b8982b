# SPDX-License-Identifier: AGPL-3.0-or-later
"""benchmarks/load.py against a small local HTTP/1.1 server: keep-alive, both body framings, and the open
loop charging a stalled server for every request that waited (no coordinated omission)."""

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

LOAD = Path(__file__).resolve().parents[2] / "benchmarks" / "load.py"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    delay = 0.0
    connections: set = set()

    def do_GET(self):  # noqa: N802
        type(self).connections.add(self.client_address)
        time.sleep(self.delay)
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if self.path.endswith("chunked"):
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Handler.delay, Handler.connections = 0.0, set()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def run(port, *args, data=None, tmp_path=None):
    extra = []
    if data is not None:
        path = tmp_path / "data.json"
        path.write_text(json.dumps(data))
        extra = ["--data", str(path)]
    done = subprocess.run([sys.executable, str(LOAD), "--port", str(port), *extra, *args],
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_closed_loop_keeps_connections_alive(server):
    result = run(server.server_port, "--scenario", "health", "--mode", "closed", "--concurrency", "3",
                 "--seconds", "1")
    assert result["ok"] == result["requests"] > 30
    assert result["statuses"] == {"200": result["requests"]}
    assert len(Handler.connections) == 3  # one connection per worker, reused for every request


def test_chunked_answers_are_read_whole(server, tmp_path):
    result = run(server.server_port, "--scenario", "get", "--mode", "closed", "--concurrency", "2", "--seconds",
                 "0.5", data={"paths": ["/x/chunked", "/y"]}, tmp_path=tmp_path)
    assert result["ok"] == result["requests"] > 10 and not result["errors"]


def test_open_loop_charges_the_wait_and_counts_the_unanswered(server):
    Handler.delay = 0.3  # 2 connections × 1/0.3 s ≈ 6.7/s served, 20/s asked
    result = run(server.server_port, "--scenario", "health", "--mode", "open", "--rate", "20", "--seconds", "1",
                 "--connections", "2", "--grace", "0.5")
    assert result["requests"] == 20
    assert result["unanswered"] > 0
    # Latency from the scheduled moment: the last requests waited for a connection far beyond 0.3 s.
    assert result["p99_ms"] > 900 and result["p50_ms"] > 300
    assert result["sent_late"] > 0
