# SPDX-License-Identifier: AGPL-3.0-or-later
"""Checks on an uploaded file (tệp tải lên): its type is read from its first bytes, never from its name
or the browser's claim; its extension must agree; its size is bounded; its display name is cleaned."""

import os
import unicodedata

from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MB
DEFAULT_MAX_DOSSIER_BYTES = 50 * MB
NAME_MAX_LENGTH = 255

# (magic bytes, content type, canonical extension, extensions that agree)
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf", {".pdf"}),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg", {".jpg", ".jpeg"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png", {".png"}),
)
LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


def max_bytes() -> int:
    return int(getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_dossier_bytes() -> int:
    return int(getattr(settings, "MOTCUA_UPLOAD_MAX_DOSSIER_BYTES", DEFAULT_MAX_DOSSIER_BYTES))


def draft_quota_bytes() -> int:
    """What one account may keep staged in the submission wizard, all procedures together: twice a
    dossier's limit (a dossier being prepared plus room to replace its files)."""
    return 2 * max_dossier_bytes()


def _megabytes(n: int) -> str:
    return f"{n / MB:g}"


def display_name_clean(name: str | None) -> str:
    """Basename only (both separators), NFC, no control or format characters (bidi overrides), at most
    255 characters keeping the extension; "tệp" when nothing is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    name = name.strip().strip(".").strip()
    if not name:
        name = _("tệp")
    if len(name) > NAME_MAX_LENGTH:
        stem, ext = os.path.splitext(name)
        ext = ext[:16]
        name = stem[: NAME_MAX_LENGTH - len(ext)] + ext
    return name


def _head(uploaded_file, n: int = 8) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(n)
    uploaded_file.seek(0)
    return head


def upload_check(uploaded_file) -> tuple[str, str]:
    """(content type, canonical extension) of an acceptable PDF, JPEG or PNG; ValidationFailed otherwise."""
    name = display_name_clean(getattr(uploaded_file, "name", ""))
    size = uploaded_file.size or 0
    if size <= 0:
        raise ValidationFailed(_("Tệp «%(name)s» rỗng.") % {"name": name}, code="file_empty")
    limit = max_bytes()
    if size > limit:
        raise ValidationFailed(_("Tệp «%(name)s» vượt quá %(mb)s MB.") % {"name": name, "mb": _megabytes(limit)},
                               code="file_too_large")
    head = _head(uploaded_file)
    for magic, content_type, extension, agreeing in SIGNATURES:
        if head.startswith(magic):
            given = os.path.splitext(name)[1].lower()
            if given and given not in agreeing:
                raise ValidationFailed(
                    _("Tệp «%(name)s» có phần mở rộng không khớp với nội dung (%(kind)s).")
                    % {"name": name, "kind": LABELS[content_type]}, code="file_extension_mismatch")
            return content_type, extension
    raise ValidationFailed(_("Tệp «%(name)s» không phải PDF, JPEG hoặc PNG.") % {"name": name},
                           code="file_type_refused")


def dossier_total_check(*, current: int, adding: int) -> None:
    limit = max_dossier_bytes()
    if current + adding > limit:
        raise ValidationFailed(_("Tổng dung lượng tệp của hồ sơ vượt quá %(mb)s MB.") % {"mb": _megabytes(limit)},
                               code="dossier_files_too_large")


def draft_quota_check(*, current: int, adding: int) -> None:
    limit = draft_quota_bytes()
    if current + adding > limit:
        raise ValidationFailed(
            _("Các tệp bạn đang tải lên (chưa nộp) đã vượt quá %(mb)s MB. Hãy nộp hoặc bỏ bớt hồ sơ đang soạn.")
            % {"mb": _megabytes(limit)}, code="drafts_too_large")


def upload_name_check(name: str | None) -> None:
    """Refuse a file name that carries a path or control characters ("../../etc/passwd.pdf"): the name is
    never used on disk, but such a name only comes from a hostile or broken client. Browsers send the
    bare name (and Django's parser strips directories before a view sees it)."""
    raw = name or ""
    if any(sep in raw for sep in ("/", "\\")) or raw.strip() in (".", "..") or any(
            unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in raw):
        raise ValidationFailed(
            _("Tên tệp «%(name)s» không hợp lệ: không được chứa đường dẫn hay ký tự điều khiển. Hãy đổi tên tệp.")
            % {"name": display_name_clean(raw)}, code="file_name_invalid")
