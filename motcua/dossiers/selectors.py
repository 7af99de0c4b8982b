# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads on dossiers, each with the permission filter built in.

An official sees dossiers received at, handled by or returned at a unit in their scope (a province
administrator: the whole province); a citizen only their own; anyone else nothing. A dossier outside
the caller's view is "not found", never "forbidden", so a code reveals nothing.
"""

import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import UserKind
from motcua.accounts.permissions import user_assignments, user_sees_everything, user_visible_units_q
from motcua.accounts.validators import normalize_phone
from motcua.core.errors import NotFound

from .models import (
    OPEN_STAGES,
    RESULT_STAGES,
    WAITING_STAGES,
    Dossier,
    DossierEvent,
    DossierStep,
    Outcome,
    Petition,
    Rating,
    Stage,
    SupplementRequest,
)
from .workflow import Action


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


def _steps_with_units() -> Prefetch:
    return Prefetch("steps", queryset=DossierStep.objects.select_related("unit"))


def dossier_steps_load(*, dossier: Dossier) -> Dossier:
    """Load the dossier's steps with their units in one query (the detail response lists them), for a
    dossier a service has just written rather than one read through `dossier_get_visible`."""
    prefetch_related_objects([dossier], _steps_with_units())
    return dossier


def dossier_get_visible(*, user, code: str) -> Dossier:
    try:
        return dossier_list_visible(user=user).prefetch_related(_steps_with_units()).get(code=code)
    except Dossier.DoesNotExist:
        raise NotFound(_("Không tìm thấy hồ sơ %(code)s.") % {"code": code}, code="dossier_not_found") from None


def dossier_events(*, dossier: Dossier) -> QuerySet:
    return DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("at", "id")


# ---------------------------------------------------------------- the applicant's side (portal)
# Tracking by code and proof, "my dossiers", and what an applicant is shown of a dossier's history.

TRACK_PROOF_MIN_DIGITS = 4
TRACK_PROOF_MAX_DIGITS = 15
TRACK_CODE_MAX_LENGTH = 64
_NOT_DIGITS = re.compile(r"\D")
_SEPARATORS = re.compile(r"[\s.\-()]")
# Compared against when the code is unknown, so an unknown code costs about what a wrong proof costs.
_DUMMY_PROOF = "0" * 12


def _proof_matches(*, proof: str, phone: str, id_number: str) -> bool:
    """Constant-time check of a tracking proof: the applicant's full phone number, or the last
    `TRACK_PROOF_MIN_DIGITS`+ digits of their CCCD (or tax code). Both comparisons always run."""
    raw = _SEPARATORS.sub("", proof or "").removeprefix("+")
    if not raw.isdigit() or not TRACK_PROOF_MIN_DIGITS <= len(raw) <= TRACK_PROOF_MAX_DIGITS:
        return False
    given_phone = normalize_phone(proof)
    known_phone = normalize_phone(phone)
    id_digits = _NOT_DIGITS.sub("", id_number or "")
    tail = id_digits[-len(raw):] if len(raw) <= len(id_digits) else ""
    by_phone = hmac.compare_digest(given_phone.encode(), (known_phone or _DUMMY_PROOF).encode()) and bool(known_phone)
    by_id = hmac.compare_digest(raw.encode(), (tail or _DUMMY_PROOF).encode()) and bool(tail)
    return by_phone | by_id


def track_code_clean(code: str) -> str:
    """A dossier code as typed or scanned: spaces removed, at most 64 characters."""
    return re.sub(r"\s", "", code or "")[:TRACK_CODE_MAX_LENGTH]


def dossier_track(*, code: str, proof: str) -> Dossier | None:
    """Public tracking (tra cứu hồ sơ): the dossier with this code when `proof` is the applicant's phone
    number or the last 4+ digits of their CCCD; None otherwise. An unknown code and a wrong proof are the
    same None, so the code alone reveals nothing."""
    code = track_code_clean(code)
    dossier = None
    if code:
        # The code is unique: a plain LIMIT 1, without the ORDER BY of .first() (cheaper to build, per lookup).
        found = list(Dossier.objects.select_related("procedure", "receiving_unit", "handling_unit", "return_unit",
                                                    "current_step").filter(code=code)[:1])
        dossier = found[0] if found else None
    if dossier is None:
        _proof_matches(proof=proof, phone=_DUMMY_PROOF, id_number=_DUMMY_PROOF)
        return None
    if not _proof_matches(proof=proof, phone=dossier.applicant_phone, id_number=dossier.applicant_id_number):
        return None
    return dossier


def dossier_list_owned(*, user, stages: Iterable[str] | None = None) -> QuerySet:
    """Dossiers whose owner (chủ hồ sơ) is `user`'s account, newest first; nobody else's, whatever roles
    the account holds."""
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    qs = Dossier.objects.filter(owner=user).select_related("procedure", "handling_unit", "return_unit")
    if stages is not None:
        qs = qs.filter(stage__in=list(stages))
    return qs.order_by("-submitted_at", "-id")


def dossier_get_owned(*, user, code: str) -> Dossier:
    try:
        return (dossier_list_owned(user=user)
                .select_related("receiving_unit", "current_step", "owner")
                .prefetch_related(Prefetch("steps", queryset=DossierStep.objects.select_related("unit")))
                .get(code=track_code_clean(code)))
    except Dossier.DoesNotExist:
        raise NotFound(_("Không tìm thấy hồ sơ %(code)s trong các hồ sơ của bạn.") % {"code": code[:64]},
                       code="dossier_not_found") from None


def dossier_supplement_open(*, dossier: Dossier) -> SupplementRequest | None:
    """The supplement request the applicant still has to answer, if the dossier waits for papers."""
    if dossier.stage != Stage.SUPPLEMENT:
        return None
    return dossier.supplements.filter(received_at__isnull=True).order_by("-requested_at", "-id").first()


def dossier_rating_get(*, dossier: Dossier) -> Rating | None:
    return Rating.objects.filter(dossier=dossier).first()


def dossier_petitions(*, dossier: Dossier) -> QuerySet:
    """Petitions about one dossier (for its owner's page: the caller has checked ownership)."""
    return Petition.objects.filter(dossier=dossier).select_related("unit").order_by("-submitted_at", "-id")


@dataclass(frozen=True)
class ApplicantEvent:
    """One line of the history shown to the applicant: what happened and when, never who did it."""

    at: datetime
    action: str
    label: str
    step: str = ""   # the internal-process step reached (its names are published with the procedure)
    note: str = ""   # only what is addressed to the applicant (reasons, missing papers), owner's page only
    new_due: datetime | None = None


# Actions an applicant sees. Hidden: send_back and reassign (internal routing), and anything unknown.
_PUBLIC_LABELS = {
    "submit": gettext_lazy("Nộp hồ sơ trực tuyến"),
    Action.RECEIVE: gettext_lazy("Tiếp nhận hồ sơ"),
    Action.REFUSE: gettext_lazy("Không tiếp nhận hồ sơ"),
    Action.ASSIGN: gettext_lazy("Chuyển xử lý"),
    Action.FORWARD: gettext_lazy("Chuyển bước xử lý"),
    Action.REQUEST_SUPPLEMENT: gettext_lazy("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
    Action.RECEIVE_SUPPLEMENT: gettext_lazy("Tiếp nhận hồ sơ bổ sung"),
    Action.REQUEST_FEES: gettext_lazy("Yêu cầu thực hiện nghĩa vụ tài chính"),
    Action.CONFIRM_FEES: gettext_lazy("Đã thực hiện nghĩa vụ tài chính"),
    Action.CONSULT: gettext_lazy("Lấy ý kiến cơ quan liên quan"),
    Action.ANSWER_CONSULTATION: gettext_lazy("Nhận ý kiến của cơ quan liên quan"),
    Action.STOP: gettext_lazy("Dừng xử lý hồ sơ"),
    Action.WITHDRAW: gettext_lazy("Rút hồ sơ"),
    Action.RESCHEDULE: gettext_lazy("Xin lỗi và hẹn lại ngày trả kết quả"),
    Action.RETURN_RESULT: gettext_lazy("Trả kết quả"),
    "pay_online": gettext_lazy("Thanh toán trực tuyến"),
}
# Seen by the owner only (their own account's page).
_OWNER_LABELS = {
    "attach_file": gettext_lazy("Đính kèm tệp"),
    "rate": gettext_lazy("Đánh giá mức độ hài lòng"),
    "petition": gettext_lazy("Gửi phản ánh, kiến nghị"),
    "petition_answer": gettext_lazy("Trả lời phản ánh, kiến nghị"),
    "petition_rate": gettext_lazy("Đánh giá câu trả lời phản ánh, kiến nghị"),
}
# Notes written to the applicant (Forms 02, 03, 04; reasons for stopping; their own withdrawal reason).
_NOTES_FOR_APPLICANT = {Action.REFUSE, Action.REQUEST_SUPPLEMENT, Action.REQUEST_FEES, Action.STOP,
                        Action.WITHDRAW, Action.RESCHEDULE}
_DONE_LABEL = gettext_lazy("Đã xử lý xong, chờ trả kết quả")
# The kinds of `documents.DossierFile` (that app depends on this one, not the other way round).
_FILE_KINDS = {"thanh_phan": gettext_lazy("Thành phần hồ sơ"), "bo_sung": gettext_lazy("Giấy tờ bổ sung"),
               "ket_qua": gettext_lazy("Kết quả giải quyết")}


def _new_due(event: DossierEvent) -> datetime | None:
    value = event.data.get("due_after") if isinstance(event.data, dict) else None
    if event.action != Action.RESCHEDULE or not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def dossier_events_for_applicant(*, dossier: Dossier, owner_view: bool) -> list[ApplicantEvent]:
    """The dossier's history as the applicant may see it: action names, dates and the process step reached;
    never officials' names, internal routing or internal notes. `owner_view` (the signed-in owner) adds the
    notes addressed to them, files, ratings and petitions; the public tracking page gets neither."""
    labels = {**_PUBLIC_LABELS, **(_OWNER_LABELS if owner_view else {})}
    events = list(DossierEvent.objects.filter(dossier=dossier, action__in=list(labels)).order_by("at", "id"))
    # Only the names of the steps an event reached, and no query at all before the first assignment.
    reached = {event.step_order for event in events
               if event.action in (Action.ASSIGN, Action.FORWARD) and event.step_order is not None}
    steps = (dict(DossierStep.objects.filter(dossier=dossier, order__in=reached).values_list("order", "name"))
             if reached else {})
    entries = []
    for event in events:
        label = labels[event.action]
        step = ""
        if event.action == Action.FORWARD and event.to_stage == Stage.DONE:
            label = _DONE_LABEL
        elif event.action in (Action.ASSIGN, Action.FORWARD) and event.step_order is not None:
            step = steps.get(event.step_order, "")
        elif event.action == "attach_file" and isinstance(event.data, dict):
            if event.data.get("kind") == "ket_qua" and dossier.stage not in RESULT_STAGES:
                continue  # the result is not the applicant's before it is issued
            step = str(_FILE_KINDS.get(event.data.get("kind"), ""))
        note = event.note if owner_view and event.action in _NOTES_FOR_APPLICANT else ""
        entries.append(ApplicantEvent(at=event.at, action=event.action, label=str(label), step=step, note=note,
                                      new_due=_new_due(event)))
    return entries


# ---------------------------------------------------------------- petitions (officials)

PETITION_STATES = ("cho_tra_loi", "qua_han", "da_tra_loi")


def petition_list_visible(*, user, state: str = "", now: datetime | None = None) -> QuerySet:
    """Petitions (phản ánh, kiến nghị) whose unit `user` may see: open ones most urgent first, then the
    answered ones newest first. `state`: "cho_tra_loi" open, "qua_han" open and past due, "da_tra_loi"."""
    if not getattr(user, "is_authenticated", False):
        return Petition.objects.none()
    qs = (Petition.objects.filter(user_visible_units_q(user, fields=("unit__path",)))
          .select_related("dossier", "dossier__procedure", "unit"))
    now = now or timezone.now()
    if state == "cho_tra_loi":
        qs = qs.filter(answered_at__isnull=True)
    elif state == "qua_han":
        qs = qs.filter(answered_at__isnull=True, due_at__lt=now)
    elif state == "da_tra_loi":
        return qs.filter(answered_at__isnull=False).order_by("-answered_at", "-id")
    return qs.order_by(F("answered_at").desc(nulls_first=True), "due_at", "id")


def petition_get_visible(*, user, pk: int) -> Petition:
    petition = petition_list_visible(user=user).filter(pk=pk).select_related("answered_by").first()
    if petition is None:
        raise NotFound(_("Không tìm thấy phản ánh, kiến nghị trong phạm vi của bạn."), code="petition_not_found")
    return petition
