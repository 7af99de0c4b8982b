# SPDX-License-Identifier: AGPL-3.0-or-later
"""The batch path of the import (`batch_size` > 0, the command's default): the same rows and the same
report as line by line, a batch the database refuses redone line by line, counters rebuilt afterwards."""

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers import exchange
from motcua.dossiers.exchange import dossiers_import
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent, DossierStep, SupplementRequest
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive, through_all_steps, to_specialist
from motcua.monitoring.counters import counters_rebuild, counters_snapshot

from .records import CENTER, TAN_AN_CENTER, jsonl, record, with_status

pytestmark = pytest.mark.django_db

TWO_CYCLES = [
    {"NgayBoSung": "20260303100000", "NgayTiepNhanBoSung": "20260304100000", "NgayHenTraTruoc": "20260309090000",
     "NgayHenTraMoi": "20260311100000"},
    {"NgayBoSung": "20260305100000", "NgayTiepNhanBoSung": "20260306100000"},  # NgayHenTraTruoc from the rules
]


def _varied() -> list[str]:
    """Every status, both kinds of handling unit, supplements, defaults, repeats, conflicts and bad lines."""
    no_fees = record(30)
    del no_fees["DanhSachLePhi"]
    return jsonl(
        *(with_status(status, status) for status in range(1, 11)),
        record(11, TrangThaiHoSo=9, NgayTra=None, NgayHenTra="20260313100000", NgayKetThucXuLy="20260316080000",
               DanhSachHoSoBoSung=TWO_CYCLES),
        record(12, TrangThaiHoSo=7, NgayTiepNhan=None, NgayHenTra=None, NgayKetThucXuLy="20260302150000",
               NgayTra=None, KenhThucHien=2),                                   # withdrawn before acceptance
        record(13, MaHoSo="000.00.01.H66-260302-0013", MaTTHC="T.0002", DonViXuLy=""),  # province department
        record(14, DonViXuLy="Phường Buôn Ma Thuột", KenhThucHien="2", LoaiDoiTuong="3"),
        record(15, MaHoSo=f"{TAN_AN_CENTER}-260303-0015", DonViXuLy="24163"),
        "",
        with_status(3, 3),                                                      # repeat: unchanged
        record(4, ChuHoSo="Người Khác"),                                        # repeat with other data
        record(16, MaTTHC="9.999999"),                                          # unknown procedure
        '{"MaHoSo": ',                                                          # malformed
        no_fees,
        record(17, NgayHenTra="20260301090000"),                                # before the receipt
        record(3, day="260304"),
    ).splitlines(keepends=True)


