# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes on dossier files: attach only (append-only, no delete). The file is checked before anything is
stored; the stored file is removed again if the database write fails."""

import contextvars
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers.models import Dossier, DossierEvent

from .models import DossierFile, FileKind
from .selectors import file_kinds_allowed
from .validators import display_name_clean, dossier_total_check, upload_check

ATTACH_ACTION = "attach_file"

_stored: contextvars.ContextVar[list | None] = contextvars.ContextVar("documents_stored", default=None)


@contextmanager
def files_guard() -> Iterator[None]:
    """Around an outer transaction that attaches files: if it fails, the files stored inside it are
    deleted again (their rows are rolled back). Put it outside `transaction.atomic()`."""
    stored: list = []
    token = _stored.set(stored)
    try:
        yield
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise
    finally:
        _stored.reset(token)


def _sha256(uploaded_file) -> str:
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


@transaction.atomic
def dossier_file_attach(*, dossier: Dossier, actor, uploaded_file, kind: str, required_paper=None) -> DossierFile:
    """Attach a file (đính kèm tệp) to a dossier, with a DossierEvent "attach_file". Called inside an
    outer transaction that may still fail after this returns, wrap that transaction in `files_guard()`
    so the stored file does not outlive its rolled-back row."""
    if kind not in FileKind.values:
        raise ValidationFailed(_("Loại tệp không hợp lệ."), code="file_kind_invalid")
    dossier = (Dossier.objects.select_for_update(of=("self",))
               .select_related("receiving_unit", "handling_unit", "return_unit", "current_step")
               .get(pk=dossier.pk))
    if kind not in file_kinds_allowed(user=actor, dossier=dossier):
        raise PermissionDenied(_("Bạn không có quyền đính kèm «%(kind)s» vào hồ sơ %(code)s.")
                               % {"kind": FileKind(kind).label, "code": dossier.code}, code="file_attach_forbidden")
    if required_paper is not None and required_paper.procedure_id != dossier.procedure_id:
        raise ValidationFailed(_("Giấy tờ đã chọn không thuộc thủ tục của hồ sơ."), code="required_paper_invalid")
    content_type, extension = upload_check(uploaded_file)
    current = DossierFile.objects.filter(dossier=dossier).aggregate(total=Sum("size"))["total"] or 0
    dossier_total_check(current=current, adding=uploaded_file.size)
    record = DossierFile(
        dossier=dossier, kind=kind, required_paper=required_paper,
        name=display_name_clean(getattr(uploaded_file, "name", "")), content_type=content_type,
        size=uploaded_file.size, sha256=_sha256(uploaded_file),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None, uploaded_at=timezone.now())
    record.file.save(f"upload{extension}", uploaded_file, save=False)
    storage, stored_name = record.file.storage, record.file.name
    guard = _stored.get()
    if guard is not None:
        guard.append((storage, stored_name))
    try:
        record.save()
        DossierEvent.objects.create(
            dossier=dossier, at=record.uploaded_at, actor=record.uploaded_by, action=ATTACH_ACTION,
            from_stage=dossier.stage, to_stage=dossier.stage, status=dossier.status,
            step_order=dossier.current_step.order if dossier.current_step_id else None,
            data={"file": record.pk, "kind": kind, "name": record.name, "sha256": record.sha256})
    except BaseException:
        storage.delete(stored_name)
        raise
    return record
