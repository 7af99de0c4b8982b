# SPDX-License-Identifier: AGPL-3.0-or-later
"""Serving a stored dossier file to a signed-in user who may see its dossier (otherwise 404)."""

import unicodedata
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from motcua.core.errors import NotFound

from .selectors import dossier_file_get_visible

INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def _ascii_name(name: str) -> str:
    name = name.replace("đ", "d").replace("Đ", "D")
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch if ch.isprintable() and ch not in '"\\;' else "_" for ch in ascii_name).strip()
    return ascii_name or "tep"


def content_disposition(name: str, *, inline: bool) -> str:
    """`inline; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266 / 5987)."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{_ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


@require_safe
@login_required
def file_view(request, file_id: int):
    try:
        record = dossier_file_get_visible(user=request.user, file_id=file_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from None
    return file_response(record)


def file_response(record) -> FileResponse:
    """The stored bytes, never sniffed, never cached by a shared cache."""
    try:
        handle = record.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=record.content_type)
    response["Content-Disposition"] = content_disposition(record.name, inline=record.content_type in INLINE_TYPES)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
