# SPDX-License-Identifier: AGPL-3.0-or-later
"""benchmarks/replicate.py: a generated history copied into earlier years keeps every invariant a lookup,
a join or the index relies on (counts multiply, codes unique and well-formed, keys resolve, counters add up)."""

import importlib.util
import re
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Sum

from motcua.demo.tests.test_generate import gen_world, narrowed, options  # noqa: F401
from motcua.dossiers.models import Dossier, DossierCodeCounter
from motcua.dossiers.selectors import dossier_track
from motcua.dossiers.services import ApplicantData, dossier_receive_in_person
from motcua.dossiers.tests.conftest import world  # noqa: F401
from motcua.monitoring.models import METRICS, DailyCounter, OpenCounter
from motcua.workdays.calendars import VN_TZ

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

spec = importlib.util.spec_from_file_location(
    "replicate", Path(__file__).resolve().parents[2] / "benchmarks" / "replicate.py")
replicate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(replicate)

CODE = re.compile(r"^(?P<agency>.+)-(?P<day>\d{6})-(?P<seq>\d{4,})$")


@pytest.fixture(autouse=True)
def _postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("replicate.py is set-based SQL for PostgreSQL only")


def run_replicate(times: int) -> dict:
    # The test's own transaction still holds the setup's deferred foreign-key checks, which would forbid
    # the index rebuild: run them now, as a real (autocommitted) run never has any pending.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    return replicate.replicate(times=times, out=lambda *_: None)


@pytest.fixture
def generated(gen_world):  # noqa: F811
    from motcua.demo import generate as gen

    opts = options(300)
    gen.generate(opts, world=narrowed(opts))
    return gen_world


def _indexes() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'dossiers_%%' "
                       "OR tablename LIKE 'documents_%%' ORDER BY 1")
        return cursor.fetchall()


def _sums():
    daily = DailyCounter.objects.aggregate(**{m: Sum(m) for m in METRICS})
    return daily, OpenCounter.objects.aggregate(n=Sum("count"))["n"]


def test_three_times_the_history_with_every_key_resolving(generated):
    before = {m._meta.db_table: m.objects.count() for m in replicate.models_to_copy()}
    daily_before, open_before = _sums()
    originals = list(Dossier.objects.values("id", "code", "applicant_phone", "submitted_at", "procedure_id"))
    indexes_before = _indexes()
    assert before["dossiers_dossier"] == 300 and before["dossiers_dossierevent"] > 300

    result = run_replicate(3)

    assert result["problems"] == []
    assert _indexes() == indexes_before  # the secondary indexes dropped for the copy are all back
    for table, count in before.items():
        assert result["after"][table] == 3 * count, table
    codes = list(Dossier.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 900
    assert all(CODE.match(code) for code in codes)
    daily_after, open_after = _sums()
    assert daily_after == {m: 3 * (v or 0) for m, v in daily_before.items()}
    assert open_after == 3 * (open_before or 0)
    # Copy k of dossier d: id + k × max id, moments 364 × k days earlier, code dated the shifted day.
    offset = max(d["id"] for d in originals)
    sample = originals[len(originals) // 2]
    for k in (1, 2):
        copy = Dossier.objects.get(id=sample["id"] + k * offset)
        assert copy.submitted_at == sample["submitted_at"] - timedelta(days=364 * k)
        assert copy.submitted_at.weekday() == sample["submitted_at"].weekday()
        assert copy.procedure_id == sample["procedure_id"]
        old, new = CODE.match(sample["code"]), CODE.match(copy.code)
        assert new["agency"] == old["agency"]
        shifted = datetime.strptime(old["day"], "%y%m%d").date() - timedelta(days=364 * k)
        assert new["day"] == f"{shifted:%y%m%d}"
        assert copy.steps.count() == Dossier.objects.get(id=sample["id"]).steps.count()
        if copy.current_step_id:
            assert copy.current_step.dossier_id == copy.id
        # The public tracking lookup finds the shifted code with the applicant's phone.
        if sample["applicant_phone"]:
            assert dossier_track(code=copy.code, proof=sample["applicant_phone"]) == copy
    # Counters: the next receipt on a shifted day continues after every copied code of that day.
    for row in DossierCodeCounter.objects.all():
        taken = [int(CODE.match(c)["seq"]) for c in codes if CODE.match(c)["day"] == f"{row.day:%y%m%d}"
                 and c.startswith(row.unit.agency_code + "-")]
        assert row.last >= max(taken, default=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM " + "pg_sequences WHERE sequencename LIKE 'dossiers_dossier_id%%'")
        row = cursor.fetchone()
    assert row is None or row[0] is None or row[0] >= 3 * offset


def test_a_shifted_day_meeting_an_original_day_numbers_after_it(world):  # noqa: F811
    """364 days apart at the same centre: the copy of the later dossier lands on the earlier one's day and
    must take the next number there, not collide with it."""
    applicant = ApplicantData(name="Nguyễn Văn An", id_number="066090000123", phone="0912345678")
    first_day = datetime(2025, 8, 4, 9, 0, tzinfo=VN_TZ)  # a Monday
    earlier = dossier_receive_in_person(procedure=world.marriage, receiving_unit=world.bmt_center,
                                        applicant=applicant, actor=world.receiver, at=first_day)
    later = dossier_receive_in_person(procedure=world.marriage, receiving_unit=world.bmt_center,
                                      applicant=applicant, actor=world.receiver, at=first_day + timedelta(days=364))

    run_replicate(2)

    codes = Counter(Dossier.objects.values_list("code", flat=True))
    assert set(codes.values()) == {1} and len(codes) == 4
    copy_of_later = Dossier.objects.get(id=later.id + later.id)
    assert copy_of_later.code.rsplit("-", 2)[1] == earlier.code.rsplit("-", 2)[1] == "250804"
    assert copy_of_later.code != earlier.code
    assert int(copy_of_later.code.rsplit("-", 1)[1]) == int(earlier.code.rsplit("-", 1)[1]) + 1
    assert DossierCodeCounter.objects.get(unit=world.bmt_center, day=date(2025, 8, 4)).last == 2
