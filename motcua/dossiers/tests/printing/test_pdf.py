# SPDX-License-Identifier: AGPL-3.0-or-later
"""PDF of forms 01–05: a real PDF, DejaVu fonts, A5 / A4 pages, and — the real check — the Vietnamese
text extracted back by poppler's pdftotext exactly as written."""

import re
import unicodedata

import pytest

from motcua.dossiers.printing.forms import FORM_NAMES
from motcua.dossiers.printing.pdf import render_form_pdf
from motcua.dossiers.services import ApplicantData, dossier_receive_in_person, dossier_request_supplement
from motcua.dossiers.tests.helpers import to_specialist

from .conftest import APOLOGY, MISSING, MON, REFUSAL, needs_pdftotext, pdf_text

pytestmark = pytest.mark.django_db

PAGE_MM = {"A5": (148, 210), "A4": (210, 297)}


def _media_boxes(pdf: bytes) -> list[tuple[float, ...]]:
    """Every page's MediaBox, in points, read from the PDF bytes (no PDF library needed)."""
    return [tuple(float(n) for n in box.split())
            for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)]


def _points(millimetres: float) -> float:
    return round(millimetres / 25.4 * 72, 1)


def test_pdf_is_a_pdf_with_dejavu_and_the_form_page_size(form_case):
    number, dossier = form_case
    pdf = render_form_pdf(dossier, number)
    assert pdf.startswith(b"%PDF-1.") and pdf.rstrip().endswith(b"%%EOF")
    assert b"DejaVuSans" in pdf and b"DejaVuSans-Bold" in pdf and b"Helvetica" not in pdf
    width, height = PAGE_MM["A4" if number == "05" else "A5"]
    boxes = _media_boxes(pdf)
    assert boxes and {(x0, y0, round(x1, 1), round(y1, 1)) for x0, y0, x1, y1 in boxes} == {
        (0, 0, _points(width), _points(height))}  # A5 portrait: [0 0 419.5 595.3]


@needs_pdftotext
def test_vietnamese_text_survives_in_every_form(form_case):
    number, dossier = form_case
    text = pdf_text(render_form_pdf(dossier, number))
    assert "Nguyễn Văn An" in text
    assert dossier.code in text
    assert FORM_NAMES[number].upper() in text  # the title
    assert f"Mẫu số {number} – {FORM_NAMES[number]}" in text  # the form's identification line
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert unicodedata.is_normalized("NFC", text)


@needs_pdftotext
def test_receipt_pdf_says_what_was_received_and_when_to_come_back(world, received):
    text = pdf_text(render_form_pdf(received, "01"))
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in text
    assert "Tiếp nhận hồ sơ của: Nguyễn Văn An" in text
    assert "Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 09 tháng 3 năm 2026" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert world.receiver.get_full_name() in text


@needs_pdftotext
@pytest.mark.parametrize(("number", "state", "expected"), [
    ("02", "with_supplement", MISSING.splitlines()),
    ("03", "refused", [REFUSAL]),
    ("04", "apologised", [APOLOGY, "09 giờ 00 phút, ngày 11 tháng 3 năm 2026"]),
    ("05", "returned", ["Lãnh đạo ký duyệt", "Quá hạn", "Trước hạn", "Đúng hạn"]),
])
def test_each_form_prints_its_own_content(request, number, state, expected):
    text = pdf_text(render_form_pdf(request.getfixturevalue(state), number))
    for phrase in expected:
        assert phrase in text


@needs_pdftotext
def test_long_text_wraps_and_runs_onto_a_second_page(world):
    missing = "\n".join(f"Giấy tờ số {n}: bản sao có chứng thực của giấy chứng nhận quyền sử dụng đất, quyền sở "
                        f"hữu nhà ở và tài sản khác gắn liền với đất, kèm sơ đồ thửa đất, trích đo địa chính"
                        for n in range(1, 16))
    dossier = dossier_request_supplement(dossier=to_specialist(world, MON), actor=world.specialist,
                                         missing=missing, at=MON)
    pdf = render_form_pdf(dossier, "02")
    assert len(_media_boxes(pdf)) >= 2
    text = pdf_text(pdf)
    assert "Giấy tờ số 15: bản sao có chứng thực" in text and "Trang 2" in text
    assert "NGƯỜI HƯỚNG DẪN" in text


@needs_pdftotext
def test_names_with_markup_characters_and_decomposed_accents_print_as_written(world):
    def received_from(applicant):
        return dossier_receive_in_person(procedure=world.marriage, receiving_unit=world.bmt_center,
                                         applicant=applicant, actor=world.receiver, at=MON)

    business = ApplicantData(name="Công ty TNHH Xây dựng <Hòa & Bình>", kind="to_chuc", phone="0262381234")
    text = pdf_text(render_form_pdf(received_from(business), "01"))
    assert "Công ty TNHH Xây dựng <Hòa & Bình>" in text
    decomposed = ApplicantData(name=unicodedata.normalize("NFD", "Nguyễn Văn An"))
    text = pdf_text(render_form_pdf(received_from(decomposed), "01"))
    assert "Nguyễn Văn An" in text  # NFC: one glyph per letter, extracted as the precomposed letters
