# SPDX-License-Identifier: AGPL-3.0-or-later
"""Everything a dossier can undergo: `grep "def dossier_"` lists it.

Each service: one transaction, the row locked, one guard (`workflow.transition_check`), one
DossierEvent, side effects after commit (`hooks`). Times default to now; tests and imports pass `at`.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.accounts.permissions import user_has_role
from motcua.catalog.models import Level, Procedure, PublicationStatus
from motcua.catalog.selectors import process_for
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.units.models import Unit, UnitKind
from motcua.workdays.calendars import (
    ProcessingTime,
    WorkCalendar,
    clock_start,
    due_after_pause,
    due_at,
    working_time_between,
)
from motcua.workdays.selectors import calendar_for_unit

from . import hooks
from .codes import dossier_code_next
from .models import (
    NATIONAL_STATUS,
    ApplicantKind,
    Channel,
    Consultation,
    Dossier,
    DossierEvent,
    DossierStep,
    ResultDelivery,
    Stage,
    SubmissionKey,
    SupplementRequest,
)
from .rules import judge, notice_is_timely, step_deadlines
from .workflow import Action, previous_working_step, transition_check


@dataclass(frozen=True)
class ApplicantData:
    """Applicant (chủ hồ sơ) as given at submission; `submitter_name` is who came to the desk."""

    name: str
    kind: str = ApplicantKind.CITIZEN
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    submitter_name: str = ""


# ---------------------------------------------------------------- helpers


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _time_of(procedure: Procedure) -> ProcessingTime:
    return ProcessingTime(Decimal(procedure.processing_time_value), procedure.processing_time_unit)


def _calendar(dossier: Dossier) -> WorkCalendar:
    return calendar_for_unit(unit=dossier.handling_unit)


def stage_set(dossier: Dossier, stage: str) -> None:
    """Set the internal stage and the national status that goes with it."""
    dossier.stage = stage
    dossier.status = NATIONAL_STATUS[stage]


def _event(dossier: Dossier, *, action: str, actor, from_stage: str, at: datetime, note: str = "",
           data: dict | None = None) -> DossierEvent:
    event = DossierEvent.objects.create(
        dossier=dossier, at=at, actor=actor if actor is not None and actor.is_authenticated else None,
        action=action, from_stage=from_stage, to_stage=dossier.stage, status=dossier.status,
        step_order=dossier.current_step.order if dossier.current_step_id else None, note=note, data=data or {},
    )
    hooks.event_written(event)
    return event


def _locked(dossier: Dossier) -> Dossier:
    return (Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure", "handling_unit", "receiving_unit", "return_unit", "current_step",
                            "current_step__unit", "owner")
            .get(pk=dossier.pk))


def _save(dossier: Dossier, *fields: str) -> None:
    dossier.save(update_fields=[*fields, "stage", "status", "updated_at"])


def _finish(dossier: Dossier, at: datetime) -> None:
    """End of handling (NgayKetThucXuLy) and its early/on-time/late judgement."""
    dossier.finished_at = at
    if dossier.legal_due_at is not None:
        dossier.outcome = judge(end=at, legal_due=dossier.legal_due_at, supplement_count=dossier.supplement_count,
                                tz=timezone.get_default_timezone())


def _check_holder(user, unit: Unit, role: str) -> None:
    if user is None or not user_has_role(user, unit, role):
        raise ValidationFailed(
            _("%(user)s không giữ vai trò «%(role)s» tại %(unit)s.")
            % {"user": user, "role": Role(role).label, "unit": unit.name}, code="assignee_not_eligible")


# ---------------------------------------------------------------- units and steps


def _resolve_units(*, procedure: Procedure, receiving_unit: Unit, handling_unit: Unit | None,
                   return_unit: Unit | None, on) -> tuple[Unit, Unit, Unit]:
    """Where the dossier is received, handled and returned — regardless of administrative boundary
    within the province (Decree 118/2025) when the procedure allows it."""
    if receiving_unit.kind != UnitKind.SERVICE_CENTER or not receiving_unit.is_active_on(on):
        raise ValidationFailed(_("Hồ sơ phải được tiếp nhận tại một Trung tâm Phục vụ hành chính công đang hoạt động."),
                               code="receiving_unit_invalid")
    province = receiving_unit.province_code
    if procedure.level == Level.PROVINCE:
        handling_unit = procedure.handling_unit or handling_unit
    elif handling_unit is None and receiving_unit.parent.level == "commune":
        handling_unit = receiving_unit.parent
    expected = "agency" if procedure.level == Level.PROVINCE else "commune"
    if handling_unit is None or handling_unit.level != expected or handling_unit.province_code != province:
        raise ValidationFailed(_("Cần chọn đơn vị giải quyết phù hợp với cấp của thủ tục, trong cùng tỉnh."),
                               code="handling_unit_invalid")
    if not handling_unit.is_active_on(on):
        raise ValidationFailed(_("Đơn vị giải quyết %(name)s đã hết hiệu lực.") % {"name": handling_unit.name},
                               code="handling_unit_invalid")
    home_center = receiving_unit.parent_id == (handling_unit.pk if expected == "commune" else handling_unit.parent_id)
    if not procedure.cross_boundary and not home_center:
        raise ValidationFailed(_("Thủ tục này không tiếp nhận phi địa giới hành chính: hãy nộp tại nơi giải quyết."),
                               code="not_cross_boundary")
    return_unit = return_unit or receiving_unit
    if return_unit.kind != UnitKind.SERVICE_CENTER or return_unit.province_code != province:
        raise ValidationFailed(_("Nơi trả kết quả phải là một Trung tâm Phục vụ hành chính công trong tỉnh."),
                               code="return_unit_invalid")
    return receiving_unit, handling_unit, return_unit


def step_plan(dossier: Dossier) -> list[tuple[int, str, str, Decimal, Unit | None]]:
    processes = getattr(dossier.procedure, "_prefetched_objects_cache", {}).get("processes")
    # The province matters only when a province approved its own process: when the caller prefetched the
    # processes and there is only the default one, skip the lookup (process_for then gives the default).
    if processes is not None and all(p.province_id is None for p in processes):
        province = None
    else:
        province = Unit.objects.filter(code=dossier.handling_unit.province_code).first()
    process = process_for(procedure=dossier.procedure, province=province)
    if process is None:  # a procedure without an approved process: receive → appraise → return
        total = Decimal(dossier.procedure.processing_time_value)
        # Stored on the dossier and printed on official forms: Vietnamese data, never the UI language.
        return [(1, "Tiếp nhận hồ sơ", Role.RECEIVER, Decimal(0), None),
                (2, "Thẩm định, giải quyết", Role.SPECIALIST, total, None),
                (3, "Trả kết quả", Role.RECEIVER, Decimal(0), None)]
    # Steps that name a unit: one join rather than one query per step, unless the caller prefetched them.
    steps = (process.steps.all() if "steps" in getattr(process, "_prefetched_objects_cache", {})
             else process.steps.select_related("unit"))
    return [(s.order, s.name, s.role, s.allowance, s.unit) for s in steps]


def steps_build(dossier: Dossier, plan: list | None = None) -> list[DossierStep]:
    """The dossier's steps, unsaved, from the procedure's process (`step_plan`): a receiver step is at the
    receiving center when first and at the return center after; the others at the handling unit unless
    the process names a unit."""
    steps = []
    for index, (order, name, role, allowance, unit) in enumerate(plan if plan is not None else step_plan(dossier)):
        if unit is None:
            if role == Role.RECEIVER:
                unit = dossier.receiving_unit if index == 0 else dossier.return_unit
            else:
                unit = dossier.handling_unit
        steps.append(DossierStep(dossier=dossier, order=order, name=name, role=role, unit=unit, allowance=allowance))
    return steps


def _create_steps(dossier: Dossier) -> list[DossierStep]:
    return DossierStep.objects.bulk_create(steps_build(dossier))


def _schedule(dossier: Dossier, steps: list[DossierStep], start: datetime) -> None:
    """(Re)start the clock at `start`: due moment of the dossier and of every step."""
    cal = _calendar(dossier)
    time = _time_of(dossier.procedure)
    dossier.clock_started_at = start
    dossier.legal_due_at = dossier.due_at = due_at(cal, start, time)
    for step, deadline in zip(steps, step_deadlines(cal, start, [s.allowance for s in steps], time.unit),
                              strict=True):
        step.due_at = deadline
    DossierStep.objects.bulk_update(steps, ["due_at"])


def _accept(dossier: Dossier, *, actor, at: datetime) -> None:
    """Acceptance (tiếp nhận): the clock starts, the receive step is done, the next step waits."""
    steps = list(dossier.steps.order_by("order")) or _create_steps(dossier)
    dossier.received_at = at
    cal = _calendar(dossier)
    _schedule(dossier, steps, clock_start(cal, at, channel_is_paper=dossier.channel != Channel.ONLINE))
    first = steps[0]
    if first.role == Role.RECEIVER and len(steps) > 1:
        first.started_at, first.finished_at = at, at
        first.assignee = actor if actor is not None and actor.is_authenticated else None
        first.save(update_fields=["started_at", "finished_at", "assignee"])
        first = steps[1]
    dossier.current_step = first
    stage_set(dossier, Stage.RECEIVED)


# ---------------------------------------------------------------- submission and receipt


def _new_dossier(*, procedure, channel, receiving_unit, handling_unit, return_unit, applicant: ApplicantData,
                 owner, form_data, result_delivery, identity_verified, stage, at) -> Dossier:
    if procedure.publication_status != PublicationStatus.PUBLISHED:
        raise ValidationFailed(_("Thủ tục %(code)s không còn được tiếp nhận.") % {"code": procedure.code},
                               code="procedure_not_published")
    if not (applicant.name or "").strip():
        raise ValidationFailed(_("Cần ghi họ tên chủ hồ sơ."), code="applicant_required")
    receiving_unit, handling_unit, return_unit = _resolve_units(
        procedure=procedure, receiving_unit=receiving_unit, handling_unit=handling_unit, return_unit=return_unit,
        on=timezone.localdate(at))
    dossier = Dossier(
        code=dossier_code_next(unit=receiving_unit, day=timezone.localdate(at)), procedure=procedure,
        channel=channel, owner=owner, applicant_kind=applicant.kind, applicant_name=applicant.name.strip(),
        applicant_id_number=applicant.id_number, applicant_phone=applicant.phone, applicant_email=applicant.email,
        applicant_address=applicant.address, submitter_name=applicant.submitter_name or applicant.name,
        form_data=form_data or {}, identity_verified=identity_verified, result_delivery=result_delivery,
        receiving_unit=receiving_unit, handling_unit=handling_unit, return_unit=return_unit, submitted_at=at,
        fee_total=sum(fee.amount for fee in procedure.fees.all()),
    )
    stage_set(dossier, stage)
    dossier.save()
    _create_steps(dossier)
    return dossier


def submission_fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def dossier_submit_online(
    *, procedure: Procedure, receiving_unit: Unit, applicant: ApplicantData, owner=None,
    handling_unit: Unit | None = None, return_unit: Unit | None = None, form_data: dict | None = None,
    result_delivery: str = ResultDelivery.ONLINE, idempotency_key: str = "", fingerprint: str = "",
    identity_verified: bool | None = None, at: datetime | None = None,
) -> tuple[Dossier, bool]:
    """Online submission (nộp trực tuyến, status 1). With an idempotency key, the same key and body give
    back the same dossier (created=False); the same key with another body is refused.
    `identity_verified`: the session logged in through the national identity provider (VNeID); when not
    given, the account's own flag."""
    at = _now(at)
    scope = f"user:{owner.pk}" if owner is not None and owner.is_authenticated else "anon"
    if idempotency_key:
        replay = _submission_replay(scope, idempotency_key, fingerprint)
        if replay is not None:
            return replay, False
    try:
        with transaction.atomic():
            dossier = _new_dossier(
                procedure=procedure, channel=Channel.ONLINE, receiving_unit=receiving_unit,
                handling_unit=handling_unit, return_unit=return_unit, applicant=applicant,
                owner=owner if scope != "anon" else None, form_data=form_data, result_delivery=result_delivery,
                identity_verified=(bool(identity_verified) if identity_verified is not None and scope != "anon"
                                   else bool(owner is not None and getattr(owner, "identity_verified", False))),
                stage=Stage.SUBMITTED, at=at)
            if idempotency_key:
                SubmissionKey.objects.create(scope=scope, key=idempotency_key, fingerprint=fingerprint,
                                             dossier=dossier)
            _event(dossier, action="submit", actor=owner, from_stage="", at=at)
    except IntegrityError:
        replay = _submission_replay(scope, idempotency_key, fingerprint) if idempotency_key else None
        if replay is None:
            raise
        return replay, False
    return dossier, True


