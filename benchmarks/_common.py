# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the benchmark scripts share: a line that calibrates the machine, a scratch database made and dropped
around a run, and the demo world (units, departments, catalogue, accounts) loaded into it.

Imported as `_common` by the scripts in this folder (their own folder is first on sys.path when run), after
`django.setup()`.
"""

import os
import tempfile
import time
import timeit
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test.utils import setup_databases, teardown_databases


def calibrate() -> str:
    """A fixed Python loop and a due-date computation, with the load average: compare figures between
    machines with this line, not raw."""
    from motcua.workdays.calendars import VN_TZ, ProcessingTime, WorkCalendar, due_at

    loop = min(timeit.repeat("sum(range(1000))", number=2000, repeat=3)) / 2000 * 1e6
    cal, start, span = WorkCalendar(), datetime(2026, 3, 2, 9, tzinfo=VN_TZ), ProcessingTime(5, "working_days")
    due_at(cal, start, span)
    due = min(timeit.repeat(lambda: due_at(cal, start, span), number=2000, repeat=3)) / 2000 * 1e6
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"machine: {os.cpu_count()} CPU, load {load}; sum(range(1000)) {loop:.1f} µs, "
            f"workdays.due_at {due:.1f} µs")


@contextmanager
def scratch_database(*, prefix: str = "motcua-bench-", keep: bool = False):
    """An empty, migrated database for the run: on PostgreSQL `<name>_bench` beside DATABASE_URL's, on
    SQLite a file in a temporary folder (a file, as deployed, not memory). Dropped afterwards unless `keep`."""
    database = settings.DATABASES["default"]
    scratch = None
    if database["ENGINE"].endswith("sqlite3"):
        scratch = tempfile.mkdtemp(prefix=prefix)
        database.setdefault("TEST", {})["NAME"] = str(Path(scratch) / "bench.sqlite3")
    else:
        database.setdefault("TEST", {})["NAME"] = database["NAME"] + "_bench"
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        if keep:
            print(f"kept {connection.settings_dict['NAME']}")
        else:
            teardown_databases(old_config, verbosity=0)
            if scratch:
                for leftover in Path(scratch).iterdir():
                    leftover.unlink()
                os.rmdir(scratch)


def demo_world_load(*, units: bool = True) -> float:
    """The units (`motcua units sync`), the Đắk Lắk departments, the demo catalogue and demo accounts, as
    `motcua demo` gives a source database; returns the seconds it took."""
    from motcua.catalog.demo import catalog_load_demo
    from motcua.demo.services import demo_accounts, demo_units
    from motcua.units.seed import seed_read
    from motcua.units.services import units_sync

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # scratch accounts only
    started = time.perf_counter()
    if units:
        units_sync(seed=seed_read())
    catalog_load_demo(province=demo_units())
    demo_accounts()
    return time.perf_counter() - started
