# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest
from django.core.exceptions import ValidationError

from motcua.accounts.validators import CCCD_PROVINCE_CODES, normalize_phone, validate_cccd, validate_phone


def test_there_are_63_place_of_birth_codes():
    assert len(CCCD_PROVINCE_CODES) == 63


@pytest.mark.parametrize("value", ["066090000123", "001203012345", "079185999999"])
def test_valid_cccd_passes(value):
    validate_cccd(value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("06609000012", "12 chữ số"),
        ("0660900001234", "12 chữ số"),
        ("06609000012a", "12 chữ số"),
        ("", "12 chữ số"),
        ("003090000123", "mã nơi đăng ký khai sinh 003"),
        ("099090000123", "mã nơi đăng ký khai sinh 099"),
    ],
)
def test_invalid_cccd_is_refused_in_vietnamese(value, message):
    with pytest.raises(ValidationError) as exc:
        validate_cccd(value)
    assert message in exc.value.messages[0]


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("+84 912 345 678", "0912345678"), ("84912345678", "0912345678"), ("0912.345.678", "0912345678")],
)
def test_phone_is_normalised(raw, normal):
    assert normalize_phone(raw) == normal
    validate_phone(raw)


@pytest.mark.parametrize("value", ["0112345678", "091234567", "09123456789", "abc", "0212345678"])
def test_invalid_phone_is_refused(value):
    with pytest.raises(ValidationError) as exc:
        validate_phone(value)
    assert "không hợp lệ" in exc.value.messages[0]
