# SPDX-License-Identifier: AGPL-3.0-or-later
"""Per-address limits on the account forms (django-ratelimit): so many POSTs of login, registration or
password reset per client address and period (MOTCUA_RATELIMIT_*), then a 429 page in Vietnamese.

This slows password spraying across many accounts and mass registration; the per-person lockout after
failed logins is django-axes' (see auth.py). The counters live in the default cache: one process's memory
unless CACHES points at a shared cache (docs/accounts.md).
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from .auth import client_ip

RETRY_AFTER_SECONDS = 60


def _rate(group: str, request) -> str | None:
    return settings.MOTCUA_RATELIMIT_RATES.get(group.removeprefix("motcua."))


def _client(group: str, request) -> str:
    return client_ip(request)


def too_many_requests(request):
    response = render(request, "portal/account/too_many.html", status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def post_rate_limited(group: str):
    """Decorate a view: its POSTs count against `group`'s rate for the client address; over it → 429."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and is_ratelimited(
                request, group=f"motcua.{group}", key=_client, rate=_rate, method="POST", increment=True
            ):
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
