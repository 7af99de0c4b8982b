# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads on dossier files, with the dossier's visibility built in: a file of a dossier the user may not
see is "not found"."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.accounts.permissions import user_has_role
from motcua.core.errors import NotFound
from motcua.dossiers.models import OPEN_STAGES, Dossier
from motcua.dossiers.selectors import dossier_get_visible

from .models import DossierFile, FileKind

RESULT_ROLES = (Role.CLERK, Role.SIGNING_LEADER)


def dossier_files(*, dossier: Dossier) -> QuerySet:
    return (DossierFile.objects.filter(dossier=dossier).select_related("uploaded_by", "required_paper")
            .order_by("uploaded_at", "id"))


def dossier_file_get_visible(*, user, file_id: int) -> DossierFile:
    file = DossierFile.objects.select_related("dossier").filter(pk=file_id).first()
    if file is not None:
        try:
            dossier_get_visible(user=user, code=file.dossier.code)
        except NotFound:
            file = None
    if file is None:
        raise NotFound(_("Không tìm thấy tệp."), code="file_not_found")
    return file


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
