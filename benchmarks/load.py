# SPDX-License-Identifier: AGPL-3.0-or-later
"""HTTP load generator for benchmarks/run_all.py: a separate process, asyncio on raw sockets, HTTP/1.1 with
keep-alive, no dependency beyond the standard library.

    .venv/bin/python benchmarks/load.py --port 8765 --scenario health --mode closed --concurrency 16 --seconds 10
    .venv/bin/python benchmarks/load.py --port 8765 --scenario track --data data.json --mode open --rate 200 \\
        --seconds 20

Two shapes of load:

- `closed`: `--concurrency` connections, each sending its next request as soon as the previous answer is
  read — the server's throughput at that concurrency (requests/s);
- `open`: requests *scheduled* at a fixed `--rate` whatever the answers, sent on a pool of keep-alive
  connections; the latency of each is measured from its scheduled moment, not from when a connection was
  free, so a server that stalls is charged for every request that waited (no coordinated omission).

Scenarios (request builders) and what `--data` (JSON) must hold:

- `health`: `GET /api/v1/health`;
- `intake`: `POST /api/v1/dossiers` with `Authorization: Token <token>` and a fresh `Idempotency-Key`,
  procedure and receiving centre drawn from `pairs` ([[procedure code, centre code], ...]); with `prefer`
  (e.g. "return=minimal") sent as the `Prefer` header;
- `track`: `POST /tra-cuu/` (public tracking: code + full phone number) over `codes` ([[code, phone], ...]),
  with a CSRF cookie and the same token in the form (Django accepts the unmasked 32-character secret);
- `get`: `GET` of each path in `paths` in turn, with `cookie` (a logged-in session).

Prints one JSON object: requests, seconds, rate, status counts, latency percentiles (ms), errors.
Why not wrk/locust/aiohttp: none is installed here, and one small client for every scenario keeps the
ratios honest (the same client cost in the numerator and the denominator).
"""

import argparse
import asyncio
import json
import random
import string
import time
import uuid
from urllib.parse import urlencode


def percentile(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class Builder:
    """Makes the bytes of the i-th request of a scenario."""

    def __init__(self, scenario: str, data: dict, host: str, seed: int):
        self.scenario, self.data, self.host = scenario, data, host
        self.rng = random.Random(seed)
        self.csrf = "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(32))

    def _request(self, method: str, path: str, headers: dict, body: bytes = b"") -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", "Connection: keep-alive",
                 "Accept-Language: vi"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    def make(self, i: int) -> bytes:
        if self.scenario == "health":
            return self._request("GET", "/api/v1/health", {})
        if self.scenario == "intake":
            procedure, centre = self.rng.choice(self.data["pairs"])
            body = json.dumps({
                "procedure": procedure, "receiving_unit": centre,
                "applicant": {"name": "Nguyễn Văn Thử", "id_number": f"0660{self.rng.randrange(10**8):08d}",
                              "phone": f"09{self.rng.randrange(10**8):08d}",
                              "address": "Số 1 Lê Duẩn, phường Buôn Ma Thuột"},
                "form_data": {"ghi_chu": "benchmark"},
            }, ensure_ascii=False).encode()
            headers = {"Authorization": f"Token {self.data['token']}", "Idempotency-Key": str(uuid.uuid4()),
                       "Content-Type": "application/json"}
            if self.data.get("prefer"):
                headers["Prefer"] = self.data["prefer"]
            return self._request("POST", "/api/v1/dossiers", headers, body)
        if self.scenario == "track":
            code, phone = self.rng.choice(self.data["codes"])
            body = urlencode({"csrfmiddlewaretoken": self.csrf, "ma": code, "xac_minh": phone}).encode()
            return self._request("POST", "/tra-cuu/", {
                "Cookie": f"csrftoken={self.csrf}", "Content-Type": "application/x-www-form-urlencoded"}, body)
        if self.scenario == "get":
            paths = self.data["paths"]
            return self._request("GET", paths[i % len(paths)], {"Cookie": self.data.get("cookie", "")})
        raise SystemExit(f"unknown scenario {self.scenario}")


class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def send(self, request: bytes) -> tuple[int, bytes]:
        """One request, one response (Content-Length or chunked); reconnects once if the server had closed
        an idle connection."""
        for attempt in (0, 1):
            if self.writer is None:
                await self.open()
            try:
                self.writer.write(request)
                await self.writer.drain()
                head = await self.reader.readuntil(b"\r\n\r\n")
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(parts)
        else:
            body = await self.reader.read()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body


class Results:
    def __init__(self):
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors: dict[str, int] = {}
        self.sample_error = ""

    def add(self, status: int, ms: float, body: bytes):
        self.latencies.append(ms)
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status >= 400 and not self.sample_error:
            self.sample_error = body[:300].decode("utf-8", "replace")

    def error(self, exc: Exception):
        name = type(exc).__name__
        self.errors[name] = self.errors.get(name, 0) + 1

    def summary(self, seconds: float, ok: set[int]) -> dict:
        good = sum(n for s, n in self.statuses.items() if s in ok)
        return {
            "requests": len(self.latencies), "ok": good, "seconds": round(seconds, 2),
            "rate": round(good / seconds, 1) if seconds else 0.0,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())}, "errors": self.errors,
            "p50_ms": _round(percentile(self.latencies, .50)), "p95_ms": _round(percentile(self.latencies, .95)),
            "p99_ms": _round(percentile(self.latencies, .99)), "max_ms": _round(max(self.latencies, default=None)),
            "sample_error": self.sample_error,
        }


