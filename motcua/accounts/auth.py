# SPDX-License-Identifier: AGPL-3.0-or-later
"""Password login (đăng nhập): who a login name means, and the lockout after repeated failures.

Backends, in the order settings.AUTHENTICATION_BACKENDS lists them:
- `LockoutBackend` (django-axes): refuses any attempt while this login name is locked out from this
  address (MOTCUA_LOGIN_FAILURE_LIMIT failures → locked for MOTCUA_LOGIN_LOCKOUT_MINUTES);
- `LoginBackend`: a phone number (any spelling), an e-mail (any case) or a username + the password.
The lockout page itself (`lockout_response`) is shown by axes' middleware, for the portal, the back office
and the admin alike.
"""

import logging
from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.shortcuts import render

from .models import User
from .selectors import login_identifier, user_for_login

logger = logging.getLogger(__name__)


class LockoutBackend(AxesStandaloneBackend):
    """axes' lockout check. A call without a request (the test client's `login()`, a shell) has no
    client address to count failures under: it is let through to the password check."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginBackend(ModelBackend):
    """Login with a phone number, an e-mail address or a username, and a password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        user = user_for_login(username)
        if user is None:
            # Spend the time of a real check, so the answer's delay does not tell whether the name exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


# ---------------------------------------------------------------- axes and ratelimit hooks (settings)


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the header a trusted reverse proxy sets
    (MOTCUA_CLIENT_IP_HEADER; for X-Forwarded-For the right-most entry, the one our proxy added)."""
    header = settings.MOTCUA_CLIENT_IP_HEADER
    value = request.META.get(header, "") if header else ""
    if value:
        return value.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 — a placeholder, never bound


def lockout_username(request, credentials=None) -> str:
    """Failures are counted per person, whichever way they spell their login name."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = getattr(request, "POST", {}).get("username", "")
    return login_identifier(raw or "")


def lockout_cooloff(request=None) -> timedelta:
    return timedelta(minutes=settings.MOTCUA_LOGIN_LOCKOUT_MINUTES)


def lockout_response(request, original_response=None, credentials=None):
    """The locked-out page (429, Vietnamese), in the look of the site the login form belongs to."""
    minutes = settings.MOTCUA_LOGIN_LOCKOUT_MINUTES
    logger.warning("Login locked out for %s from %s", lockout_username(request, credentials), client_ip(request))
    back_office = request.path.startswith("/can-bo/")
    response = render(request, "portal/account/locked_out.html", {
        "base_template": "backoffice/base.html" if back_office else "portal/base.html",
        "minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT, "back_office": back_office,
    }, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


# ---------------------------------------------------------------- the session's identity-verified flag

# request.session[IDENTITY_VERIFIED] is True for a login made through the identity provider (VNeID); the
# dossiers submitted in that session record it (TaiKhoanDuocXacThucVoiVNeID).
IDENTITY_VERIFIED = "identity_verified"


def forget_identity_verification(sender, request=None, user=None, **kwargs) -> None:
    """Every login starts unverified (user_logged_in); only the VNeID callback sets the flag, after its login."""
    session = getattr(request, "session", None)
    if session is not None:
        session.pop(IDENTITY_VERIFIED, None)
