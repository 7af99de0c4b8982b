# SPDX-License-Identifier: AGPL-3.0-or-later
"""Content of forms 01–05 (`printing.forms.form_context`) for dossiers driven through the real services."""

from datetime import UTC, date, datetime, timedelta

import pytest

from motcua.core.errors import Conflict, NotFound
from motcua.dossiers.printing.forms import form_context, form_number, issuer, vn_date, vn_datetime
from motcua.dossiers.services import dossier_stop, dossier_submit_online
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import to_specialist

from .conftest import APOLOGY, MON, NEW_DUE, REFUSAL

pytestmark = pytest.mark.django_db


def _values(context) -> dict:
    return {field["label"]: field["value"] for field in context["fields"]}


def _items(context) -> dict:
    return {item["label"]: item["value"] for item in context["items"]}


def test_dates_in_vietnamese_administrative_style():
    assert vn_datetime(local(2026, 3, 9, 9, 0)) == "09 giờ 00 phút, ngày 09 tháng 3 năm 2026"
    assert vn_datetime(datetime(2026, 3, 9, 2, 5, tzinfo=UTC)) == "09 giờ 05 phút, ngày 09 tháng 3 năm 2026"
    assert vn_date(date(2026, 1, 5)) == "ngày 05 tháng 01 năm 2026"  # months 1 and 2 keep their zero
    assert vn_date(date(2026, 12, 31)) == "ngày 31 tháng 12 năm 2026"
    assert vn_datetime(None) == ""


def test_form_numbers():
    assert [form_number(n) for n in ("01", "1", 5, "05")] == ["01", "01", "05", "05"]
    assert [form_number(n) for n in ("06", "00", "abc", "", "001")] == [None] * 5


def test_receipt_form_01(world, received):
    context = form_context(received, "01")
    assert (context["name"], context["title"]) == ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
                                                   "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    assert context["page_size"] == "A5" and context["code"] == received.code == context["qr_value"]
    assert context["issuer"] == {"superior": "UBND PHƯỜNG BUÔN MA THUỘT", "name": "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"}
    assert context["place_date"] == "Buôn Ma Thuột, ngày 02 tháng 3 năm 2026"
    fields = _values(context)
    assert fields["Tiếp nhận hồ sơ của"] == "Nguyễn Văn An"
    assert fields["Nội dung yêu cầu giải quyết"] == "Đăng ký kết hôn (thử nghiệm)"
    items = _items(context)
    assert items["Thời gian giải quyết hồ sơ theo quy định"] == "5 ngày làm việc"
    assert items["Thời gian nhận hồ sơ"] == "09 giờ 00 phút, ngày 02 tháng 3 năm 2026"
    assert items["Thời gian trả kết quả giải quyết hồ sơ"] == "09 giờ 00 phút, ngày 09 tháng 3 năm 2026"
    assert items["Đăng ký nhận kết quả tại"] == "Trung tâm Phục vụ hành chính công phường Buôn Ma Thuột"
    assert context["items"][0]["list"] == ["Tờ khai (bản chính; số lượng: 01)"]
    assert [(s["title"], s["name"]) for s in context["signatures"]] == [
        ("NGƯỜI NỘP HỒ SƠ", "Nguyễn Văn An"), ("NGƯỜI TIẾP NHẬN HỒ SƠ", world.receiver.get_full_name())]


def test_receipt_keeps_the_appointment_promised_at_receipt_after_an_apology(apologised):
    context = form_context(apologised, "01")
    assert apologised.due_at == NEW_DUE
    assert _items(context)["Thời gian trả kết quả giải quyết hồ sơ"] == "09 giờ 00 phút, ngày 09 tháng 3 năm 2026"


def test_online_submission_not_yet_received_has_no_receipt(world):
    dossier, _ = dossier_submit_online(procedure=world.marriage, receiving_unit=world.bmt_center,
                                       applicant=world.applicant, owner=world.citizen, at=MON)
    for number in ("01", "05"):
        with pytest.raises(Conflict) as exc:
            form_context(dossier, number)
        assert exc.value.code == "form_not_applicable"
        assert "chưa được tiếp nhận" in str(exc.value.message) and dossier.code in str(exc.value.message)


def test_supplement_request_form_02_lists_what_is_missing(world, with_supplement):
    context = form_context(with_supplement, "02")
    assert context["issuer"]["name"] == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"
    assert [item["label"] for item in context["items"]] == [
        "Bản sao Giấy xác nhận tình trạng hôn nhân của bên nữ", "Tờ khai đăng ký kết hôn có đủ chữ ký của hai bên"]
    assert context["intro"].startswith("Ngày 03 tháng 3 năm 2026, Ủy ban nhân dân phường Buôn Ma Thuột đã xem xét")
    assert context["signatures"] == [{"title": "NGƯỜI HƯỚNG DẪN", "hint": "(Ký và ghi rõ họ tên)",
                                      "name": world.specialist.get_full_name()}]


