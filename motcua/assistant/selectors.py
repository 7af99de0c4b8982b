# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the virtual assistant: the dossier a status question may see, and the exchange log."""

from django.db.models import QuerySet

from motcua.core.errors import NotFound
from motcua.dossiers.models import OPEN_STAGES, Dossier
from motcua.dossiers.selectors import dossier_get_owned, dossier_list_owned, dossier_track, track_code_clean

from .models import AssistantExchange

OWNED_LISTED = 5


def dossier_for_status(*, code: str, phone: str, user) -> tuple[Dossier | None, bool]:
    """The dossier a status question may read, and whether the asker is its owner.

    The owner (logged in, dossier.owner) sees it by code; anyone else needs the code and the applicant's
    phone number (or last 4+ CCCD digits), checked by the public tracking's `dossier_track` (constant-time,
    an unknown code and a wrong proof are the same None). Without proof: (None, False), whatever exists."""
    code = track_code_clean(code)
    if not code:
        return None, False
    if getattr(user, "is_authenticated", False):
        try:
            return dossier_get_owned(user=user, code=code), True
        except NotFound:
            pass
    if phone:
        return dossier_track(code=code, proof=phone), False
    return None, False


def dossiers_open_owned(*, user) -> list[Dossier]:
    """The asker's own open dossiers, newest first (for «hồ sơ của tôi đến đâu rồi» without a code)."""
    return list(dossier_list_owned(user=user, stages=OPEN_STAGES)[:OWNED_LISTED])


def exchange_list() -> QuerySet:
    return AssistantExchange.objects.order_by("-at", "-id")
