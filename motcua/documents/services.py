# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes on dossier files: attach only (append-only, no delete). The file is checked before anything is
stored; the stored file is removed again if the database write fails."""

import contextvars
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import UserKind
from motcua.catalog.models import OnlineLevel, Procedure, RequiredPaper
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.dossiers.hooks import event_written
from motcua.dossiers.models import Dossier, DossierEvent, ResultDelivery
from motcua.dossiers.services import ApplicantData, dossier_event_record, dossier_submit_online
from motcua.units.models import Unit

from .models import DossierFile, FileKind, UploadDraft
from .selectors import file_kinds_allowed, upload_draft_get
from .validators import (
    display_name_clean,
    dossier_total_check,
    draft_quota_check,
    upload_check,
    upload_name_check,
)

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
        event_written(DossierEvent.objects.create(  # hooks: the index counters see the file (monitoring)
            dossier=dossier, at=record.uploaded_at, actor=record.uploaded_by, action=ATTACH_ACTION,
            from_stage=dossier.stage, to_stage=dossier.stage, status=dossier.status,
            step_order=dossier.current_step.order if dossier.current_step_id else None,
            data={"file": record.pk, "kind": kind, "name": record.name, "sha256": record.sha256}))
    except BaseException:
        storage.delete(stored_name)
        raise
    return record


# ---------------------------------------------------------------- online submission: staged papers and reuse


def _delete_file_on_commit(storage, name: str) -> None:
    """Remove a stored file once the row that pointed to it is gone for good (never on a rollback)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _sum_size(qs) -> int:
    return qs.aggregate(total=Sum("size"))["total"] or 0


def _draft_delete(draft: UploadDraft) -> None:
    storage, name = draft.file.storage, draft.file.name
    draft.delete()
    _delete_file_on_commit(storage, name)


@transaction.atomic
def upload_draft_create(*, owner, procedure: Procedure, required_paper: RequiredPaper, uploaded_file,
                        reserved: int = 0) -> UploadDraft:
    """Stage one paper (tải lên giấy tờ) in the submission wizard before the dossier exists.

    Checked like any dossier file (content, size, the dossier's total with `reserved` = bytes of papers
    reused from earlier dossiers) and against the account's quota of staged bytes. Replaces the owner's
    earlier draft of the same paper; nothing is stored when a check fails."""
    if not getattr(owner, "is_authenticated", False):
        raise PermissionDenied(_("Cần đăng nhập để tải lên giấy tờ."), code="login_required")
    if required_paper.procedure_id != procedure.pk:
        raise ValidationFailed(_("Giấy tờ đã chọn không thuộc thủ tục này."), code="required_paper_invalid")
    upload_name_check(getattr(uploaded_file, "name", ""))
    content_type, extension = upload_check(uploaded_file)
    replaced = list(UploadDraft.objects.filter(owner=owner, procedure_code=procedure.code,
                                               required_paper=required_paper))
    kept = UploadDraft.objects.filter(owner=owner).exclude(pk__in=[d.pk for d in replaced])
    dossier_total_check(current=_sum_size(kept.filter(procedure_code=procedure.code)) + reserved,
                        adding=uploaded_file.size)
    draft_quota_check(current=_sum_size(kept), adding=uploaded_file.size)
    draft = UploadDraft(owner=owner, procedure_code=procedure.code, required_paper=required_paper,
                        name=display_name_clean(getattr(uploaded_file, "name", "")), content_type=content_type,
                        size=uploaded_file.size, sha256=_sha256(uploaded_file), created_at=timezone.now())
    draft.file.save(f"upload{extension}", uploaded_file, save=False)
    try:
        draft.save()
    except BaseException:
        draft.file.storage.delete(draft.file.name)
        raise
    for old in replaced:
        _draft_delete(old)
    return draft


@transaction.atomic
def upload_draft_delete(*, owner, draft_id: int) -> None:
    """The owner removes a staged paper (bỏ tệp); anyone else's draft is "not found"."""
    _draft_delete(upload_draft_get(owner=owner, draft_id=draft_id))


