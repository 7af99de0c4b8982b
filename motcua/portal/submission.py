# SPDX-License-Identifier: AGPL-3.0-or-later
"""Online submission wizard (nộp hồ sơ trực tuyến) of the citizen portal, and the receipt.

Works without JavaScript: every step is a normal form POST followed by a redirect, and the state lives in
the session, one entry per procedure (`SESSION_KEY` → {procedure code → state}). Staged papers live in
`documents.UploadDraft`; nothing becomes a dossier before the last step, which calls one service
(`documents.services.dossier_submit_with_papers`) with the idempotency key made when the wizard started.

Steps: applicant → e-form (skipped when the procedure has none) → papers → where to get the result →
review and submit → receipt. A logged-in citizen account is required from the first step on.
"""

import uuid
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from motcua.accounts.models import UserKind
from motcua.catalog.models import Level, OnlineLevel, Procedure
from motcua.catalog.selectors import procedure_get
from motcua.core.errors import ApplicationError, NotFound
from motcua.core.text import fold
from motcua.documents.selectors import (
    dossier_file_reusable_get,
    dossier_files_for_applicant,
    dossier_files_reusable,
    upload_draft_get,
    upload_drafts,
)
from motcua.documents.services import (
    PaperChoice,
    dossier_submit_with_papers,
    upload_draft_create,
    upload_draft_delete,
    upload_drafts_discard,
)
from motcua.documents.uploads import SizeLimitUploadHandler
from motcua.documents.validators import dossier_total_check, max_bytes, max_dossier_bytes
from motcua.documents.views import content_disposition
from motcua.dossiers.models import ApplicantKind, ResultDelivery
from motcua.dossiers.printing.forms import form_context
from motcua.dossiers.printing.pdf import render_context_pdf
from motcua.dossiers.selectors import dossier_get_visible
from motcua.dossiers.services import ApplicantData, submission_fingerprint
from motcua.units.models import COMMUNE_KINDS, UnitKind
from motcua.units.selectors import unit_get, unit_list

from .eforms import EForm, eform_display, eform_has_fields
from .forms import ApplicantForm, DeliveryForm

SESSION_KEY = "motcua_submission"
LOGIN_FALLBACK = "/dang-nhap/"  # until portal:login exists (accounts and login of the portal)
TRACKING_PATH = "/tra-cuu/"     # the public tracking page: /tra-cuu/?ma=<code>
ONLINE_LEVELS = (OnlineLevel.FULL, OnlineLevel.PARTIAL)
UPLOAD_OVERHEAD = 1024 * 1024   # multipart headers and form fields on top of the files
STEPS = ("applicant", "eform", "papers", "delivery", "review")
STEP_URLS = {"applicant": "portal:submit-applicant", "eform": "portal:submit-eform",
             "papers": "portal:submit-papers", "delivery": "portal:submit-delivery",
             "review": "portal:submit-review"}


def _step_labels() -> dict[str, str]:
    return {"applicant": _("Chủ hồ sơ"), "eform": _("Tờ khai"), "papers": _("Giấy tờ"),
            "delivery": _("Nhận kết quả"), "review": _("Xem lại và nộp")}


# ---------------------------------------------------------------- access


def login_url() -> str:
    try:
        return reverse("portal:login")
    except NoReverseMatch:
        return LOGIN_FALLBACK


