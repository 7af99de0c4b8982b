# SPDX-License-Identifier: AGPL-3.0-or-later
"""Masking of personal identifiers (CCCD, phone, e-mail) for logs and public pages."""

import logging
import re

_CCCD = re.compile(r"(?<!\d)(\d{2})\d{8}(\d{2})(?!\d)")
_PHONE = re.compile(r"(?<![\d.])(\+84|0)(\d{2})\d{4,5}(\d{3})(?!\d)")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")


def mask_cccd(value: str) -> str:
    """012345678901 → 01********01."""
    value = value or ""
    return value[:2] + "*" * max(len(value) - 4, 0) + value[-2:] if len(value) > 4 else "*" * len(value)


def mask_phone(value: str) -> str:
    """0912345678 → 091****678."""
    value = value or ""
    return value[:3] + "*" * max(len(value) - 6, 0) + value[-3:] if len(value) > 6 else "*" * len(value)


def mask_email(value: str) -> str:
    """nguyen.van.a@example.vn → n***@example.vn."""
    local, _, domain = (value or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else mask_cccd(value)


def mask_text(text: str) -> str:
    """Mask every CCCD, phone number and e-mail address found in free text."""
    text = _CCCD.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    text = _PHONE.sub(lambda m: f"{m.group(1)}{m.group(2)}****{m.group(3)}", text)
    return _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)


class PersonalDataFilter(logging.Filter):
    """Logging filter: the formatted message leaves the process with identifiers masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
