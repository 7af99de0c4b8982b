# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the officers' pages. They parse what the browser sends and say what is missing; the rules
(who may act, deadlines, where a dossier may go) live in `dossiers.workflow` and `dossiers.services`."""

import re
from datetime import datetime, time

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import UserKind
from motcua.accounts.validators import normalize_phone, validate_cccd, validate_phone
from motcua.core.errors import ValidationFailed
from motcua.documents.models import FileKind
from motcua.documents.validators import upload_check
from motcua.dossiers.models import ApplicantKind, Channel, ResultDelivery
from motcua.dossiers.services import ApplicantData
from motcua.dossiers.workflow import RULES, Action

QUERY_MAX_LENGTH = 100
NOTE_MAX_LENGTH = 4000
_TAX_CODE = re.compile(r"^\d{10}(-?\d{3})?$")
_NUMBER_LIKE = re.compile(r"\+?[\d\s.()-]{8,}")


class _NoSuffix:
    """Labels without Django's trailing colon (they sit above their fields)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class OfficialAuthenticationForm(_NoSuffix, AuthenticationForm):
    """Login of the back office: officials (cán bộ) and superusers only."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý chữ hoa, chữ thường."),
        "not_official": _("Tài khoản này không phải tài khoản cán bộ. Công dân vui lòng đăng nhập tại "
                          "Cổng dịch vụ công."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not (user.kind == UserKind.OFFICIAL or user.is_superuser):
            raise ValidationError(self.error_messages["not_official"], code="not_official")


class InboxSearchForm(_NoSuffix, forms.Form):
    q = forms.CharField(label=_("Tìm hồ sơ"), required=False, strip=True,
                        help_text=_("Mã hồ sơ, họ tên chủ hồ sơ, số điện thoại hoặc số CCCD."))

    def query(self) -> str:
        """The search term; a phone number or CCCD typed with spaces or dots is compacted."""
        if not self.is_valid():
            return ""
        term = self.cleaned_data["q"][:QUERY_MAX_LENGTH]
        if _NUMBER_LIKE.fullmatch(term):
            term = normalize_phone(term)
        return term


# ---------------------------------------------------------------- actions on a dossier

NOTE_LABELS = {
    Action.REFUSE: _("Lý do từ chối tiếp nhận"),
    Action.SEND_BACK: _("Lý do trả lại"),
    Action.REQUEST_SUPPLEMENT: _("Giấy tờ cần bổ sung, hoàn thiện và lý do"),
    Action.REQUEST_FEES: _("Nghĩa vụ tài chính cần thực hiện"),
    Action.CONSULT: _("Nội dung xin ý kiến"),
    Action.ANSWER_CONSULTATION: _("Ý kiến trả lời của cơ quan được hỏi"),
    Action.STOP: _("Lý do dừng xử lý, từ chối giải quyết"),
    Action.WITHDRAW: _("Lý do rút hồ sơ"),
    Action.RESCHEDULE: _("Lý do chậm trễ (nội dung xin lỗi)"),
}
NO_NOTE = {Action.RECEIVE}  # dossier_receive takes no note
ASSIGNEE_REQUIRED = {Action.ASSIGN, Action.REASSIGN}


class ActionForm(_NoSuffix, forms.Form):
    """What one action needs: a reason where the workflow requires one, the next official, the consulted
    agency and its days, the new date. `prefix` is the action, so every form on the page has its own ids."""

    def __init__(self, *args, action: str, assignees=None, units=None, current_due: datetime | None = None,
                 **kwargs):
        super().__init__(*args, prefix=action, **kwargs)
        self.action = action
        self.current_due = current_due
        rule = RULES[action]
        if action in (Action.ASSIGN, Action.REASSIGN, Action.FORWARD) and assignees is not None:
            required = action in ASSIGNEE_REQUIRED
            self.fields["assignee"] = forms.ModelChoiceField(
                queryset=assignees, required=required,
                label=_("Người xử lý") if required else _("Người xử lý bước tiếp theo"),
                empty_label=_("— Chọn người xử lý —") if required else _("— Để trống: bất kỳ ai giữ vai trò —"),
                error_messages={"required": _("Cần chọn người xử lý."),
                                "invalid_choice": _("Người được chọn không giữ vai trò của bước này.")})
            self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.username
        if action == Action.CONSULT:
            self.fields["unit"] = forms.ModelChoiceField(
                queryset=units, label=_("Cơ quan được xin ý kiến"), empty_label=_("— Chọn cơ quan —"),
                error_messages={"required": _("Cần chọn cơ quan được xin ý kiến.")})
            self.fields["days"] = forms.IntegerField(
                label=_("Thời hạn trả lời (ngày làm việc)"), min_value=1, max_value=60, initial=5)
        if action == Action.RESCHEDULE:
            self.fields["new_date"] = forms.DateField(
                label=_("Ngày hẹn trả mới"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={"required": _("Cần ngày hẹn trả mới.")})
            self.fields["new_time"] = forms.TimeField(
                label=_("Giờ hẹn trả"), required=False, widget=forms.TimeInput(attrs={"type": "time"},
                                                                              format="%H:%M"),
                initial=timezone.localtime(current_due).time().replace(second=0, microsecond=0)
                if current_due else time(16, 0),
                help_text=_("Để trống: giữ giờ của ngày hẹn hiện tại."))
        if action not in NO_NOTE:
            self.fields["note"] = forms.CharField(
                label=NOTE_LABELS.get(action, _("Ghi chú (không bắt buộc)")), required=rule.needs_note,
                max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": _("Cần nêu rõ lý do hoặc nội dung.")})

    def transition_kwargs(self) -> dict:
        """Keyword arguments of `dossier_transition` (besides dossier, action and actor)."""
        data = self.cleaned_data
        kwargs = {"note": data.get("note", ""), "assignee": data.get("assignee"), "unit": data.get("unit")}
        if "days" in data:
            kwargs["days"] = data["days"]
        if data.get("new_date"):
            clock = data.get("new_time")
            if clock is None:
                clock = timezone.localtime(self.current_due).time() if self.current_due else time(16, 0)
            kwargs["new_due_at"] = timezone.make_aware(datetime.combine(data["new_date"], clock))
        return kwargs


# ---------------------------------------------------------------- receipt at the desk


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each checked by `documents.validators.upload_check` (type by content,
    size), so one bad file refuses the whole form before anything is written."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(MultipleFileField, self).clean(f, initial) for f in files]
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        for f in files:
            try:
                upload_check(f)
            except ValidationFailed as exc:
                raise ValidationError(str(exc.message), code=exc.code) from None
        return files


class DossierFileForm(_NoSuffix, forms.Form):
    """Upload one file to a dossier: its kind (limited to what the user may attach) and, optionally, the
    required paper it stands for."""

    kind = forms.ChoiceField(label=_("Loại tệp"))
    required_paper = forms.ModelChoiceField(label=_("Thuộc thành phần hồ sơ (không bắt buộc)"), queryset=None,
                                            required=False, empty_label=_("— Không chọn —"))
    file = forms.FileField(label=_("Tệp (PDF, JPEG hoặc PNG)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def __init__(self, *args, kinds, papers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, FileKind(k).label) for k in kinds]
        self.fields["required_paper"].queryset = papers


class ReceiptStartForm(_NoSuffix, forms.Form):
    """Step 1 of the receipt: the center (when the official serves several) and a procedure search."""

    center = forms.ChoiceField(label=_("Nơi tiếp nhận"))
    q = forms.CharField(label=_("Tìm thủ tục"), required=False, strip=True,
                        help_text=_("Mã thủ tục (ví dụ 1.001193) hoặc tên, từ khóa."))

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].choices = [(c.code, c.name) for c in centers]
        if centers:
            self.fields["center"].initial = centers[0].code


class ReceiptForm(_NoSuffix, forms.Form):
    """Step 2: the applicant, the checklist of papers, where the dossier is handled, who takes it."""

    applicant_kind = forms.ChoiceField(label=_("Chủ hồ sơ là"), choices=ApplicantKind.choices,
                                       initial=ApplicantKind.CITIZEN, widget=forms.RadioSelect)
    applicant_name = forms.CharField(label=_("Họ và tên chủ hồ sơ / tên tổ chức"), max_length=255)
    id_number = forms.CharField(label=_("Số CCCD / mã số doanh nghiệp"), max_length=20,
                                help_text=_("Công dân: 12 chữ số CCCD. Tổ chức: mã số doanh nghiệp, 10 hoặc 13 chữ số."))
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20, required=False,
                            help_text=_("Để nhận tin nhắn về hồ sơ."))
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    submitter_name = forms.CharField(label=_("Người nộp hồ sơ (nếu khác chủ hồ sơ)"), max_length=255,
                                     required=False)
    channel = forms.TypedChoiceField(label=_("Hình thức nộp"), coerce=int, initial=Channel.IN_PERSON,
                                     widget=forms.RadioSelect,
                                     choices=[(Channel.IN_PERSON, _("Trực tiếp tại quầy")),
                                              (Channel.POST, _("Qua dịch vụ bưu chính công ích"))])
    papers = forms.ModelMultipleChoiceField(label=_("Thành phần hồ sơ đã nhận"), required=False,
                                            queryset=None, widget=forms.CheckboxSelectMultiple)
    handling_unit = forms.ModelChoiceField(label=_("Đơn vị giải quyết"), queryset=None,
                                           empty_label=_("— Chọn đơn vị giải quyết —"),
                                           error_messages={"required": _("Cần chọn đơn vị giải quyết.")})
    result_delivery = forms.ChoiceField(label=_("Hình thức nhận kết quả"), choices=ResultDelivery.choices,
                                        initial=ResultDelivery.AT_CENTER)
    assignee = forms.ModelChoiceField(label=_("Chuyển ngay cho người xử lý (không bắt buộc)"), queryset=None,
                                      required=False, empty_label=_("— Chưa phân công —"))
    scans = MultipleFileField(label=_("Bản quét giấy tờ"), required=False,
                              help_text=_("Không bắt buộc. PDF, JPEG hoặc PNG; có thể chọn nhiều tệp."))

    def __init__(self, *args, papers, handling_units, assignees, **kwargs):
        """`handling_units`: dossiers.inbox.ReceiptUnits; `papers`: the procedure's required papers."""
        super().__init__(*args, **kwargs)
        self.required_papers = [p for p in papers if p.required]
        self.fields["papers"].queryset = papers
        self.fields["papers"].label_from_instance = _paper_label
        self.fields["handling_unit"].queryset = handling_units.choices
        if handling_units.default is not None:
            self.fields["handling_unit"].initial = handling_units.default.pk
        self.handling_fixed = handling_units.fixed
        if handling_units.fixed:
            self.fields["handling_unit"].widget = forms.HiddenInput()
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].label_from_instance = lambda user: user.get_full_name() or user.username

    def clean_id_number(self) -> str:
        value = re.sub(r"\s", "", self.cleaned_data["id_number"])
        if self.cleaned_data.get("applicant_kind") == ApplicantKind.BUSINESS:
            if not _TAX_CODE.match(value):
                raise ValidationError(_("Mã số doanh nghiệp gồm 10 chữ số, hoặc 13 chữ số với đơn vị phụ thuộc."),
                                      code="tax_code_format")
            return value
        validate_cccd(value)
        return value

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        if not value:
            return ""
        validate_phone(value)
        return normalize_phone(value)

    def clean_papers(self):
        chosen = self.cleaned_data["papers"]
        missing = [p.name for p in self.required_papers if p not in chosen]
        if missing:
            raise ValidationError(
                _("Hồ sơ chưa đủ thành phần bắt buộc. Còn thiếu: %(names)s."), code="papers_missing",
                params={"names": "; ".join(missing)})
        return chosen

    def applicant(self) -> ApplicantData:
        data = self.cleaned_data
        return ApplicantData(name=data["applicant_name"].strip(), kind=data["applicant_kind"],
                             id_number=data["id_number"], phone=data["phone"], email=data["email"],
                             address=data["address"].strip(), submitter_name=data["submitter_name"].strip())

    def papers_received(self) -> list[dict]:
        """The checklist as stored with the dossier (printed on the receipt, Form 01)."""
        return [{"name": p.name, "form": p.form, "count": p.count} for p in self.cleaned_data["papers"]]


def _paper_label(paper) -> str:
    label = gettext("%(name)s — %(form)s, %(count)s bản") % {
        "name": paper.name, "form": paper.get_form_display(), "count": paper.count}
    return label if paper.required else gettext("%(label)s (không bắt buộc)") % {"label": label}
