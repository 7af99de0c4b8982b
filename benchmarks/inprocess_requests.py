# SPDX-License-Identifier: AGPL-3.0-or-later
"""In-process cost of the intake and tracking requests (issue 7): ms per request (wall and CPU) and SQL
queries, median over N requests, through django.test.Client (no server, no network).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_h8 .venv/bin/python benchmarks/inprocess_requests.py [-n 200]

The database must hold the demo (`motcua migrate`, `motcua units sync`, `motcua demo --force`); the script
writes dossiers (one per submission) and an API token, so point it at a scratch database.
"""

import argparse
import json
import os
import secrets
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _median_cost(send, n: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wall, cpu, queries, statuses = [], [], [], {}
    for i in range(n):
        w0, c0 = time.perf_counter(), time.process_time()
        status = send(i)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        statuses[status] = statuses.get(status, 0) + 1
    for i in range(n, n + min(n, 20)):  # the query count, apart so that capturing does not weigh on the times
        with CaptureQueriesContext(connection) as captured:
            send(i)
        queries.append(len(captured))
    return {"requests": n, "wall_ms_p50": round(statistics.median(wall), 2),
            "cpu_ms_p50": round(statistics.median(cpu), 2), "queries_p50": statistics.median(queries),
            "queries_max": max(queries), "statuses": statuses}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.conf.settings")
    os.environ.setdefault("MOTCUA_SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("MOTCUA_DEBUG", "0")
    os.environ.setdefault("MOTCUA_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("MOTCUA_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from motcua.accounts.models import User
    from motcua.dossiers.models import Channel, Dossier

    user, _created = User.objects.get_or_create(username="bench.inprocess", defaults={"first_name": "Benchmark"})
    token, _created = Token.objects.get_or_create(user=user)
    online = (Dossier.objects.filter(channel=Channel.ONLINE, procedure__publication_status="published")
              .select_related("procedure", "receiving_unit").order_by("-id").first())
    if online is None:
        sys.exit("no online dossier in the database: run `motcua demo --force` first")
    client = Client()
    run = uuid.uuid4().hex[:8]

    def submit(i: int, **headers) -> int:
        body = {"procedure": online.procedure.code, "receiving_unit": online.receiving_unit.code,
                "applicant": {"name": "Nguyễn Văn Thử", "phone": "0912345678", "id_number": "066090000123"}}
        return client.post("/api/v1/dossiers", data=json.dumps(body), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_IDEMPOTENCY_KEY=f"{run}-{i}",
                           **headers).status_code

    pairs = list(Dossier.objects.exclude(applicant_phone="").exclude(owner=user).order_by("?")
                 .values_list("code", "applicant_phone")[:args.n + 20])

    def track(i: int) -> int:
        # One code and one client address per lookup: the real path, rate limits included, never limited.
        code, phone = pairs[i % len(pairs)]
        return client.post("/tra-cuu/", {"ma": code, "xac_minh": phone},
                           REMOTE_ADDR=f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}").status_code

    results = {"submission": _median_cost(submit, args.n),
               # RFC 7240: the code and a Location instead of the whole dossier read back.
               "submission_minimal": _median_cost(lambda i: submit(args.n * 2 + i, HTTP_PREFER="return=minimal"),
                                                  args.n),
               "tracking": _median_cost(track, args.n),
               "health": _median_cost(lambda _i: client.get("/api/v1/health").status_code, args.n)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