def _submission_replay(scope: str, key: str, fingerprint: str) -> Dossier | None:
    # Most keys are new: a plain lookup first; the dossier (with what its response reads) only on a replay.
    found = list(SubmissionKey.objects.filter(scope=scope, key=key).values_list("fingerprint", "dossier_id")[:1])
    if not found:
        return None
    used = found[0]
    if used[0] != fingerprint:
        raise Conflict(_("Khóa Idempotency-Key này đã được dùng cho một hồ sơ khác."), code="idempotency_key_reused")
    return (Dossier.objects.select_related("procedure", "receiving_unit", "handling_unit", "return_unit", "assignee")
            .get(pk=used[1]))


@transaction.atomic
def dossier_receive_in_person(
    *, procedure: Procedure, receiving_unit: Unit, applicant: ApplicantData, actor,
    handling_unit: Unit | None = None, return_unit: Unit | None = None, channel: int = Channel.IN_PERSON,
    owner=None, form_data: dict | None = None, result_delivery: str = ResultDelivery.AT_CENTER,
    assignee=None, at: datetime | None = None,
) -> Dossier:
    """Receipt at the desk or by post (tiếp nhận trực tiếp / qua bưu chính): accepted at once."""
    at = _now(at)
    if channel not in (Channel.IN_PERSON, Channel.POST):
        raise ValidationFailed(_("Tại quầy chỉ tiếp nhận hồ sơ nộp trực tiếp hoặc qua bưu chính."), code="channel_invalid")
    if not user_has_role(actor, receiving_unit, Role.RECEIVER):
        raise PermissionDenied(_("Chỉ cán bộ tiếp nhận của %(unit)s được tiếp nhận hồ sơ tại đây.")
                               % {"unit": receiving_unit.name}, code="transition_forbidden")
    dossier = _new_dossier(
        procedure=procedure, channel=channel, receiving_unit=receiving_unit, handling_unit=handling_unit,
        return_unit=return_unit, applicant=applicant, owner=owner, form_data=form_data,
        result_delivery=result_delivery, identity_verified=False, stage=Stage.SUBMITTED, at=at)
    _accept(dossier, actor=actor, at=at)
    _save(dossier, "received_at", "clock_started_at", "due_at", "legal_due_at", "current_step")
    _event(dossier, action=Action.RECEIVE, actor=actor, from_stage="", at=at)
    if assignee is not None:
        _assign(dossier, actor=actor, assignee=assignee, at=at)
    return dossier


