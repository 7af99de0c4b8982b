# SPDX-License-Identifier: AGPL-3.0-or-later
import os
import subprocess
import sys
from datetime import date

import pytest
from django.db import connection, transaction

from motcua.dossiers.codes import dossier_code_next
from motcua.units.models import Unit

pytestmark = pytest.mark.django_db
CENTER = "24133.TTPVHCC"


def test_codes_follow_the_circular_and_count_per_unit_and_day():
    center, other = Unit.objects.get(code=CENTER), Unit.objects.get(code="24163.TTPVHCC")
    with transaction.atomic():
        codes = [dossier_code_next(unit=center, day=date(2026, 3, 12)) for _ in range(3)]
        codes.append(dossier_code_next(unit=center, day=date(2026, 3, 13)))
        codes.append(dossier_code_next(unit=other, day=date(2026, 3, 12)))
    assert codes == ["000.24133.01.H66-260312-0001", "000.24133.01.H66-260312-0002",
                     "000.24133.01.H66-260312-0003", "000.24133.01.H66-260313-0001",
                     "000.24163.01.H66-260312-0001"]


def test_a_rolled_back_receipt_leaves_no_gap():
    center = Unit.objects.get(code=CENTER)
    with pytest.raises(RuntimeError), transaction.atomic():
        dossier_code_next(unit=center, day=date(2026, 3, 12))
        raise RuntimeError("receipt failed after the code was taken")
    with transaction.atomic():
        assert dossier_code_next(unit=center, day=date(2026, 3, 12)).endswith("-0001")


WORKER = """
import sys, django
django.setup()
from datetime import date
from django.db import transaction
from motcua.dossiers.codes import dossier_code_next
from motcua.units.models import Unit
unit = Unit.objects.get(code=sys.argv[1])
for _ in range(int(sys.argv[2])):
    with transaction.atomic():
        print(dossier_code_next(unit=unit, day=date(2099, 1, 1)), flush=True)
"""


CLEANUP = """
import sys, django
django.setup()
from datetime import date
from motcua.dossiers.models import DossierCodeCounter
DossierCodeCounter.objects.filter(unit__code=sys.argv[1], day=date(2099, 1, 1)).delete()
"""


@pytest.mark.postgres
def test_parallel_processes_get_no_duplicate_and_no_gap():
    if connection.vendor != "postgresql":
        pytest.skip("parallel processes need a shared server database (PostgreSQL); SQLite's test DB is in memory")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "motcua.conf.settings"}
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, CENTER, "40"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [w.communicate(timeout=120) for w in workers]
    # The workers committed outside this test's transaction: take their rows away for the tests after us.
    subprocess.run([sys.executable, "-c", CLEANUP, CENTER], env=env, check=True, timeout=120)
    assert all(w.returncode == 0 for w in workers), [err for _out, err in outputs]
    numbers = sorted(int(line.rsplit("-", 1)[1]) for out, _err in outputs for line in out.split())
    assert numbers == list(range(1, 161))
