# SPDX-License-Identifier: AGPL-3.0-or-later
"""CCCD (citizen identity number), Vietnamese phone numbers and e-mail addresses: validation and normal form."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _

# Place-of-birth codes of the 63 pre-2025 provinces (Circular 59/2021/TT-BCA, appendix I); they stay
# valid on cards issued before and after the 2025 mergers.
CCCD_PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 037 038 "
    "040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 077 079 080 082 "
    "083 084 086 087 089 091 092 093 094 095 096".split()
)
_MOBILE = re.compile(r"^0(3[2-9]|5[2689]|7[06-9]|8[1-9]|9\d)\d{7}$")
_LANDLINE = re.compile(r"^02\d{9}$")


def validate_cccd(value: str) -> None:
    """12 digits: place-of-birth code (3), gender-and-century (1), year of birth (2), serial (6)."""
    if not re.fullmatch(r"\d{12}", value or ""):
        raise ValidationError(_("Số CCCD phải gồm đúng 12 chữ số."), code="cccd_format")
    if value[:3] not in CCCD_PROVINCE_CODES:
        raise ValidationError(
            _("Số CCCD có mã nơi đăng ký khai sinh %(code)s không hợp lệ."), code="cccd_province",
            params={"code": value[:3]},
        )


def normalize_phone(value: str) -> str:
    """'+84 912 345 678', '84912345678', '0912.345.678' → '0912345678'."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def validate_phone(value: str) -> None:
    number = normalize_phone(value)
    if not (_MOBILE.match(number) or _LANDLINE.match(number)):
        raise ValidationError(
            _("Số điện thoại %(value)s không hợp lệ (ví dụ hợp lệ: 0912345678)."), code="phone_format",
            params={"value": value},
        )


def normalize_email(value: str) -> str:
    """Trim and lower-case the domain (the local part is kept as written; comparisons ignore case)."""
    local, at, domain = (value or "").strip().rpartition("@")
    return f"{local}@{domain.lower()}" if at else (value or "").strip()


def validate_email_address(value: str) -> None:
    EmailValidator(message=_("Địa chỉ e-mail %(value)s không hợp lệ."), code="email_format")(value)
