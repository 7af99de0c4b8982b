# SPDX-License-Identifier: AGPL-3.0-or-later
"""Shared set-up of the online submission tests (no tests here): the dossier test world plus a procedure
with an e-form and two papers, a logged-in citizen, and helpers that walk the wizard with real POSTs."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.accounts.tests.factories import CitizenFactory
from motcua.catalog.models import Procedure
from motcua.catalog.services import catalog_import, catalog_parse
from motcua.dossiers.tests.conftest import STEPS_5, world  # noqa: F401

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32

EFORM = {
    "type": "object",
    "description": "Tờ khai đăng ký khai sinh",
    "required": ["ho_ten_tre", "ngay_sinh", "gioi_tinh", "so_con", "cam_doan"],
    "properties": {
        "ho_ten_tre": {"type": "string", "title": "Họ, chữ đệm, tên của trẻ", "maxLength": 40, "propertyOrder": 1},
        "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh", "propertyOrder": 2},
        "gioi_tinh": {"type": "string", "title": "Giới tính", "enum": ["nam", "nu"], "enumNames": ["Nam", "Nữ"],
                      "propertyOrder": 3},
        "so_con": {"type": "integer", "title": "Là con thứ mấy", "minimum": 1, "maximum": 20, "propertyOrder": 4},
        "can_nang": {"type": "number", "title": "Cân nặng (kg)", "exclusiveMinimum": 0, "maximum": 10,
                     "propertyOrder": 5},
        "so_dinh_danh_me": {"type": "string", "title": "Số định danh của mẹ", "pattern": "^[0-9]{12}$",
                            "propertyOrder": 6},
        "cam_doan": {"type": "boolean", "title": "Tôi cam đoan lời khai trên là đúng sự thật", "propertyOrder": 9},
        "anh_kem": {"type": "array", "title": "Danh sách (chưa hỗ trợ)", "items": {"type": "string"}},
    },
}
EFORM_OK = {"tk-ho_ten_tre": "Nguyễn Minh Khôi", "tk-ngay_sinh": "2026-02-20", "tk-gioi_tinh": "nam",
            "tk-so_con": "2", "tk-can_nang": "3,2", "tk-so_dinh_danh_me": "066190000123", "tk-cam_doan": "on"}
APPLICANT_OK = {"kind": "cong_dan", "name": "Nguyễn Văn An", "id_number": "066090000123", "phone": "0912 345 678",
                "email": "an@example.vn", "address": "12 Lê Duẩn, phường Buôn Ma Thuột"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def sub(world, client):  # noqa: F811 — the dossier world fixture, extended
    """The world plus `birth` (e-form, two papers, one optional) and `client` logged in as `w.me`."""
    payload = {
        "format": "motcua.catalog/1", "fields": [{"code": "HOTICH", "name": "Hộ tịch"}],
        "procedures": [{
            "code": "T.0101", "name": "Đăng ký khai sinh (thử nghiệm)", "field": "HOTICH", "level": "commune",
            "handling_agency": "UBND cấp xã", "processing_time": {"value": 5, "unit": "working_days"},
            "fees": [{"name": "Lệ phí", "amount": 0}], "online_level": "full", "steps": STEPS_5,
            "papers": [{"name": "Giấy chứng sinh", "form": "original"},
                       {"name": "Văn bản ủy quyền", "form": "original", "required": False}],
            "form_schema": EFORM,
        }],
    }
    fields, procedures = catalog_parse(payload)
    catalog_import(fields=fields, procedures=procedures, province=world.province)
    world.birth = Procedure.objects.get(code="T.0101")
    world.me = User.objects.get(pk=CitizenFactory(full_name="Nguyễn Văn An", national_id="066090000123",
                                                  phone="0912345678", email="an@example.vn").pk)
    client.force_login(world.me)
    world.client = client
    return world


def text(response) -> str:
    """The page's visible text, tags dropped and entities decoded (for message assertions)."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def url(code: str, step: str = "") -> str:
    steps = {"": "", "start": "bat-dau/", "applicant": "chu-ho-so/", "eform": "to-khai/", "papers": "giay-to/",
             "delivery": "nhan-ket-qua/", "review": "xem-lai/"}
    return f"/nop-ho-so/{code}/{steps[step]}"


def paper_ids(procedure) -> list[int]:
    return [paper.pk for paper in procedure.papers.order_by("order", "id")]


def walk_to_papers(client, procedure, *, eform=None, applicant=None) -> None:
    """Start the wizard and fill the steps before the papers."""
    assert client.post(url(procedure.code, "start")).status_code == 302
    response = client.post(url(procedure.code, "applicant"), applicant or APPLICANT_OK)
    assert response.status_code == 302, text(response)
    if procedure.form_schema:
        response = client.post(url(procedure.code, "eform"), eform or EFORM_OK)
        assert response.status_code == 302, text(response)


def walk_to_review(client, procedure, *, files=None, delivery=None) -> None:
    """From the papers step: upload `files` ({paper id: (name, bytes)}, default one PDF per required paper),
    then choose where to get the result."""
    if files is None:
        files = {paper.pk: ("giay.pdf", PDF) for paper in procedure.papers.all() if paper.required}
    data = {f"file_{pid}": upload(name, content) for pid, (name, content) in files.items()}
    response = client.post(url(procedure.code, "papers"), {**data, "action": "next"})
    assert response.status_code == 302, text(response)
    if delivery is None:
        delivery = {"result_delivery": "truc_tuyen", "receiving_center": "24133.TTPVHCC"}
    response = client.post(url(procedure.code, "delivery"), delivery)
    assert response.status_code == 302, text(response)
    assert response["Location"] == url(procedure.code, "review")


def submit(client, procedure):
    return client.post(url(procedure.code, "review"), {"confirm": "1"})
