# SPDX-License-Identifier: AGPL-3.0-or-later
"""Inbox (hộp việc) of the back office: what waits for an official, with the permission filter built in.

Every tab is a condition over `dossier_list_visible(user=...)` narrowed to the units where the user holds
the role the workflow (`workflow.RULES`) asks for, so a tab never lists a dossier the user may not see
and a tab the user holds no role for is not offered at all. The counts of every tab come from one
aggregate query, whatever the number of dossiers. Tabs are keys: their words belong to the interface.

Also here: the other reads of the officers' pages (steps, papers, who may take a step, where a dossier
may be received and handled) and the pure "how much office time is left" of a dossier.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, RoleAssignment, User, UserKind, active_assignment_q
from motcua.accounts.permissions import user_assignments, user_sees_everything
from motcua.catalog.models import Level, Procedure, RequiredPaper
from motcua.catalog.selectors import process_for
from motcua.core.errors import ValidationFailed
from motcua.units.models import COMMUNE_KINDS, Unit, UnitKind
from motcua.workdays.calendars import WorkCalendar, add_working_days, working_time_between
from motcua.workdays.selectors import calendar_for_unit

from .models import OPEN_STAGES, WAITING_STAGES, Dossier, DossierStep, Stage
from .selectors import DossierFilters, dossier_list_visible
from .workflow import Action

# Stages in which the office's clock runs (waiting for the citizen pauses it).
RUNNING_STAGES = tuple(s for s in OPEN_STAGES if s not in WAITING_STAGES)


class TabKey:
    TO_RECEIVE = "cho-tiep-nhan"
    TO_ASSIGN = "cho-phan-cong"
    MINE = "cho-toi-xu-ly"
    TO_APPROVE = "cho-phe-duyet"
    TO_SIGN = "cho-ky"
    TO_ISSUE = "cho-phat-hanh"
    WAITING = "cho-bo-sung"
    DUE_SOON = "sap-den-han"
    OVERDUE = "qua-han"
    TO_RETURN = "cho-tra-ket-qua"


@dataclass(frozen=True)
class TabSpec:
    key: str
    roles: tuple[str, ...]  # holding one of them (anywhere) shows the tab; () = any role


# In display order. Labels and descriptions belong to the interface (backoffice), keyed by `key`.
TABS: tuple[TabSpec, ...] = (
    TabSpec(TabKey.TO_RECEIVE, (Role.RECEIVER,)),                         # online submissions to accept
    TabSpec(TabKey.TO_ASSIGN, (Role.RECEIVER, Role.DEPARTMENT_LEADER)),   # accepted, to hand to someone
    TabSpec(TabKey.MINE, (Role.SPECIALIST,)),                             # to appraise: mine or no one's
    TabSpec(TabKey.TO_APPROVE, (Role.DEPARTMENT_LEADER,)),
    TabSpec(TabKey.TO_SIGN, (Role.SIGNING_LEADER,)),
    TabSpec(TabKey.TO_ISSUE, (Role.CLERK,)),
    TabSpec(TabKey.WAITING, (Role.RECEIVER, Role.SPECIALIST)),            # supplement or fees: clock paused
    TabSpec(TabKey.DUE_SOON, ()),                                         # ≤ 1 working day left
    TabSpec(TabKey.OVERDUE, ()),
    TabSpec(TabKey.TO_RETURN, (Role.RECEIVER,)),                          # done, result at the desk
)
TAB_BY_KEY = {tab.key: tab for tab in TABS}


@dataclass(frozen=True)
class Tab:
    key: str
    count: int


class _Scope:
    """The units in which the user holds each role today (a superuser: every unit)."""

    def __init__(self, user):
        self.user = user
        self.everything = user_sees_everything(user)
        self.units: dict[str, set[int]] = defaultdict(set)
        for assignment in user_assignments(user):
            self.units[assignment.role].add(assignment.unit_id)

    def holds(self, roles: tuple[str, ...]) -> bool:
        if self.everything:
            return True
        return any(self.units[r] for r in roles) if roles else any(self.units.values())

    def at(self, field: str, role: str) -> Q:
        """Dossiers whose `field` (a unit) is one where the user holds `role`."""
        if self.everything:
            return Q()
        ids = self.units.get(role)
        return Q(**{f"{field}__in": sorted(ids)}) if ids else Q(pk__in=[])

    def step(self, role: str, stages: tuple[str, ...] = (Stage.PROCESSING,)) -> Q:
        """Current step of `role` at a unit where the user holds it, given to them or to no one."""
        return (Q(stage__in=stages, current_step__role=role) & self.at("current_step__unit", role)
                & (Q(current_step__assignee__isnull=True) | Q(current_step__assignee=self.user)))


def _tab_q(key: str, scope: _Scope, *, now: datetime, soon: datetime) -> Q:
    running = Q(stage__in=RUNNING_STAGES)
    conditions = {
        TabKey.TO_RECEIVE: lambda: Q(stage=Stage.SUBMITTED) & scope.at("receiving_unit", Role.RECEIVER),
        TabKey.TO_ASSIGN: lambda: Q(stage=Stage.RECEIVED) & (
            scope.at("receiving_unit", Role.RECEIVER) | scope.at("handling_unit", Role.DEPARTMENT_LEADER)),
        # A dossier out for consultation stays with its specialist, who records the answer.
        TabKey.MINE: lambda: scope.step(Role.SPECIALIST, (Stage.PROCESSING, Stage.CONSULTING)),
        TabKey.TO_APPROVE: lambda: scope.step(Role.DEPARTMENT_LEADER),
        TabKey.TO_SIGN: lambda: scope.step(Role.SIGNING_LEADER),
        TabKey.TO_ISSUE: lambda: scope.step(Role.CLERK),
        TabKey.WAITING: lambda: Q(stage__in=WAITING_STAGES) & (
            scope.at("receiving_unit", Role.RECEIVER) | scope.at("handling_unit", Role.SPECIALIST)),
        TabKey.DUE_SOON: lambda: running & Q(due_at__gte=now, due_at__lte=soon),
        TabKey.OVERDUE: lambda: running & Q(due_at__lt=now),
        TabKey.TO_RETURN: lambda: Q(stage=Stage.DONE) & (
            scope.at("return_unit", Role.RECEIVER) | scope.at("receiving_unit", Role.RECEIVER)),
    }
    return conditions[key]()


def inbox_calendar() -> WorkCalendar:
    """The working calendar the inbox counts with: the province's (an install serves one province,
    and every dossier is handled inside it). Unit-level overrides below the province are not applied to
    the badges; the due moments themselves were computed by the services with the unit's calendar."""
    province = Unit.objects.filter(code=settings.MOTCUA_PROVINCE_CODE).first()
    return calendar_for_unit(unit=province)


