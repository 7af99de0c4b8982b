# SPDX-License-Identifier: AGPL-3.0-or-later
"""The procedure's e-form: a JSON Schema from the catalogue → a server-validated Django form. Each supported
keyword is checked by a value that passes and one that fails; unsupported parts are ignored safely."""

import json
from pathlib import Path

import pytest
from django import forms

from motcua.portal.eforms import EForm, eform_display, eform_fields, schema_problems

from .test_submission_support import EFORM, EFORM_OK, media, sub, text, url, world

FIXTURES = (media, sub, world)  # pytest finds fixtures by name in this module


def _form(data: dict, schema=EFORM) -> EForm:
    form = EForm({f"tk-{k}": v for k, v in data.items()}, schema=schema)
    form.is_valid()
    return form


def _ok(**changes) -> dict:
    data = {k.removeprefix("tk-"): v for k, v in EFORM_OK.items()}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_valid_values_become_json_ready_types():
    form = _form(_ok())
    assert form.errors == {}
    assert form.json_data() == {"ho_ten_tre": "Nguyễn Minh Khôi", "ngay_sinh": "2026-02-20", "gioi_tinh": "nam",
                                "so_con": 2, "can_nang": 3.2, "so_dinh_danh_me": "066190000123", "cam_doan": True}
    json.dumps(form.json_data())  # storable as is


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"ho_ten_tre": None}, "ho_ten_tre", "Vui lòng nhập «Họ, chữ đệm, tên của trẻ»."),
    ({"ho_ten_tre": "A" * 41}, "ho_ten_tre", "«Họ, chữ đệm, tên của trẻ» dài tối đa 40 ký tự."),
    ({"ngay_sinh": "31/02/2026"}, "ngay_sinh", "«Ngày sinh» phải là ngày hợp lệ (ngày/tháng/năm)."),
    ({"gioi_tinh": "khac"}, "gioi_tinh", "Giá trị đã chọn cho «Giới tính» không có trong danh sách."),
    ({"gioi_tinh": None}, "gioi_tinh", "Vui lòng chọn «Giới tính»."),
    ({"so_con": "0"}, "so_con", "«Là con thứ mấy» phải từ 1 trở lên."),
    ({"so_con": "21"}, "so_con", "«Là con thứ mấy» không được lớn hơn 20."),
    ({"so_con": "2,5"}, "so_con", "«Là con thứ mấy» phải là số nguyên."),
    ({"can_nang": "0"}, "can_nang", "«Cân nặng (kg)» phải lớn hơn 0."),
    ({"can_nang": "10,5"}, "can_nang", "«Cân nặng (kg)» không được lớn hơn 10."),
    ({"can_nang": "ba cân"}, "can_nang", "«Cân nặng (kg)» phải là số."),
    ({"so_dinh_danh_me": "12345"}, "so_dinh_danh_me", "«Số định danh của mẹ» không đúng định dạng yêu cầu."),
    ({"cam_doan": None}, "cam_doan", "Cần đánh dấu «Tôi cam đoan lời khai trên là đúng sự thật»."),
])
def test_each_keyword_refuses_a_bad_value_in_vietnamese(changes, field, message):
    form = _form(_ok(**changes))
    assert form.errors.get(field) == [message]
    assert set(form.errors) == {field}


def test_optional_fields_may_stay_empty_and_the_day_first_date_is_read():
    form = _form(_ok(can_nang=None, so_dinh_danh_me=None, ngay_sinh="20/02/2026"))
    assert form.errors == {}
    assert "can_nang" not in form.json_data() and form.json_data()["ngay_sinh"] == "2026-02-20"


def test_widgets_titles_descriptions_and_order():
    schema = {"type": "object", "required": ["b"], "properties": {
        "b": {"type": "string", "title": "Hai", "description": "<b>mô tả</b>", "propertyOrder": 2},
        "a": {"type": "string", "title": "Một", "propertyOrder": 1, "x-multiline": True},
        "c": {"type": "integer", "enum": [1, 2, 3, 4, 5, 6], "title": "Ba"},
        "d": {"type": "string", "format": "email", "title": "Thư"},
    }}
    fields = eform_fields(schema)
    assert list(fields) == ["a", "b", "c", "d"]
    assert fields["b"].label == "Hai" and fields["b"].required and not fields["a"].required
    assert fields["b"].help_text == "&lt;b&gt;mô tả&lt;/b&gt;"  # catalogue text is never markup
    assert isinstance(fields["a"].widget, forms.Textarea) and isinstance(fields["c"].widget, forms.Select)
    assert isinstance(fields["d"], forms.EmailField)
    assert _form({"b": "x", "c": "6", "d": "khong-phai"}, schema).errors == {
        "d": ["«Thư» phải là địa chỉ thư điện tử hợp lệ."]}
    assert _form({"b": "x", "c": "6"}, schema).json_data() == {"b": "x", "c": 6}