@transaction.atomic
def upload_drafts_discard(*, owner, procedure_code: str) -> int:
    """Everything the owner staged for one procedure, removed (the wizard starts over)."""
    drafts = list(UploadDraft.objects.filter(owner=owner, procedure_code=procedure_code))
    for draft in drafts:
        _draft_delete(draft)
    return len(drafts)


def upload_drafts_purge(*, older_than: timedelta | None = None, now: datetime | None = None) -> int:
    """Drafts never submitted, older than `older_than` (default MOTCUA_UPLOAD_DRAFT_MAX_AGE_HOURS, 24 h),
    removed with their files; returns how many. Run daily (`motcua documents purge-drafts`)."""
    if older_than is None:
        older_than = timedelta(hours=int(getattr(settings, "MOTCUA_UPLOAD_DRAFT_MAX_AGE_HOURS", 24)))
    cutoff = (now or timezone.now()) - older_than
    count = 0
    while True:
        with transaction.atomic():
            batch = list(UploadDraft.objects.select_for_update().filter(created_at__lt=cutoff).order_by("id")[:500])
            for draft in batch:
                _draft_delete(draft)
        count += len(batch)
        if len(batch) < 500:
            return count


def _dossier_locked(dossier: Dossier) -> Dossier:
    return (Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure", "receiving_unit", "handling_unit", "return_unit", "current_step")
            .get(pk=dossier.pk))


@transaction.atomic
def dossier_file_attach_draft(*, dossier: Dossier, actor, draft: UploadDraft) -> DossierFile:
    """Turn the owner's staged paper into a file of their new dossier: the bytes are checked again and
    stored under the dossier (`dossier_file_attach`), the draft is removed once the transaction commits.
    Wrap the outer transaction in `files_guard()`."""
    if draft.owner_id != getattr(actor, "pk", None) or draft.procedure_code != dossier.procedure.code:
        raise PermissionDenied(_("Tệp tải lên không thuộc hồ sơ này."), code="file_attach_forbidden")
    try:
        handle = draft.file.open("rb")
    except FileNotFoundError:
        raise ValidationFailed(_("Tệp «%(name)s» không còn trên máy chủ; hãy tải lên lại.") % {"name": draft.name},
                               code="draft_missing") from None
    with handle:
        record = dossier_file_attach(dossier=dossier, actor=actor, uploaded_file=File(handle, name=draft.name),
                                     kind=FileKind.PAPER, required_paper=draft.required_paper)
    _draft_delete(draft)
    return record


@transaction.atomic
def dossier_file_reuse(*, dossier: Dossier, actor, source: DossierFile,
                       required_paper: RequiredPaper | None = None) -> DossierFile:
    """Reuse (tái sử dụng) a paper the same applicant's account filed with an earlier dossier: a new
    DossierFile that points to the same stored file — no new bytes — with `reused_from` set to the
    original upload, and an "attach_file" event saying so."""
    dossier = _dossier_locked(dossier)
    if FileKind.PAPER not in file_kinds_allowed(user=actor, dossier=dossier):
        raise PermissionDenied(_("Bạn không có quyền đính kèm giấy tờ vào hồ sơ %(code)s.") % {"code": dossier.code},
                               code="file_attach_forbidden")
    source = DossierFile.objects.select_related("dossier", "reused_from__dossier").get(pk=source.pk)
    if source.dossier.owner_id is None or source.dossier.owner_id != actor.pk or source.dossier_id == dossier.pk:
        raise PermissionDenied(_("Chỉ dùng lại được giấy tờ trong hồ sơ trước đây của chính bạn."),
                               code="file_reuse_forbidden")
    if required_paper is not None and required_paper.procedure_id != dossier.procedure_id:
        raise ValidationFailed(_("Giấy tờ đã chọn không thuộc thủ tục của hồ sơ."), code="required_paper_invalid")
    dossier_total_check(current=_sum_size(DossierFile.objects.filter(dossier=dossier)), adding=source.size)
    original = source.reused_from if (source.reused_from_id
                                      and source.reused_from.dossier.owner_id == actor.pk) else source
    record = DossierFile.objects.create(
        dossier=dossier, kind=FileKind.PAPER, required_paper=required_paper, name=source.name,
        file=source.file.name, content_type=source.content_type, size=source.size, sha256=source.sha256,
        uploaded_by=actor, uploaded_at=timezone.now(), reused_from=original)
    dossier_event_record(dossier=dossier, action=ATTACH_ACTION, actor=actor, at=record.uploaded_at,
                         data={"file": record.pk, "kind": record.kind, "name": record.name, "sha256": record.sha256,
                               "reused_from": original.pk})
    return record