@transaction.atomic
def dossier_receive(*, dossier: Dossier, actor, at: datetime | None = None) -> Dossier:
    """Accept an online submission (status 1 → 2)."""
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.RECEIVE, actor)
    _accept(dossier, actor=actor, at=at)
    _save(dossier, "received_at", "clock_started_at", "due_at", "legal_due_at", "current_step")
    _event(dossier, action=Action.RECEIVE, actor=actor, from_stage=Stage.SUBMITTED, at=at)
    return dossier


@transaction.atomic
def dossier_refuse(*, dossier: Dossier, actor, reason: str, at: datetime | None = None) -> Dossier:
    """Refuse at reception (không tiếp nhận, Form 03): never accepted, so never judged on time."""
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.REFUSE, actor, reason)
    stage_set(dossier, Stage.REFUSED)
    dossier.closing_note, dossier.finished_at = reason.strip(), at
    _save(dossier, "closing_note", "finished_at")
    _event(dossier, action=Action.REFUSE, actor=actor, from_stage=Stage.SUBMITTED, at=at, note=reason)
    return dossier


# ---------------------------------------------------------------- the internal process


def _start_step(dossier: Dossier, step: DossierStep, *, assignee, at: datetime) -> None:
    if assignee is not None:
        _check_holder(assignee, step.unit, step.role)
    step.started_at, step.finished_at, step.assignee = at, None, assignee
    step.save(update_fields=["started_at", "finished_at", "assignee"])
    dossier.current_step, dossier.assignee = step, assignee