def test_unsupported_parts_are_ignored_and_named():
    schema = {"type": "object", "required": ["ok"], "properties": {
        "ok": {"type": "string"},
        "danh_sach": {"type": "array", "items": {"type": "string"}},
        "dia_chi": {"type": "object", "properties": {}},
        "tep": {"type": "string", "format": "binary"},
        "sai_mau": {"type": "string", "pattern": "(["},
        "tên có dấu": {"type": "string"},
        "enum_lech": {"type": "integer", "enum": ["a"]},
    }}
    assert list(eform_fields(schema)) == ["ok"]
    problems = " | ".join(schema_problems(schema))
    for expected in ("«danh_sach»: kiểu «array» chưa được hỗ trợ", "«dia_chi»: kiểu «object»",
                     "«tep»: định dạng «binary» chưa được hỗ trợ", "«sai_mau»: biểu thức pattern không hợp lệ",
                     "«tên có dấu»: tên chỉ gồm chữ không dấu", "«enum_lech»: enum phải là danh sách"):
        assert expected in problems
    assert schema_problems({}) == [] and eform_fields({}) == {}
    assert schema_problems({"type": "array"}) == ["biểu mẫu điện tử phải là JSON Schema kiểu object."]
    assert eform_fields({"type": "array", "properties": {"x": {"type": "string"}}}) == {}
    assert eform_fields("không phải JSON Schema") == {}


def test_display_rows_for_the_review_page():
    rows = dict(eform_display(EFORM, _form(_ok()).json_data()))
    assert rows["Giới tính"] == "Nam" and rows["Ngày sinh"] == "20/02/2026" and rows["Cân nặng (kg)"] == "3,2"
    assert rows["Tôi cam đoan lời khai trên là đúng sự thật"] == "Có"


def test_the_demo_catalogue_forms_are_fully_supported():
    demo = Path(__file__).resolve().parents[2] / "catalog" / "data" / "demo_procedures.json"
    with_forms = [p for p in json.loads(demo.read_text("utf-8"))["procedures"] if p.get("form_schema")]
    assert len(with_forms) >= 2
    for procedure in with_forms:
        assert schema_problems(procedure["form_schema"]) == [], procedure["code"]
        assert eform_fields(procedure["form_schema"])


@pytest.mark.django_db
def test_the_e_form_step_shows_the_errors_and_keeps_what_was_typed(sub):
    client = sub.client
    client.post(url(sub.birth.code, "start"))
    from .test_submission_support import APPLICANT_OK

    client.post(url(sub.birth.code, "applicant"), APPLICANT_OK)
    response = client.post(url(sub.birth.code, "eform"), {**EFORM_OK, "tk-so_con": "99", "tk-cam_doan": ""})
    assert response.status_code == 200
    page = text(response)
    assert "«Là con thứ mấy» không được lớn hơn 20." in page
    assert "Cần đánh dấu «Tôi cam đoan lời khai trên là đúng sự thật»." in page
    body = response.content.decode()
    assert 'value="Nguyễn Minh Khôi"' in body and 'aria-invalid="true"' in body
    assert "Danh sách (chưa hỗ trợ)" not in body  # the array field is left out
    assert client.get(url(sub.birth.code, "papers"))["Location"] == url(sub.birth.code, "eform")


@pytest.mark.parametrize("value", ["1e5000", "1e1000000000", "123456789012345678901"])
def test_a_number_with_absurdly_many_digits_is_refused_not_computed(value):
    schema = {"type": "object", "properties": {"dien_tich": {"type": "number", "title": "Diện tích"}}}
    form = _form({"dien_tich": value}, schema=schema)
    assert not form.is_valid() and "dien_tich" in form.errors
