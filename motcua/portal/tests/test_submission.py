# SPDX-License-Identifier: AGPL-3.0-or-later
"""The online submission wizard end to end with the test client: login, every step, back links, step
gating, where the dossier is received, and what the submission leaves in the database and on disk."""

import pytest
from django.test import Client

from motcua.accounts.tests.factories import CitizenFactory
from motcua.catalog.models import Procedure
from motcua.catalog.services import catalog_import, catalog_parse
from motcua.documents.models import DossierFile, UploadDraft
from motcua.dossiers.models import Channel, Dossier, DossierEvent, NationalStatus, Stage
from motcua.dossiers.tests.conftest import STEPS_5
from motcua.portal.submission import online_refusal

from .test_submission_support import (
    APPLICANT_OK,
    EFORM_OK,
    PDF,
    media,
    stored_files,
    sub,
    submit,
    text,
    upload,
    url,
    walk_to_papers,
    walk_to_review,
    world,
)

pytestmark = pytest.mark.django_db
FIXTURES = (media, sub, world)  # pytest finds fixtures by name in this module


def test_anonymous_visitor_sees_the_entry_and_is_sent_to_login_with_next(sub):
    anonymous = Client()
    entry = anonymous.get(url(sub.birth.code))
    assert entry.status_code == 200
    assert "Đăng nhập để nộp hồ sơ" in text(entry)
    assert '/dang-nhap/?next=%2Fnop-ho-so%2FT.0101%2F' in entry.content.decode()
    for step in ("applicant", "eform", "papers", "delivery", "review"):
        response = anonymous.get(url(sub.birth.code, step))
        assert response.status_code == 302
        assert response["Location"] == f"/dang-nhap/?next=/nop-ho-so/T.0101/{url('X', step).split('/X/')[1]}"
    assert anonymous.post(url(sub.birth.code, "start"))["Location"].startswith("/dang-nhap/?next=")


def test_an_officials_account_cannot_submit(sub, client):
    client.force_login(sub.receiver)
    response = client.post(url(sub.birth.code, "start"))
    assert response.status_code == 403
    assert "Nộp hồ sơ trực tuyến cần tài khoản công dân" in text(response)


def test_whole_wizard_submits_one_online_dossier_with_its_papers(sub, media, django_capture_on_commit_callbacks):
    client = sub.client
    entry = client.get(url(sub.birth.code))
    assert "Bắt đầu nộp hồ sơ" in text(entry)
    walk_to_papers(client, sub.birth)
    walk_to_review(client, sub.birth)
    review = client.get(url(sub.birth.code, "review"))
    page = text(review)
    assert "Nguyễn Minh Khôi" in page and "20/02/2026" in page and "Nữ" not in page and "Nam" in page
    assert "Tệp tải lên: giay.pdf" in page and "Cân nặng (kg) 3,2" in page
    assert "Nơi tiếp nhận Trung tâm Phục vụ hành chính công phường Buôn Ma Thuột" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, sub.birth)
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ho-so-cua-toi/{dossier.code}/bien-nhan/"
    assert dossier.owner == sub.me and dossier.channel == Channel.ONLINE
    assert dossier.stage == Stage.SUBMITTED and dossier.status == NationalStatus.SUBMITTED
    assert dossier.receiving_unit == sub.bmt_center and dossier.handling_unit == sub.bmt
    assert dossier.applicant_name == "Nguyễn Văn An" and dossier.applicant_phone == "0912345678"
    assert dossier.applicant_id_number == "066090000123" and dossier.result_delivery == "truc_tuyen"
    assert dossier.form_data == {"ho_ten_tre": "Nguyễn Minh Khôi", "ngay_sinh": "2026-02-20", "gioi_tinh": "nam",
                                 "so_con": 2, "can_nang": 3.2, "so_dinh_danh_me": "066190000123", "cam_doan": True}
    assert dossier.identity_verified is False and dossier.due_at is None
    file = DossierFile.objects.get(dossier=dossier)
    assert file.required_paper.name == "Giấy chứng sinh" and file.uploaded_by == sub.me and file.reused_from is None
    assert (media / file.file.name).read_bytes() == PDF
    # the staged copy is gone; only the dossier's own file is left on disk
    assert not UploadDraft.objects.exists()
    assert stored_files(media) == [file.file.name]
    assert list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True)) == [
        "submit", "attach_file"]
    # the wizard is over: its steps lead to the receipt, the entry offers a new one
    assert client.get(url(sub.birth.code, "review"))["Location"] == f"/ho-so-cua-toi/{dossier.code}/bien-nhan/"
    assert "Nộp một hồ sơ mới" in text(client.get(url(sub.birth.code)))