def _assign(dossier: Dossier, *, actor, assignee, at: datetime, note: str = "") -> None:
    if assignee is None:
        raise ValidationFailed(_("Cần chọn người xử lý."), code="assignee_required")
    _start_step(dossier, dossier.current_step, assignee=assignee, at=at)
    stage_set(dossier, Stage.PROCESSING)
    _save(dossier, "current_step", "assignee")
    _event(dossier, action=Action.ASSIGN, actor=actor, from_stage=Stage.RECEIVED, at=at, note=note,
           data={"assignee": assignee.pk})


@transaction.atomic
def dossier_assign(*, dossier: Dossier, actor, assignee, note: str = "", at: datetime | None = None) -> Dossier:
    """Hand the accepted dossier to the official of the next step (usually a specialist)."""
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.ASSIGN, actor, note)
    _assign(dossier, actor=actor, assignee=assignee, at=at, note=note)
    return dossier


@transaction.atomic
def dossier_forward(*, dossier: Dossier, actor, note: str = "", assignee=None, at: datetime | None = None) -> Dossier:
    """Finish the current step and move to the next (appraise → approve → sign → issue). Past the last
    working step the dossier is done (status 9): the result waits at the return desk."""
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.FORWARD, actor, note)
    step = dossier.current_step
    step.finished_at = at
    step.assignee = step.assignee or actor
    step.save(update_fields=["finished_at", "assignee"])
    following = list(dossier.steps.filter(order__gt=step.order).select_related("unit").order_by("order"))
    if not following or (len(following) == 1 and following[0].role == Role.RECEIVER):
        stage_set(dossier, Stage.DONE)
        _finish(dossier, at)
        dossier.current_step, dossier.assignee = (following[0] if following else None), None
        if following:
            following[0].started_at = at
            following[0].save(update_fields=["started_at"])
        _save(dossier, "current_step", "assignee", "finished_at", "outcome")
    else:
        _start_step(dossier, following[0], assignee=assignee, at=at)
        _save(dossier, "current_step", "assignee")
    _event(dossier, action=Action.FORWARD, actor=actor, from_stage=Stage.PROCESSING, at=at, note=note,
           data={"from_step": step.order})
    return dossier


