# SPDX-License-Identifier: AGPL-3.0-or-later
"""All benchmarks of issue 7 in one command: a table (benchmark, figure, goal, met?) and JSON.

    .venv/bin/python benchmarks/run_all.py --database postgres://postgres@127.0.0.1:5432/motcua_bench1m \\
        [--quick] [--json out.json] [--only intake,tracking,dashboard,index,catalog,import,memory] [--seconds 30]

Full run: `--database` is an existing generated database (`motcua generate`). It is never written: intake and
the dashboard (which write a token, dossiers, a session) run on `CREATE DATABASE <name>_runall TEMPLATE
<name>` (dropped at the end; the source must have no other connection while it is copied), unless
`--in-place` says the database is itself a disposable copy; tracking, memory, index and import only read it.
`--quick`: a scratch database `<name>_runall_quick` made from nothing (migrate, demo, 3,000 generated
dossiers), short phases — checks the harness in a few minutes.

What runs (docs/performance.md has the method and the figures):
1. intake — gunicorn (gthread, --workers = CPUs, DEBUG off) on loopback; benchmarks/load.py in another
   process submits dossiers (`POST /api/v1/dossiers`, token, one Idempotency-Key each) for --seconds at
   --concurrency → dossiers/s; then `GET /api/v1/health` the same way → the framework ceiling; then pgbench
   inserting a dossier-wide row into a scratch table with as many clients → tx/s; the ratios.
2. tracking — public lookup (`POST /tra-cuu/`, code + phone) of random existing codes, open loop at --rate
   → p50/p99 from the scheduled send moment.
3. dashboard — `GET /giam-sat/` and `/giam-sat/don-vi/66/` as `ld.tinh`, one at a time → p50/p95.
4. index — benchmarks/index_counters.py --existing (its JSON lines), 5. catalog — benchmarks/catalog_search.py,
6. import — benchmarks/import.py: subprocesses; missing or failed, the table says so (no figure invented).
7. memory — peak RSS (VmHWM) of each gunicorn worker after the HTTP runs.
Every figure carries the load average of the machine when it was taken: the machine may be shared.
"""

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from server import PYTHON, Server  # noqa: E402

ALL = ["intake", "tracking", "dashboard", "index", "catalog", "import", "memory"]
BENCH_USER = "bench.intake"
SCRATCH_TABLE = "bench_pgbench_insert"


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


# ---------------------------------------------------------------- machine and databases


def psql(url: str, sql: str, database: str | None = None) -> str:
    parts = urlparse(url)
    cmd = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", parts.hostname or "127.0.0.1",
           "-p", str(parts.port or 5432), "-U", parts.username or "postgres",
           "-d", database or parts.path.lstrip("/"), "-c", sql]
    env = dict(os.environ, PGPASSWORD=parts.password or "")
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout.strip()  # noqa: S603


def with_name(url: str, name: str) -> str:
    return urlparse(url)._replace(path="/" + name).geturl()


def machine(url: str) -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")
    mem = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")))
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(mem / 1024 / 1024, 1),
            "postgresql": psql(url, "SHOW server_version", database="postgres"),
            "python": sys.version.split()[0], "load_before": load(),
            "started": datetime.now(UTC).isoformat(timespec="seconds")}


def run_quiet(cmd: list[str], env: dict, timeout: float) -> subprocess.CompletedProcess:
    # Fixed argument lists built here (no shell, nothing from outside but the database URL).
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)  # noqa: S603