def test_identity_verified_comes_from_the_session(sub):
    session = sub.client.session
    session["identity_verified"] = True
    session.save()
    walk_to_papers(sub.client, sub.marriage)
    walk_to_review(sub.client, sub.marriage)
    submit(sub.client, sub.marriage)
    assert Dossier.objects.get().identity_verified is True


def test_applicant_step_is_prefilled_from_the_account(sub):
    client = sub.client
    client.post(url(sub.birth.code, "start"))
    body = client.get(url(sub.birth.code, "applicant")).content.decode()
    assert 'value="Nguyễn Văn An"' in body and 'value="066090000123"' in body
    assert 'value="0912345678"' in body and 'value="an@example.vn"' in body
    assert 'value="cong_dan"' in body and 'value="to_chuc"' not in body  # the procedure is for citizens only


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "", "Vui lòng nhập Họ và tên / tên tổ chức."),
    ("id_number", "12345", "Số CCCD phải gồm đúng 12 chữ số."),
    ("id_number", "999090000123", "Số CCCD có mã nơi đăng ký khai sinh 999 không hợp lệ."),
    ("phone", "12345", "Số điện thoại 12345 không hợp lệ"),
    ("email", "khong-phai-thu", "Thư điện tử không hợp lệ (ví dụ: ten@example.vn)."),
    ("address", "", "Vui lòng nhập Địa chỉ."),
])
def test_applicant_errors_are_shown_in_vietnamese_and_nothing_is_saved(sub, field, value, message):
    client = sub.client
    client.post(url(sub.birth.code, "start"))
    response = client.post(url(sub.birth.code, "applicant"), {**APPLICANT_OK, field: value})
    assert response.status_code == 200
    assert message in text(response)
    assert 'class="error-summary" role="alert"' in response.content.decode()
    assert client.get(url(sub.birth.code, "eform"))["Location"] == url(sub.birth.code, "applicant")


def test_a_business_code_is_checked_when_the_procedure_serves_businesses(sub):
    payload = {"format": "motcua.catalog/1", "fields": [{"code": "KD", "name": "Kinh doanh"}], "procedures": [{
        "code": "T.0201", "name": "Đăng ký hộ kinh doanh (thử nghiệm)", "field": "KD", "level": "commune",
        "handling_agency": "UBND cấp xã", "processing_time": {"value": 5, "unit": "working_days"},
        "subjects": ["citizen", "business"], "steps": STEPS_5, "papers": []}]}
    fields, procedures = catalog_parse(payload)
    catalog_import(fields=fields, procedures=procedures, province=sub.province)
    client = sub.client
    client.post(url("T.0201", "start"))
    bad = client.post(url("T.0201", "applicant"), {**APPLICANT_OK, "kind": "to_chuc", "id_number": "12"})
    assert "Mã số doanh nghiệp gồm 10 chữ số" in text(bad)
    good = client.post(url("T.0201", "applicant"), {**APPLICANT_OK, "kind": "to_chuc", "id_number": "6000123456"})
    assert good.status_code == 302 and good["Location"] == url("T.0201", "papers")  # no e-form: skipped


def test_back_links_show_what_was_saved_and_steps_cannot_be_skipped(sub):
    client = sub.client
    client.post(url(sub.birth.code, "start"))
    # nothing done yet: every later step sends back to the first open one
    for step in ("eform", "papers", "delivery", "review"):
        assert client.get(url(sub.birth.code, step))["Location"] == url(sub.birth.code, "applicant")
    client.post(url(sub.birth.code, "applicant"), APPLICANT_OK)
    client.post(url(sub.birth.code, "eform"), EFORM_OK)
    assert client.get(url(sub.birth.code, "review"))["Location"] == url(sub.birth.code, "papers")
    papers = client.get(url(sub.birth.code, "papers"))
    body = papers.content.decode()
    assert f'href="{url(sub.birth.code, "eform")}">‹ Quay lại' in body.replace('class="back" ', "")
    eform = client.get(url(sub.birth.code, "eform")).content.decode()
    assert 'value="Nguyễn Minh Khôi"' in eform and 'value="2026-02-20"' in eform
    assert 'aria-current="step"' in eform
    assert f'<a href="{url(sub.birth.code, "applicant")}">Chủ hồ sơ</a>' in eform


