# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the citizen pages. They only parse what the browser sends; the rules live in the domain apps."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.accounts.validators import normalize_phone, validate_cccd, validate_phone
from motcua.catalog.models import Level, OnlineLevel
from motcua.dossiers.models import ApplicantKind

QUERY_MAX_LENGTH = 200
PAGE_MAX = 10_000


class ProcedureSearchForm(forms.Form):
    """Search and filters of the public catalogue (tra cứu thủ tục hành chính), read from GET.

    A value that does not parse is dropped, never an error page: a shared link with a stale field code
    or a hand-edited `page` still shows the catalogue. Use `filters()` and `page_number()`, not `is_valid()`.
    """

    q = forms.CharField(label=_("Tên thủ tục hoặc từ khóa"), required=False, strip=True)
    level = forms.ChoiceField(label=_("Cấp thực hiện"), required=False,
                              choices=[("", _("Tất cả các cấp"))] + Level.choices)
    field = forms.ChoiceField(label=_("Lĩnh vực"), required=False)
    online = forms.ChoiceField(label=_("Mức độ trực tuyến"), required=False,
                               choices=[("", _("Tất cả"))] + OnlineLevel.choices)
    page = forms.IntegerField(required=False, min_value=1, max_value=PAGE_MAX)

    def __init__(self, *args, fields: list[tuple[str, str]] = (), **kwargs):
        """`fields`: (code, name) of the fields (lĩnh vực) that have published procedures."""
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("Tất cả lĩnh vực")), *fields]

    def clean_q(self) -> str:
        # A pasted paragraph is cut rather than refused.
        return self.cleaned_data["q"][:QUERY_MAX_LENGTH]

    def _valid(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()  # runs cleaning; cleaned_data keeps only the fields that parsed
        return self.cleaned_data

    def filters(self) -> dict:
        """The keyword arguments for catalog.search.procedure_search, invalid values left out."""
        data = self._valid()
        return {"q": data.get("q") or "", "level": data.get("level") or None, "field": data.get("field") or None,
                "online": data.get("online") or None}

    def page_number(self) -> int:
        return self._valid().get("page") or 1

    def for_display(self) -> "ProcedureSearchForm":
        """An unbound copy showing the values in use: ignored values are not flagged as errors."""
        return ProcedureSearchForm(initial=self.filters(), fields=self.fields["field"].choices[1:])


# ---------------------------------------------------------------- online submission (nộp hồ sơ trực tuyến)

BUSINESS_CODE = r"\d{10}(-\d{3})?"  # mã số doanh nghiệp: 10 digits, a branch adds -NNN


class ApplicantForm(forms.Form):
    """Step 1, the applicant (chủ hồ sơ), prefilled from the account. Checks the format of the CCCD or
    business code and of the phone number; the domain decides the rest."""

    required_css_class = "required"
    kind = forms.ChoiceField(label=_("Chủ hồ sơ là"), widget=forms.RadioSelect)
    name = forms.CharField(label=_("Họ và tên / tên tổ chức"), max_length=255)
    id_number = forms.CharField(label=_("Số CCCD / mã số doanh nghiệp"), max_length=20,
                                help_text=_("Công dân: 12 chữ số CCCD. Tổ chức, doanh nghiệp: mã số doanh nghiệp."))
    phone = forms.CharField(label=_("Số điện thoại"), max_length=20,
                            help_text=_("Để nhận tin nhắn về tình trạng hồ sơ."),
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))
    email = forms.EmailField(label=_("Thư điện tử"), required=False, max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             error_messages={"invalid": _("Thư điện tử không hợp lệ (ví dụ: ten@example.vn).")})
    address = forms.CharField(label=_("Địa chỉ"), max_length=500,
                              help_text=_("Nơi cư trú hoặc trụ sở; kết quả gửi qua bưu chính về địa chỉ này."),
                              widget=forms.TextInput(attrs={"autocomplete": "street-address"}))

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        """`kinds`: the applicant kinds the procedure is for ((value, label) of dossiers.ApplicantKind)."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        for name in ("name", "id_number", "phone", "address"):
            label = self.fields[name].label
            self.fields[name].error_messages["required"] = _("Vui lòng nhập %(label)s.") % {"label": label}
        self.fields["kind"].error_messages["required"] = _("Vui lòng chọn loại chủ hồ sơ.")

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        validate_phone(value)
        return normalize_phone(value)

    def clean(self):
        data = super().clean()
        number = (data.get("id_number") or "").strip()
        if number and data.get("kind") == ApplicantKind.CITIZEN:
            try:
                validate_cccd(number)
            except forms.ValidationError as error:
                self.add_error("id_number", error)
        elif number and data.get("kind") == ApplicantKind.BUSINESS and not re.fullmatch(BUSINESS_CODE, number):
            self.add_error("id_number", _("Mã số doanh nghiệp gồm 10 chữ số (chi nhánh: thêm -3 chữ số)."))
        return data


class DeliveryForm(forms.Form):
    """Step 4, where the dossier is received and the result returned (nơi tiếp nhận, nhận kết quả)."""

    required_css_class = "required"

    result_delivery = forms.ChoiceField(label=_("Hình thức nhận kết quả"), widget=forms.RadioSelect,
                                        error_messages={"required": _("Vui lòng chọn hình thức nhận kết quả.")})
    receiving_center = forms.ChoiceField(required=False)
    return_center = forms.ChoiceField(label=_("Nơi nhận kết quả (nếu nhận tại Trung tâm)"), required=False,
                                      help_text=_("Để trống: nhận tại nơi tiếp nhận hồ sơ."))

    def __init__(self, *args, deliveries, receiving: list[tuple[str, str]] | None, receiving_label: str,
                 returns: list[tuple[str, str]] | None, **kwargs):
        """`receiving`: centers the applicant may choose (None: fixed, e.g. the province center);
        `returns`: centers for the result (None: the receiving center)."""
        super().__init__(*args, **kwargs)
        self.fields["result_delivery"].choices = deliveries
        if receiving is None:
            del self.fields["receiving_center"]
        else:
            field = self.fields["receiving_center"]
            field.required = True
            field.label = receiving_label
            field.choices = [("", _("— Chọn xã, phường —")), *receiving]
            field.error_messages["required"] = _("Vui lòng chọn %(label)s.") % {"label": receiving_label}
        if returns is None:
            del self.fields["return_center"]
        else:
            self.fields["return_center"].choices = [("", _("— Nơi tiếp nhận hồ sơ —")), *returns]