def _soon(cal: WorkCalendar, now: datetime) -> datetime:
    return add_working_days(cal, now, 1)


def inbox_tabs(*, user, now: datetime | None = None, cal: WorkCalendar | None = None) -> list[Tab]:
    """The tabs this user may see, in a fixed order, each with its count (one aggregate query)."""
    now = now or timezone.now()
    cal = cal or inbox_calendar()
    scope = _Scope(user)
    shown = [spec for spec in TABS if scope.holds(spec.roles)]
    if not shown:
        return []
    soon = _soon(cal, now)
    counts = dossier_list_visible(user=user).order_by().aggregate(**{
        spec.key.replace("-", "_"): Count("pk", filter=_tab_q(spec.key, scope, now=now, soon=soon))
        for spec in shown})
    return [Tab(spec.key, counts[spec.key.replace("-", "_")]) for spec in shown]


def inbox_dossiers(*, user, tab: str | None = None, q: str = "", now: datetime | None = None,
                   cal: WorkCalendar | None = None) -> QuerySet:
    """Dossiers of one tab (most urgent first), or, without a tab, every dossier the user may see that
    matches `q` (code, applicant name, phone or CCCD)."""
    qs = dossier_list_visible(user=user, filters=DossierFilters(q=q or ""))
    if tab is None:
        return qs
    if tab not in TAB_BY_KEY:
        raise ValidationFailed(_("Không có danh sách «%(tab)s».") % {"tab": tab}, code="inbox_tab_unknown")
    now = now or timezone.now()
    scope = _Scope(user)
    if not scope.holds(TAB_BY_KEY[tab].roles):
        return qs.none()
    soon = _soon(cal or inbox_calendar(), now) if tab == TabKey.DUE_SOON else now
    qs = qs.filter(_tab_q(tab, scope, now=now, soon=soon))
    if tab == TabKey.TO_RECEIVE:
        return qs.order_by("submitted_at", "id")  # first come, first served
    return qs.order_by(F("due_at").asc(nulls_last=True), "submitted_at", "id")  # most urgent first


