# SPDX-License-Identifier: AGPL-3.0-or-later
"""One DongBoHoSoMC record → one dossier with steps, supplement cycles, events and outcome."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.errors import ValidationFailed
from motcua.dossiers import hooks
from motcua.dossiers.exchange import STAGE_OF_STATUS, _counter_advance, dossier_import_record
from motcua.dossiers.models import (
    NATIONAL_STATUS,
    ApplicantKind,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    DossierStep,
    Outcome,
    Stage,
    SupplementRequest,
)
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive

from .records import CENTER, WARD, record, with_status

pytestmark = pytest.mark.django_db
MON = local(2026, 3, 2, 9, 0)


def _import(rec, line=1) -> Dossier:
    assert dossier_import_record(record=rec, line=line) == "created"
    return Dossier.objects.get(code=rec["MaHoSo"])


def test_a_returned_dossier_keeps_its_code_dates_units_and_history(world):
    dossier = _import(record(), line=3)
    assert dossier.code == f"{CENTER}-260302-0007"
    assert (dossier.procedure, dossier.receiving_unit, dossier.handling_unit, dossier.return_unit) == (
        world.marriage, world.bmt_center, world.bmt, world.bmt_center)
    assert (dossier.stage, dossier.status, dossier.outcome) == (Stage.RETURNED, 10, Outcome.EARLY)
    assert (dossier.submitted_at, dossier.received_at, dossier.clock_started_at) == (MON, MON, MON)
    assert dossier.due_at == dossier.legal_due_at == local(2026, 3, 9, 9, 0)
    assert (dossier.finished_at, dossier.returned_at) == (local(2026, 3, 5, 10, 0), local(2026, 3, 6, 8, 0))
    assert (dossier.applicant_name, dossier.applicant_phone, dossier.applicant_email, dossier.applicant_kind) == (
        "Nguyễn Văn An", "0912345678", "an@example.vn", ApplicantKind.CITIZEN)
    assert (dossier.channel, dossier.fee_total, dossier.supplement_count, dossier.owner) == (1, 50000, 0, None)

    steps = list(dossier.steps.order_by("order"))
    assert [s.name for s in steps][:2] == ["Tiếp nhận hồ sơ", "Thẩm định hồ sơ"] and len(steps) == 6
    assert [s.due_at for s in steps] == [  # as a live receipt at the same moment would set them
        local(2026, 3, 2, 14, 45), local(2026, 3, 5, 9, 0), local(2026, 3, 6, 9, 0), local(2026, 3, 6, 14, 45),
        local(2026, 3, 9, 9, 0), local(2026, 3, 9, 9, 0)]
    assert steps[0].finished_at == MON
    assert all(s.finished_at == dossier.finished_at for s in steps[1:5])
    assert (steps[5].started_at, steps[5].finished_at) == (dossier.finished_at, dossier.returned_at)
    assert dossier.current_step == steps[5]

    events = list(dossier.events.all())
    assert [(e.action, e.from_stage, e.to_stage, e.status) for e in events] == [
        ("submit", "", Stage.SUBMITTED, 1), ("receive", Stage.SUBMITTED, Stage.RECEIVED, 2),
        ("finish", Stage.RECEIVED, Stage.DONE, 9), ("return_result", Stage.DONE, Stage.RETURNED, 10),
        ("import", Stage.RETURNED, Stage.RETURNED, 10)]
    assert [e.at for e in events[:4]] == [MON, MON, dossier.finished_at, dossier.returned_at]
    assert all(e.actor is None and e.data["imported"] for e in events)
    imported = events[-1].data
    assert (imported["format"], imported["line"], imported["record"]) == ("DongBoHoSoMC", 3, record())
    assert imported["extra"]["HoSoCoThanhPhanSoHoa"] == 1 and imported["extra"]["TaiLieuNop"][0]["TepDinhKemId"] == "a1"


@pytest.mark.parametrize("status", range(1, 11))
def test_each_national_status_becomes_the_matching_stage(world, status):
    dossier = _import(with_status(status))
    assert dossier.stage == STAGE_OF_STATUS[status] and dossier.status == status
    assert NATIONAL_STATUS[dossier.stage] == status
    assert dossier.events.last().to_stage == dossier.stage
    received = status not in (1, 3)
    assert (dossier.received_at is not None) is received
    assert dossier.steps.count() == 6
    assert dossier.steps.filter(due_at__isnull=False).count() == (6 if received else 0)
    assert (dossier.finished_at is not None) is (status in (3, 7, 8, 9, 10))
    assert (dossier.outcome != "") is (status in (7, 8, 9, 10))


def test_status_map_is_the_reverse_of_the_models_map():
    assert list(STAGE_OF_STATUS) == list(range(1, 11))
    assert all(NATIONAL_STATUS[stage] == status for status, stage in STAGE_OF_STATUS.items())


def test_an_open_dossier_waits_at_its_first_working_step_unassigned(world):
    dossier = _import(with_status(4))
    step = dossier.current_step
    assert (step.order, step.role, step.unit, step.assignee, step.started_at) == (2, "chuyen_vien", world.bmt, None,
                                                                                 None)
    assert dossier.assignee is None


@pytest.mark.parametrize(("end", "outcome"), [
    ("20260305100000", Outcome.EARLY),    # before the due day
    ("20260309085959", Outcome.ON_TIME),  # the due day, before the due moment
    ("20260309090000", Outcome.ON_TIME),  # exactly at the due moment (NgayKetThucXuLy ≤ NgayHenTra)
    ("20260309090001", Outcome.LATE),
])
def test_outcome_of_a_finished_dossier_follows_the_rules(world, end, outcome):
    assert _import(record(TrangThaiHoSo=9, NgayKetThucXuLy=end, NgayTra=None)).outcome == outcome


def _cycles(*pairs):
    return [{"NgayBoSung": a, "NgayTiepNhanBoSung": b, "NgayHenTraTruoc": before, "NgayHenTraMoi": after}
            for a, b, before, after in pairs]


def test_two_supplements_make_a_dossier_late_even_when_it_ended_early(world):
    supplements = _cycles(("20260303100000", "20260304100000", "20260309090000", "20260311100000"),
                          ("20260305100000", "20260306100000", "20260311100000", "20260313100000"))
    dossier = _import(record(TrangThaiHoSo=9, NgayHenTra="20260313100000", NgayKetThucXuLy="20260310080000",
                             NgayTra=None, DanhSachHoSoBoSung=supplements))
    assert (dossier.supplement_count, dossier.outcome) == (2, Outcome.LATE)


def test_supplement_cycles_become_requests_events_and_the_restarted_clock(world):
    supplements = _cycles(("20260303100000", "20260310140000", "20260309090000", "20260317140000"))
    dossier = _import(record(TrangThaiHoSo=9, NgayHenTra="20260317140000", NgayKetThucXuLy="20260316100000",
                             NgayTra=None, DanhSachHoSoBoSung=supplements))
    request = SupplementRequest.objects.get(dossier=dossier)
    assert (request.requested_at, request.received_at, request.due_before, request.due_after) == (
        local(2026, 3, 3, 10), local(2026, 3, 10, 14), local(2026, 3, 9, 9), local(2026, 3, 17, 14))
    assert request.requested_by is None  # the exchange format does not name the official
    assert (dossier.supplement_count, dossier.outcome) == (1, Outcome.EARLY)
    assert dossier.clock_started_at == local(2026, 3, 10, 14)  # the clock restarted at the complete dossier
    assert dossier.legal_due_at == local(2026, 3, 17, 14)
    assert [(e.action, e.at, e.to_stage) for e in dossier.events.all()][2:4] == [
        ("request_supplement", local(2026, 3, 3, 10), Stage.SUPPLEMENT),
        ("receive_supplement", local(2026, 3, 10, 14), Stage.PROCESSING)]


def test_legal_due_is_the_last_supplements_new_date_not_a_later_appointment(world):
    """NgayHenTra later than the last NgayHenTraMoi (an apology the format cannot show) does not save a
    dossier that ended after the legal date."""
    supplements = _cycles(("20260303100000", "20260310140000", "20260309090000", "20260317140000"))
    dossier = _import(record(TrangThaiHoSo=9, NgayHenTra="20260320140000", NgayKetThucXuLy="20260318100000",
                             NgayTra=None, DanhSachHoSoBoSung=supplements))
    assert (dossier.due_at, dossier.legal_due_at) == (local(2026, 3, 20, 14), local(2026, 3, 17, 14))
    assert dossier.outcome == Outcome.LATE


def test_a_missing_ngay_hen_tra_truoc_is_taken_from_the_rules(world):
    supplements = [{"NgayBoSung": "20260303100000", "NgayTiepNhanBoSung": "20260304100000"},
                   {"NgayBoSung": "20260305100000", "NgayTiepNhanBoSung": "20260306100000"}]
    dossier = _import(record(TrangThaiHoSo=9, NgayHenTra="20260313100000", NgayKetThucXuLy="20260310080000",
                             NgayTra=None, DanhSachHoSoBoSung=supplements))
    first, second = SupplementRequest.objects.filter(dossier=dossier).order_by("requested_at")
    assert first.due_before == local(2026, 3, 9, 9)    # the receipt's due moment
    assert second.due_before == local(2026, 3, 11, 10)  # 5 working days from the first complete dossier
    assert dossier.legal_due_at == dossier.due_at      # no NgayHenTraMoi: the appointment


def test_a_dossier_waiting_for_papers_has_an_open_request(world):
    dossier = _import(with_status(5))
    request = dossier.supplements.get()
    assert request.received_at is None and request.due_after is None
    assert (dossier.stage, dossier.supplement_count) == (Stage.SUPPLEMENT, 1)


def test_a_new_receipt_after_the_import_takes_the_next_number(world):
    _import(record(7))
    assert receive(world, MON).code == f"{CENTER}-260302-0008"
    _import(record(3, ChuHoSo="Trần Thị Bình"))  # a lower number never moves the counter back
    assert receive(world, MON).code == f"{CENTER}-260302-0009"
    assert DossierCodeCounter.objects.get(unit=world.bmt_center, day=date(2026, 3, 2)).last == 9


def test_codes_of_other_days_and_units_start_their_own_counters(world):
    _import(record(12, day="251231", NgayNopHoSo="20251231090000", NgayTiepNhan="20251231090000",
                   NgayHenTra="20260108090000", NgayKetThucXuLy="20260105100000", NgayTra="20260106080000"))
    counters = {(c.unit_id, c.day): c.last for c in DossierCodeCounter.objects.all()}
    assert counters == {(world.bmt_center.pk, date(2025, 12, 31)): 12}


def test_the_same_record_again_is_unchanged_and_writes_nothing(world):
    dossier = _import(record())
    counts = (DossierStep.objects.count(), DossierEvent.objects.count(), DossierCodeCounter.objects.get().last)
    assert dossier_import_record(record=record(), line=9) == "unchanged"
    assert Dossier.objects.get().updated_at == dossier.updated_at
    assert (DossierStep.objects.count(), DossierEvent.objects.count(), DossierCodeCounter.objects.get().last) == counts


def test_numbers_given_as_text_and_other_applicant_kinds_are_read(world):
    dossier = _import(record(TrangThaiHoSo="10", KenhThucHien="3", LoaiDoiTuong=3, DuocThanhToanTrucTuyen="2",
                             TaiKhoanDuocXacThucVoiVNeID=1, DanhSachLePhi=[{"TenPhiLePhi": "Phí", "Gia": "120000"}]))
    assert (dossier.status, dossier.channel, dossier.applicant_kind) == (10, 3, ApplicantKind.BUSINESS)
    assert (dossier.paid_online, dossier.identity_verified, dossier.fee_total) == (2, True, 120000)


def test_without_a_fee_list_the_procedures_fees_count(world):
    rec = record()
    del rec["DanhSachLePhi"]
    assert _import(rec).fee_total == 50000


@pytest.mark.parametrize("value", ["24133", WARD, "Phường Buôn Ma Thuột", "", None])
def test_the_handling_unit_is_found_by_code_agency_identifier_or_exact_name(world, value):
    assert _import(record(DonViXuLy=value)).handling_unit == world.bmt


def test_a_province_procedure_goes_to_its_department(world):
    rec = record(MaHoSo="000.00.01.H66-260302-0001", MaTTHC="T.0002", DonViXuLy="")
    assert _import(rec).handling_unit == world.stp
    rec = record(MaHoSo="000.00.01.H66-260302-0002", MaTTHC="T.0002", DonViXuLy="Sở Tư pháp")
    assert _import(rec).handling_unit == world.stp


def test_history_is_imported_without_running_the_hooks(world, django_capture_on_commit_callbacks):
    seen = []
    hooks.listen(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            _import(record())
    finally:
        hooks.unlisten(seen.append)
    assert seen == [] and callbacks == []


def test_an_existing_code_with_other_data_is_a_conflict_naming_the_fields(world):
    _import(record())
    with pytest.raises(ValidationFailed) as exc:
        dossier_import_record(record=record(ChuHoSo="Trần Văn Ba", NgayHenTra="20260310090000"), line=2)
    assert exc.value.code == "dossier_code_conflict"
    assert str(exc.value.message).startswith("MaHoSo: ")
    assert exc.value.extra["differences"] == ["ChuHoSo", "NgayHenTra"]
    assert Dossier.objects.get().applicant_name == "Nguyễn Văn An"


def test_a_received_dossier_of_this_system_with_the_same_data_is_unchanged(world):
    dossier = receive(world, MON)
    rec = {"MaHoSo": dossier.code, "MaTTHC": "T.0001", "KenhThucHien": 1, "ChuHoSo": "Nguyễn Văn An",
           "SoDienThoai": "0912345678", "Email": "an@example.vn", "NgayNopHoSo": "20260302090000",
           "NgayTiepNhan": "20260302090000", "NgayHenTra": "20260309090000", "TrangThaiHoSo": 2, "DonViXuLy": "24133"}
    assert dossier_import_record(record=rec, line=1) == "unchanged"
    with pytest.raises(ValidationFailed, match="TrangThaiHoSo"):
        dossier_import_record(record=dict(rec, TrangThaiHoSo=4), line=1)


BAD = [
    ({"MaTTHC": "9.999999"}, "MaTTHC: không có thủ tục «9.999999»", "import_procedure_unknown"),
    ({"MaTTHC": ""}, "MaTTHC: bắt buộc", "import_required"),
    ({"MaHoSo": "000.99999.01.H66-260302-0001"}, "MaHoSo: không có đơn vị nào mang mã định danh 000.99999.01.H66",
     "import_unit_unknown"),
    ({"MaHoSo": f"{WARD}-260302-0001"}, "không phải một Trung tâm Phục vụ hành chính công", "import_unit_not_center"),
    ({"MaHoSo": "HS-0001"}, "MaHoSo: «HS-0001» không đúng dạng", "import_code_invalid"),
    ({"MaHoSo": f"{CENTER}-261302-0001"}, "MaHoSo:", "import_code_invalid"),
    ({"MaHoSo": f"{CENTER}-260302-07"}, "MaHoSo:", "import_code_invalid"),
    ({"MaHoSo": f"{CENTER}-260302-0000"}, "MaHoSo:", "import_code_invalid"),
    ({"MaHoSo": f"{CENTER}-260302-00007"}, "MaHoSo:", "import_code_invalid"),
    ({"MaHoSo": None}, "MaHoSo: bắt buộc", "import_required"),
    ({"MaHoSo": 260302}, "MaHoSo: phải là một chuỗi", "import_invalid"),
    ({"DonViXuLy": "Phường Không Có"}, "DonViXuLy: không có đơn vị «Phường Không Có»", "import_unit_unknown"),
    ({"DonViXuLy": "66.STP"}, "DonViXuLy: Sở Tư pháp không phải xã, phường", "import_unit_mismatch"),
    ({"DonViXuLy": "22918"}, "DonViXuLy: Phường Mũi Né không phải xã, phường trong tỉnh", "import_unit_mismatch"),
    ({"NgayTiepNhan": "2026-03-02 09:00:00"}, "NgayTiepNhan: «2026-03-02 09:00:00» không đúng dạng yyyyMMddHHmmss",
     "import_date_invalid"),
    ({"NgayTiepNhan": "20260230090000"}, "NgayTiepNhan: «20260230090000» không phải một ngày giờ có thật",
     "import_date_invalid"),
    ({"NgayTiepNhan": "20260302250000"}, "NgayTiepNhan:", "import_date_invalid"),
    ({"NgayTiepNhan": 20260302090000}, "NgayTiepNhan:", "import_date_invalid"),
    ({"NgayNopHoSo": "19990302090000"}, "NgayNopHoSo:", "import_date_invalid"),
    ({"NgayHenTra": "２０２６０３０９０９００００"}, "NgayHenTra:", "import_date_invalid"),  # full-width digits
    ({"TrangThaiHoSo": 11}, "TrangThaiHoSo: giá trị 11 không hợp lệ", "import_choice_invalid"),
    ({"TrangThaiHoSo": "mới"}, "TrangThaiHoSo: giá trị \"mới\" không hợp lệ", "import_choice_invalid"),
    ({"TrangThaiHoSo": True}, "TrangThaiHoSo:", "import_choice_invalid"),
    ({"TrangThaiHoSo": None}, "TrangThaiHoSo: bắt buộc", "import_required"),
    ({"KenhThucHien": 4}, "KenhThucHien:", "import_choice_invalid"),
    ({"ChuHoSo": "  "}, "ChuHoSo: bắt buộc", "import_required"),
    ({"ChuHoSo": 12}, "ChuHoSo: phải là một chuỗi", "import_invalid"),
    ({"SoDienThoai": "0912 345 678 999 000"}, "SoDienThoai: dài quá 15", "import_invalid"),
    ({"Email": "khong-phai-email"}, "Email:", "import_invalid"),
    ({"NgayTiepNhan": "20260302085959"}, "NgayTiepNhan: NgayTiepNhan sớm hơn NgayNopHoSo", "import_date_order"),
    ({"NgayHenTra": "20260301090000"}, "NgayHenTra:", "import_date_order"),
    ({"NgayTra": "20260305000000"}, "NgayTra: NgayTra sớm hơn NgayKetThucXuLy", "import_date_order"),
    ({"NgayTra": None}, "NgayTra: bắt buộc", "import_required"),
    ({"TrangThaiHoSo": 9}, "NgayTra: chỉ hồ sơ đã trả kết quả", "import_date_unexpected"),
    ({"TrangThaiHoSo": 4, "NgayTra": None}, "NgayKetThucXuLy: hồ sơ ở trạng thái 4 chưa kết thúc",
     "import_date_unexpected"),
    ({"TrangThaiHoSo": 8, "NgayTra": None, "NgayKetThucXuLy": None}, "NgayKetThucXuLy: bắt buộc", "import_required"),
    ({"NgayTiepNhan": None}, "NgayTiepNhan: bắt buộc", "import_required"),
    ({"NgayHenTra": None}, "NgayHenTra: bắt buộc", "import_required"),
    ({"TrangThaiHoSo": 1, "NgayKetThucXuLy": None, "NgayTra": None}, "NgayTiepNhan: hồ sơ ở trạng thái 1 chưa được",
     "import_date_unexpected"),
    ({"TrangThaiHoSo": 5, "NgayKetThucXuLy": None, "NgayTra": None}, "DanhSachHoSoBoSung: hồ sơ đang chờ bổ sung",
     "import_required"),
    ({"DanhSachHoSoBoSung": [{"NgayBoSung": "20260303100000"}, {"NgayBoSung": "20260304100000",
                                                                 "NgayTiepNhanBoSung": "20260304110000"}]},
     "DanhSachHoSoBoSung[0].NgayTiepNhanBoSung: bắt buộc", "import_required"),
    ({"DanhSachHoSoBoSung": [{"NgayBoSung": "20260301100000", "NgayTiepNhanBoSung": "20260303100000"}]},
     "DanhSachHoSoBoSung[0].NgayBoSung: DanhSachHoSoBoSung[0].NgayBoSung sớm hơn NgayTiepNhan", "import_date_order"),
    ({"DanhSachHoSoBoSung": [{"NgayTiepNhanBoSung": "20260303100000"}]}, "DanhSachHoSoBoSung[0].NgayBoSung: bắt buộc",
     "import_required"),
    ({"DanhSachHoSoBoSung": [{"NgayBoSung": "20260303100000", "NgayTiepNhanBoSung": "20260306100000"}]},
     "NgayKetThucXuLy: NgayKetThucXuLy sớm hơn DanhSachHoSoBoSung[0].NgayTiepNhanBoSung", "import_date_order"),
    ({"DanhSachHoSoBoSung": {"NgayBoSung": "20260303100000"}}, "DanhSachHoSoBoSung: phải là một danh sách",
     "import_invalid"),
    ({"DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "Gia": -1}]}, "DanhSachLePhi[0].Gia:", "import_invalid"),
    ({"TaiLieuNop": "to-khai.pdf"}, "TaiLieuNop: phải là một danh sách", "import_invalid"),
    ({"HoSoCoThanhPhanSoHoa": 2}, "HoSoCoThanhPhanSoHoa:", "import_choice_invalid"),
]


@pytest.mark.parametrize(("change", "message", "code"), BAD)
def test_a_bad_record_is_refused_naming_the_field_and_writes_nothing(world, change, message, code):
    with pytest.raises(ValidationFailed) as exc:
        dossier_import_record(record=record(**change), line=4)
    assert message in str(exc.value.message) and exc.value.code == code
    assert not Dossier.objects.exists() and not DossierStep.objects.exists()
    assert not DossierCodeCounter.objects.exists()


def test_the_counter_moves_by_one_update_taking_the_greater_value(world):
    """Concurrency-safe: no read-modify-write in Python; the row lock of the UPDATE serialises it with
    dossier_code_next, and GREATEST never lowers what a concurrent receipt took."""
    DossierCodeCounter.objects.create(unit=world.bmt_center, day=date(2026, 3, 2), last=20)
    with CaptureQueriesContext(connection) as queries:
        _counter_advance(unit=world.bmt_center, day=date(2026, 3, 2), number=7)
    updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and ("GREATEST" in updates[0] or "MAX(" in updates[0])
    assert not any(q["sql"].startswith("SELECT") for q in queries)
    assert DossierCodeCounter.objects.get().last == 20