def test_form_02_needs_a_supplement_request(received):
    with pytest.raises(Conflict, match="chưa có yêu cầu bổ sung"):
        form_context(received, "02")


def test_refusal_form_03_gives_the_reason(world, refused):
    context = form_context(refused, "03")
    assert [item["label"] for item in context["items"]] == [REFUSAL]
    assert context["items_numbered"] is False
    assert context["signatures"][0]["name"] == world.receiver.get_full_name()
    assert _values(context)["Thời gian nộp hồ sơ"] == "09 giờ 00 phút, ngày 02 tháng 3 năm 2026 (trực tuyến)"


def test_form_03_only_for_a_dossier_refused_at_reception(world, received):
    with pytest.raises(Conflict, match="không bị từ chối tiếp nhận"):
        form_context(received, "03")
    stopped = dossier_stop(dossier=to_specialist(world, MON), actor=world.specialist, reason="Không đủ điều kiện",
                           at=MON + timedelta(hours=2))
    with pytest.raises(Conflict):
        form_context(stopped, "03")


def test_refused_dossier_has_no_receipt(refused):
    with pytest.raises(Conflict, match="chưa từng được tiếp nhận"):
        form_context(refused, "01")


def test_apology_form_04_from_the_handling_unit_with_reason_and_new_date(world, apologised):
    context = form_context(apologised, "04")
    assert context["issuer"] == {"superior": "ỦY BAN NHÂN DÂN", "name": "PHƯỜNG BUÔN MA THUỘT"}
    assert context["place_date"] == "Buôn Ma Thuột, ngày 05 tháng 3 năm 2026"
    assert context["addressee"] == "Kính gửi: Ông/Bà Nguyễn Văn An"
    assert _items(context)["Thời gian hẹn trả kết quả giải quyết hồ sơ"] == "09 giờ 00 phút, ngày 09 tháng 3 năm 2026"
    assert f"Lý do: {APOLOGY}" in context["paragraphs"]
    assert context["emphasis"] == "09 giờ 00 phút, ngày 11 tháng 3 năm 2026"
    assert context["signatures"][0]["name"] == world.specialist.get_full_name()


def test_form_04_needs_an_apology(received):
    with pytest.raises(Conflict, match="chưa có phiếu xin lỗi"):
        form_context(received, "04")


def test_control_slip_form_05_lists_every_step_with_official_and_timeliness(world, returned):
    context = form_context(returned, "05")
    assert context["page_size"] == "A4"
    fields = _values(context)
    assert fields["Cơ quan tiếp nhận hồ sơ"] == "Trung tâm Phục vụ hành chính công phường Buôn Ma Thuột"
    assert fields["Cơ quan (bộ phận) giải quyết hồ sơ"] == "Ủy ban nhân dân phường Buôn Ma Thuột"
    steps = context["steps"]
    assert [s["name"] for s in steps] == ["Tiếp nhận hồ sơ", "Thẩm định hồ sơ", "Lãnh đạo phòng xem xét",
                                         "Lãnh đạo ký duyệt", "Văn thư phát hành", "Trả kết quả"]
    assert [s["result"] for s in steps] == ["Đúng hạn", "Trước hạn", "Đúng hạn", "Quá hạn", "Đúng hạn",
                                           "Đã thực hiện"]
    assert [s["official"] for s in steps] == [u.get_full_name() for u in (
        world.receiver, world.specialist, world.leader, world.signer, world.clerk, world.receiver)]
    assert steps[1]["unit"] == "Ủy ban nhân dân phường Buôn Ma Thuột"
    assert steps[3]["due"] == "14 giờ 45 phút, ngày 06 tháng 3 năm 2026"
    assert steps[3]["finished"] == "08 giờ 00 phút, ngày 09 tháng 3 năm 2026"


def test_control_slip_of_a_dossier_in_progress(world, with_supplement):
    context = form_context(with_supplement, "05")
    assert [s["result"] for s in context["steps"]][:3] == ["Đúng hạn", "Đang xử lý", "Chưa thực hiện"]
    assert context["notes"] == ["Yêu cầu bổ sung, hoàn thiện hồ sơ lúc 10 giờ 00 phút, ngày 03 tháng 3 năm 2026."]


def test_unknown_form_is_not_found(received):
    with pytest.raises(NotFound):
        form_context(received, "06")


def test_issuer_of_a_department_names_the_province():
    from motcua.units.models import Unit

    assert issuer(Unit.objects.get(code="66.TTPVHCC")) == {
        "superior": "UBND TỈNH ĐẮK LẮK", "name": "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"}
