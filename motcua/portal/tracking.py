# SPDX-License-Identifier: AGPL-3.0-or-later
"""Citizen pages after submission: public tracking (tra cứu hồ sơ), "my dossiers" (hồ sơ của tôi), the
owner's dossier page with its supplement, result, rating and petitions.

Thin: parse with a form, read with `dossiers.selectors`, write with one service (the supplement: the
documents and dossiers services in one transaction), render. A refusal comes back as the page with its
Vietnamese message and a 4xx status, never a 500. A dossier that is not the caller's is 404.
"""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.core import is_ratelimited

from motcua.core.errors import ApplicationError, NotFound
from motcua.documents.models import FileKind
from motcua.documents.selectors import dossier_file_get_visible, dossier_files
from motcua.documents.services import dossier_file_attach, files_guard
from motcua.documents.views import file_response
from motcua.dossiers.feedback import (
    COMMENT_MAX_LENGTH,
    CRITERIA,
    PETITION_MAX_LENGTH,
    RATEABLE_STAGES,
    criteria_suggested,
    dossier_rate,
    petition_rate,
    petition_submit,
)
from motcua.dossiers.models import (
    RESULT_STAGES,
    Dossier,
    PetitionKind,
    QuickRating,
    ResultDelivery,
    Stage,
)
from motcua.dossiers.selectors import (
    TRACK_CODE_MAX_LENGTH,
    dossier_events_for_applicant,
    dossier_get_owned,
    dossier_list_owned,
    dossier_petitions,
    dossier_rating_get,
    dossier_supplement_open,
    dossier_track,
    track_code_clean,
)
from motcua.dossiers.services import dossier_receive_supplement

PAGE_SIZE = 20
SUPPLEMENT_MAX_FILES = 10
NOTE_MAX_LENGTH = 1000


# ---------------------------------------------------------------- helpers


def _login_url() -> str:
    """The citizens' login page once the account pages provide it, else the project's LOGIN_URL."""
    try:
        return reverse("portal:login")
    except NoReverseMatch:
        return resolve_url(settings.LOGIN_URL)


def login_required_portal(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), _login_url())
        return view(request, *args, **kwargs)

    return wrapper


def _not_found(request, message: str):
    return render(request, "portal/mine/not_found.html", {"message": message}, status=404)


def _initials(name: str) -> str:
    """"Nguyễn Văn An" → "N. V. A." (what the public tracking page shows of the applicant)."""
    return " ".join(f"{part[0].upper()}." for part in (name or "").split() if part[0].isalnum())


def _phone_tail(phone: str) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return f"•••••••{digits[-3:]}" if len(digits) >= 3 else ""


def _result_notice(dossier: Dossier) -> dict | None:
    """Where and how the result is, once there is one: at the return center, by post or online."""
    if dossier.stage == Stage.RETURNED:
        return {"state": "returned", "at": dossier.returned_at, "delivery": dossier.result_delivery,
                "unit": dossier.return_unit}
    if dossier.stage == Stage.DONE:
        return {"state": "ready", "at": dossier.finished_at, "delivery": dossier.result_delivery,
                "unit": dossier.return_unit}
    return None


def _dossier_facts(dossier: Dossier) -> dict:
    return {
        "dossier": dossier,
        "status_label": dossier.get_status_display(),
        "result": _result_notice(dossier),
        "supplement": dossier_supplement_open(dossier=dossier),
        "delivery_choices": ResultDelivery,
    }


# ---------------------------------------------------------------- forms


class _NoSuffix:
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TrackForm(_NoSuffix, forms.Form):
    ma = forms.CharField(label=gettext_lazy("Mã hồ sơ"), max_length=TRACK_CODE_MAX_LENGTH + 16,
                         help_text=gettext_lazy("Ghi trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả, "
                                                "ví dụ 000.24133.01.H66-260302-0001."),
                         error_messages={"required": gettext_lazy("Cần nhập mã hồ sơ.")})
    xac_minh = forms.CharField(
        label=gettext_lazy("Số điện thoại hoặc 4 số cuối CCCD của chủ hồ sơ"), max_length=32, required=False,
        help_text=gettext_lazy("Để bảo vệ thông tin của bạn, chỉ mã hồ sơ thì chưa đủ để xem."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def clean_ma(self) -> str:
        return track_code_clean(self.cleaned_data["ma"])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field. Their content is checked by `documents.services.dossier_file_attach`
    (type by magic bytes, size) inside the supplement's transaction."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(MultipleFileField, self).clean(f, initial) for f in files]
        if not files:
            raise ValidationError(_("Cần chọn ít nhất một tệp giấy tờ bổ sung."), code="required")
        if len(files) > SUPPLEMENT_MAX_FILES:
            raise ValidationError(_("Mỗi lần gửi tối đa %(n)s tệp.") % {"n": SUPPLEMENT_MAX_FILES}, code="too_many")
        return files


class SupplementForm(_NoSuffix, forms.Form):
    files = MultipleFileField(label=gettext_lazy("Giấy tờ bổ sung"), required=False,
                              help_text=gettext_lazy("PDF, JPEG hoặc PNG; có thể chọn nhiều tệp."))
    note = forms.CharField(label=gettext_lazy("Ghi chú cho cán bộ (không bắt buộc)"), required=False,
                           max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}))


