# SPDX-License-Identifier: AGPL-3.0-or-later
"""The workflow as data: which action is allowed from which stage, and who may take it.

One guard (`transition_check`) reads this table for every service; a refusal carries a code and a
Vietnamese message and the edge turns it into 403/409.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import Role
from motcua.accounts.permissions import user_has_role
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed

from .models import OPEN_STAGES, Dossier, Stage


class Action(models.TextChoices):
    RECEIVE = "receive", gettext_lazy("Tiếp nhận hồ sơ")
    REFUSE = "refuse", gettext_lazy("Từ chối tiếp nhận")
    ASSIGN = "assign", gettext_lazy("Chuyển xử lý")
    FORWARD = "forward", gettext_lazy("Chuyển bước tiếp theo")
    SEND_BACK = "send_back", gettext_lazy("Trả lại bước trước")
    REASSIGN = "reassign", gettext_lazy("Phân công lại")
    REQUEST_SUPPLEMENT = "request_supplement", gettext_lazy("Yêu cầu bổ sung hồ sơ")
    RECEIVE_SUPPLEMENT = "receive_supplement", gettext_lazy("Tiếp nhận hồ sơ bổ sung")
    REQUEST_FEES = "request_fees", gettext_lazy("Yêu cầu thực hiện nghĩa vụ tài chính")
    CONFIRM_FEES = "confirm_fees", gettext_lazy("Xác nhận đã thực hiện nghĩa vụ tài chính")
    CONSULT = "consult", gettext_lazy("Xin ý kiến cơ quan khác")
    ANSWER_CONSULTATION = "answer_consultation", gettext_lazy("Nhận ý kiến trả lời")
    STOP = "stop", gettext_lazy("Dừng xử lý, từ chối giải quyết")
    WITHDRAW = "withdraw", gettext_lazy("Rút hồ sơ")
    RESCHEDULE = "reschedule", gettext_lazy("Xin lỗi và hẹn lại ngày trả")
    RETURN_RESULT = "return_result", gettext_lazy("Trả kết quả")


STEP = "step"    # the role of the dossier's current step, at that step's unit
OWNER = "owner"  # the applicant's own account


@dataclass(frozen=True)
class Rule:
    sources: tuple[str, ...]
    who: tuple[tuple[str, str], ...]  # (role | STEP | OWNER, side: receiving | handling | return | step | owner)
    needs_note: bool = False
    step_roles: tuple[str, ...] = ()  # for STEP: only when the current step has one of these roles


_LEADERS = ((Role.DEPARTMENT_LEADER, "handling"), (Role.SIGNING_LEADER, "handling"))
RULES: dict[str, Rule] = {
    Action.RECEIVE: Rule((Stage.SUBMITTED,), ((Role.RECEIVER, "receiving"),)),
    Action.REFUSE: Rule((Stage.SUBMITTED,), ((Role.RECEIVER, "receiving"),), needs_note=True),
    Action.ASSIGN: Rule((Stage.RECEIVED,), ((Role.RECEIVER, "receiving"), (Role.DEPARTMENT_LEADER, "handling"))),
    Action.FORWARD: Rule((Stage.PROCESSING,), ((STEP, "step"),)),
    Action.SEND_BACK: Rule((Stage.PROCESSING,), ((STEP, "step"),), needs_note=True),
    Action.REASSIGN: Rule((Stage.PROCESSING,), ((Role.DEPARTMENT_LEADER, "handling"),)),
    Action.REQUEST_SUPPLEMENT: Rule((Stage.PROCESSING,), ((STEP, "step"),), needs_note=True,
                                    step_roles=(Role.SPECIALIST,)),
    Action.RECEIVE_SUPPLEMENT: Rule((Stage.SUPPLEMENT,), ((Role.RECEIVER, "receiving"), (OWNER, "owner"))),
    Action.REQUEST_FEES: Rule((Stage.PROCESSING,), ((STEP, "step"),), needs_note=True, step_roles=(Role.SPECIALIST,)),
    Action.CONFIRM_FEES: Rule((Stage.FEES,), ((Role.RECEIVER, "receiving"), (Role.SPECIALIST, "handling"))),
    Action.CONSULT: Rule((Stage.PROCESSING,), ((STEP, "step"),), needs_note=True, step_roles=(Role.SPECIALIST,)),
    Action.ANSWER_CONSULTATION: Rule((Stage.CONSULTING,), ((Role.SPECIALIST, "handling"),), needs_note=True),
    Action.STOP: Rule((Stage.PROCESSING, Stage.CONSULTING), ((STEP, "step"), *_LEADERS), needs_note=True),
    Action.WITHDRAW: Rule(OPEN_STAGES, ((OWNER, "owner"), (Role.RECEIVER, "receiving")), needs_note=True),
    Action.RESCHEDULE: Rule((Stage.RECEIVED, Stage.PROCESSING, Stage.CONSULTING), ((STEP, "step"), *_LEADERS),
                            needs_note=True),
    Action.RETURN_RESULT: Rule((Stage.DONE,), ((Role.RECEIVER, "return"), (Role.RECEIVER, "receiving"))),
}


def _side_unit(dossier: Dossier, side: str):
    return {"receiving": dossier.receiving_unit, "handling": dossier.handling_unit,
            "return": dossier.return_unit}.get(side)


def _allowed_by(dossier: Dossier, actor, rule: Rule, role: str, side: str) -> bool:
    if role == OWNER:
        return bool(actor.is_authenticated and dossier.owner_id == actor.pk)
    if role == STEP:
        step = dossier.current_step
        if step is None or (rule.step_roles and step.role not in rule.step_roles):
            return False
        if step.assignee_id is not None and step.assignee_id != actor.pk:
            return False
        return user_has_role(actor, step.unit, step.role)
    return user_has_role(actor, _side_unit(dossier, side), role)


def previous_working_step(dossier: Dossier):
    """The working step a dossier can be sent back to: the last started one before the current step."""
    if dossier.current_step_id is None:
        return None
    return (dossier.steps.filter(order__lt=dossier.current_step.order, started_at__isnull=False)
            .exclude(role=Role.RECEIVER).select_related("unit", "assignee").order_by("-order").first())


# Conditions beyond stage and role, so that a button is never offered for an action bound to fail.
PRECONDITIONS = {Action.SEND_BACK: lambda dossier: previous_working_step(dossier) is not None}


def transition_allowed(dossier: Dossier, action: str, actor) -> bool:
    """May `actor` take `action` on `dossier` now? (for showing only the possible buttons)."""
    rule = RULES[action]
    return (dossier.stage in rule.sources and any(_allowed_by(dossier, actor, rule, r, s) for r, s in rule.who)
            and PRECONDITIONS.get(action, lambda _d: True)(dossier))


def transition_check(dossier: Dossier, action: str, actor, note: str = "") -> Rule:
    """The one guard: the stage allows the action, the actor may take it, a reason is given if needed."""
    rule = RULES[action]
    if dossier.stage not in rule.sources:
        raise Conflict(
            _("Không thể «%(action)s» khi hồ sơ %(code)s đang ở trạng thái «%(stage)s».")
            % {"action": Action(action).label, "code": dossier.code, "stage": Stage(dossier.stage).label},
            code="transition_not_allowed",
        )
    if not any(_allowed_by(dossier, actor, rule, role, side) for role, side in rule.who):
        raise PermissionDenied(
            _("Bạn không có quyền «%(action)s» đối với hồ sơ %(code)s.")
            % {"action": Action(action).label, "code": dossier.code},
            code="transition_forbidden",
        )
    if rule.needs_note and not (note or "").strip():
        raise ValidationFailed(
            _("Cần nêu rõ lý do hoặc nội dung khi «%(action)s».") % {"action": Action(action).label},
            code="note_required",
        )
    return rule


def actions_available(dossier: Dossier, actor) -> list[str]:
    return [action for action in RULES if transition_allowed(dossier, action, actor)]