# ---------------------------------------------------------------- time left


@dataclass(frozen=True)
class DueState:
    """How a dossier stands against its due moment. `kind`: none (not yet received), closed (ended
    without a judgement), paused (waiting for the citizen), ok, soon (≤ 1 working day left), late, or an
    Outcome value for a finished dossier. `office_time`: working time left (ok, soon) or past due (late);
    `day_length`: one office day of the calendar used, to say it in days and hours."""

    kind: str
    office_time: timedelta | None = None
    day_length: timedelta | None = None


def dossier_due_state(dossier: Dossier, *, now: datetime, cal: WorkCalendar) -> DueState:
    """Pure: early / on time / late of a finished dossier, else the office time left or past due."""
    if dossier.finished_at is not None:
        return DueState(dossier.outcome or "closed")
    if dossier.due_at is None:
        return DueState("none")
    if dossier.stage in WAITING_STAGES:
        return DueState("paused")
    if dossier.due_at < now:
        return DueState("late", working_time_between(cal, dossier.due_at, now), cal.day_length)
    left = working_time_between(cal, now, dossier.due_at)
    return DueState("soon" if left <= cal.day_length else "ok", left, cal.day_length)


# ---------------------------------------------------------------- the dossier page


def dossier_steps(*, dossier: Dossier) -> QuerySet:
    return DossierStep.objects.filter(dossier=dossier).select_related("unit", "assignee").order_by("order")


def dossier_papers(*, dossier: Dossier) -> QuerySet:
    """The procedure's required papers (thành phần hồ sơ); stored files come with the documents app."""
    return RequiredPaper.objects.filter(procedure_id=dossier.procedure_id).order_by("order", "id")


def officials_for_step(*, unit: Unit, role: str) -> QuerySet:
    """Officials who may take a step of `role` at `unit`: holding that role there today."""
    holders = RoleAssignment.objects.filter(active_assignment_q(timezone.localdate()), unit=unit, role=role)
    return (User.objects.filter(is_active=True, kind=UserKind.OFFICIAL, pk__in=holders.values("user_id"))
            .order_by("full_name", "username"))


def dossier_next_step(*, dossier: Dossier) -> DossierStep | None:
    """The step a forward would start; None when forwarding finishes the dossier (only the return desk
    is left), as `dossier_forward` does."""
    if dossier.current_step_id is None:
        return None
    following = list(DossierStep.objects.filter(dossier=dossier, order__gt=dossier.current_step.order)
                     .select_related("unit").order_by("order")[:2])
    if not following or (len(following) == 1 and following[0].role == Role.RECEIVER):
        return None
    return following[0]