def _criterion_field(criterion) -> forms.ChoiceField:
    best, middle, worst = criterion.levels
    return forms.ChoiceField(
        label=_("%(n)s. %(name)s") % {"n": criterion.key, "name": criterion.name}, required=False,
        widget=forms.RadioSelect,
        choices=[("2", _("2 điểm — %(level)s") % {"level": best}),
                 ("1", _("1 điểm — %(level)s") % {"level": middle}),
                 ("0", _("0 điểm — %(level)s") % {"level": worst})])


class RatingForm(_NoSuffix, forms.Form):
    quick = forms.ChoiceField(label=gettext_lazy("Mức độ hài lòng của bạn"), choices=QuickRating.choices,
                              widget=forms.RadioSelect,
                              error_messages={"required": gettext_lazy("Cần chọn mức độ hài lòng.")})
    comment = forms.CharField(label=gettext_lazy("Ý kiến khác (không bắt buộc)"), required=False,
                              max_length=COMMENT_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, suggested: dict[str, int] | None = None, **kwargs):
        """`suggested`: scores the record implies, shown as hints, never pre-checked (a pre-checked part of
        the nine would turn a quick rating into an incomplete sheet)."""
        super().__init__(*args, **kwargs)
        for criterion in CRITERIA:
            field = self.fields[f"c{criterion.key}"] = _criterion_field(criterion)
            if suggested and criterion.key in suggested:
                field.help_text = _("Theo quá trình xử lý hồ sơ: %(n)s điểm.") % {"n": suggested[criterion.key]}

    def criteria_fields(self):
        return [self[f"c{criterion.key}"] for criterion in CRITERIA]

    def criteria(self) -> dict[str, str]:
        """The scores given (all nine or none: the service says which is missing)."""
        return {c.key: self.cleaned_data[f"c{c.key}"] for c in CRITERIA if self.cleaned_data.get(f"c{c.key}")}


