# SPDX-License-Identifier: AGPL-3.0-or-later
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from motcua.core.text import fold, normalize_name


def test_normalize_name_collapses_stray_spaces_and_trims():
    assert normalize_name("  Phường   Tuy  Hòa ") == "Phường Tuy Hòa"


def test_normalize_name_composes_decomposed_text():
    decomposed = unicodedata.normalize("NFD", "Đắk Lắk")
    assert decomposed != "Đắk Lắk"
    assert normalize_name(decomposed) == "Đắk Lắk"


def test_normalize_name_makes_apostrophes_ascii():
    assert normalize_name("Phường B\u2019Lao") == "Phường B'Lao"


def test_fold_maps_d_stroke_and_drops_marks():
    assert fold("Đăng ký kết hôn") == "dang ky ket hon"
    assert fold("đặc khu Phú Quốc") == "dac khu phu quoc"


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese_letters(text):
    once = fold(text)
    assert fold(once) == once
    assert "đ" not in once and "Đ" not in once
