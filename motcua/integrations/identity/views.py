# SPDX-License-Identifier: AGPL-3.0-or-later
"""The two steps of "Đăng nhập bằng VNeID": send the browser to the provider, take it back.

Off (MOTCUA_OIDC_ENABLED unset) both answer 404. A forged or replayed `state` is refused with a 400 page
in Vietnamese; a provider that is down gives a 503 page; a refused or cancelled login goes back to the
login page with a message.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from motcua.accounts.auth import IDENTITY_VERIFIED
from motcua.portal.account_views import after_login_url

from .client import ProviderUnavailable, oidc_setting

logger = logging.getLogger(__name__)


class _Start(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)


class _Callback(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    @property
    def failure_url(self):
        return reverse("portal:login")

    @property
    def success_url(self):
        return self.request.session.get("oidc_login_next") or after_login_url(self.user)

    def login_failure(self):
        messages.error(self.request, _("Đăng nhập bằng VNeID không thành công hoặc đã bị hủy. Vui lòng thử lại, "
                                       "hoặc đăng nhập bằng số điện thoại, e-mail."))
        return super().login_failure()

    def login_success(self):
        response = super().login_success()
        # After auth.login (which starts every login unverified): this session's login is verified.
        self.request.session[IDENTITY_VERIFIED] = True
        return response


_start_view = _Start.as_view()
_callback_view = _Callback.as_view()


def _require_enabled() -> None:
    if not settings.MOTCUA_OIDC_ENABLED:
        raise Http404(_("Đăng nhập bằng VNeID chưa được bật."))


def _unavailable(request):
    return render(request, "portal/account/vneid_unavailable.html", status=503)


def login_start(request):
    _require_enabled()
    try:
        return _start_view(request)
    except ProviderUnavailable:
        return _unavailable(request)


def callback(request):
    _require_enabled()
    try:
        return _callback_view(request)
    except SuspiciousOperation as exc:
        logger.warning("OIDC callback refused: %s", exc)
        return render(request, "portal/account/vneid_refused.html", status=400)
    except ProviderUnavailable:
        return _unavailable(request)