def prepare_database(args) -> tuple[str, str | None]:
    """The database the HTTP benchmarks use, and the name to drop at the end (None: keep)."""
    source = urlparse(args.database).path.lstrip("/")
    if args.in_place:
        return args.database, None
    if args.quick:
        name = f"{source}_runall_quick"
        psql(args.database, f'DROP DATABASE IF EXISTS "{name}"', database="postgres")
        psql(args.database, f'CREATE DATABASE "{name}"', database="postgres")
        url = with_name(args.database, name)
        env = dict(os.environ, DATABASE_URL=url, MOTCUA_DEBUG="1")
        steps = [["migrate", "-v", "0"], ["demo"],
                 ["generate", "--province", "66", "--dossiers", str(args.quick_dossiers), "--months", "2",
                  "--seed", "1", "--no-progress"]]
        for step in steps:
            started = time.perf_counter()
            done = run_quiet([PYTHON, "-m", "motcua", *step], env, timeout=1800)
            if done.returncode:
                raise SystemExit(f"motcua {' '.join(step)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
            print(f"  scratch: motcua {step[0]} {time.perf_counter() - started:.0f} s", flush=True)
        return url, name
    name = f"{source}_runall"
    psql(args.database, f'DROP DATABASE IF EXISTS "{name}"', database="postgres")
    started = time.perf_counter()
    psql(args.database, f'CREATE DATABASE "{name}" TEMPLATE "{source}"', database="postgres")
    print(f"  scratch copy {name} of {source}: {time.perf_counter() - started:.0f} s", flush=True)
    return with_name(args.database, name), name


def drop_database(url: str, name: str) -> None:
    psql(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', database="postgres")


# ---------------------------------------------------------------- fixtures in the scratch database


def fixtures(url: str, secret_key: str, workdir: Path, codes: int, only: list[str]) -> dict:
    """Token of an intake account, a session of the dashboard user, codes with phones, (procedure, centre)
    pairs that online submissions used. Made in this process through Django with the server's secret key
    (a session's auth hash is signed with it)."""
    os.environ.update({"DATABASE_URL": url, "MOTCUA_SECRET_KEY": secret_key, "MOTCUA_DEBUG": "0",
                       "MOTCUA_ALLOWED_HOSTS": "127.0.0.1", "MOTCUA_VAR_DIR": str(workdir),
                       "DJANGO_SETTINGS_MODULE": "motcua.conf.settings", "MOTCUA_LOG_LEVEL": "WARNING"})
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from motcua.accounts.models import User
    from motcua.dossiers.models import Channel

    # Written only for the benchmarks that need them: tracking and memory alone write nothing.
    token = user = session = None
    if "intake" in only:
        user, _created = User.objects.get_or_create(username=BENCH_USER, defaults={"first_name": "Benchmark"})
        token, _created = Token.objects.get_or_create(user=user)
    viewer = User.objects.filter(username="ld.tinh").first() if "dashboard" in only else None
    if viewer is not None:
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(viewer.pk), "motcua.accounts.auth.LoginBackend"
        store[HASH_SESSION_KEY] = viewer.get_session_auth_hash()
        store.create()
        session = store.session_key
    with connection.cursor() as cursor:
        # A random sample without sorting the whole table: TABLESAMPLE reads ~1 % of the pages.
        cursor.execute("SELECT count(*) FROM dossiers_dossier")
        total = cursor.fetchone()[0]
        percent = min(100.0, max(0.01, 100.0 * codes * 4 / max(total, 1)))
        cursor.execute(f"SELECT code, applicant_phone FROM dossiers_dossier TABLESAMPLE SYSTEM ({percent:.3f}) "  # noqa: S608
                       "WHERE applicant_phone <> '' LIMIT %s", [codes])
        sample = [list(row) for row in cursor.fetchall()]
        cursor.execute("SELECT DISTINCT p.code, u.code FROM (SELECT procedure_id, receiving_unit_id FROM "
                       "dossiers_dossier WHERE channel = %s ORDER BY id DESC LIMIT 20000) d "
                       "JOIN catalog_procedure p ON p.id = d.procedure_id "
                       "JOIN units_unit u ON u.id = d.receiving_unit_id "
                       "WHERE p.publication_status = 'published' ORDER BY 1, 2", [Channel.ONLINE])
        pairs = [list(row) for row in cursor.fetchall()]
    connection.close()
    return {"token": token and token.key, "session": session, "codes": sample, "pairs": pairs, "dossiers": total,
            "user_id": user and user.pk}


# ---------------------------------------------------------------- load phases


def load_run(server: Server, scenario: str, data_file: Path, *extra: str, seconds: float) -> dict:
    cmd = [PYTHON, str(ROOT / "benchmarks" / "load.py"), "--port", str(server.port), "--scenario", scenario,
           "--data", str(data_file), "--seconds", str(seconds), *extra]
    before = load()
    try:
        done = run_quiet(cmd, dict(os.environ), timeout=seconds * 3 + 120)
    except subprocess.TimeoutExpired:
        return {"error": f"no result after {seconds * 3 + 120:.0f} s", "load_before": before, "load_after": load()}
    if done.returncode:
        return {"error": (done.stderr or done.stdout)[-1500:], "load_before": before, "load_after": load()}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(load_before=before, load_after=load())
    return result


def pgbench(url: str, clients: int, seconds: int) -> dict:
    """PostgreSQL's own insert rate: one INSERT of a dossier-wide row (code unique, JSON, text, times) per
    transaction, into a scratch table with a primary key and a unique index, as many clients as HTTP."""
    psql(url, f"DROP TABLE IF EXISTS {SCRATCH_TABLE}; CREATE TABLE {SCRATCH_TABLE} ("
              "id bigserial PRIMARY KEY, code varchar(64) UNIQUE NOT NULL, procedure_id bigint NOT NULL, "
              "channel smallint NOT NULL, status smallint NOT NULL, stage varchar(24) NOT NULL, "
              "applicant_name varchar(255), applicant_id_number varchar(20), applicant_phone varchar(15), "
              "applicant_address varchar(500), form_data jsonb, receiving_unit_id bigint, handling_unit_id bigint, "
              "submitted_at timestamptz, due_at timestamptz, created_at timestamptz, updated_at timestamptz)")
    script = Path(tempfile.mkstemp(prefix="motcua-pgbench-", suffix=".sql")[1])
    script.write_text(
        "\\set n random(1, 2000000000)\n"
        f"INSERT INTO {SCRATCH_TABLE} (code, procedure_id, channel, status, stage, applicant_name, "
        "applicant_id_number, applicant_phone, applicant_address, form_data, receiving_unit_id, handling_unit_id, "
        "submitted_at, due_at, created_at, updated_at) VALUES ("
        "'000.00.00.H12-261123-' || :client_id || '-' || :n || '-' || txid_current(), 42, 2, 1, 'da_nop', "
        "'Nguyễn Văn Thử', '066012345678', '0912345678', 'Số 1 Lê Duẩn, phường Buôn Ma Thuột', "
        "'{\"ghi_chu\": \"benchmark\"}', 7, 8, now(), now() + interval '5 days', now(), now());\n")
    parts = urlparse(url)
    cmd = ["pgbench", "-n", "-M", "prepared", "-f", str(script), "-c", str(clients), "-j", str(min(clients, 2)),
           "-T", str(seconds), "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
           "-U", parts.username or "postgres", parts.path.lstrip("/")]
    before = load()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120,  # noqa: S603
                              env=dict(os.environ, PGPASSWORD=parts.password or ""))
    finally:
        script.unlink()
        psql(url, f"DROP TABLE IF EXISTS {SCRATCH_TABLE}")
    match = re.search(r"tps = ([\d.]+) \(without initial connection time\)", done.stdout)
    if not match:
        return {"error": (done.stderr or done.stdout)[-1500:], "load_before": before, "load_after": load()}
    latency = re.search(r"latency average = ([\d.]+) ms", done.stdout)
    return {"tps": float(match.group(1)), "latency_ms": float(latency.group(1)) if latency else None,
            "clients": clients, "seconds": seconds, "load_before": before, "load_after": load()}


def cleanup_intake(user_id: int) -> int:
    """Remove what intake wrote (with --in-place; a scratch copy is dropped anyway): the benchmark account's
    dossiers with their steps, events, notifications and keys, through Django's cascade (the database's
    foreign keys do not cascade). Left: the code counters and today's index counters moved on."""
    from django.db import connection

    from motcua.dossiers.models import Dossier

    deleted = Dossier.objects.filter(owner_id=user_id).delete()[1].get("dossiers.Dossier", 0)
    connection.close()
    return deleted


# ---------------------------------------------------------------- scripts of the other benchmarks


def json_lines(text: str) -> list[dict]:
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return rows


def script_run(name: str, argv: list[str], url: str, timeout: float) -> dict:
    path = ROOT / "benchmarks" / name
    if not path.exists():
        return {"status": "missing", "script": f"benchmarks/{name}"}
    before, started = load(), time.perf_counter()
    env = dict(os.environ, DATABASE_URL=url, MOTCUA_DEBUG="1")
    for key in ("MOTCUA_SECRET_KEY", "MOTCUA_VAR_DIR", "DJANGO_SETTINGS_MODULE"):
        env.pop(key, None)
    try:
        done = run_quiet([PYTHON, str(path), *argv], env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "script": f"benchmarks/{name}", "timeout_s": timeout}
    result = {"status": "ok" if done.returncode == 0 else f"failed ({done.returncode})",
              "script": f"benchmarks/{name} {' '.join(argv)}".strip(), "seconds": round(time.perf_counter() - started),
              "json": json_lines(done.stdout), "tail": done.stdout[-3000:], "load_before": before, "load_after": load()}
    if done.returncode:
        result["stderr"] = done.stderr[-2000:]
    return result


# ---------------------------------------------------------------- table


class Table:
    def __init__(self):
        self.rows: list[dict] = []

    def add(self, benchmark: str, figure: str, value, unit: str = "", goal: str = "", met: bool | None = None,
            load_avg: str = "", note: str = ""):
        self.rows.append({"benchmark": benchmark, "figure": figure, "value": value, "unit": unit, "goal": goal,
                          "met": met, "load": load_avg, "note": note})

    def missing(self, benchmark: str, why: str):
        self.add(benchmark, "—", None, note=why)

    def render(self) -> str:
        head = ("benchmark", "figure", "value", "goal", "met?", "load (1/5/15 min)", "note")
        lines = []
        for row in self.rows:
            value = row["value"]
            if value is None:
                shown = "not measured"
            elif isinstance(value, float):
                shown = f"{value:.3g}" if abs(value) < 10 else f"{value:,.1f}"  # ratios keep 3 digits
            else:
                shown = str(value)
            met = {True: "yes", False: "NO", None: ""}[row["met"]]
            lines.append((row["benchmark"], row["figure"], f"{shown} {row['unit']}".strip(), row["goal"], met,
                          row["load"], row["note"]))
        widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=False)]
        out = ["  ".join(str(c).ljust(w) for c, w in zip(head, widths, strict=False)),
               "  ".join("-" * w for w in widths)]
        out += ["  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=False)) for line in lines]
        return "\n".join(out)


def _loads(result: dict) -> str:
    return f"{result.get('load_before', '?')} → {result.get('load_after', '?')}"


# ---------------------------------------------------------------- main


def http_benchmarks(args, url: str, table: Table, raw: dict, workdir: Path) -> None:
    secret_key = secrets.token_urlsafe(50)
    started = time.perf_counter()
    data = fixtures(url, secret_key, workdir, codes=2000, only=args.only)
    print(f"  fixtures: {data['dossiers']:,} dossiers, {len(data['codes'])} codes sampled, {len(data['pairs'])} "
          f"(procedure, centre) pairs, {time.perf_counter() - started:.1f} s", flush=True)
    raw["dataset_dossiers"] = data["dossiers"]
    data_file = workdir / "data.json"
    data_file.write_text(json.dumps({**data, "cookie": f"sessionid={data['session']}" if data["session"] else "",
                                     "paths": ["/giam-sat/"],
                                     "prefer": "return=minimal" if args.intake_return == "minimal" else ""}))
    workers = args.workers or os.cpu_count() or 2
    concurrency = args.concurrency or workers * args.threads * 2
    server = Server(database_url=url, workers=workers, threads=args.threads, log=workdir / "gunicorn.log")
    server.env["MOTCUA_SECRET_KEY"] = secret_key
    with server:
        raw["server"] = {"command": " ".join(server.command[1:]), "workers": workers, "threads": args.threads}
        cookie = f"sessionid={data['session']}" if data["session"] else ""
        server.warm(["/api/v1/health", "/tra-cuu/"] + (["/giam-sat/"] if cookie and "dashboard" in args.only else []),
                    cookie=cookie)
        seconds = args.seconds

        if "intake" in args.only:
            if not data["pairs"]:
                table.missing("intake", "no online dossier in the database to take (procedure, centre) pairs from")
            else:
                intake = load_run(server, "intake", data_file, "--mode", "closed", "--concurrency", str(concurrency),
                                  "--ok", "201", seconds=seconds)
                ceiling = load_run(server, "health", data_file, "--mode", "closed", "--concurrency",
                                   str(concurrency), seconds=seconds)
                pg = pgbench(url, concurrency, int(seconds))
                raw.update(intake=intake, ceiling=ceiling, pgbench=pg)
                if args.in_place:
                    raw["intake_cleanup_deleted"] = cleanup_intake(data["user_id"])
                conc = f"C={concurrency}, {seconds:g} s"
                if "error" in intake:
                    table.missing("intake", "load failed: " + intake["error"][-200:])
                else:
                    note = f"{conc}; Prefer: return={args.intake_return}; {intake['ok']}/{intake['requests']} answered 201"
                    if intake.get("sample_error"):
                        note += f"; first error: {intake['sample_error'][:120]}"
                    table.add("intake", "POST /api/v1/dossiers", intake["rate"], "dossiers/s", load_avg=_loads(intake),
                              note=note)
                    table.add("intake", "latency p50 / p99", f"{intake['p50_ms']} / {intake['p99_ms']}", "ms",
                              load_avg=_loads(intake))
                if "error" in ceiling:
                    table.missing("intake", "ceiling failed: " + ceiling["error"][-200:])
                else:
                    table.add("intake", "ceiling GET /api/v1/health", ceiling["rate"], "req/s",
                              load_avg=_loads(ceiling), note=conc)
                if "error" in pg:
                    table.missing("intake", "pgbench failed: " + pg["error"][-200:])
                else:
                    table.add("intake", "pgbench INSERT", pg["tps"], "tx/s", load_avg=_loads(pg),
                              note=f"{pg['clients']} clients, -T {pg['seconds']}")
                if "error" not in intake and "error" not in ceiling and ceiling["rate"]:
                    ratio = intake["rate"] / ceiling["rate"]
                    table.add("intake", "intake / ceiling", round(ratio, 3), goal="≥ 0.5", met=ratio >= 0.5)
                if "error" not in intake and "error" not in pg and pg["tps"]:
                    table.add("intake", "intake / pgbench", round(intake["rate"] / pg["tps"], 3))

        if "tracking" in args.only:
            if not data["codes"]:
                table.missing("tracking", "no dossier with a phone number in the database")
            else:
                track = load_run(server, "track", data_file, "--mode", "open", "--rate", str(args.rate),
                                 "--connections", str(max(concurrency, 32)), seconds=seconds)
                raw["tracking"] = track
                if "error" in track:
                    table.missing("tracking", "load failed: " + track["error"][-200:])
                else:
                    note = (f"open loop {args.rate:g}/s for {seconds:g} s, {track['ok']}/{track['requests']} 200, "
                            f"{track['unanswered']} unanswered after {track['grace_s']:g} s "
                            f"(percentiles then lower bounds), {track['sent_late']} sent >1 ms after their moment")
                    table.add("tracking", "p50", track["p50_ms"], "ms", load_avg=_loads(track), note=note)
                    table.add("tracking", "p99", track["p99_ms"], "ms", goal="< 20 ms",
                              met=track["p99_ms"] is not None and track["p99_ms"] < 20, load_avg=_loads(track))

        if "dashboard" in args.only:
            if not cookie:
                table.missing("dashboard", "no user ld.tinh in the database (run `motcua demo`)")
            for path in (["/giam-sat/", "/giam-sat/don-vi/66/"] if cookie else []):
                page_file = workdir / "page.json"
                page_file.write_text(json.dumps({"paths": [path], "cookie": cookie}))
                page = load_run(server, "get", page_file, "--mode", "closed", "--concurrency", "1", "--ok", "200",
                                seconds=max(5.0, seconds / 3))
                raw.setdefault("dashboard", {})[path] = page
                if "error" in page or not page["ok"]:
                    table.missing("dashboard", f"GET {path} failed: {page.get('error') or page.get('statuses')}")
                else:
                    table.add("dashboard", f"GET {path} p50 / p95", f"{page['p50_ms']} / {page['p95_ms']}", "ms",
                              load_avg=_loads(page), note=f"{page['ok']} requests, one at a time")

        if "memory" in args.only:
            memory = server.memory()
            raw["memory"] = memory
            if memory:
                peak = max(row["peak_mib"] for row in memory)
                table.add("memory", "peak RSS of a worker (VmHWM)", peak, "MiB", goal="< 150 MiB", met=peak < 150,
                          load_avg=load(), note="workers: " + ", ".join(f"{r['peak_mib']}" for r in memory))
            else:
                table.missing("memory", "no gunicorn worker found")
        errors = server.errors(60)
        if errors:
            raw["server_errors"] = errors
            print("  server errors (end of its log):\n" + errors, flush=True)


INDEX_ROW = re.compile(r"^\s+(year|month|day)\s+(\S+)\s+(\S+)\s+(.+?)\s+([\d.]+)\s+(\d+)\s*$")


def script_benchmarks(args, url: str, table: Table, raw: dict, workdir: Path) -> None:
    if "index" in args.only:
        result = script_run("index_counters.py", ["--existing"], url, timeout=900 if args.quick else 3600)
        raw["index"] = result
        rows = [INDEX_ROW.match(line) for line in result.get("tail", "").splitlines()]
        rows = [row for row in rows if row]
        if result["status"] == "ok" and rows:
            for kind, start, end, label, ms, queries in (row.groups() for row in rows):
                province_year = kind == "year" and label.startswith("province")
                table.add("index", f"{kind} {start}…{end}: {label}", float(ms), "ms",
                          goal="< 200 ms at 10 M" if province_year else "",
                          met=(float(ms) < 200) if province_year else None, load_avg=_loads(result),
                          note=f"{queries} queries")
        else:
            _script_rows(table, "index", result)
    if "catalog" in args.only:
        argv = ["--procedures", "2000", "--rounds", "5"] if args.quick else []
        result = script_run("catalog_search.py", argv, url, timeout=900 if args.quick else 3600)
        raw["catalog"] = result
        match = re.search(r"search\s+p50\s+([\d.]+) ms\s+p95\s+([\d.]+) ms", result.get("tail", ""))
        if result["status"] == "ok" and match:
            table.add("catalog", "procedure_search p50", float(match.group(1)), "ms", load_avg=_loads(result),
                      note=result["script"])
            table.add("catalog", "procedure_search p95", float(match.group(2)), "ms", load_avg=_loads(result))
        else:
            _script_rows(table, "catalog", result)
    if "import" in args.only:
        import_benchmark(args, url, table, raw, workdir)


def import_benchmark(args, url: str, table: Table, raw: dict, workdir: Path) -> None:
    """An exchange file exported from the dataset (quick: all of it; full: the dossiers of one ward,
    `--import-unit`), imported by benchmarks/import.py into its own empty database."""
    if not (ROOT / "benchmarks" / "import.py").exists():
        table.missing("import", "benchmarks/import.py: missing")
        return
    export = workdir / "export.jsonl"
    env = dict(os.environ, DATABASE_URL=url, MOTCUA_DEBUG="1")
    for key in ("MOTCUA_SECRET_KEY", "MOTCUA_VAR_DIR", "DJANGO_SETTINGS_MODULE"):
        env.pop(key, None)
    unit = [] if args.quick else ["--unit", args.import_unit]
    started = time.perf_counter()
    done = run_quiet([PYTHON, "-m", "motcua", "dossiers", "export", *unit, "--output", str(export)], env, timeout=3600)
    if done.returncode or not export.exists():
        table.missing("import", "export failed: " + (done.stderr or done.stdout)[-200:])
        return
    lines = sum(1 for _ in export.open(encoding="utf-8"))
    print(f"  export for import: {lines:,} dossiers in {time.perf_counter() - started:.0f} s", flush=True)
    figures = workdir / "import.json"
    argv = ["--file", str(export), "--json", str(figures), "--no-reimport"]
    argv += ["--sample", "200"] if args.quick else []
    result = script_run("import.py", argv, url, timeout=1200 if args.quick else 3600)
    raw["import"] = result
    if result["status"] != "ok" or not figures.exists():
        _script_rows(table, "import", result)
        return
    data = json.loads(figures.read_text(encoding="utf-8"))
    raw["import"]["figures"] = data
    bulk, load_ = data.get("bulk", {}), data.get("database_load", {})
    if "dossiers_per_s" in bulk:
        rate = bulk["dossiers_per_s"]
        table.add("import", "motcua dossiers import (bulk)", round(rate, 1), "dossiers/s", goal="≥ 20,000/s",
                  met=rate >= 20000, load_avg=_loads(result), note=f"{bulk.get('created', '?'):,} dossiers")
    if "dossiers_per_s" in load_:
        table.add("import", f"PostgreSQL {load_.get('how', 'load')} of the same rows", round(load_["dossiers_per_s"], 1),
                  "dossiers/s", load_avg=_loads(result))
    if "ratio" in data:
        table.add("import", "import / database load", round(data["ratio"], 3))


def _script_rows(table: Table, name: str, result: dict) -> None:
    """One row per figure of the script's JSON lines: {"benchmark"?, "figure"|"name", "value", "unit"?,
    "goal"?, "met"?}; anything else is kept whole in the JSON output."""
    if result["status"] != "ok":
        table.missing(name, f"{result['script']}: {result['status']}")
        return
    rows = [row for row in result["json"] if "value" in row and ("figure" in row or "name" in row)]
    if not rows:
        table.missing(name, f"{result['script']} printed no JSON figure (output kept in the JSON file)")
    for row in rows:
        table.add(row.get("benchmark", name), row.get("figure") or row.get("name"), row["value"], row.get("unit", ""),
                  row.get("goal", ""), row.get("met"), _loads(result), row.get("note", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="postgres://… of a generated database (read only)")
    parser.add_argument("--quick", action="store_true", help="scratch database from nothing, short phases")
    parser.add_argument("--json", help="write the figures there")
    parser.add_argument("--only", default=",".join(ALL), help="comma-separated subset of " + ",".join(ALL))
    parser.add_argument("--seconds", type=float, help="length of each load phase (default 30, quick 5)")
    parser.add_argument("--rate", type=float, default=50, help="tracking: requests per second (open loop; 50 is what "
                                                                "2 vCPUs serve with room, 200 saturates them)")
    parser.add_argument("--concurrency", type=int, help="intake/ceiling connections and pgbench clients "
                                                        "(default 2 × workers × threads)")
    parser.add_argument("--intake-return", choices=["minimal", "representation"], default="minimal",
                        help="intake: the Prefer header (minimal: code and Location; representation: the whole "
                             "dossier with its steps, as without the header)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: CPUs)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (gthread)")
    parser.add_argument("--quick-dossiers", type=int, default=3000)
    parser.add_argument("--import-unit", default="24133", help="full run: the ward whose dossiers are exported "
                                                               "for the import benchmark")
    parser.add_argument("--in-place", action="store_true",
                        help="run on --database itself (a disposable copy): intake writes there, then deletes its dossiers")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(ALL)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    if not args.database.startswith(("postgres://", "postgresql://")):
        parser.error("--database must be a PostgreSQL URL (the benchmarks measure a production set-up)")
    args.seconds = args.seconds or (5.0 if args.quick else 30.0)

    info = machine(args.database)
    print(f"machine: {info['cpu']}, {info['cores']} CPU, {info['ram_gib']} GiB RAM, PostgreSQL {info['postgresql']}, "
          f"Python {info['python']}; load {info['load_before']}", flush=True)
    table, raw = Table(), {"machine": info, "args": {k: v for k, v in vars(args).items() if k != "json"}}
    workdir = Path(tempfile.mkdtemp(prefix="motcua-runall-"))
    url, scratch = args.database, None
    try:
        # Only intake (submissions, a token) and the dashboard (a session) write: the other benchmarks read
        # the dataset where it is, without copying gigabytes.
        if args.quick or args.in_place or set(args.only) & {"intake", "dashboard"}:
            url, scratch = prepare_database(args)
        raw["scratch_database"] = urlparse(url).path.lstrip("/")
        # A dataset older than the code (e.g. generated before a migration) makes pages fail: say so first.
        pending = run_quiet([PYTHON, "-m", "motcua", "migrate", "--check", "--plan"],
                            dict(os.environ, DATABASE_URL=url, MOTCUA_DEBUG="1"), timeout=300)
        if pending.returncode:
            raw["unapplied_migrations"] = pending.stdout[-2000:]
            print("  WARNING: the database lacks migrations (run `motcua migrate`); pages that need them "
                  "will fail:\n" + pending.stdout[-800:], flush=True)
        if set(args.only) & {"intake", "tracking", "dashboard", "memory"}:
            http_benchmarks(args, url, table, raw, workdir)
        script_benchmarks(args, url, table, raw, workdir)
    finally:
        if scratch and not args.keep:
            drop_database(args.database, scratch)
        for leftover in workdir.rglob("*"):
            if leftover.is_file():
                leftover.unlink()
        for folder in sorted(workdir.rglob("*"), reverse=True):
            folder.rmdir()
        workdir.rmdir()
    info["load_after"] = load()
    info["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    print(f"\nmachine: {info['cpu']}, {info['cores']} CPU, {info['ram_gib']} GiB, PostgreSQL {info['postgresql']}; "
          f"load before {info['load_before']}, after {info['load_after']}; dataset "
          f"{raw.get('dataset_dossiers', '?'):,} dossiers ({raw.get('scratch_database', args.database)})"
          if isinstance(raw.get("dataset_dossiers"), int) else
          f"\nmachine: {info['cpu']}, {info['cores']} CPU; load before {info['load_before']}, after {info['load_after']}")
    print(table.render())
    if args.json:
        Path(args.json).write_text(json.dumps({**raw, "table": table.rows}, ensure_ascii=False, indent=2, default=str))
        print(f"JSON: {args.json}")


if __name__ == "__main__":
    main()
