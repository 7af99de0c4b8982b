# SPDX-License-Identifier: AGPL-3.0-or-later
"""Citizen account pages (tài khoản công dân): register, log in and out, the account page, password reset
by e-mail and password change. Thin: a form parses, one accounts service or Django's auth view acts.

Lockout after repeated failures is django-axes' (a 429 page, see accounts/auth.py); the per-address
limits on POSTs are accounts/ratelimits.py.
"""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from motcua.accounts.auth import IDENTITY_VERIFIED
from motcua.accounts.forms import (
    ChangePasswordForm,
    CitizenAuthenticationForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    RegistrationForm,
)
from motcua.accounts.models import UserKind
from motcua.accounts.ratelimits import post_rate_limited
from motcua.accounts.selectors import login_identifier
from motcua.accounts.services import citizen_register
from motcua.core.errors import ValidationFailed
from motcua.core.masking import mask_cccd

MY_DOSSIERS_PATH = "/ho-so-cua-toi/"  # portal:my-dossiers, built in the submission/tracking area
PASSWORD_BACKEND = "motcua.accounts.auth.LoginBackend"


def my_dossiers_url() -> str:
    try:
        return reverse("portal:my-dossiers")
    except NoReverseMatch:
        return MY_DOSSIERS_PATH


def after_login_url(user) -> str:
    """Where a login without `next` lands: officials on their inbox, citizens on their dossiers."""
    if user is not None and user.is_authenticated and (user.kind == UserKind.OFFICIAL or user.is_superuser):
        return reverse("backoffice:inbox")
    return my_dossiers_url()


def _safe_next(request) -> str:
    """`next` from the form or the query, only when it is a path or URL of this very site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return ""


def _oidc_context(request) -> dict:
    return {"oidc_enabled": settings.MOTCUA_OIDC_ENABLED, "next": _safe_next(request)}


# ---------------------------------------------------------------- register, log in, log out


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@post_rate_limited("register")
def register(request):
    if request.user.is_authenticated:
        return redirect(_safe_next(request) or after_login_url(request.user))
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = citizen_register(**form.service_arguments())
        except ValidationFailed as error:
            form.add_service_error(error)
        else:
            auth_login(request, user, backend=PASSWORD_BACKEND)
            return redirect(_safe_next(request) or my_dossiers_url())
    return render(request, "portal/account/register.html", {"form": form, **_oidc_context(request)},
                  status=400 if form.errors else 200)


@method_decorator(post_rate_limited("login"), name="dispatch")
class LoginView(auth_views.LoginView):
    """Đăng nhập: `next` is honoured only for this site (Django's LoginView checks it)."""

    template_name = "portal/account/login.html"
    authentication_form = CitizenAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return after_login_url(self.request.user)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "oidc_enabled": settings.MOTCUA_OIDC_ENABLED}


class LogoutView(auth_views.LogoutView):
    """Đăng xuất (POST only, Django's rule)."""

    next_page = "portal:home"


# ---------------------------------------------------------------- the account page


@login_required(login_url=reverse_lazy("portal:login"))
def account(request):
    user = request.user
    context = {
        "profile": user,
        "masked_cccd": mask_cccd(user.national_id) if user.national_id else "",
        "identities": list(user.external_identities.order_by("created_at")),
        "session_verified": bool(request.session.get(IDENTITY_VERIFIED)),
        "can_change_password": user.has_usable_password(),
        "my_dossiers_url": my_dossiers_url(),
    }
    return render(request, "portal/account/account.html", context)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "portal/account/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("portal:password-change-done")

    @method_decorator(login_required(login_url=reverse_lazy("portal:login")))
    def dispatch(self, *args, **kwargs):
        return super().dispatch(*args, **kwargs)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "portal/account/password_change_done.html"

    @method_decorator(login_required(login_url=reverse_lazy("portal:login")))
    def dispatch(self, *args, **kwargs):
        return super().dispatch(*args, **kwargs)


# ---------------------------------------------------------------- password reset by e-mail


@method_decorator(post_rate_limited("password_reset"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "portal/account/password_reset_form.html"
    form_class = PasswordResetRequestForm
    subject_template_name = "registration/motcua_password_reset_subject.txt"
    email_template_name = "registration/motcua_password_reset_email.txt"
    success_url = reverse_lazy("portal:password-reset-done")

    @property
    def extra_email_context(self):
        return {"hours": settings.PASSWORD_RESET_TIMEOUT // 3600}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/account/password_reset_done.html"


@method_decorator(post_rate_limited("password_reset"), name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/account/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("portal:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever proves the mailbox gets in again at once: lift a lockout under any of the account's names.
        user = form.user
        for name in {user.username, user.phone, user.email}:
            if name:
                axes_reset(username=login_identifier(name))
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/account/password_reset_complete.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "login_url": reverse("portal:login")}