def test_restart_drops_the_state_and_the_staged_papers(sub, media, django_capture_on_commit_callbacks):
    client = sub.client
    walk_to_papers(client, sub.birth)
    client.post(url(sub.birth.code, "papers"), {f"file_{sub.birth.papers.first().pk}": _pdf()})
    assert UploadDraft.objects.count() == 1
    key = client.session["motcua_submission"]["T.0101"]["key"]
    assert "Tiếp tục hồ sơ đang soạn" in text(client.get(url(sub.birth.code)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(sub.birth.code, "start"))
    state = client.session["motcua_submission"]["T.0101"]
    assert state["key"] != key and "applicant" not in state
    assert not UploadDraft.objects.exists() and stored_files(media) == []


def _pdf():
    return upload("giay.pdf", PDF)


def test_commune_procedure_received_by_the_chosen_commune_and_result_at_another_center(sub):
    walk_to_papers(sub.client, sub.marriage)
    walk_to_review(sub.client, sub.marriage, delivery={
        "result_delivery": "tai_trung_tam", "receiving_center": "24163.TTPVHCC", "return_center": "66.TTPVHCC"})
    assert "Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk" in text(sub.client.get(url(sub.marriage.code, "review")))
    submit(sub.client, sub.marriage)
    dossier = Dossier.objects.get()
    assert dossier.receiving_unit == sub.tan_an_center and dossier.handling_unit == sub.tan_an
    assert dossier.return_unit == sub.province_center and dossier.result_delivery == "tai_trung_tam"


def test_a_procedure_not_received_across_boundaries_asks_for_the_home_commune(sub):
    walk_to_papers(sub.client, sub.local_only)
    page = sub.client.get(url(sub.local_only.code, "papers"))
    assert page.status_code == 200
    sub.client.post(url(sub.local_only.code, "papers"), {f"file_{sub.local_only.papers.get().pk}": _pdf(),
                                                         "action": "next"})
    delivery = sub.client.get(url(sub.local_only.code, "delivery"))
    page = text(delivery)
    assert "Xã, phường nơi có thẩm quyền giải quyết (nơi bạn cư trú)" in page
    assert 'name="return_center"' not in delivery.content.decode()  # returned where it is received
    missing = sub.client.post(url(sub.local_only.code, "delivery"), {"result_delivery": "truc_tuyen"})
    assert "Vui lòng chọn Xã, phường nơi có thẩm quyền giải quyết (nơi bạn cư trú)." in text(missing)


def test_province_procedure_is_received_by_the_province_center(sub):
    walk_to_papers(sub.client, sub.criminal_record)
    delivery = sub.client.get(url(sub.criminal_record.code, "papers"))
    assert delivery.status_code == 200
    walk_to_review(sub.client, sub.criminal_record, delivery={"result_delivery": "buu_chinh"})
    review = text(sub.client.get(url(sub.criminal_record.code, "review")))
    assert "Nhận qua bưu chính" in review and "12 Lê Duẩn, phường Buôn Ma Thuột" in review
    submit(sub.client, sub.criminal_record)
    dossier = Dossier.objects.get()
    assert dossier.receiving_unit == sub.province_center and dossier.handling_unit == sub.stp
    assert dossier.result_delivery == "buu_chinh" and dossier.applicant_address == APPLICANT_OK["address"]


def test_submitting_needs_the_pledge(sub):
    walk_to_papers(sub.client, sub.marriage)
    walk_to_review(sub.client, sub.marriage)
    response = sub.client.post(url(sub.marriage.code, "review"), {})
    assert response.status_code == 400
    assert "Hãy đánh dấu xác nhận cam đoan trước khi nộp hồ sơ." in text(response)
    assert not Dossier.objects.exists()


def test_why_online_submission_is_not_possible():
    assert "chưa được cung cấp trực tuyến" in online_refusal(Procedure(online_level="khong", level="commune"))
    assert online_refusal(Procedure(online_level="full", level="commune")) == ""
    assert "chưa có cơ quan giải quyết" in online_refusal(Procedure(online_level="partial", level="province"))


def test_a_province_procedure_without_handling_unit_explains_and_offers_no_start(sub):
    payload = {"format": "motcua.catalog/1", "fields": [{"code": "HOTICH", "name": "Hộ tịch"}], "procedures": [{
        "code": "T.0301", "name": "Thủ tục cấp tỉnh chưa gắn sở", "field": "HOTICH", "level": "province",
        "handling_agency": "Sở chưa có", "processing_time": {"value": 5, "unit": "working_days"}}]}
    fields, procedures = catalog_parse(payload)
    catalog_import(fields=fields, procedures=procedures, province=sub.province)
    response = sub.client.get(url("T.0301"))
    assert response.status_code == 200
    page = text(response)
    assert "Thủ tục này chưa nhận hồ sơ trực tuyến." in page and "chưa có cơ quan giải quyết" in page
    assert "bat-dau" not in response.content.decode()
    assert sub.client.post(url("T.0301", "start"))["Location"] == url("T.0301")


def test_unknown_procedure_is_a_404_page(sub):
    response = sub.client.get(url("9.999999", "applicant"))
    assert response.status_code == 404
    assert "Không tìm thấy thủ tục có mã 9.999999." in text(response)


def test_another_citizen_does_not_share_the_wizard(sub):
    walk_to_papers(sub.client, sub.birth)
    other = Client()
    other.force_login(CitizenFactory())
    assert other.get(url(sub.birth.code, "papers"))["Location"] == url(sub.birth.code)
