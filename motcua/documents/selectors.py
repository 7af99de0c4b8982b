# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads on dossier files, with the dossier's visibility built in: a file of a dossier the user may not
see is "not found"."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.accounts.permissions import user_has_role
from motcua.core.errors import NotFound
from motcua.dossiers.models import OPEN_STAGES, RESULT_STAGES, Dossier
from motcua.dossiers.selectors import dossier_get_visible

from .models import DossierFile, FileKind, UploadDraft

RESULT_ROLES = (Role.CLERK, Role.SIGNING_LEADER)
REUSABLE_SCAN = 200  # newest files of one citizen looked at for reuse


def dossier_files(*, dossier: Dossier) -> QuerySet:
    return (DossierFile.objects.filter(dossier=dossier).select_related("uploaded_by", "required_paper")
            .order_by("uploaded_at", "id"))


def dossier_file_get_visible(*, user, file_id: int) -> DossierFile:
    """A file of a dossier `user` may see; the applicant sees a result only once it is issued."""
    file = DossierFile.objects.select_related("dossier").filter(pk=file_id).first()
    if file is not None:
        try:
            dossier_get_visible(user=user, code=file.dossier.code)
        except NotFound:
            file = None
    if file is not None and _result_not_issued_to_owner(user, file):
        file = None
    if file is None:
        raise NotFound(_("Không tìm thấy tệp."), code="file_not_found")
    return file


def result_issued(dossier: Dossier) -> bool:
    """The result is the applicant's once handling is finished (done or returned)."""
    return dossier.stage in RESULT_STAGES


def dossier_files_for_applicant(*, dossier: Dossier) -> list[DossierFile]:
    """The dossier's files as its applicant may see them: no result before it is issued."""
    return [f for f in dossier_files(dossier=dossier) if f.kind != FileKind.RESULT or result_issued(dossier)]


def _result_not_issued_to_owner(user, file: DossierFile) -> bool:
    dossier = file.dossier
    return (file.kind == FileKind.RESULT and dossier.owner_id == getattr(user, "pk", None)
            and not result_issued(dossier)
            and not user_has_role(user, dossier.handling_unit, list(Role)))


def file_kinds_allowed(*, user, dossier: Dossier) -> list[str]:
    """Kinds of file `user` may attach to `dossier` (nothing when the dossier is out of their sight):
    an official holding a role at the receiving, handling or return unit: papers and supplements, and
    results when clerk or signing leader of the handling unit; the owner: papers and supplements while
    the dossier is open."""
    if not getattr(user, "is_authenticated", False):
        return []
    try:
        dossier_get_visible(user=user, code=dossier.code)
    except NotFound:
        return []
    kinds: list[str] = []
    units = (dossier.receiving_unit, dossier.handling_unit, dossier.return_unit)
    if any(user_has_role(user, unit, list(Role)) for unit in units):
        kinds = [FileKind.PAPER, FileKind.SUPPLEMENT]
        if user_has_role(user, dossier.handling_unit, RESULT_ROLES):
            kinds.append(FileKind.RESULT)
    elif dossier.owner_id is not None and dossier.owner_id == user.pk and dossier.stage in OPEN_STAGES:
        kinds = [FileKind.PAPER, FileKind.SUPPLEMENT]
    return kinds


# ---------------------------------------------------------------- online submission (the citizen's own files)


def upload_drafts(*, owner, procedure_code: str) -> QuerySet:
    """The papers `owner` has staged for `procedure_code` in the submission wizard (nobody else's)."""
    if not getattr(owner, "is_authenticated", False):
        return UploadDraft.objects.none()
    return (UploadDraft.objects.filter(owner=owner, procedure_code=procedure_code)
            .select_related("required_paper").order_by("created_at", "id"))


def upload_draft_get(*, owner, draft_id: int) -> UploadDraft:
    draft = None
    if getattr(owner, "is_authenticated", False):
        draft = UploadDraft.objects.filter(owner=owner, pk=draft_id).select_related("required_paper").first()
    if draft is None:
        raise NotFound(_("Không tìm thấy tệp."), code="file_not_found")
    return draft


def dossier_files_reusable(*, user, paper_name: str = "") -> list[DossierFile]:
    """Files of the dossiers `user` owns that may be reused (tái sử dụng) for a new dossier: one per
    content, newest first, those filed under the same required paper name (`paper_name`) ahead."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = (DossierFile.objects.filter(dossier__owner=user).select_related("dossier", "required_paper")
            .order_by("-uploaded_at", "-id")[:REUSABLE_SCAN])
    seen: dict[str, DossierFile] = {}
    for row in rows:
        seen.setdefault(row.sha256, row)
    files = list(seen.values())
    return sorted(files, key=lambda f: not (paper_name and f.required_paper is not None
                                            and f.required_paper.name == paper_name))


def dossier_file_reusable_get(*, user, file_id: int) -> DossierFile:
    """One file `user` may reuse (see `dossier_files_reusable`), else NotFound."""
    file = None
    if getattr(user, "is_authenticated", False):
        file = (DossierFile.objects.filter(pk=file_id, dossier__owner=user)
                .select_related("dossier", "required_paper").first())
    if file is None:
        raise NotFound(_("Không tìm thấy giấy tờ đã nộp trước đây."), code="file_not_found")
    return file
