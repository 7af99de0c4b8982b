# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads on dossiers, each with the permission filter built in.

An official sees dossiers received at, handled by or returned at a unit in their scope (a province
administrator: the whole province); a citizen only their own; anyone else nothing. A dossier outside
the caller's view is "not found", never "forbidden", so a code reveals nothing.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import UserKind
from motcua.accounts.permissions import user_assignments, user_sees_everything, user_visible_units_q
from motcua.core.errors import NotFound

from .models import OPEN_STAGES, WAITING_STAGES, Dossier, DossierEvent, DossierStep, Outcome


@dataclass(frozen=True)
class DossierFilters:
    status: int | None = None
    stage: str | None = None
    unit: str | None = None          # receiving or handling unit code
    procedure: str | None = None     # procedure code
    due_before: datetime | None = None
    late: bool | None = None         # finished late, or open and past its due moment
    q: str = ""                      # code, applicant name, phone or CCCD


def _visible_q(user) -> Q:
    if user_sees_everything(user):
        return Q()
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    scope = Q(pk__in=[])
    if user_assignments(user):
        scope = user_visible_units_q(
            user, fields=("handling_unit__path", "receiving_unit__path", "return_unit__path"))
    if user.kind == UserKind.CITIZEN:
        scope |= Q(owner=user)
    return scope


def dossier_list_visible(*, user, filters: DossierFilters | None = None) -> QuerySet:
    filters = filters or DossierFilters()
    qs = Dossier.objects.filter(_visible_q(user)).select_related(
        "procedure", "receiving_unit", "handling_unit", "return_unit", "assignee", "current_step")
    if filters.status is not None:
        qs = qs.filter(status=filters.status)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.unit:
        qs = qs.filter(Q(handling_unit__code=filters.unit) | Q(receiving_unit__code=filters.unit))
    if filters.procedure:
        qs = qs.filter(procedure__code=filters.procedure)
    if filters.due_before is not None:
        qs = qs.filter(due_at__lt=filters.due_before)
    if filters.late is not None:
        late = Q(outcome=Outcome.LATE) | (Q(stage__in=OPEN_STAGES, due_at__lt=timezone.now())
                                          & ~Q(stage__in=WAITING_STAGES))
        qs = qs.filter(late) if filters.late else qs.exclude(late)
    if filters.q.strip():
        term = filters.q.strip()
        qs = qs.filter(Q(code__iexact=term) | Q(applicant_name__icontains=term) | Q(applicant_phone=term)
                       | Q(applicant_id_number=term))
    return qs.order_by("-submitted_at", "-id")


def dossier_get_visible(*, user, code: str) -> Dossier:
    try:
        return (dossier_list_visible(user=user)
                .prefetch_related(Prefetch("steps", queryset=DossierStep.objects.select_related("unit")))
                .get(code=code))
    except Dossier.DoesNotExist:
        raise NotFound(_("Không tìm thấy hồ sơ %(code)s.") % {"code": code}, code="dossier_not_found") from None


def dossier_events(*, dossier: Dossier) -> QuerySet:
    return DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("at", "id")