def dossier_assignee_target(*, dossier: Dossier, action: str) -> DossierStep | None:
    """The step whose official the action chooses: the current one (assign, reassign) or the next one
    (forward); None when the action picks no one."""
    if action in (Action.ASSIGN, Action.REASSIGN):
        return dossier.current_step
    if action == Action.FORWARD:
        return dossier_next_step(dossier=dossier)
    return None


def consultation_units(*, dossier: Dossier) -> QuerySet:
    """Agencies and communes of the province that may be consulted (not the handling unit itself)."""
    province = dossier.handling_unit.province_code
    return (Unit.objects.active_on(timezone.localdate())
            .filter(path__startswith=f"{province}/", kind__in=[UnitKind.DEPARTMENT, *COMMUNE_KINDS])
            .exclude(pk=dossier.handling_unit_id).order_by("kind", "name"))


# ---------------------------------------------------------------- receipt at the desk


def receipt_centers(*, user) -> list[Unit]:
    """Service centers where the user may receive dossiers (receiver role), active today."""
    today = timezone.localdate()
    centers = Unit.objects.active_on(today).filter(kind=UnitKind.SERVICE_CENTER).select_related("parent")
    if user_sees_everything(user):
        return list(centers.filter(path__startswith=f"{settings.MOTCUA_PROVINCE_CODE}/").order_by("path"))
    ids = {a.unit_id for a in user_assignments(user) if a.role == Role.RECEIVER}
    return list(centers.filter(pk__in=ids).order_by("path"))


@dataclass(frozen=True)
class ReceiptUnits:
    """Where a dossier received at a center may be handled: the `choices`, the `default`, and whether
    the choice is `fixed` (the desk has nothing to pick)."""

    choices: QuerySet
    default: Unit | None
    fixed: bool


def receipt_handling_units(*, procedure: Procedure, center: Unit) -> ReceiptUnits:
    """Province procedures go to their department; commune procedures to any commune of the province
    when received regardless of boundary (Decree 118/2025), else only to the center's own commune."""
    active = Unit.objects.active_on(timezone.localdate()).filter(path__startswith=f"{center.province_code}/")
    local = center.parent if center.parent_id and center.parent.level == "commune" else None
    if procedure.level == Level.PROVINCE:
        if procedure.handling_unit_id:
            return ReceiptUnits(Unit.objects.filter(pk=procedure.handling_unit_id), procedure.handling_unit, True)
        return ReceiptUnits(active.filter(kind=UnitKind.DEPARTMENT).order_by("name"), None, False)
    if not procedure.cross_boundary:
        return ReceiptUnits(Unit.objects.filter(pk=local.pk) if local else Unit.objects.none(), local, True)
    return ReceiptUnits(active.filter(kind__in=COMMUNE_KINDS).order_by("name"), local, False)


def receipt_first_step(*, procedure: Procedure, handling_unit: Unit) -> tuple[str, Unit]:
    """(role, unit) of the step that starts when the dossier is received — the step an assignee chosen at
    the desk takes (as `dossier_receive_in_person` plans it)."""
    province = Unit.objects.filter(code=handling_unit.province_code).first()
    process = process_for(procedure=procedure, province=province)
    steps = list(process.steps.select_related("unit").order_by("order")) if process is not None else []
    if not steps:
        return Role.SPECIALIST, handling_unit
    step = steps[1] if steps[0].role == Role.RECEIVER and len(steps) > 1 else steps[0]
    return step.role, step.unit or handling_unit


def receipt_assignees(*, procedure: Procedure, handling_unit: Unit | None) -> QuerySet:
    if handling_unit is None:
        return User.objects.none()
    role, unit = receipt_first_step(procedure=procedure, handling_unit=handling_unit)
    return officials_for_step(unit=unit, role=role)


def user_role_summary(*, user) -> list[tuple[str, str]]:
    """(role label, unit name) of the user's active roles, for the page header."""
    rows = [(str(Role(a.role).label), a.unit.name) for a in user_assignments(user)]
    return sorted(rows, key=lambda row: (row[1], row[0]))