@transaction.atomic
def dossier_send_back(*, dossier: Dossier, actor, reason: str, at: datetime | None = None) -> Dossier:
    """Return the dossier to the previous working step with a reason (e.g. the leader sends it back to
    the specialist); the previous step's official takes it again."""
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.SEND_BACK, actor, reason)
    step = dossier.current_step
    previous = previous_working_step(dossier)
    if previous is None:
        raise Conflict(_("Đây là bước xử lý đầu tiên, không có bước trước để trả lại."), code="no_previous_step")
    step.started_at = step.finished_at = None
    step.save(update_fields=["started_at", "finished_at"])
    _start_step(dossier, previous, assignee=previous.assignee, at=at)
    _save(dossier, "current_step", "assignee")
    _event(dossier, action=Action.SEND_BACK, actor=actor, from_stage=Stage.PROCESSING, at=at, note=reason,
           data={"from_step": step.order, "to_step": previous.order})
    return dossier


@transaction.atomic
def dossier_reassign(*, dossier: Dossier, actor, assignee, note: str = "", at: datetime | None = None) -> Dossier:
    """A department leader gives the current step to another official holding its role."""
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.REASSIGN, actor, note)
    step = dossier.current_step
    _check_holder(assignee, step.unit, step.role)
    step.assignee = dossier.assignee = assignee
    step.save(update_fields=["assignee"])
    _save(dossier, "assignee")
    _event(dossier, action=Action.REASSIGN, actor=actor, from_stage=dossier.stage, at=at, note=note,
           data={"assignee": assignee.pk})
    return dossier


# ---------------------------------------------------------------- waiting for the applicant


