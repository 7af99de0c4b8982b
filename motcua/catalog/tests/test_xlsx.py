# SPDX-License-Identifier: AGPL-3.0-or-later
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from motcua.catalog.exchange import catalog_export, catalog_load
from motcua.catalog.schema import CatalogError
from motcua.catalog.services import catalog_parse
from motcua.catalog.tests.factories import BIRTH, BUILDING, catalog_payload
from motcua.catalog.xlsx import payload_to_xlsx, xlsx_to_payload

pytestmark = pytest.mark.django_db

RICH = dict(
    BUILDING, code="2.000986", level="province", handling_agency="Sở Tư pháp", handling_agency_code="STP",
    processing_time={"value": 2.5, "unit": "working_days"}, processing_time_note="Kể từ ngày nhận đủ hồ sơ.\nDòng 2.",
    subjects=["citizen", "business"], cross_boundary=False, legal_basis=["Luật Hộ tịch 2014", "Nghị định 123/2015/NĐ-CP"],
    publication_status="draft", decided_on="2025-07-01", published_on="2025-07-15",
    form_schema={"type": "object", "properties": {"ho_ten": {"type": "string"}}}, keywords=["lý lịch tư pháp"],
    verified=True, verification_note="Đối chiếu CSDL quốc gia ngày 01/08/2025", result={"type": "none", "name": ""},
    fees=[{"name": "Phí cung cấp", "amount": 200000, "paid_when": "result", "note": "=không phải công thức"}],
    steps=[{"order": 1, "name": "Tiếp nhận", "role": "receiver", "allowance": 0.5, "unit": None},
           {"order": 2, "name": "Xử lý", "role": "specialist", "allowance": 2, "unit": "STP"}],
)


def _sheet_rows(content: bytes, title: str) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content))[title].iter_rows(values_only=True))


def _edit(content: bytes, title: str, row: int, key: str, value) -> bytes:
    """Type a value into the cell of column `key` on `row`, as an official would in Excel."""
    book = load_workbook(io.BytesIO(content))
    ws = book[title]
    column = next(c.column for c in ws[1] if c.value and c.value.endswith(f"({key})"))
    ws.cell(row, column).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _message(content: bytes) -> str:
    with pytest.raises(CatalogError) as exc:
        xlsx_to_payload(content)
    return str(exc.value.message)


def test_workbook_has_four_sheets_with_vietnamese_headers_and_machine_keys():
    content = payload_to_xlsx(catalog_payload())
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Thủ tục", "Lệ phí", "Thành phần hồ sơ", "Quy trình"]
    header = _sheet_rows(content, "Thủ tục")[0]
    assert header[0] == "Mã thủ tục (code)" and "Thời hạn giải quyết (processing_time.value)" in header
    steps = _sheet_rows(content, "Quy trình")
    assert steps[1][:5] == ("1.001193", 1, "Tiếp nhận hồ sơ", "receiver", 0.25)
    assert len(steps) == 1 + 4 + 3


def test_export_import_export_gives_the_same_payload():
    first = xlsx_to_payload(payload_to_xlsx(catalog_payload(BIRTH, BUILDING, RICH)))
    second = xlsx_to_payload(payload_to_xlsx(first))
    assert second == first
    assert first["fields"] == [{"code": "HOTICH", "name": "Hộ tịch"}, {"code": "XAYDUNG", "name": "Xây dựng"}]
    rich = first["procedures"][2]
    assert rich["legal_basis"] == RICH["legal_basis"] and rich["decided_on"] == "2025-07-01"
    assert rich["form_schema"] == RICH["form_schema"] and rich["fees"][0]["note"] == "=không phải công thức"


def test_workbook_parses_to_the_same_procedures_as_the_json():
    payload = catalog_payload(BIRTH, BUILDING, RICH)
    assert catalog_parse(xlsx_to_payload(payload_to_xlsx(payload))) == catalog_parse(payload)


def test_database_export_survives_the_workbook_unchanged():
    catalog_load(payload=catalog_payload(BIRTH, BUILDING, RICH))
    exported = catalog_export()
    assert xlsx_to_payload(payload_to_xlsx(exported)) == exported


def test_cells_typed_by_hand_are_understood():
    content = payload_to_xlsx(catalog_payload(BIRTH, RICH))
    for row, key, value in [(2, "processing_time.value", "1,0"), (3, "decided_on", datetime(2025, 7, 2)),
                            (3, "published_on", "16/07/2025"), (3, "popularity", "1.200"),
                            (3, "verified", "Không"), (3, "cross_boundary", "x"), (2, "online_level", None),
                            (3, "code", 2.000986)]:
        content = _edit(content, "Thủ tục", row, key, value)
    content = _edit(content, "Lệ phí", 3, "amount", "200.000")
    content = _edit(content, "Lệ phí", 3, "code", 2.000986)
    for row, allowance in [(6, "0,5"), (7, "2")]:
        content = _edit(content, "Quy trình", row, "allowance", allowance)
        content = _edit(content, "Quy trình", row, "code", "2.000986")
    birth, rich = xlsx_to_payload(content)["procedures"]
    assert birth["processing_time"]["value"] == 1 and "online_level" not in birth
    assert rich["code"] == "2.000986" and rich["decided_on"] == "2025-07-02" and rich["published_on"] == "2025-07-16"
    assert rich["popularity"] == 1200 and rich["verified"] is False and rich["cross_boundary"] is True
    assert rich["fees"][0]["amount"] == 200000
    assert [s["allowance"] for s in rich["steps"]] == [0.5, 2]