def _rows() -> dict:
    """Everything an import writes, by dossier code instead of ids, the import event's moment left out."""
    code = dict(Dossier.objects.values_list("pk", "code"))
    order = dict(DossierStep.objects.values_list("pk", "order"))
    dossiers = []
    for row in Dossier.objects.order_by("code").values():
        row["current_step"] = order.get(row.pop("current_step_id"))
        dossiers.append({k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at")})

    def by_code(model, skip=()):
        rows = []
        for row in model.objects.order_by("dossier__code", "id").values():
            row["dossier"] = code[row.pop("dossier_id")]
            rows.append({k: v for k, v in row.items() if k != "id" and k not in skip})
        return rows

    events = by_code(DossierEvent)
    for event in events:
        if event["action"] == exchange.IMPORT_ACTION:
            event.pop("at")
    return {"dossiers": dossiers, "steps": by_code(DossierStep), "events": events,
            "supplements": by_code(SupplementRequest),
            "counters": sorted(DossierCodeCounter.objects.values_list("unit_id", "day", "last"))}


def _report(report) -> tuple:
    return report.created, report.unchanged, [(r.line, r.reason, r.code) for r in report.rejected]


def _empty() -> None:
    Dossier.objects.all().delete()
    DossierCodeCounter.objects.all().delete()


@pytest.mark.parametrize("batch_size", [1, 4, 5000])
def test_both_paths_write_the_same_rows_field_by_field(world, batch_size):
    by_line = dossiers_import(lines=_varied(), batch_size=0, index=False)
    expected = _rows()
    assert len(expected["dossiers"]) == 17 and expected["supplements"] and len(by_line.rejected) == 4
    _empty()
    in_batches = dossiers_import(lines=_varied(), batch_size=batch_size, index=False)
    assert _report(in_batches) == _report(by_line)
    assert _rows() == expected
    # the same file again, by either path: nothing changes, every good line is "unchanged"
    for size in (0, batch_size):
        again = dossiers_import(lines=_varied(), batch_size=size, index=False)
        assert (again.created, again.unchanged) == (0, 18)
        assert [r.line for r in again.rejected] == [r.line for r in by_line.rejected]
        assert _rows() == expected


def test_a_batch_writes_its_rows_in_a_few_statements(world):
    lines = jsonl(*(record(n, DanhSachHoSoBoSung=TWO_CYCLES[:1], TrangThaiHoSo=9, NgayTra=None,
                           NgayKetThucXuLy="20260316080000", NgayHenTra="20260313100000")
                    for n in range(1, 201))).splitlines()
    dossiers_import(lines=lines[:1], batch_size=10, index=False)
    with CaptureQueriesContext(connection) as queries:
        report = dossiers_import(lines=lines, batch_size=1000, index=False)
    # Reads: the lookups once (procedures, fees, units, a calendar, a process), the codes already there,
    # the ids; writes: a multi-row statement per table (bulk_create splits by SQLite's parameter limit).
    # Line by line the same file takes about 9 queries a line.
    selects = [q["sql"] for q in queries if q["sql"].startswith("SELECT")]
    assert len(selects) <= 15, selects
    assert len(queries) <= (60 if connection.vendor == "sqlite" else 25)
    assert (report.created, report.unchanged) == (199, 1)
    assert DossierStep.objects.count() == 200 * 6 and SupplementRequest.objects.count() == 200


def test_a_code_written_meanwhile_sends_the_batch_line_by_line_and_the_report_stays_exact(world, monkeypatch):
    """Another process writes line 2's code after the batch looked: the batch's write fails on the unique
    code, is rolled back whole, and its lines go in one by one: line 2 is then 'unchanged'."""
    dossiers_import(lines=jsonl(record(2)).splitlines(), batch_size=0, index=False)
    real = exchange._existing
    monkeypatch.setattr(exchange, "_existing", lambda codes: {})  # blind to the racing row
    report = dossiers_import(lines=jsonl(record(1), record(2), record(3), record(2, ChuHoSo="Khác")).splitlines(),
                             batch_size=10, index=False)
    monkeypatch.setattr(exchange, "_existing", real)
    assert _report(report)[:2] == (2, 1)
    assert [(r.line, r.code) for r in report.rejected] == [(4, "dossier_code_conflict")]
    assert Dossier.objects.count() == 3 and DossierStep.objects.count() == 18
    assert DossierEvent.objects.filter(action=exchange.IMPORT_ACTION).count() == 3


def test_a_batch_refused_by_the_database_keeps_its_good_lines(world, monkeypatch):
    """The batch write fails; line by line, line 2's own write fails too: only line 2 is left out."""
    def refuse_batch(highest):
        raise DatabaseError("ổ đĩa đầy")

    real = exchange._counter_advance

    def refuse_line(*, unit, day, number):
        if number == 8:
            raise DatabaseError("ổ đĩa đầy")
        return real(unit=unit, day=day, number=number)

    monkeypatch.setattr(exchange, "_counters_raise", refuse_batch)
    monkeypatch.setattr(exchange, "_counter_advance", refuse_line)
    report = dossiers_import(lines=jsonl(record(1), record(8), record(9)).splitlines(), batch_size=10, index=False)
    assert (report.created, [r.line for r in report.rejected]) == (2, [2])
    assert "ổ đĩa đầy" in report.rejected[0].reason
    assert sorted(c[-4:] for c in Dossier.objects.values_list("code", flat=True)) == ["0001", "0009"]
    assert DossierStep.objects.count() == 12


def test_a_dry_run_in_batches_reports_the_same_and_writes_nothing(world):
    report = dossiers_import(lines=_varied(), batch_size=3, dry_run=True)
    assert _report(report) == _report(dossiers_import(lines=_varied(), batch_size=0, dry_run=True))
    assert report.created == 17 and not report.index_rebuilt
    assert not Dossier.objects.exists() and not DossierCodeCounter.objects.exists()


def test_counters_after_a_bulk_import_equal_a_rebuild(world):
    """Dossiers made through the services keep the counters by their listener; an import writes its events
    in bulk and then rebuilds what it touched: the counters equal a full rebuild, imported dossiers counted."""
    live = through_all_steps(world, to_specialist(world, local(2026, 3, 9, 8)), local(2026, 3, 10, 8))
    receive(world, local(2026, 3, 9, 9), receiving_unit=world.tan_an_center, actor=world.tan_an_receiver)
    before = counters_snapshot()
    assert before[0]  # the listener counted the live dossiers
    report = dossiers_import(lines=_varied(), batch_size=5)
    assert report.index_rebuilt and report.created == 17
    after = counters_snapshot()
    assert after != before
    received = sum(v.get("received", 0) for (unit, _day, _proc), v in after[0].items() if unit == world.bmt.pk)
    assert received == 1 + 12  # the live one, and the 12 imported ones received and handled by the ward
    counters_rebuild()
    assert counters_snapshot() == after
    assert live.handling_unit == world.bmt


def test_without_the_rebuild_the_counters_miss_the_import(world):
    report = dossiers_import(lines=jsonl(record(1)).splitlines(), batch_size=5, index=False)
    assert report.created == 1 and not report.index_rebuilt
    assert not any(counters_snapshot())
    counters_rebuild()
    assert counters_snapshot()[0]


# Lines to draw files from: new, repeated, conflicting and refused ones, and a blank line.
POOL = [record(1), record(2), record(1, ChuHoSo="Người Khác"), with_status(5, 3), with_status(1, 4),
        record(5, MaTTHC="9.999999"), "", "{hỏng", record(6, TrangThaiHoSo=8, NgayTra=None),
        record(7, MaHoSo=f"{CENTER}-260302-7"), record(2, day="260303")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.integers(0, len(POOL) - 1), max_size=12), size=st.integers(1, 5))
def test_any_file_gets_the_same_report_in_batches_as_line_by_line(world, picks, size):
    lines = jsonl(*(POOL[i] for i in picks)).splitlines()
    by_line = dossiers_import(lines=lines, batch_size=0, dry_run=True)
    assert _report(dossiers_import(lines=lines, batch_size=size, dry_run=True)) == _report(by_line)
    assert by_line.created + by_line.unchanged + len(by_line.rejected) == sum(1 for i in picks if POOL[i] != "")


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the background writer is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_batches_are_written_beside_the_checks_with_the_same_result(world):
    """PostgreSQL, no surrounding transaction (the command): a second thread writes each batch while the
    next one is checked. A code of the batch being written, repeated in the next one, fails that batch on
    the unique code and sends it line by line: the report and the rows are still those of line by line."""
    lines = _varied() + jsonl(record(1), record(2), record(1), record(2, ChuHoSo="Khác")).splitlines(keepends=True)
    by_line = dossiers_import(lines=lines, batch_size=0, index=False)
    expected = _rows()
    _empty()
    for size in (2, 5000):
        in_batches = dossiers_import(lines=lines, batch_size=size, index=False)
        assert _report(in_batches) == _report(by_line)
        assert _rows() == expected
        _empty()