@transaction.atomic
def dossier_request_supplement(*, dossier: Dossier, actor, missing: str, at: datetime | None = None) -> Dossier:
    """Ask the applicant for missing papers (Form 02). The clock stops; it restarts from zero when the
    complete dossier arrives. A second request makes the dossier late in the national index."""
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.REQUEST_SUPPLEMENT, actor, missing)
    cal = _calendar(dossier)
    within = working_time_between(cal, dossier.received_at, at) <= 3 * cal.day_length
    SupplementRequest.objects.create(dossier=dossier, requested_at=at, requested_by=actor, missing=missing.strip(),
                                     due_before=dossier.due_at)
    dossier.supplement_count += 1
    stage_set(dossier, Stage.SUPPLEMENT)
    _save(dossier, "supplement_count")
    _event(dossier, action=Action.REQUEST_SUPPLEMENT, actor=actor, from_stage=Stage.PROCESSING, at=at,
           note=missing, data={"within_3_working_days": within, "count": dossier.supplement_count})
    return dossier


@transaction.atomic
def dossier_receive_supplement(*, dossier: Dossier, actor, note: str = "", at: datetime | None = None) -> Dossier:
    """The complete dossier arrived: the processing time restarts from zero (Decree 61/2018)."""
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.RECEIVE_SUPPLEMENT, actor, note)
    request = dossier.supplements.filter(received_at__isnull=True).latest("requested_at")
    steps = list(dossier.steps.order_by("order"))
    paper = not (actor is not None and actor.pk == dossier.owner_id)
    _schedule(dossier, steps, clock_start(_calendar(dossier), at, channel_is_paper=paper))
    request.received_at, request.due_after = at, dossier.due_at
    request.save(update_fields=["received_at", "due_after"])
    stage_set(dossier, Stage.PROCESSING)
    _save(dossier, "clock_started_at", "due_at", "legal_due_at")
    _event(dossier, action=Action.RECEIVE_SUPPLEMENT, actor=actor, from_stage=Stage.SUPPLEMENT, at=at, note=note,
           data={"due_before": request.due_before.isoformat(), "due_after": dossier.due_at.isoformat()})
    return dossier


@transaction.atomic
def dossier_request_fees(*, dossier: Dossier, actor, note: str, at: datetime | None = None) -> Dossier:
    """Ask the applicant to meet financial obligations (status 6). The office's clock pauses."""
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.REQUEST_FEES, actor, note)
    stage_set(dossier, Stage.FEES)
    _save(dossier)
    _event(dossier, action=Action.REQUEST_FEES, actor=actor, from_stage=Stage.PROCESSING, at=at, note=note)
    return dossier


@transaction.atomic
def dossier_confirm_fees(*, dossier: Dossier, actor, note: str = "", at: datetime | None = None) -> Dossier:
    """Obligations met: the clock resumes and the due moment moves by the office time spent waiting."""
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.CONFIRM_FEES, actor, note)
    paused = dossier.events.filter(action=Action.REQUEST_FEES).latest("at", "id").at
    cal = _calendar(dossier)
    dossier.legal_due_at = due_after_pause(cal, dossier.legal_due_at, paused, at)
    dossier.due_at = due_after_pause(cal, dossier.due_at, paused, at)
    stage_set(dossier, Stage.PROCESSING)
    _save(dossier, "legal_due_at", "due_at")
    _event(dossier, action=Action.CONFIRM_FEES, actor=actor, from_stage=Stage.FEES, at=at, note=note)
    return dossier


# ---------------------------------------------------------------- consultation


@transaction.atomic
def dossier_consult(*, dossier: Dossier, actor, unit: Unit, question: str, days: int = 5,
                    at: datetime | None = None) -> Consultation:
    """Ask another agency's opinion (xin ý kiến / liên thông) with its own deadline in working days."""
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.CONSULT, actor, question)
    if unit.pk == dossier.handling_unit_id or days < 1:
        raise ValidationFailed(_("Cần chọn cơ quan khác và thời hạn trả lời ít nhất 1 ngày làm việc."),
                               code="consultation_invalid")
    deadline = due_at(calendar_for_unit(unit=unit), at, ProcessingTime(days, "working_days"))
    consultation = Consultation.objects.create(dossier=dossier, unit=unit, question=question.strip(),
                                               requested_at=at, due_at=deadline)
    stage_set(dossier, Stage.CONSULTING)
    _save(dossier)
    _event(dossier, action=Action.CONSULT, actor=actor, from_stage=Stage.PROCESSING, at=at, note=question,
           data={"unit": unit.code, "due_at": deadline.isoformat()})
    return consultation