def test_fees_and_papers_follow_their_order_column():
    content = payload_to_xlsx(catalog_payload(BIRTH))
    content = _edit(content, "Thành phần hồ sơ", 2, "order", 5)
    papers = xlsx_to_payload(content)["procedures"][0]["papers"]
    assert [p["name"] for p in papers] == ["Giấy chứng sinh", "Tờ khai đăng ký khai sinh"]


def test_columns_are_found_by_key_whatever_the_label():
    content = payload_to_xlsx(catalog_payload(BIRTH))
    content = _edit(content, "Thủ tục", 1, "name", "Procedure name (name)")
    assert xlsx_to_payload(content)["procedures"][0]["name"] == BIRTH["name"]


@pytest.mark.parametrize(
    ("title", "row", "key", "value", "expected"),
    [("Lệ phí", 3, "amount", "nhiều", "Trang «Lệ phí», dòng 3 (1.009994): amount phải là số nguyên"),
     ("Thành phần hồ sơ", 4, "form", "photo", "Trang «Thành phần hồ sơ», dòng 4 (1.009994): form «photo» không hợp lệ"),
     ("Quy trình", 7, "role", "boss", "Trang «Quy trình», dòng 7 (1.009994): role «boss» không hợp lệ"),
     ("Thủ tục", 3, "level", "district", "Trang «Thủ tục», dòng 3 (1.009994): level «district» không hợp lệ"),
     ("Thủ tục", 3, "partial_reason", None, "Trang «Thủ tục», dòng 3 (1.009994): thủ tục trực tuyến một phần"),
     ("Thủ tục", 2, "verified", "có lẽ", "Trang «Thủ tục», dòng 2: verified phải là «Có» hoặc «Không»"),
     ("Thủ tục", 2, "decided_on", "hôm qua", "Trang «Thủ tục», dòng 2 (1.001193): decided_on phải là ngày"),
     ("Thủ tục", 2, "form_schema", "{không phải json", "Trang «Thủ tục», dòng 2: form_schema không phải JSON"),
     ("Lệ phí", 2, "code", "9.999999", "Trang «Lệ phí», dòng 2 (9.999999): mã thủ tục 9.999999 không có"),
     ("Thủ tục", 3, "code", "1.001193", "Trang «Thủ tục», dòng 3: mã thủ tục 1.001193 đã có ở dòng 2"),
     ("Thủ tục", 3, "field_name", "Hộ tịch mới", "lĩnh vực XAYDUNG đã có tên khác"),
     ("Thủ tục", 1, "keywords", "Từ khóa", "Trang «Thủ tục», dòng 1: cột «Từ khóa» không rõ")],
)
def test_errors_name_the_sheet_and_the_row(title, row, key, value, expected):
    content = payload_to_xlsx(catalog_payload())
    if key == "field_name":
        content = _edit(content, title, row, "field", "XAYDUNG")
        content = _edit(content, title, 2, "field", "XAYDUNG")
    assert expected in _message(_edit(content, title, row, key, value))


def test_steps_not_summing_name_the_step_rows_and_the_gap():
    content = _edit(payload_to_xlsx(catalog_payload()), "Quy trình", 3, "allowance", 0.25)
    message = _message(content)
    assert message.startswith("Trang «Quy trình», dòng 2, 3, 4, 5 (1.001193): ")
    assert "thiếu 0,25 ngày làm việc" in message


def test_missing_sheet_or_column_and_broken_files_are_refused():
    content = payload_to_xlsx(catalog_payload())
    book = load_workbook(io.BytesIO(content))
    del book["Lệ phí"]
    book["Quy trình"].delete_cols(5)
    out = io.BytesIO()
    book.save(out)
    assert "Tệp Excel thiếu trang «Lệ phí»" in _message(out.getvalue())
    book.create_sheet("Lệ phí")
    book["Lệ phí"].append(["Mã thủ tục (code)", "Thứ tự (order)", "Tên (name)", "Mức thu (amount)",
                           "Thời điểm nộp (paid_when)", "Ghi chú (note)"])
    out = io.BytesIO()
    book.save(out)
    assert "Trang «Quy trình», dòng 1: thiếu cột allowance" in _message(out.getvalue())
    assert "Không đọc được tệp Excel" in _message(b'{"format": "motcua.catalog/1"}')


def test_empty_rows_are_skipped():
    content = payload_to_xlsx(catalog_payload(BIRTH))
    book = load_workbook(io.BytesIO(content))
    book["Lệ phí"].insert_rows(2, amount=2)
    out = io.BytesIO()
    book.save(out)
    assert len(xlsx_to_payload(out.getvalue())["procedures"][0]["fees"]) == 1
