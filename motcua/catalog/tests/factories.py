# SPDX-License-Identifier: AGPL-3.0-or-later
"""Catalogue records in the exchange format, as an importer would receive them."""

import copy

BIRTH = {
    "code": "1.001193",
    "name": "Thủ tục đăng ký khai sinh",
    "field": "HOTICH",
    "level": "commune",
    "handling_agency": "UBND cấp xã",
    "processing_time": {"value": 1, "unit": "working_days"},
    "fees": [{"name": "Lệ phí đăng ký khai sinh", "amount": 0, "paid_when": "submission",
              "note": "Miễn lệ phí khi đăng ký đúng hạn"}],
    "papers": [{"name": "Tờ khai đăng ký khai sinh", "form": "original", "count": 1,
                "template": "Tờ khai đăng ký khai sinh", "required": True},
               {"name": "Giấy chứng sinh", "form": "original", "count": 1}],
    "result": {"type": "document", "name": "Giấy khai sinh"},
    "subjects": ["citizen"],
    "online_level": "full",
    "keywords": ["giấy khai sinh", "làm giấy khai sinh cho con"],
    "steps": [
        {"order": 1, "name": "Tiếp nhận hồ sơ", "role": "receiver", "allowance": 0.25},
        {"order": 2, "name": "Thẩm định hồ sơ", "role": "specialist", "allowance": 0.5},
        {"order": 3, "name": "Ký duyệt", "role": "signing_leader", "allowance": 0.25},
        {"order": 4, "name": "Trả kết quả", "role": "receiver", "allowance": 0},
    ],
    "popularity": 95,
}

BUILDING = {
    "code": "1.009994",
    "name": "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
    "field": "XAYDUNG",
    "level": "commune",
    "handling_agency": "UBND cấp xã",
    "processing_time": {"value": 15, "unit": "days"},
    "fees": [{"name": "Lệ phí cấp giấy phép xây dựng", "amount": 75000, "paid_when": "submission"}],
    "papers": [{"name": "Đơn đề nghị cấp giấy phép xây dựng", "form": "original"}],
    "online_level": "partial",
    "partial_reason": "Cần kiểm tra hiện trạng công trình tại thực địa.",
    "steps": [
        {"order": 1, "name": "Tiếp nhận hồ sơ", "role": "receiver", "allowance": 1},
        {"order": 2, "name": "Thẩm định, kiểm tra thực địa", "role": "specialist", "allowance": 12},
        {"order": 3, "name": "Ký giấy phép", "role": "signing_leader", "allowance": 2},
    ],
    "popularity": 40,
}


def catalog_payload(*procedures) -> dict:
    return {
        "format": "motcua.catalog/1",
        "fields": [{"code": "HOTICH", "name": "Hộ tịch"}, {"code": "XAYDUNG", "name": "Xây dựng"}],
        "procedures": [copy.deepcopy(p) for p in (procedures or (BIRTH, BUILDING))],
    }
