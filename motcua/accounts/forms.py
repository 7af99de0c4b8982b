# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of citizen accounts: registration, login, password reset and change. They parse and say what is
missing; the rules (who may register with what, who a login name means) live in services and selectors."""

import logging
import smtplib

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ValidationFailed
from motcua.core.masking import mask_email

logger = logging.getLogger(__name__)

IDENTIFIER_MAX_LENGTH = 254  # an e-mail address may be that long


class _NoSuffix:
    """Labels without Django's trailing colon (they sit above their fields)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RegistrationForm(_NoSuffix, forms.Form):
    """Đăng ký tài khoản: phone or e-mail (at least one), full name, optional CCCD, the password twice."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=255,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("Số điện thoại"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}))
    email = forms.CharField(label=_("Địa chỉ e-mail"), required=False, max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    national_id = forms.CharField(
        label=_("Số CCCD (không bắt buộc)"), required=False, max_length=12,
        help_text=_("12 chữ số trên thẻ căn cước. Giúp điền sẵn thông tin khi nộp hồ sơ."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False,
                                help_text=password_validation.password_validators_help_text_html(),
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    # Where each service error code belongs on the form.
    FIELD_OF_CODE = {
        "name_required": "full_name", "name_too_long": "full_name",
        "phone_format": "phone", "phone_taken": "phone",
        "email_format": "email", "email_taken": "email",
        "cccd_format": "national_id", "cccd_province": "national_id", "cccd_taken": "national_id",
        "password_weak": "password1",
    }

    def clean(self):
        data = super().clean()
        if not data.get("phone", "").strip() and not data.get("email", "").strip():
            raise ValidationError(_("Vui lòng nhập số điện thoại hoặc địa chỉ e-mail (ít nhất một)."),
                                  code="contact_required")
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", ValidationError(_("Hai mật khẩu không giống nhau."), code="password_mismatch"))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"full_name": data["full_name"], "phone": data["phone"], "email": data["email"],
                "national_id": data["national_id"], "password": data["password1"]}

    def add_service_error(self, error: ValidationFailed) -> None:
        self.add_error(self.FIELD_OF_CODE.get(error.code), ValidationError(str(error.message), code=error.code))


class CitizenAuthenticationForm(_NoSuffix, auth_forms.AuthenticationForm):
    """Đăng nhập: phone number, e-mail or username, and the password."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("Số điện thoại, e-mail hoặc mật khẩu không đúng. Lưu ý chữ hoa, chữ thường của mật khẩu."),
        "inactive": _("Tài khoản này đã bị khóa. Vui lòng liên hệ Trung tâm Phục vụ hành chính công."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("Số điện thoại, e-mail hoặc tên đăng nhập")
        username.max_length = IDENTIFIER_MAX_LENGTH
        username.widget.attrs.update({"maxlength": IDENTIFIER_MAX_LENGTH, "autocomplete": "username"})
        self.fields["password"].label = _("Mật khẩu")


class PasswordResetRequestForm(_NoSuffix, auth_forms.PasswordResetForm):
    """Quên mật khẩu: the link goes to the account's e-mail. The answer never says whether an account
    has that address, and a mail server that is down is logged, not shown as an error page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Địa chỉ e-mail của tài khoản")

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        try:
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)
        except (smtplib.SMTPException, OSError):
            logger.exception("Password reset mail to %s could not be sent", mask_email(to_email))


class NewPasswordForm(_NoSuffix, auth_forms.SetPasswordForm):
    """Đặt mật khẩu mới (after the link in the reset mail)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")


class ChangePasswordForm(_NoSuffix, auth_forms.PasswordChangeForm):
    """Đổi mật khẩu (signed in: the current password, then the new one twice)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Mật khẩu hiện tại")
        self.fields["new_password1"].label = _("Mật khẩu mới")
        self.fields["new_password2"].label = _("Nhập lại mật khẩu mới")
