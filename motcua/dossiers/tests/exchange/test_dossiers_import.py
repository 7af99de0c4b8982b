# SPDX-License-Identifier: AGPL-3.0-or-later
"""A JSONL file: each line whole or not at all, the good lines in, the bad ones reported by number."""

import pytest
from django.db import DatabaseError

from motcua.accounts.models import User
from motcua.core.models import AuditEvent
from motcua.dossiers import exchange
from motcua.dossiers.exchange import dossiers_import
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent, DossierStep, SupplementRequest

from .records import jsonl, record, with_status

pytestmark = pytest.mark.django_db

TWO_CYCLES = [
    {"NgayBoSung": "20260303100000", "NgayTiepNhanBoSung": "20260304100000", "NgayHenTraTruoc": "20260309090000",
     "NgayHenTraMoi": "20260311100000"},
    {"NgayBoSung": "20260305100000", "NgayTiepNhanBoSung": "20260306100000", "NgayHenTraTruoc": "20260311100000",
     "NgayHenTraMoi": "20260313100000"},
]


def _mixed_file() -> list[str]:
    return jsonl(
        record(1),                                                   # 1 good
        record(2, MaTTHC="9.999999"),                                # 2 unknown procedure
        record(3, DonViXuLy="Phường Không Có"),                      # 3 unknown unit
        "",                                                          # 4 blank: skipped
        record(5, NgayTiepNhan="2026-03-02"),                        # 5 bad date
        record(6, TrangThaiHoSo=11),                                 # 6 bad status
        '{"MaHoSo": "000.24133.01.H66-260302-0007", "MaTTHC": ',     # 7 malformed JSON
        record(8, TrangThaiHoSo=9, NgayTra=None, NgayHenTra="20260313100000",
               NgayKetThucXuLy="20260310080000", DanhSachHoSoBoSung=TWO_CYCLES),  # 8 good, two supplements
        record(1, ChuHoSo="Người Khác"),                             # 9 the code of line 1 with other data
        "[1, 2]",                                                    # 10 not an object
        record(11, MaHoSo="000.99999.01.H66-260302-0011"),           # 11 unknown receiving unit
        with_status(5, 12),                                          # 12 good, waiting for papers
    ).splitlines(keepends=True)


def _counts() -> tuple:
    return (Dossier.objects.count(), DossierStep.objects.count(), DossierEvent.objects.count(),
            SupplementRequest.objects.count(), DossierCodeCounter.objects.count(), User.objects.count())


def test_good_lines_go_in_and_each_bad_line_is_reported_with_its_number_and_reason(world):
    ticks = []
    report = dossiers_import(lines=_mixed_file(), progress=ticks.append)
    assert (report.created, report.unchanged, report.complete) == (3, 0, False)
    reasons = {r.line: r.reason for r in report.rejected}
    assert sorted(reasons) == [2, 3, 5, 6, 7, 9, 10, 11]
    assert reasons[2].startswith("MaTTHC: không có thủ tục «9.999999»")
    assert reasons[3].startswith("DonViXuLy: không có đơn vị «Phường Không Có»")
    assert reasons[5].startswith("NgayTiepNhan: «2026-03-02» không đúng dạng yyyyMMddHHmmss")
    assert reasons[6].startswith("TrangThaiHoSo: giá trị 11 không hợp lệ")
    assert reasons[7] == "JSON sai cú pháp ở cột 54."
    assert reasons[9].startswith("MaHoSo: hồ sơ 000.24133.01.H66-260302-0001 đã có với dữ liệu khác (ChuHoSo)")
    assert reasons[10] == "mỗi dòng phải là một đối tượng JSON {…}."
    assert reasons[11].startswith("MaHoSo: không có đơn vị nào mang mã định danh 000.99999.01.H66")
    assert len(ticks) == 12
    codes = sorted(Dossier.objects.values_list("code", flat=True))
    assert [c[-4:] for c in codes] == ["0001", "0008", "0012"]
    # nothing of a refused line anywhere: every step, event and request belongs to an imported dossier
    assert DossierStep.objects.count() == 18 and SupplementRequest.objects.count() == 3
    assert set(DossierEvent.objects.values_list("dossier__code", flat=True)) == set(codes)
    assert DossierCodeCounter.objects.get().last == 12
    audit = AuditEvent.objects.get(action="dossiers.imported")
    assert (audit.data["created"], audit.data["rejected"]) == (3, 8)


def test_importing_the_same_file_again_changes_nothing(world):
    dossiers_import(lines=_mixed_file())
    before = _counts()
    stamps = dict(Dossier.objects.values_list("code", "updated_at"))
    counters = list(DossierCodeCounter.objects.values_list("unit", "day", "last"))
    report = dossiers_import(lines=_mixed_file())
    assert (report.created, report.unchanged, len(report.rejected)) == (0, 3, 8)
    assert _counts() == before
    assert dict(Dossier.objects.values_list("code", "updated_at")) == stamps
    assert list(DossierCodeCounter.objects.values_list("unit", "day", "last")) == counters
    assert AuditEvent.objects.filter(action="dossiers.imported").count() == 1  # a run that created nothing


def test_a_failure_while_writing_a_line_leaves_nothing_of_it(world, monkeypatch):
    """The last write of a line fails: its dossier, steps, requests and events are rolled back together."""
    real = exchange._counter_advance

    def failing(*, unit, day, number):
        if number == 8:
            raise DatabaseError("ổ đĩa đầy")
        return real(unit=unit, day=day, number=number)

    monkeypatch.setattr(exchange, "_counter_advance", failing)
    lines = jsonl(record(1), record(8, TrangThaiHoSo=9, NgayTra=None, NgayHenTra="20260313100000",
                                     NgayKetThucXuLy="20260310080000", DanhSachHoSoBoSung=TWO_CYCLES), record(9))
    report = dossiers_import(lines=lines.splitlines())
    assert (report.created, [r.line for r in report.rejected]) == (2, [2])
    assert "ổ đĩa đầy" in report.rejected[0].reason
    assert sorted(c[-4:] for c in Dossier.objects.values_list("code", flat=True)) == ["0001", "0009"]
    assert (DossierStep.objects.count(), SupplementRequest.objects.count()) == (12, 0)


def test_a_dry_run_reports_and_writes_nothing(world):
    before = _counts()
    report = dossiers_import(lines=_mixed_file(), dry_run=True)
    assert (report.created, len(report.rejected)) == (3, 8)
    assert _counts() == before and not AuditEvent.objects.filter(action="dossiers.imported").exists()


def test_bytes_lines_with_a_bom_and_bad_utf8_are_read_line_by_line(world):
    lines = [b"\xef\xbb\xbf" + jsonl(record(1)).encode(), b"\xff\xfe{}\n", jsonl(record(3)).encode()]
    report = dossiers_import(lines=lines)
    assert report.created == 2
    assert [(r.line, r.reason) for r in report.rejected] == [(2, "không phải văn bản UTF-8.")]


def test_duplicate_lines_in_one_file_are_created_once(world):
    report = dossiers_import(lines=jsonl(record(1), record(1)).splitlines())
    assert (report.created, report.unchanged, report.rejected) == (1, 1, [])