@transaction.atomic
def dossier_answer_consultation(*, dossier: Dossier, actor, answer: str, at: datetime | None = None) -> Dossier:
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.ANSWER_CONSULTATION, actor, answer)
    consultation = dossier.consultations.filter(answered_at__isnull=True).latest("requested_at")
    consultation.answered_at, consultation.answer = at, answer.strip()
    consultation.save(update_fields=["answered_at", "answer"])
    stage_set(dossier, Stage.PROCESSING)
    _save(dossier)
    _event(dossier, action=Action.ANSWER_CONSULTATION, actor=actor, from_stage=Stage.CONSULTING, at=at, note=answer,
           data={"on_time": at <= consultation.due_at})
    return dossier


# ---------------------------------------------------------------- endings and promises


@transaction.atomic
def dossier_stop(*, dossier: Dossier, actor, reason: str, at: datetime | None = None) -> Dossier:
    """Stop handling / refuse after appraisal (dừng xử lý, status 8), with reasons, within the time."""
    at, dossier = _now(at), _locked(dossier)
    from_stage = dossier.stage
    transition_check(dossier, Action.STOP, actor, reason)
    stage_set(dossier, Stage.STOPPED)
    dossier.closing_note = reason.strip()
    _finish(dossier, at)
    _save(dossier, "closing_note", "finished_at", "outcome")
    _event(dossier, action=Action.STOP, actor=actor, from_stage=from_stage, at=at, note=reason)
    return dossier


@transaction.atomic
def dossier_withdraw(*, dossier: Dossier, actor, reason: str, at: datetime | None = None) -> Dossier:
    """The applicant withdraws (status 7). An accepted dossier ends, and is judged, at withdrawal."""
    at, dossier = _now(at), _locked(dossier)
    from_stage = dossier.stage
    transition_check(dossier, Action.WITHDRAW, actor, reason)
    stage_set(dossier, Stage.WITHDRAWN)
    dossier.closing_note = reason.strip()
    if dossier.received_at is not None:
        _finish(dossier, at)
    else:
        dossier.finished_at = at
    _save(dossier, "closing_note", "finished_at", "outcome")
    _event(dossier, action=Action.WITHDRAW, actor=actor, from_stage=from_stage, at=at, note=reason)
    return dossier


@transaction.atomic
def dossier_reschedule(*, dossier: Dossier, actor, new_due_at: datetime, reason: str,
                       at: datetime | None = None) -> Dossier:
    """Apology and new date (Form 04): allowed once. The applicant is told; the dossier is still judged
    against the legal due moment."""
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.RESCHEDULE, actor, reason)
    if dossier.rescheduled_at is not None:
        raise Conflict(_("Hồ sơ %(code)s đã được hẹn lại một lần; không được hẹn lại lần nữa.")
                       % {"code": dossier.code}, code="already_rescheduled")
    if timezone.is_naive(new_due_at) or new_due_at <= dossier.due_at:
        raise ValidationFailed(_("Ngày hẹn trả mới phải sau ngày hẹn hiện tại."), code="new_due_invalid")
    timely = notice_is_timely(_calendar(dossier), notice_at=at, due=dossier.due_at)
    old = dossier.due_at
    dossier.due_at, dossier.rescheduled_at = new_due_at, at
    _save(dossier, "due_at", "rescheduled_at")
    _event(dossier, action=Action.RESCHEDULE, actor=actor, from_stage=dossier.stage, at=at, note=reason,
           data={"due_before": old.isoformat(), "due_after": new_due_at.isoformat(), "timely_notice": timely})
    return dossier


@transaction.atomic
def dossier_return_result(*, dossier: Dossier, actor, note: str = "", at: datetime | None = None) -> Dossier:
    """Hand the result to the applicant (status 10), at the return center or online."""
    at, dossier = _now(at), _locked(dossier)
    transition_check(dossier, Action.RETURN_RESULT, actor, note)
    if dossier.current_step_id:
        DossierStep.objects.filter(pk=dossier.current_step_id).update(finished_at=at, assignee=actor)
    stage_set(dossier, Stage.RETURNED)
    dossier.returned_at = at
    _save(dossier, "returned_at")
    _event(dossier, action=Action.RETURN_RESULT, actor=actor, from_stage=Stage.DONE, at=at, note=note)
    return dossier


# ---------------------------------------------------------------- one entry point for the API