class PetitionForm(_NoSuffix, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại"), choices=PetitionKind.choices, widget=forms.RadioSelect,
                             initial=PetitionKind.FEEDBACK)
    content = forms.CharField(label=gettext_lazy("Nội dung phản ánh, kiến nghị"), max_length=PETITION_MAX_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": gettext_lazy("Cần ghi nội dung phản ánh, kiến nghị.")})


class PetitionRateForm(_NoSuffix, forms.Form):
    satisfied = forms.ChoiceField(
        label=gettext_lazy("Bạn có hài lòng với câu trả lời không?"), widget=forms.RadioSelect,
        choices=[("1", gettext_lazy("Hài lòng")), ("0", gettext_lazy("Không hài lòng"))],
        error_messages={"required": gettext_lazy("Cần chọn hài lòng hoặc không hài lòng.")})


# ---------------------------------------------------------------- public tracking


def _track_limited(request, code: str) -> bool:
    """Both limits count every lookup: per client IP, and per code whatever the IP (a code is never worth
    more guesses than that, and an unknown code counts the same, so the limit reveals nothing)."""
    by_ip = is_ratelimited(request, group="portal.track.ip", key="ip", rate=settings.MOTCUA_TRACK_RATE,
                           increment=True)
    by_code = is_ratelimited(request, group="portal.track.code", key=lambda _group, _request: code,
                             rate=settings.MOTCUA_TRACK_RATE_PER_CODE, increment=True)
    return by_ip or by_code


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track(request):
    """Tra cứu hồ sơ: GET shows the form (`?ma=` from the receipt's QR code prefills the code); the lookup
    itself is a POST so the phone number or CCCD digits never sit in a URL, a log or a Referer."""
    if request.method != "POST":
        form = TrackForm(initial={"ma": track_code_clean(request.GET.get("ma", ""))})
        return render(request, "portal/track/track.html", {"form": form})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/track/track.html", {"form": form}, status=400)
    code = form.cleaned_data["ma"]
    retry = TrackForm(initial={"ma": code})  # the proof is never written back into the page
    if _track_limited(request, code):
        response = render(request, "portal/track/track.html", {"form": retry, "limited": True}, status=429)
        response["Retry-After"] = "60"
        return response
    dossier = dossier_track(code=code, proof=form.cleaned_data["xac_minh"])
    if dossier is None:
        return render(request, "portal/track/track.html", {"form": retry, "not_found": True})
    context = {
        "form": retry, **_dossier_facts(dossier),
        "initials": _initials(dossier.applicant_name), "phone_tail": _phone_tail(dossier.applicant_phone),
        "timeline": dossier_events_for_applicant(dossier=dossier, owner_view=False),
    }
    return render(request, "portal/track/track.html", context)


# ---------------------------------------------------------------- my dossiers


FILTERS = {
    "can-bo-sung": (gettext_lazy("Cần bạn bổ sung"), (Stage.SUPPLEMENT, Stage.FEES)),
    "dang-xu-ly": (gettext_lazy("Đang giải quyết"), (Stage.SUBMITTED, Stage.RECEIVED, Stage.PROCESSING,
                                                    Stage.CONSULTING)),
    "co-ket-qua": (gettext_lazy("Đã có kết quả"), (Stage.DONE, Stage.RETURNED)),
    "da-dong": (gettext_lazy("Không tiếp nhận, dừng hoặc đã rút"), (Stage.REFUSED, Stage.STOPPED, Stage.WITHDRAWN)),
}


@never_cache
@require_safe
@login_required_portal
def my_dossiers(request):
    """Hồ sơ của tôi: the dossiers this account owns, with a status filter and pages of 20."""
    chosen = request.GET.get("trang_thai", "")
    chosen = chosen if chosen in FILTERS else ""
    per_stage = dict(dossier_list_owned(user=request.user).order_by().values_list("stage")
                     .annotate(n=Count("id")))
    filters = [{"key": "", "label": _("Tất cả"), "count": sum(per_stage.values()), "current": not chosen}]
    filters += [{"key": key, "label": label, "count": sum(per_stage.get(s, 0) for s in stages),
                 "current": key == chosen} for key, (label, stages) in FILTERS.items()]
    dossiers = dossier_list_owned(user=request.user, stages=FILTERS[chosen][1] if chosen else None)
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/mine/list.html", {"page": page, "filters": filters, "chosen": chosen})


def _owned_or_none(request, code: str) -> Dossier | None:
    try:
        return dossier_get_owned(user=request.user, code=code)
    except NotFound:
        return None


def _not_owned(request, code: str):
    return _not_found(request, _("Không tìm thấy hồ sơ %(code)s trong các hồ sơ của bạn.") % {"code": code[:64]})


def _visible_files(dossier: Dossier) -> list:
    """Papers and supplements always; the result only once the dossier is done (before that it is a draft
    of the office, not yet issued)."""
    files = list(dossier_files(dossier=dossier))
    if dossier.stage not in RESULT_STAGES:
        files = [f for f in files if f.kind != FileKind.RESULT]
    return files


def _render_mine(request, dossier: Dossier, *, status: int = 200, petition_rate_errors: dict | None = None,
                 **forms_and_errors):
    rating = dossier_rating_get(dossier=dossier)
    petitions = list(dossier_petitions(dossier=dossier))
    errors = petition_rate_errors or {}
    files = _visible_files(dossier)
    context = {
        **_dossier_facts(dossier),
        "timeline": dossier_events_for_applicant(dossier=dossier, owner_view=True),
        "files": [f for f in files if f.kind != FileKind.RESULT],
        "result_files": [f for f in files if f.kind == FileKind.RESULT],
        "rating": rating,
        "rating_rows": [(c, rating.criteria.get(c.key)) for c in CRITERIA] if rating and rating.criteria else [],
        "petitions": [(p, errors.get(p.pk, "")) for p in petitions],
        "petition_pending": any(p.answered_at is None for p in petitions),
    }
    if context["supplement"] is not None:
        context["supplement_form"] = SupplementForm()
    if rating is None and dossier.stage in RATEABLE_STAGES:
        context["rating_form"] = RatingForm(suggested=criteria_suggested(dossier))
    if not context["petition_pending"]:
        context["petition_form"] = PetitionForm()
    context.update(forms_and_errors)
    return render(request, "portal/mine/detail.html", context, status=status)


@never_cache
@require_safe
@login_required_portal
def my_dossier(request, code: str):
    dossier = _owned_or_none(request, code)
    if dossier is None:
        return _not_owned(request, code)
    return _render_mine(request, dossier)


@never_cache
@require_POST
@login_required_portal
def my_dossier_supplement(request, code: str):
    """The owner sends the missing papers online: every file is attached (checked by content) and the
    supplement received in one transaction, so a refused file leaves nothing behind. The processing time
    restarts from zero (dossiers.services.dossier_receive_supplement)."""
    dossier = _owned_or_none(request, code)
    if dossier is None:
        return _not_owned(request, code)
    form = SupplementForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_mine(request, dossier, supplement_form=form, status=400)
    try:
        with files_guard(), transaction.atomic():
            for upload in form.cleaned_data["files"]:
                dossier_file_attach(dossier=dossier, actor=request.user, uploaded_file=upload,
                                    kind=FileKind.SUPPLEMENT)
            dossier = dossier_receive_supplement(dossier=dossier, actor=request.user,
                                                 note=form.cleaned_data["note"])
    except ApplicationError as exc:
        dossier = dossier_get_owned(user=request.user, code=dossier.code)
        return _render_mine(request, dossier, supplement_form=form, supplement_error=str(exc.message),
                            status=exc.status)
    messages.success(request, _("Đã gửi giấy tờ bổ sung cho hồ sơ %(code)s. Thời hạn giải quyết được tính lại "
                                "từ đầu.") % {"code": dossier.code})
    return redirect("portal:my-dossier", code=dossier.code)


@never_cache
@require_safe
@login_required_portal
def my_dossier_file(request, code: str, file_id: int):
    """A file of the owner's dossier (papers, supplements, and the electronic result once issued)."""
    dossier = _owned_or_none(request, code)
    if dossier is None:
        raise Http404
    try:
        record = dossier_file_get_visible(user=request.user, file_id=file_id)
    except NotFound:
        raise Http404 from None
    if record.dossier_id != dossier.pk or (record.kind == FileKind.RESULT and dossier.stage not in RESULT_STAGES):
        raise Http404
    return file_response(record)


@never_cache
@require_POST
@login_required_portal
def my_dossier_rate(request, code: str):
    dossier = _owned_or_none(request, code)
    if dossier is None:
        return _not_owned(request, code)
    form = RatingForm(request.POST, suggested=criteria_suggested(dossier))
    if not form.is_valid():
        return _render_mine(request, dossier, rating_form=form, status=400)
    try:
        dossier_rate(dossier=dossier, actor=request.user, quick=form.cleaned_data["quick"],
                     criteria=form.criteria(), comment=form.cleaned_data["comment"])
    except ApplicationError as exc:
        return _render_mine(request, dossier, rating_form=form, rating_error=str(exc.message), status=exc.status)
    messages.success(request, _("Cảm ơn bạn đã đánh giá việc giải quyết hồ sơ %(code)s.") % {"code": dossier.code})
    return redirect("portal:my-dossier", code=dossier.code)


@never_cache
@require_POST
@login_required_portal
def my_dossier_petition(request, code: str):
    dossier = _owned_or_none(request, code)
    if dossier is None:
        return _not_owned(request, code)
    form = PetitionForm(request.POST)
    if not form.is_valid():
        return _render_mine(request, dossier, petition_form=form, status=400)
    try:
        petition = petition_submit(dossier=dossier, actor=request.user, content=form.cleaned_data["content"],
                                   kind=form.cleaned_data["kind"])
    except ApplicationError as exc:
        return _render_mine(request, dossier, petition_form=form, petition_error=str(exc.message),
                            status=exc.status)
    messages.success(request, _("Đã gửi phản ánh, kiến nghị về hồ sơ %(code)s tới %(unit)s.")
                     % {"code": dossier.code, "unit": petition.unit.name})
    return redirect("portal:my-dossier", code=dossier.code)


@never_cache
@require_POST
@login_required_portal
def my_dossier_petition_rate(request, code: str, petition_id: int):
    dossier = _owned_or_none(request, code)
    petition = None
    if dossier is not None:
        petition = next((p for p in dossier_petitions(dossier=dossier) if p.pk == petition_id), None)
    if petition is None:
        return _not_owned(request, code)
    form = PetitionRateForm(request.POST)
    if not form.is_valid():
        return _render_mine(request, dossier, petition_rate_errors={petition.pk: form.errors["satisfied"][0]},
                            status=400)
    try:
        petition_rate(petition=petition, actor=request.user, satisfied=form.cleaned_data["satisfied"] == "1")
    except ApplicationError as exc:
        return _render_mine(request, dossier, petition_rate_errors={petition.pk: str(exc.message)},
                            status=exc.status)
    messages.success(request, _("Cảm ơn bạn đã cho biết ý kiến về câu trả lời."))
    return redirect("portal:my-dossier", code=dossier.code)
