# SPDX-License-Identifier: AGPL-3.0-or-later
"""Export to DongBoHoSoMC, and the round trip: export → import into an empty database → the same export."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.dossiers.exchange import (
    dossier_export_record,
    dossier_import_record,
    dossiers_export,
    dossiers_import,
)
from motcua.dossiers.models import Dossier, DossierCodeCounter, Stage
from motcua.dossiers.services import (
    dossier_confirm_fees,
    dossier_consult,
    dossier_receive_in_person,
    dossier_receive_supplement,
    dossier_refuse,
    dossier_request_fees,
    dossier_request_supplement,
    dossier_return_result,
    dossier_stop,
    dossier_submit_online,
    dossier_withdraw,
)
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import through_all_steps, to_specialist

from .records import CENTER, FIELDS, jsonl, record

pytestmark = pytest.mark.django_db
MON = local(2026, 3, 2, 9, 0)
DATE = re.compile(r"[0-9]{14}")


def _lived(w) -> dict[str, Dossier]:
    """Dossiers of this system in every kind of state, made through the real services."""
    d = {}
    returned = to_specialist(w, MON + timedelta(microseconds=250))  # the format keeps whole seconds
    returned = dossier_request_supplement(dossier=returned, actor=w.specialist, missing="Bản sao CCCD",
                                          at=local(2026, 3, 3, 10))
    returned = dossier_receive_supplement(dossier=returned, actor=w.receiver, at=local(2026, 3, 4, 10))
    returned = through_all_steps(w, returned, local(2026, 3, 5, 8))
    d["returned"] = dossier_return_result(dossier=returned, actor=w.receiver, at=local(2026, 3, 6, 8))
    d["processing"] = to_specialist(w, MON + timedelta(hours=1))
    consulting = to_specialist(w, MON + timedelta(hours=2))
    dossier_consult(dossier=consulting, actor=w.specialist, unit=w.tan_an, question="Xác minh cư trú",
                    at=MON + timedelta(hours=3))
    d["consulting"] = consulting
    waiting = to_specialist(w, MON + timedelta(hours=4))
    d["waiting"] = dossier_request_supplement(dossier=waiting, actor=w.specialist, missing="Tờ khai",
                                              at=local(2026, 3, 3, 9))
    fees = to_specialist(w, MON + timedelta(hours=5))
    fees = dossier_request_fees(dossier=fees, actor=w.specialist, note="Nộp lệ phí", at=local(2026, 3, 3, 9))
    d["fees_paid"] = dossier_confirm_fees(dossier=fees, actor=w.receiver, at=local(2026, 3, 3, 15))
    d["stopped"] = dossier_stop(dossier=to_specialist(w, MON + timedelta(hours=6)), actor=w.specialist,
                                reason="Không đủ điều kiện", at=local(2026, 3, 4, 9))

    def online(at):
        dossier, _created = dossier_submit_online(procedure=w.marriage, receiving_unit=w.bmt_center,
                                                  applicant=w.applicant, owner=w.citizen, at=at)
        return dossier

    d["submitted"] = online(local(2026, 3, 2, 20, 15))
    d["refused"] = dossier_refuse(dossier=online(local(2026, 3, 2, 21)), actor=w.receiver, reason="Sai thủ tục",
                                  at=local(2026, 3, 3, 8))
    d["withdrawn"] = dossier_withdraw(dossier=online(local(2026, 3, 2, 22)), actor=w.citizen, reason="Nộp nhầm",
                                      at=local(2026, 3, 3, 7))
    d["province"] = dossier_receive_in_person(procedure=w.criminal_record, receiving_unit=w.province_center,
                                              applicant=w.applicant, actor=w.province_receiver, at=MON)
    assert dossier_import_record(record=record(41), line=1) == "created"
    d["imported"] = Dossier.objects.get(code=f"{CENTER}-260302-0041")
    return d


def test_a_record_has_every_field_in_the_national_names_dates_and_lists(world):
    dossiers = _lived(world)
    out = dossier_export_record(Dossier.objects.get(pk=dossiers["returned"].pk))
    assert list(out) == FIELDS
    assert out["MaHoSo"] == f"{CENTER}-260302-0001"
    assert (out["MaTTHC"], out["TenTTHC"], out["MaLinhVuc"], out["TenLinhVuc"]) == (
        "T.0001", "Đăng ký kết hôn (thử nghiệm)", "HOTICH", "Hộ tịch")
    assert (out["KenhThucHien"], out["ChuHoSo"], out["LoaiDoiTuong"], out["SoDienThoai"], out["Email"]) == (
        1, "Nguyễn Văn An", 1, "0912345678", "an@example.vn")
    assert (out["NgayNopHoSo"], out["NgayTiepNhan"], out["NgayHenTra"]) == (
        "20260302090000", "20260302090000", "20260311100000")  # due restarted by the supplement
    assert (out["TrangThaiHoSo"], out["NgayKetThucXuLy"], out["NgayTra"]) == (10, "20260305120000", "20260306080000")
    assert (out["DonViXuLy"], out["DuocThanhToanTrucTuyen"], out["TaiKhoanDuocXacThucVoiVNeID"]) == (
        "000.24133.00.H66", 0, 0)
    assert out["DanhSachLePhi"] == [{"TenPhiLePhi": "Lệ phí", "MaPhiLePhi": "", "Gia": 50000}]
    assert out["DanhSachHoSoBoSung"] == [{"NgayBoSung": "20260303100000", "NgayTiepNhanBoSung": "20260304100000",
                                          "NgayHenTraTruoc": "20260309090000", "NgayHenTraMoi": "20260311100000"}]
    assert (out["TaiLieuNop"], out["DanhSachGiayToKetQua"], out["HoSoCoThanhPhanSoHoa"]) == ([], [], 0)


def test_moments_not_reached_are_null_and_others_are_local_yyyymmddhhmmss(world):
    records = {r["MaHoSo"]: r for r in dossiers_export()}
    dates = ["NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra"]
    assert records == {}
    dossiers = _lived(world)
    records = {r["MaHoSo"]: r for r in dossiers_export()}
    assert len(records) == len(dossiers)
    assert all(r[k] is None or DATE.fullmatch(r[k]) for r in records.values() for k in dates)
    submitted = records[dossiers["submitted"].code]
    assert [submitted[k] for k in dates] == ["20260302201500", None, None, None, None]
    assert submitted["KenhThucHien"] == 2 and submitted["TrangThaiHoSo"] == 1
    assert records[dossiers["consulting"].code]["TrangThaiHoSo"] == 4
    assert records[dossiers["waiting"].code]["DanhSachHoSoBoSung"][0]["NgayTiepNhanBoSung"] is None
    assert records[dossiers["province"].code]["DonViXuLy"] == "66.STP"  # a department without an identifier
    imported = records[dossiers["imported"].code]
    assert imported["TaiLieuNop"] == record()["TaiLieuNop"] and imported["HoSoCoThanhPhanSoHoa"] == 1
    assert imported["DanhSachGiayToKetQua"] == record()["DanhSachGiayToKetQua"]


def test_export_filters_by_unit_subtree_and_by_change_time(world):
    dossiers = _lived(world)
    assert [r["MaHoSo"] for r in dossiers_export(unit=world.stp)] == [dossiers["province"].code]
    assert len(list(dossiers_export(unit=world.province))) == len(dossiers)
    assert len(list(dossiers_export(unit=world.bmt))) == len(dossiers) - 1
    assert list(dossiers_export(unit=world.tan_an)) == []
    assert list(dossiers_export(since=timezone.now() + timedelta(minutes=1))) == []
    Dossier.objects.filter(pk=dossiers["stopped"].pk).update(updated_at=timezone.now() + timedelta(hours=1))
    assert [r["MaHoSo"] for r in dossiers_export(since=timezone.now() + timedelta(minutes=30))] == [
        dossiers["stopped"].code]


def test_export_streams_with_a_bounded_number_of_queries_per_chunk(world):
    _lived(world)
    count = Dossier.objects.count()
    with CaptureQueriesContext(connection) as one_chunk:
        assert len(list(dossiers_export(chunk_size=1000))) == count
    with CaptureQueriesContext(connection) as chunks_of_three:
        assert len(list(dossiers_export(chunk_size=3))) == count
    assert len(one_chunk) == 4  # dossiers (with procedure, field, unit) + fees + supplement requests + imports
    assert len(chunks_of_three) <= 1 + 3 * -(-count // 3)


def test_an_export_reimported_into_the_same_database_is_unchanged_line_for_line(world):
    dossiers = _lived(world)
    exported = jsonl(*dossiers_export())
    report = dossiers_import(lines=exported.splitlines())
    assert (report.created, report.unchanged, report.rejected) == (0, len(dossiers), [])


def test_round_trip_export_import_into_an_empty_database_export_is_identical(world):
    _lived(world)
    first = jsonl(*dossiers_export())
    Dossier.objects.all().delete()
    DossierCodeCounter.objects.all().delete()
    report = dossiers_import(lines=first.splitlines())
    assert (report.created, report.rejected) == (len(first.splitlines()), [])
    assert jsonl(*dossiers_export()) == first
    consulting = Dossier.objects.filter(status=4).values_list("stage", flat=True)
    assert set(consulting) == {Stage.PROCESSING}  # 4 is "processing"; consulting is not in the format


def test_jsonl_lines_are_utf8_json_with_vietnamese_unescaped(world):
    _lived(world)
    line = jsonl(*dossiers_export()).splitlines()[0]
    assert "Nguyễn Văn An" in line and "\\u" not in line
    assert json.loads(line)["ChuHoSo"] == "Nguyễn Văn An"