def dossier_transition(*, dossier: Dossier, action: str, actor, note: str = "", assignee=None, unit=None,
                       new_due_at: datetime | None = None, days: int = 5) -> Dossier:
    """Dispatch an action by name (API and back office), each to its service above."""
    calls = {
        Action.RECEIVE: lambda: dossier_receive(dossier=dossier, actor=actor),
        Action.REFUSE: lambda: dossier_refuse(dossier=dossier, actor=actor, reason=note),
        Action.ASSIGN: lambda: dossier_assign(dossier=dossier, actor=actor, assignee=assignee, note=note),
        Action.FORWARD: lambda: dossier_forward(dossier=dossier, actor=actor, note=note, assignee=assignee),
        Action.SEND_BACK: lambda: dossier_send_back(dossier=dossier, actor=actor, reason=note),
        Action.REASSIGN: lambda: dossier_reassign(dossier=dossier, actor=actor, assignee=assignee, note=note),
        Action.REQUEST_SUPPLEMENT: lambda: dossier_request_supplement(dossier=dossier, actor=actor, missing=note),
        Action.RECEIVE_SUPPLEMENT: lambda: dossier_receive_supplement(dossier=dossier, actor=actor, note=note),
        Action.REQUEST_FEES: lambda: dossier_request_fees(dossier=dossier, actor=actor, note=note),
        Action.CONFIRM_FEES: lambda: dossier_confirm_fees(dossier=dossier, actor=actor, note=note),
        Action.CONSULT: lambda: dossier_consult(dossier=dossier, actor=actor, unit=unit, question=note, days=days),
        Action.ANSWER_CONSULTATION: lambda: dossier_answer_consultation(dossier=dossier, actor=actor, answer=note),
        Action.STOP: lambda: dossier_stop(dossier=dossier, actor=actor, reason=note),
        Action.WITHDRAW: lambda: dossier_withdraw(dossier=dossier, actor=actor, reason=note),
        Action.RESCHEDULE: lambda: dossier_reschedule(dossier=dossier, actor=actor, new_due_at=new_due_at,
                                                      reason=note),
        Action.RETURN_RESULT: lambda: dossier_return_result(dossier=dossier, actor=actor, note=note),
    }
    if action not in calls:
        raise ValidationFailed(_("Thao tác «%(action)s» không tồn tại.") % {"action": action}, code="action_unknown")
    if action in (Action.ASSIGN, Action.REASSIGN) and assignee is None:
        raise ValidationFailed(_("Cần chọn người xử lý."), code="assignee_required")
    if action == Action.CONSULT and unit is None:
        raise ValidationFailed(_("Cần chọn cơ quan được xin ý kiến."), code="consultation_invalid")
    if action == Action.RESCHEDULE and new_due_at is None:
        raise ValidationFailed(_("Cần ngày hẹn trả mới."), code="new_due_invalid")
    result = calls[action]()
    return result.dossier if isinstance(result, Consultation) else result


# ---------------------------------------------------------------- facts recorded by other apps' services


@transaction.atomic
def dossier_event_record(*, dossier: Dossier, action: str, actor=None, note: str = "", data: dict | None = None,
                         at: datetime | None = None) -> DossierEvent:
    """An event that does not change the stage (rating, petition, file, payment): other apps' services call
    this in their own transaction so the dossier's history and the index counters see it."""
    return _event(dossier, action=action, actor=actor, from_stage=dossier.stage, at=_now(at), note=note, data=data)


@transaction.atomic
def dossier_mark_paid_online(*, dossier: Dossier, amount: int, channel: int = 2, reference: str = "",
                             at: datetime | None = None) -> Dossier:
    """Online payment confirmed by the gateway (DuocThanhToanTrucTuyen: 1 national portal, 2 province).
    Repeating it changes nothing."""
    dossier = _locked(dossier)
    if dossier.paid_online:
        return dossier
    if channel not in (1, 2):
        raise ValidationFailed(_("Kênh thanh toán không hợp lệ."), code="payment_channel_invalid")
    dossier.paid_online = channel
    dossier.save(update_fields=["paid_online", "updated_at"])
    _event(dossier, action="pay_online", actor=None, from_stage=dossier.stage, at=_now(at),
           data={"amount": amount, "reference": reference, "channel": channel})
    return dossier