def _round(value):
    return None if value is None else round(value, 2)


async def closed_loop(args, builder: Builder) -> dict:
    results, deadline = Results(), time.perf_counter() + args.seconds
    counter = iter(range(10**12))

    async def worker():
        conn = Connection(args.host, args.port)
        while time.perf_counter() < deadline:
            request = builder.make(next(counter))
            start = time.perf_counter()
            try:
                # A request that never ends is an error (TimeoutError), not a hung benchmark.
                status, body = await asyncio.wait_for(conn.send(request), args.timeout)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                results.error(exc)
                conn.close()
                await asyncio.sleep(0.01)
                continue
            results.add(status, (time.perf_counter() - start) * 1000, body)
        conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    return results.summary(time.perf_counter() - started, set(args.ok))


async def open_loop(args, builder: Builder) -> dict:
    """Request i is due at start + i / rate. A free connection sends it; if none is free, it waits in the
    queue and that wait is part of its latency."""
    results = Results()
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(args.connections):
        pool.put_nowait(Connection(args.host, args.port))
    total = int(args.rate * args.seconds)
    start = time.perf_counter() + 0.05
    late_sends = 0

    async def one(i: int, due: float):
        nonlocal late_sends
        conn = await pool.get()
        if time.perf_counter() - due > 0.001:
            late_sends += 1
        try:
            status, body = await conn.send(builder.make(i))
            results.add(status, (time.perf_counter() - due) * 1000, body)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            results.error(exc)
            conn.close()
        finally:
            pool.put_nowait(conn)

    tasks = []
    for i in range(total):
        due = start + i / args.rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append((due, asyncio.create_task(one(i, due))))
    # Bounded: what is not answered `--grace` seconds after the last send counts as unanswered, with the
    # time it had waited so far as its latency (so the percentiles are lower bounds, never flattering).
    await asyncio.wait([task for _, task in tasks], timeout=args.grace)
    now, unanswered = time.perf_counter(), 0
    for due, task in tasks:
        if not task.done():
            task.cancel()
            unanswered += 1
            results.latencies.append((now - due) * 1000)
    summary = results.summary(now - start, set(args.ok))
    summary.update(target_rate=args.rate, connections=args.connections, sent_late=late_sends,
                   unanswered=unanswered, grace_s=args.grace)
    while not pool.empty():
        pool.get_nowait().close()
    return summary  # connections of cancelled requests are closed with the event loop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--scenario", choices=["health", "intake", "track", "get"], required=True)
    parser.add_argument("--data", help="JSON file with the scenario's data")
    parser.add_argument("--mode", choices=["closed", "open"], default="closed")
    parser.add_argument("--concurrency", type=int, default=8, help="closed loop: connections")
    parser.add_argument("--rate", type=float, default=200, help="open loop: requests per second")
    parser.add_argument("--connections", type=int, default=32, help="open loop: pool size")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--timeout", type=float, default=60, help="closed loop: seconds before a request fails")
    parser.add_argument("--grace", type=float, default=10, help="open loop: seconds to wait after the last send")
    parser.add_argument("--ok", type=int, nargs="*", default=[200, 201])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    data = {}
    if args.data:
        with open(args.data, encoding="utf-8") as handle:
            data = json.load(handle)
    builder = Builder(args.scenario, data, f"{args.host}:{args.port}", args.seed)
    runner = closed_loop if args.mode == "closed" else open_loop
    summary = asyncio.run(runner(args, builder))
    summary.update(scenario=args.scenario, mode=args.mode)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