@dataclass(frozen=True)
class PaperChoice:
    """One paper of an online submission: a staged upload (`draft`) or an earlier file (`reuse`)."""

    required_paper: RequiredPaper
    draft: UploadDraft | None = None
    reuse: DossierFile | None = None


def _submission_check(procedure: Procedure, owner) -> None:
    if getattr(owner, "kind", None) != UserKind.CITIZEN:
        raise PermissionDenied(_("Nộp hồ sơ trực tuyến cần tài khoản công dân, tổ chức."), code="citizen_required")
    if procedure.online_level not in (OnlineLevel.FULL, OnlineLevel.PARTIAL):
        raise ValidationFailed(_("Thủ tục %(code)s không nhận hồ sơ trực tuyến.") % {"code": procedure.code},
                               code="online_not_available")


def _papers_check(procedure: Procedure, papers: list[PaperChoice]) -> None:
    ids = [choice.required_paper.pk for choice in papers]
    if len(set(ids)) != len(ids) or any((c.draft is None) == (c.reuse is None) for c in papers):
        raise ValidationFailed(_("Mỗi giấy tờ cần đúng một tệp."), code="papers_invalid")
    if any(choice.required_paper.procedure_id != procedure.pk for choice in papers):
        raise ValidationFailed(_("Giấy tờ đã chọn không thuộc thủ tục này."), code="required_paper_invalid")
    missing = [paper.name for paper in procedure.papers.all() if paper.required and paper.pk not in ids]
    if missing:
        raise ValidationFailed(_("Còn thiếu giấy tờ bắt buộc: %(names)s.") % {"names": "; ".join(missing)},
                               code="papers_missing")


def dossier_submit_with_papers(
    *, procedure: Procedure, receiving_unit: Unit, applicant: ApplicantData, owner, papers: list[PaperChoice],
    return_unit: Unit | None = None, form_data: dict | None = None, result_delivery: str = ResultDelivery.ONLINE,
    idempotency_key: str = "", fingerprint: str = "", identity_verified: bool | None = None,
    at: datetime | None = None,
) -> tuple[Dossier, bool]:
    """Online submission from the citizen portal (nộp hồ sơ trực tuyến): `dossier_submit_online` and every
    paper attached in ONE transaction — a refused paper leaves no dossier, no code used and no file.

    Idempotent through `idempotency_key` + `fingerprint` (a double click or a replayed POST gives back
    the first dossier with created=False, even when its drafts were already consumed). Every required
    paper of the procedure needs a choice."""
    _submission_check(procedure, owner)
    with files_guard(), transaction.atomic():
        dossier, created = dossier_submit_online(
            procedure=procedure, receiving_unit=receiving_unit, applicant=applicant, owner=owner,
            return_unit=return_unit, form_data=form_data, result_delivery=result_delivery,
            idempotency_key=idempotency_key, fingerprint=fingerprint, identity_verified=identity_verified, at=at)
        if not created:  # a replay: the first request attached the papers
            return dossier, False
        _papers_check(procedure, papers)
        for choice in papers:
            if choice.draft is not None:
                dossier_file_attach_draft(dossier=dossier, actor=owner, draft=choice.draft)
            else:
                dossier_file_reuse(dossier=dossier, actor=owner, source=choice.reuse,
                                   required_paper=choice.required_paper)
    return dossier, True
