# SPDX-License-Identifier: AGPL-3.0-or-later
"""Officers' pages (trang cán bộ): inbox, dossier, receipt at the desk. Thin: parse with a form, read with
selectors, write with one `dossiers.services` call, render. A refused action comes back as the form with
its Vietnamese message, never a 500."""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.models import UserKind
from motcua.catalog.search import procedure_search
from motcua.catalog.selectors import procedure_get
from motcua.core.errors import ApplicationError, NotFound
from motcua.core.masking import mask_phone
from motcua.documents.models import FileKind
from motcua.documents.selectors import dossier_files, file_kinds_allowed
from motcua.documents.services import dossier_file_attach, files_guard
from motcua.dossiers.inbox import (
    consultation_units,
    dossier_assignee_target,
    dossier_due_state,
    dossier_papers,
    dossier_steps,
    inbox_calendar,
    inbox_dossiers,
    inbox_tabs,
    officials_for_step,
    receipt_assignees,
    receipt_centers,
    receipt_handling_units,
)
from motcua.dossiers.models import OPEN_STAGES, WAITING_STAGES, Dossier, Stage
from motcua.dossiers.selectors import dossier_events, dossier_get_visible
from motcua.dossiers.services import dossier_receive_in_person, dossier_transition
from motcua.dossiers.workflow import RULES, Action, actions_available
from motcua.workdays.selectors import calendar_for_unit

from .display import Badge, due_badge, tab_view
from .forms import (
    ActionForm,
    DossierFileForm,
    InboxSearchForm,
    OfficialAuthenticationForm,
    ReceiptForm,
    ReceiptStartForm,
)

PAGE_SIZE = 20
PROCEDURE_RESULTS = 30


def is_official(user) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.kind == UserKind.OFFICIAL or user.is_superuser))


def _forbidden(request, message: str = ""):
    return render(request, "backoffice/403.html", {"message": message}, status=403)


def _not_found(request, message: str = ""):
    return render(request, "backoffice/404.html", {"message": message}, status=404)


def official_required(view):
    """Anonymous → the login page; a signed-in citizen → a polite 403 in Vietnamese."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_official(request.user):
            return _forbidden(request)
        return view(request, *args, **kwargs)

    return wrapper


class LoginView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    authentication_form = OfficialAuthenticationForm
    redirect_authenticated_user = True
    next_page = "backoffice:inbox"


class LogoutView(auth_views.LogoutView):
    next_page = "backoffice:login"


# ---------------------------------------------------------------- inbox


@dataclass(frozen=True)
class Row:
    dossier: Dossier
    due: Badge
    phone: str


def _badge(dossier: Dossier, now, cal) -> Badge:
    return due_badge(dossier_due_state(dossier, now=now, cal=cal), dossier.get_stage_display())


@official_required
def inbox(request):
    """Hộp việc: tabs with counts, the chosen tab's dossiers (or search results), most urgent first."""
    now, cal = timezone.now(), inbox_calendar()
    tabs = inbox_tabs(user=request.user, now=now, cal=cal)
    search = InboxSearchForm(request.GET or None)
    q = search.query()
    current = None
    if not q and tabs:
        keys = [tab.key for tab in tabs]
        wanted = request.GET.get("tab")
        current = wanted if wanted in keys else next((t.key for t in tabs if t.count), keys[0])
    page = None
    if q or current:
        dossiers = inbox_dossiers(user=request.user, tab=current, q=q, now=now, cal=cal)
        page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [Row(d, _badge(d, now, cal), mask_phone(d.applicant_phone)) for d in page or []]
    views = [tab_view(tab) for tab in tabs]
    return render(request, "backoffice/inbox.html", {
        "tabs": views, "current": next((t for t in views if t.key == current), None), "search": search, "q": q,
        "page": page, "rows": rows, "now": now,
    })


# ---------------------------------------------------------------- the dossier page


def _dossier_or_none(request, code: str) -> Dossier | None:
    try:
        return dossier_get_visible(user=request.user, code=code)
    except NotFound:
        return None


def _action_form(dossier: Dossier, action: str, data=None) -> ActionForm:
    target = dossier_assignee_target(dossier=dossier, action=action)
    form = ActionForm(
        data, action=action, current_due=dossier.due_at,
        assignees=officials_for_step(unit=target.unit, role=target.role) if target is not None else None,
        units=consultation_units(dossier=dossier) if action == Action.CONSULT else None)
    form.target = target
    form.label = Action(action).label
    return form


