# SPDX-License-Identifier: AGPL-3.0-or-later
"""A small world for dossier tests: two Đắk Lắk wards, Sở Tư pháp, a catalogue and one official per
role, all made through the real services."""

from datetime import datetime
from types import SimpleNamespace

import pytest

from motcua.accounts.models import Role
from motcua.accounts.services import role_assign
from motcua.accounts.tests.factories import CitizenFactory, OfficialFactory
from motcua.catalog.models import Procedure
from motcua.catalog.services import catalog_import, catalog_parse
from motcua.dossiers.services import ApplicantData
from motcua.units.models import Unit
from motcua.units.services import unit_create_agency
from motcua.workdays.calendars import VN_TZ

BMT, TAN_AN = "24133", "24163"

STEPS_5 = [
    {"order": 1, "name": "Tiếp nhận hồ sơ", "role": "receiver", "allowance": 0.5},
    {"order": 2, "name": "Thẩm định hồ sơ", "role": "specialist", "allowance": 2.5},
    {"order": 3, "name": "Lãnh đạo phòng xem xét", "role": "department_leader", "allowance": 1},
    {"order": 4, "name": "Lãnh đạo ký duyệt", "role": "signing_leader", "allowance": 0.5},
    {"order": 5, "name": "Văn thư phát hành", "role": "clerk", "allowance": 0.5},
    {"order": 6, "name": "Trả kết quả", "role": "receiver", "allowance": 0},
]


def _procedure(code, name, level, *, cross_boundary=True, agency="UBND cấp xã", agency_code=None):
    return {"code": code, "name": name, "field": "HOTICH", "level": level, "handling_agency": agency,
            "handling_agency_code": agency_code, "processing_time": {"value": 5, "unit": "working_days"},
            "fees": [{"name": "Lệ phí", "amount": 50000}], "papers": [{"name": "Tờ khai", "form": "original"}],
            "online_level": "full", "cross_boundary": cross_boundary, "steps": STEPS_5, "popularity": 10}


def local(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


@pytest.fixture
def world(db):
    province = Unit.objects.get(code="66")
    unit_create_agency(parent=province, code="66.STP", name="Sở Tư pháp")
    payload = {
        "format": "motcua.catalog/1", "fields": [{"code": "HOTICH", "name": "Hộ tịch"}],
        "procedures": [
            _procedure("T.0001", "Đăng ký kết hôn (thử nghiệm)", "commune"),
            _procedure("T.0002", "Cấp phiếu lý lịch tư pháp (thử nghiệm)", "province", agency="Sở Tư pháp",
                       agency_code="STP"),
            _procedure("T.0003", "Thủ tục chỉ nộp tại nơi giải quyết", "commune", cross_boundary=False),
        ],
    }
    fields, procedures = catalog_parse(payload)
    catalog_import(fields=fields, procedures=procedures, province=province)

    def official(role, unit_code, name):
        user = OfficialFactory(username=name)
        role_assign(user=user, unit=Unit.objects.get(code=unit_code), role=role)
        return user

    w = SimpleNamespace(
        province=province,
        bmt=Unit.objects.get(code=BMT), bmt_center=Unit.objects.get(code=f"{BMT}.TTPVHCC"),
        tan_an=Unit.objects.get(code=TAN_AN), tan_an_center=Unit.objects.get(code=f"{TAN_AN}.TTPVHCC"),
        province_center=Unit.objects.get(code="66.TTPVHCC"), stp=Unit.objects.get(code="66.STP"),
        marriage=Procedure.objects.get(code="T.0001"), criminal_record=Procedure.objects.get(code="T.0002"),
        local_only=Procedure.objects.get(code="T.0003"),
        receiver=official(Role.RECEIVER, f"{BMT}.TTPVHCC", "tn.bmt"),
        specialist=official(Role.SPECIALIST, BMT, "cv.bmt"),
        specialist2=official(Role.SPECIALIST, BMT, "cv2.bmt"),
        leader=official(Role.DEPARTMENT_LEADER, BMT, "ldp.bmt"),
        signer=official(Role.SIGNING_LEADER, BMT, "ky.bmt"),
        clerk=official(Role.CLERK, BMT, "vt.bmt"),
        tan_an_receiver=official(Role.RECEIVER, f"{TAN_AN}.TTPVHCC", "tn.tanan"),
        tan_an_specialist=official(Role.SPECIALIST, TAN_AN, "cv.tanan"),
        province_receiver=official(Role.RECEIVER, "66.TTPVHCC", "tn.tinh"),
        stp_specialist=official(Role.SPECIALIST, "66.STP", "cv.stp"),
        stp_signer=official(Role.SIGNING_LEADER, "66.STP", "ky.stp"),
        province_admin=official(Role.PROVINCE_ADMIN, "66", "qt.tinh"),
        citizen=CitizenFactory(),
        applicant=ApplicantData(name="Nguyễn Văn An", id_number="066090000123", phone="0912345678",
                                email="an@example.vn"),
    )
    return w