def _is_citizen(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.kind == UserKind.CITIZEN


def _refuse_non_citizen(request):
    """None for a citizen; else the login redirect (anonymous) or a 403 page (an official's account)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url())
    if not _is_citizen(request.user):
        return _message(request, _("Cần tài khoản công dân"),
                        _("Bạn đang đăng nhập bằng tài khoản cán bộ. Nộp hồ sơ trực tuyến cần tài khoản công dân, "
                          "tổ chức; hãy đăng xuất và đăng nhập bằng tài khoản đó."), status=403)
    return None


def _message(request, title: str, message: str, *, status: int, procedure: Procedure | None = None):
    return render(request, "portal/submit/message.html",
                  {"title": title, "message": message, "procedure": procedure}, status=status)


def _not_found(request, message: str):
    return render(request, "404.html", {"message": message}, status=404)


def online_refusal(procedure: Procedure) -> str:
    """Why this procedure cannot be submitted online here ("" when it can)."""
    if procedure.online_level not in ONLINE_LEVELS:
        return _("Thủ tục này chưa được cung cấp trực tuyến: hãy nộp hồ sơ trực tiếp hoặc qua bưu chính.")
    if procedure.level == Level.PROVINCE and procedure.handling_unit_id is None:
        return _("Thủ tục này chưa có cơ quan giải quyết trên hệ thống nên chưa nhận hồ sơ trực tuyến.")
    return ""


# ---------------------------------------------------------------- wizard state (session)


def _states(request) -> dict:
    return request.session.get(SESSION_KEY) or {}


def _state(request, code: str) -> dict | None:
    return _states(request).get(code)


def _save(request, code: str, state: dict) -> None:
    states = _states(request)
    states[code] = state
    request.session[SESSION_KEY] = states
    request.session.modified = True


def _has_eform(procedure: Procedure) -> bool:
    return eform_has_fields(procedure.form_schema)


def _papers_missing(procedure: Procedure, chosen: dict) -> list[str]:
    return [paper.name for paper in procedure.papers.all() if paper.required and paper.pk not in chosen]


def _done(procedure: Procedure, state: dict, step: str, chosen: dict | None) -> bool:
    if step == "applicant":
        return state.get("applicant") is not None
    if step == "eform":
        return state.get("eform") is not None or not _has_eform(procedure)
    if step == "papers":
        return bool(state.get("papers_ok")) and not _papers_missing(procedure, chosen or {})
    if step == "delivery":
        return state.get("delivery") is not None
    return False


def _first_open_step(procedure, state, chosen) -> str:
    for step in STEPS:
        if not _done(procedure, state, step, chosen):
            return step
    return "review"


def _steps_nav(procedure, state, current: str, chosen) -> list[dict]:
    labels = _step_labels()
    nav, reachable = [], True
    for step in STEPS:
        if step == "eform" and not _has_eform(procedure):
            continue
        nav.append({"key": step, "label": labels[step], "url": reverse(STEP_URLS[step], args=[procedure.code]),
                    "current": step == current, "link": reachable and step != current})
        reachable = reachable and _done(procedure, state, step, chosen)
    return nav


class _Wizard:
    """What every step needs: the procedure, the state, the papers chosen so far."""

    def __init__(self, request, procedure: Procedure, state: dict):
        self.request, self.procedure, self.state = request, procedure, state
        self._drafts = None
        self._chosen = None

    @property
    def drafts(self) -> dict:
        """Required paper id → the owner's UploadDraft."""
        if self._drafts is None:
            self._drafts = {d.required_paper_id: d for d in upload_drafts(owner=self.request.user,
                                                                             procedure_code=self.procedure.code)
                            if d.required_paper_id is not None}
        return self._drafts

    def reused(self) -> dict:
        """Required paper id → DossierFile chosen for reuse (dropped when no longer reusable)."""
        chosen = {}
        for paper_id, file_id in (self.state.get("reuse") or {}).items():
            try:
                chosen[int(paper_id)] = dossier_file_reusable_get(user=self.request.user, file_id=int(file_id))
            except (NotFound, ValueError):
                continue
        return chosen

    def forget(self) -> None:
        """After a paper changed: read drafts and choices again."""
        self._drafts = self._chosen = None

    def chosen(self) -> dict:
        """Required paper id → ("draft", UploadDraft) or ("reuse", DossierFile)."""
        if self._chosen is None:
            self._chosen = self._choose()
        return self._chosen

    def _choose(self) -> dict:
        papers = {paper.pk for paper in self.procedure.papers.all()}
        chosen = {pid: ("draft", draft) for pid, draft in self.drafts.items() if pid in papers}
        chosen.update({pid: ("reuse", file) for pid, file in self.reused().items()
                       if pid in papers and pid not in chosen})
        return chosen

    def save(self) -> None:
        _save(self.request, self.procedure.code, self.state)

    def render(self, step: str, template: str, context: dict, status: int = 200):
        chosen = self.chosen()
        context.update(procedure=self.procedure, state=self.state, step=step,
                       steps=_steps_nav(self.procedure, self.state, step, chosen),
                       back_url=self.back_url(step))
        return render(self.request, f"portal/submit/{template}", context, status=status)

    def back_url(self, step: str) -> str:
        index = STEPS.index(step)
        for previous in reversed(STEPS[:index]):
            if previous == "eform" and not _has_eform(self.procedure):
                continue
            return reverse(STEP_URLS[previous], args=[self.procedure.code])
        return reverse("portal:submit-placeholder", args=[self.procedure.code])

    def next(self, step: str):
        index = STEPS.index(step)
        for following in STEPS[index + 1:]:
            if following == "eform" and not _has_eform(self.procedure):
                continue
            return redirect(STEP_URLS[following], self.procedure.code)
        return redirect(STEP_URLS["review"], self.procedure.code)


def _open(request, code: str, step: str, *, submitting: bool = False):
    """(wizard, None) when `step` may be shown, else (None, the response to send instead).

    `submitting`: the final POST skips the papers' check, which the service makes after its replay
    check — a double click must get the first dossier back even though its drafts are consumed."""
    refused = _refuse_non_citizen(request)
    if refused is not None:
        return None, refused
    try:
        procedure = procedure_get(code=code)
    except NotFound as error:
        return None, _not_found(request, error.message)
    state = _state(request, procedure.code)
    if online_refusal(procedure) or state is None:
        return None, redirect("portal:submit-placeholder", procedure.code)
    if state.get("done"):
        return None, redirect("portal:submit-receipt", state["done"])
    wizard = _Wizard(request, procedure, state)
    if submitting:
        first = _first_open_step(procedure, {**state, "papers_ok": True},
                                 {paper.pk: None for paper in procedure.papers.all()})
    else:
        first = _first_open_step(procedure, state, wizard.chosen())
    if STEPS.index(step) > STEPS.index(first):
        return None, redirect(STEP_URLS[first], procedure.code)
    if step == "eform" and not _has_eform(procedure):
        return None, wizard.next("eform")
    return wizard, None


# ---------------------------------------------------------------- entry and start


@require_safe
def submit_entry(request, code: str):
    """/nop-ho-so/<code>/: what online submission of this procedure needs, and the start button (or why
    it is not possible, or the login a citizen needs first)."""
    try:
        procedure = procedure_get(code=code)
    except NotFound as error:
        return _not_found(request, error.message)
    refusal = online_refusal(procedure)
    if refusal:
        return render(request, "portal/submit_placeholder.html", {"procedure": procedure, "refusal": refusal})
    state = _state(request, procedure.code) if _is_citizen(request.user) else None
    context = {
        "procedure": procedure, "state": state, "is_citizen": _is_citizen(request.user),
        "submit_login_url": f"{login_url()}?{urlencode({'next': request.get_full_path()})}",
        "has_eform": _has_eform(procedure), "max_mb": max_bytes() // (1024 * 1024),
        "max_dossier_mb": max_dossier_bytes() // (1024 * 1024),
    }
    return render(request, "portal/submit/start.html", context)


@require_POST
def submit_start(request, code: str):
    """Start (or start again): a fresh state with a new idempotency key; earlier drafts are dropped."""
    refused = _refuse_non_citizen(request)
    if refused is not None:
        return refused
    try:
        procedure = procedure_get(code=code)
    except NotFound as error:
        return _not_found(request, error.message)
    if online_refusal(procedure):
        return redirect("portal:submit-placeholder", procedure.code)
    upload_drafts_discard(owner=request.user, procedure_code=procedure.code)
    _save(request, procedure.code, {"key": uuid.uuid4().hex, "started_at": timezone.now().isoformat()})
    return redirect("portal:submit-applicant", procedure.code)


# ---------------------------------------------------------------- step 1: applicant


def _applicant_kinds(procedure: Procedure) -> list[tuple[str, str]]:
    kinds = []
    if procedure.for_citizens or not procedure.for_businesses:
        kinds.append((ApplicantKind.CITIZEN.value, str(ApplicantKind.CITIZEN.label)))
    if procedure.for_businesses:
        kinds.append((ApplicantKind.BUSINESS.value, str(ApplicantKind.BUSINESS.label)))
    return kinds


def _applicant_initial(user, kinds) -> dict:
    return {"kind": kinds[0][0], "name": user.get_full_name(), "id_number": user.national_id or "",
            "phone": user.phone, "email": user.email}


@never_cache
@require_http_methods(["GET", "POST"])
def submit_applicant(request, code: str):
    wizard, response = _open(request, code, "applicant")
    if response is not None:
        return response
    kinds = _applicant_kinds(wizard.procedure)
    initial = wizard.state.get("applicant") or _applicant_initial(request.user, kinds)
    form = ApplicantForm(request.POST or None, initial=initial, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        wizard.state["applicant"] = {k: (v or "").strip() if isinstance(v, str) else v
                                     for k, v in form.cleaned_data.items()}
        wizard.save()
        return wizard.next("applicant")
    return wizard.render("applicant", "applicant.html", {"form": form})


# ---------------------------------------------------------------- step 2: the e-form


@never_cache
@require_http_methods(["GET", "POST"])
def submit_eform(request, code: str):
    wizard, response = _open(request, code, "eform")
    if response is not None:
        return response
    schema = wizard.procedure.form_schema
    form = EForm(request.POST or None, schema=schema, initial=wizard.state.get("eform") or {})
    if request.method == "POST" and form.is_valid():
        wizard.state["eform"] = form.json_data()
        wizard.save()
        return wizard.next("eform")
    return wizard.render("eform", "eform.html", {"form": form, "description": (
        schema.get("description") if isinstance(schema, dict) else "")})


# ---------------------------------------------------------------- step 3: papers


def _file_label(file) -> str:
    when = timezone.localtime(file.uploaded_at).strftime("%d/%m/%Y")
    return _("%(name)s — hồ sơ %(code)s (%(date)s)") % {"name": file.name, "code": file.dossier.code, "date": when}


def _paper_rows(wizard: _Wizard, errors: dict) -> list[dict]:
    chosen = wizard.chosen()
    rows = []
    for paper in wizard.procedure.papers.all():
        reusable = dossier_files_reusable(user=wizard.request.user, paper_name=paper.name)
        same = [f for f in reusable if f.required_paper is not None and f.required_paper.name == paper.name]
        rows.append({
            "paper": paper, "chosen": chosen.get(paper.pk), "errors": errors.get(paper.pk, []),
            "file_field": f"file_{paper.pk}", "reuse_field": f"reuse_{paper.pk}",
            "same": [(f.pk, _file_label(f)) for f in same],
            "other": [(f.pk, _file_label(f)) for f in reusable if f not in same],
        })
    return rows


def _chosen_size(chosen: dict, *, except_paper: int | None = None, kind: str | None = None) -> int:
    return sum(item.size for pid, (how, item) in chosen.items()
               if pid != except_paper and (kind is None or how == kind))


def _paper_upload(wizard: _Wizard, paper, uploaded, errors: dict) -> None:
    chosen = wizard.chosen()
    try:
        upload_draft_create(owner=wizard.request.user, procedure=wizard.procedure, required_paper=paper,
                            uploaded_file=uploaded,
                            reserved=_chosen_size(chosen, except_paper=paper.pk, kind="reuse"))
    except ApplicationError as error:
        errors.setdefault(paper.pk, []).append(error.message)
        return
    (wizard.state.get("reuse") or {}).pop(str(paper.pk), None)
    wizard.forget()


def _paper_reuse(wizard: _Wizard, paper, value: str, errors: dict) -> None:
    try:
        file = dossier_file_reusable_get(user=wizard.request.user, file_id=int(value))
        dossier_total_check(current=_chosen_size(wizard.chosen(), except_paper=paper.pk), adding=file.size)
    except (ValueError, ApplicationError) as error:
        message = error.message if isinstance(error, ApplicationError) else _("Lựa chọn không hợp lệ.")
        errors.setdefault(paper.pk, []).append(message)
        return
    draft = wizard.drafts.get(paper.pk)
    if draft is not None:
        upload_draft_delete(owner=wizard.request.user, draft_id=draft.pk)
    wizard.state.setdefault("reuse", {})[str(paper.pk)] = file.pk
    wizard.forget()


def _paper_remove(wizard: _Wizard, value: str) -> None:
    try:
        paper_id = int(value)
    except ValueError:
        return
    draft = wizard.drafts.get(paper_id)
    if draft is not None:
        upload_draft_delete(owner=wizard.request.user, draft_id=draft.pk)
    (wizard.state.get("reuse") or {}).pop(str(paper_id), None)
    wizard.state.pop("papers_ok", None)
    wizard.forget()


def _papers_post(wizard: _Wizard, handler: SizeLimitUploadHandler):
    request = wizard.request
    if request.POST.get("remove"):
        _paper_remove(wizard, request.POST["remove"])
        wizard.save()
        return redirect("portal:submit-papers", wizard.procedure.code)
    errors: dict[int, list] = {}
    for field, name in handler.too_large:
        paper_id = field.removeprefix("file_")
        if paper_id.isascii() and paper_id.isdigit():  # "²" is a digit to isdigit(), not to int()
            errors.setdefault(int(paper_id), []).append(
                _("Tệp «%(name)s» vượt quá %(mb)s MB.") % {"name": name, "mb": f"{handler.limit / 1048576:g}"})
    for paper in wizard.procedure.papers.all():
        uploaded = request.FILES.get(f"file_{paper.pk}")
        reuse = request.POST.get(f"reuse_{paper.pk}", "")
        if paper.pk in errors:
            continue
        if uploaded is not None and reuse:
            errors.setdefault(paper.pk, []).append(
                _("Chỉ chọn một cách: tải lên tệp mới hoặc dùng lại giấy tờ đã nộp."))
        elif uploaded is not None:
            _paper_upload(wizard, paper, uploaded, errors)
        elif reuse:
            _paper_reuse(wizard, paper, reuse, errors)
    missing = []
    if not errors and request.POST.get("action") == "next":
        missing = _papers_missing(wizard.procedure, wizard.chosen())
        if not missing:
            wizard.state["papers_ok"] = True
            wizard.save()
            return wizard.next("papers")
    wizard.save()
    if not errors and not missing:
        return redirect("portal:submit-papers", wizard.procedure.code)
    return _papers_render(wizard, errors, missing, status=400)


def _papers_render(wizard: _Wizard, errors: dict, missing: list, status: int = 200):
    chosen = wizard.chosen()
    return wizard.render("papers", "papers.html", {
        "rows": _paper_rows(wizard, errors), "missing": missing, "has_errors": bool(errors),
        "max_mb": max_bytes() // (1024 * 1024), "max_dossier_mb": max_dossier_bytes() // (1024 * 1024),
        "total_size": _chosen_size(chosen)}, status=status)


@never_cache
@csrf_exempt  # checked by `_papers_checked` below, after our upload handler is in place
@require_http_methods(["GET", "POST"])
def submit_papers(request, code: str):
    """Upload or reuse each required paper. The size-limit handler must be installed before the body is
    read, which the CSRF middleware would do first: hence csrf_exempt here and csrf_protect inside
    (Django's documented pattern for per-view upload handlers)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_dossier_bytes() + UPLOAD_OVERHEAD:
        # Refused before the body is read: nothing of it is spooled or stored, no state changes.
        return _message(request, _("Tệp quá lớn"), _("Một lần tải lên không được vượt quá %(mb)s MB (giới hạn của cả "
                                                   "hồ sơ). Hãy quay lại và tải từng tệp nhỏ hơn.")
                        % {"mb": max_dossier_bytes() // (1024 * 1024)}, status=413)
    handler = SizeLimitUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    return _papers_checked(request, code, handler)


@csrf_protect
def _papers_checked(request, code: str, handler: SizeLimitUploadHandler):
    wizard, response = _open(request, code, "papers")
    if response is not None:
        return response
    if request.method == "POST":
        return _papers_post(wizard, handler)
    return _papers_render(wizard, {}, [])


@never_cache
@require_safe
def submit_draft_file(request, code: str, draft_id: int):
    """The owner looks at a paper they staged (anyone else: 404)."""
    refused = _refuse_non_citizen(request)
    if refused is not None:
        return refused
    try:
        draft = upload_draft_get(owner=request.user, draft_id=draft_id)
        handle = draft.file.open("rb")
    except (NotFound, FileNotFoundError):
        raise Http404 from None
    response = FileResponse(handle, content_type=draft.content_type)
    response["Content-Disposition"] = content_disposition(draft.name, inline=True)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------- step 4: where to get the result


def _province():
    try:
        return unit_get(code=settings.MOTCUA_PROVINCE_CODE)
    except NotFound:
        return None


def _centers(province) -> tuple[list, list]:
    """(commune centers, province centers) of the province in force today, as (code, label): a commune
    center is labelled by its commune, sorted the Vietnamese way."""
    if province is None:
        return [], []
    rows = (unit_list(kind=[UnitKind.SERVICE_CENTER], active_on=timezone.localdate()).subtree_of(province)
            .select_related("parent"))
    communes = sorted(((u.code, u.parent.name) for u in rows if u.parent and u.parent.kind in COMMUNE_KINDS),
                      key=lambda item: fold(item[1]))
    return communes, [(u.code, u.name) for u in rows if u.parent_id == province.pk]


def _delivery_setup(procedure: Procedure) -> dict:
    """Province level: received at the province center. Commune level: the applicant picks the commune
    whose center receives it (any commune when the procedure is received regardless of boundary,
    Decree 118/2025). The result may be returned at another center only then."""
    communes, province_centers = _centers(_province())
    all_centers = province_centers + [(code, _("Trung tâm PVHCC %(name)s") % {"name": name})
                                      for code, name in communes]
    returns = all_centers if procedure.cross_boundary else None
    if procedure.level == Level.PROVINCE:
        return {"receiving": None, "label": "", "returns": returns,
                "fixed": province_centers[0][0] if province_centers else ""}
    label = (_("Nơi tiếp nhận hồ sơ (Trung tâm PVHCC của xã, phường nào trong tỉnh cũng được)")
             if procedure.cross_boundary else _("Xã, phường nơi có thẩm quyền giải quyết (nơi bạn cư trú)"))
    return {"receiving": communes, "label": label, "returns": returns, "fixed": ""}


@never_cache
@require_http_methods(["GET", "POST"])
def submit_delivery(request, code: str):
    wizard, response = _open(request, code, "delivery")
    if response is not None:
        return response
    setup = _delivery_setup(wizard.procedure)
    saved = wizard.state.get("delivery") or {}
    form = DeliveryForm(request.POST or None, deliveries=ResultDelivery.choices, receiving=setup["receiving"],
                        receiving_label=setup["label"], returns=setup["returns"],
                        initial={"result_delivery": saved.get("result_delivery", ResultDelivery.ONLINE),
                                 "receiving_center": saved.get("receiving_unit", ""),
                                 "return_center": saved.get("return_unit", "")})
    if request.method == "POST" and form.is_valid():
        receiving = form.cleaned_data.get("receiving_center") or setup["fixed"]
        if not receiving:
            form.add_error(None, _("Chưa có Trung tâm Phục vụ hành chính công tiếp nhận thủ tục này."))
        else:
            wizard.state["delivery"] = {
                "result_delivery": form.cleaned_data["result_delivery"], "receiving_unit": receiving,
                "return_unit": (form.cleaned_data.get("return_center") or ""
                                if form.cleaned_data["result_delivery"] == ResultDelivery.AT_CENTER else "")}
            wizard.save()
            return wizard.next("delivery")
    return wizard.render("delivery", "delivery.html", {"form": form, "fixed_center": setup["fixed"] and _unit_name(
        setup["fixed"]), "address": (wizard.state.get("applicant") or {}).get("address", "")})


def _unit_name(code: str) -> str:
    try:
        return unit_get(code=code).name
    except NotFound:
        return code


# ---------------------------------------------------------------- step 5: review and submit


def _review_context(wizard: _Wizard) -> dict:
    state = wizard.state
    delivery = state["delivery"]
    applicant = state["applicant"]
    chosen = wizard.chosen()
    return {
        "applicant": applicant,
        "applicant_kind": ApplicantKind(applicant["kind"]).label,
        "eform_rows": eform_display(wizard.procedure.form_schema, state.get("eform") or {}),
        "has_eform": _has_eform(wizard.procedure),
        "papers": [{"paper": paper, "chosen": chosen.get(paper.pk)}
                   for paper in wizard.procedure.papers.all()],
        "delivery_label": ResultDelivery(delivery["result_delivery"]).label,
        "receiving_name": _unit_name(delivery["receiving_unit"]),
        "return_name": _unit_name(delivery["return_unit"]) if delivery.get("return_unit") else "",
        "is_post": delivery["result_delivery"] == ResultDelivery.POST,
    }


def _fingerprint(procedure: Procedure, state: dict) -> str:
    # What the dossier row records; the papers are attached by the same request that creates it.
    return submission_fingerprint({"procedure": procedure.code, "applicant": state.get("applicant"),
                                   "form_data": state.get("eform") or {}, "delivery": state.get("delivery")})


def _submit(wizard: _Wizard):
    state, procedure, user = wizard.state, wizard.procedure, wizard.request.user
    applicant, delivery = state["applicant"], state["delivery"]
    chosen = wizard.chosen()
    papers = []
    for paper in procedure.papers.all():
        if paper.pk in chosen:
            how, item = chosen[paper.pk]
            papers.append(PaperChoice(required_paper=paper, draft=item if how == "draft" else None,
                                      reuse=item if how == "reuse" else None))
    return dossier_submit_with_papers(
        procedure=procedure, receiving_unit=unit_get(code=delivery["receiving_unit"]),
        return_unit=unit_get(code=delivery["return_unit"]) if delivery.get("return_unit") else None,
        applicant=ApplicantData(name=applicant["name"], kind=applicant["kind"], id_number=applicant["id_number"],
                                phone=applicant["phone"], email=applicant.get("email", ""),
                                address=applicant["address"]),
        owner=user, papers=papers, form_data=state.get("eform") or {},
        result_delivery=delivery["result_delivery"], idempotency_key=state["key"],
        fingerprint=_fingerprint(procedure, state),
        identity_verified=bool(wizard.request.session.get("identity_verified", False)))


@never_cache
@require_http_methods(["GET", "POST"])
def submit_review(request, code: str):
    """Everything on one page, each part with a link back to its step; POST submits."""
    wizard, response = _open(request, code, "review", submitting=request.method == "POST")
    if response is not None:
        return response
    error, status = None, 200
    if request.method == "POST":
        if request.POST.get("confirm") != "1":
            error, status = _("Hãy đánh dấu xác nhận cam đoan trước khi nộp hồ sơ."), 400
        else:
            try:
                dossier, _created = _submit(wizard)
            except ApplicationError as failure:
                status = failure.status
                error = (_("Hồ sơ đang soạn đã được nộp trước đó với nội dung khác. Hãy bắt đầu lại để nộp một "
                           "hồ sơ mới.") if failure.code == "idempotency_key_reused" else failure.message)
            else:
                wizard.state = {"done": dossier.code}
                wizard.save()
                return redirect("portal:submit-receipt", dossier.code)
    return wizard.render("review", "review.html", {**_review_context(wizard), "error": error}, status=status)


# ---------------------------------------------------------------- receipt and Form 01


def _own_dossier(request, dossier_code: str):
    """The dossier if the signed-in citizen owns it; NotFound otherwise (an official's view is the back
    office's)."""
    dossier = dossier_get_visible(user=request.user, code=dossier_code)
    if dossier.owner_id != request.user.pk:
        raise NotFound(_("Không tìm thấy hồ sơ %(code)s.") % {"code": dossier_code}, code="dossier_not_found")
    return dossier


QR_ERROR = "m"  # 15 % error correction, as on the printed Form 01


def qr_svg(value: str, *, label: str) -> SafeString:
    """Inline SVG (no external asset) of the QR code of `value`, drawn by segno, with a text alternative."""
    title = escape(_("Mã QR tra cứu hồ sơ %(code)s") % {"code": label})
    svg = segno.make_qr(value, error=QR_ERROR, boost_error=False).svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="qr", lineclass=None)
    # segno writes `<svg viewBox=...`: add the role and the accessible name the page needs.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{title}" ', 1))  # noqa: S308


def tracking_url(request, dossier_code: str) -> str:
    """Absolute URL of the public tracking page for a code (what the receipt's QR code holds)."""
    return request.build_absolute_uri(f"{TRACKING_PATH}?{urlencode({'ma': dossier_code})}")


@never_cache
@require_safe
def submit_receipt(request, dossier_code: str):
    """Biên nhận nộp hồ sơ trực tuyến: the code, its QR code, the due date when known, Form 01."""
    refused = _refuse_non_citizen(request)
    if refused is not None:
        return refused
    try:
        dossier = _own_dossier(request, dossier_code)
    except NotFound as error:
        return _not_found(request, error.message)
    url = tracking_url(request, dossier.code)
    return render(request, "portal/submit/receipt.html", {
        "dossier": dossier, "tracking_url": url, "qr_svg": qr_svg(url, label=dossier.code),
        "files": dossier_files_for_applicant(dossier=dossier), "eform_rows": eform_display(dossier.procedure.form_schema,
                                                                               dossier.form_data),
    })


@never_cache
@require_safe
def submit_form01_pdf(request, dossier_code: str):
    """Form 01 (giấy tiếp nhận và hẹn trả) of the citizen's own dossier, the same PDF as the back office;
    404 for anyone else, 409 with the reason before the center has received the dossier."""
    refused = _refuse_non_citizen(request)
    if refused is not None:
        return refused
    try:
        dossier = _own_dossier(request, dossier_code)
        context = form_context(dossier, "01")
    except NotFound as error:
        return _not_found(request, error.message)
    except ApplicationError as error:
        return _message(request, _("Chưa có giấy tiếp nhận"), error.message, status=error.status)
    response = HttpResponse(render_context_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{dossier.code}-mau-01.pdf", inline=True)
    response["Cache-Control"] = "private, no-store"
    return response