@dataclass(frozen=True)
class StepView:
    step: object
    state: str  # done | current | waiting
    late: bool


def _step_views(dossier: Dossier, now) -> list[StepView]:
    views = []
    for step in dossier_steps(dossier=dossier):
        if step.finished_at is not None:
            state, late = "done", bool(step.due_at and step.finished_at > step.due_at)
        elif step.pk == dossier.current_step_id and dossier.stage in OPEN_STAGES:
            state = "current"
            late = bool(step.due_at and step.due_at < now and dossier.stage not in WAITING_STAGES)
        else:
            state, late = "waiting", False
        views.append(StepView(step, state, late))
    return views


def _print_forms(dossier: Dossier) -> list[tuple[str, str]]:
    """Forms of Circular 01/2018 that apply to this dossier now, as dossiers.printing decides (links only;
    the PDFs are served under this page's URL at mau/<nn>.pdf)."""
    forms = []
    if dossier.received_at is not None:
        forms.append(("01", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")))
    if dossier.supplement_count:
        forms.append(("02", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")))
    if dossier.stage == Stage.REFUSED:
        forms.append(("03", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")))
    if dossier.rescheduled_at is not None:
        forms.append(("04", _("Phiếu xin lỗi và hẹn lại ngày trả kết quả")))
    if dossier.received_at is not None:
        forms.append(("05", _("Phiếu kiểm soát quá trình giải quyết hồ sơ")))
    return forms


def _paper_rows(dossier: Dossier) -> list[tuple[object, bool | None]]:
    """Each required paper and whether the desk ticked it at receipt (None: no checklist recorded)."""
    received = (dossier.form_data or {}).get("papers_received")
    names = {item.get("name") for item in received if isinstance(item, dict)} if isinstance(received, list) else None
    return [(paper, None if names is None else paper.name in names) for paper in dossier_papers(dossier=dossier)]


def _file_form(request, dossier: Dossier, data=None, files=None) -> DossierFileForm | None:
    kinds = file_kinds_allowed(user=request.user, dossier=dossier)
    if not kinds:
        return None
    return DossierFileForm(data, files, kinds=kinds, papers=dossier.procedure.papers.order_by("order", "id"))


def _render_dossier(request, dossier: Dossier, *, failed: ActionForm | None = None, error: str = "",
                    status: int = 200, file_form: DossierFileForm | None = None, file_error: str = ""):
    now = timezone.now()
    cal = calendar_for_unit(unit=dossier.handling_unit)
    available = actions_available(dossier, request.user)
    action_forms = [failed if failed is not None and failed.action == action else _action_form(dossier, action)
                    for action in available]
    return render(request, "backoffice/dossier.html", {
        "dossier": dossier, "due": _badge(dossier, now, cal),
        "steps": _step_views(dossier, now), "events": dossier_events(dossier=dossier),
        "paper_rows": _paper_rows(dossier), "action_forms": action_forms,
        "failed": failed, "error": error, "print_forms": _print_forms(dossier),
        "form_data": [(k, v) for k, v in (dossier.form_data or {}).items()
                      if k != "papers_received" and isinstance(v, str | int | float)],
        "files": dossier_files(dossier=dossier), "file_form": file_form or _file_form(request, dossier),
        "file_error": file_error,
    }, status=status)


@official_required
def dossier_detail(request, code: str):
    dossier = _dossier_or_none(request, code)
    if dossier is None:
        return _not_found(request, _("Không tìm thấy hồ sơ %(code)s trong phạm vi của bạn.") % {"code": code})
    return _render_dossier(request, dossier)


@official_required
@require_POST
def dossier_action(request, code: str, action: str):
    """One action on the dossier → `dossier_transition` → back to the page with a message."""
    dossier = _dossier_or_none(request, code)
    if dossier is None or action not in RULES:
        return _not_found(request, _("Không tìm thấy hồ sơ %(code)s trong phạm vi của bạn.") % {"code": code})
    form = _action_form(dossier, action, data=request.POST)
    if not form.is_valid():
        return _render_dossier(request, dossier, failed=form, status=400)
    try:
        dossier = dossier_transition(dossier=dossier, action=action, actor=request.user, **form.transition_kwargs())
    except ApplicationError as exc:
        return _render_dossier(request, dossier, failed=form, error=str(exc.message), status=exc.status)
    messages.success(request, _("Đã thực hiện «%(action)s» đối với hồ sơ %(code)s.")
                     % {"action": Action(action).label, "code": dossier.code})
    return redirect("backoffice:dossier", code=dossier.code)


@official_required
@require_POST
def dossier_file(request, code: str):
    """Upload one file (tệp hồ sơ) → `dossier_file_attach` → back to the page with a message."""
    dossier = _dossier_or_none(request, code)
    if dossier is None:
        return _not_found(request, _("Không tìm thấy hồ sơ %(code)s trong phạm vi của bạn.") % {"code": code})
    form = _file_form(request, dossier, data=request.POST, files=request.FILES)
    if form is None:
        return _render_dossier(request, dossier, status=403,
                               file_error=_("Bạn không có quyền đính kèm tệp vào hồ sơ này."))
    if not form.is_valid():
        return _render_dossier(request, dossier, file_form=form, status=400)
    data = form.cleaned_data
    try:
        record = dossier_file_attach(dossier=dossier, actor=request.user, uploaded_file=data["file"],
                                     kind=data["kind"], required_paper=data["required_paper"])
    except ApplicationError as exc:
        return _render_dossier(request, dossier, file_form=form, file_error=str(exc.message), status=exc.status)
    messages.success(request, _("Đã đính kèm tệp «%(name)s» vào hồ sơ %(code)s.")
                     % {"name": record.name, "code": dossier.code})
    return redirect("backoffice:dossier", code=dossier.code)


# ---------------------------------------------------------------- receipt at the desk


@official_required
def receive_start(request):
    """Step 1 of the receipt: choose the center (if several) and find the procedure."""
    centers = receipt_centers(user=request.user)
    if not centers:
        return _forbidden(request, _("Chỉ cán bộ tiếp nhận của Trung tâm Phục vụ hành chính công được tiếp nhận "
                                     "hồ sơ tại quầy."))
    form = ReceiptStartForm(request.GET or None, centers=centers)
    center, q = centers[0], ""
    if form.is_valid():
        center = next(c for c in centers if c.code == form.cleaned_data["center"])
        q = form.cleaned_data["q"][:100]
    result = procedure_search(q=q, limit=PROCEDURE_RESULTS)
    return render(request, "backoffice/receive_start.html", {
        "form": form, "centers": centers, "center": center, "q": q, "result": result})


@official_required
def receive_form(request, center: str, procedure: str):
    """Step 2: the applicant, the checklist, where it is handled → `dossier_receive_in_person`."""
    centers = receipt_centers(user=request.user)
    if not centers:
        return _forbidden(request, _("Chỉ cán bộ tiếp nhận của Trung tâm Phục vụ hành chính công được tiếp nhận "
                                     "hồ sơ tại quầy."))
    center_unit = next((c for c in centers if c.code == center), None)
    if center_unit is None:
        return _not_found(request, _("Bạn không giữ vai trò tiếp nhận tại nơi tiếp nhận %(code)s.") % {"code": center})
    try:
        procedure_obj = procedure_get(code=procedure)
    except NotFound as exc:
        return _not_found(request, str(exc.message))
    units = receipt_handling_units(procedure=procedure_obj, center=center_unit)
    form = ReceiptForm(request.POST or None, request.FILES or None, papers=procedure_obj.papers.order_by("order", "id"),
                       handling_units=units,
                       assignees=receipt_assignees(procedure=procedure_obj, handling_unit=units.default))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:  # the scans were checked by the form; the receipt and their storage succeed or fail together
                with files_guard(), transaction.atomic():
                    dossier = dossier_receive_in_person(
                        procedure=procedure_obj, receiving_unit=center_unit, applicant=form.applicant(),
                        actor=request.user, handling_unit=data["handling_unit"], channel=data["channel"],
                        result_delivery=data["result_delivery"], assignee=data["assignee"],
                        form_data={"papers_received": form.papers_received()})
                    for scan in data["scans"]:
                        dossier_file_attach(dossier=dossier, actor=request.user, uploaded_file=scan,
                                            kind=FileKind.PAPER)
            except ApplicationError as exc:
                form.add_error(None, str(exc.message))
                status = exc.status
            else:
                messages.success(request, format_html(
                    _("Đã tiếp nhận hồ sơ {code}. Hẹn trả kết quả: {due}. "
                      '<a href="{url}">In Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)</a>.'),
                    code=dossier.code, due=_moment(dossier.due_at),
                    url=reverse("backoffice:dossier", args=[dossier.code]) + "mau/01.pdf"))
                return redirect("backoffice:dossier", code=dossier.code)
    return render(request, "backoffice/receive_form.html", {
        "form": form, "center": center_unit, "procedure": procedure_obj, "units": units}, status=status)


def _moment(value) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""
