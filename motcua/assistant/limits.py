# SPDX-License-Identifier: AGPL-3.0-or-later
"""Rate limits of the assistant, shared by the API and the /tro-ly/ page."""

from django.conf import settings
from django_ratelimit.core import is_ratelimited

from motcua.accounts.auth import client_ip


def assistant_rate_limited(request, *, code: str, phone: str) -> bool:
    """Count one question from this client address (MOTCUA_RATELIMIT_RATES["assistant"]); a status question
    carrying a phone also counts against the tracking page's counters (portal/tracking.py: per address and per
    dossier code), so the assistant is no faster way to guess a proof. `request` is Django's HttpRequest."""
    limited = is_ratelimited(request, group="motcua.assistant", key=lambda _g, r: client_ip(r),
                             rate=settings.MOTCUA_RATELIMIT_RATES["assistant"], increment=True)
    if code and phone:
        by_ip = is_ratelimited(request, group="portal.track.ip", key="ip", rate=settings.MOTCUA_TRACK_RATE,
                               increment=True)
        by_code = is_ratelimited(request, group="portal.track.code", key=lambda _g, _r: code,
                                 rate=settings.MOTCUA_TRACK_RATE_PER_CODE, increment=True)
        limited = limited or by_ip or by_code
    return limited
