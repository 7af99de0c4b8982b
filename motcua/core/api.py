# SPDX-License-Identifier: AGPL-3.0-or-later
"""REST edge: ApplicationError → a JSON error with code and message and the right 4xx status."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = {"code": exc.code, "message": str(exc.message), **exc.extra}
        return Response(body, status=exc.status)
    return drf_exception_handler(exc, context)


# Beyond this an offset only asks the database for an integer it cannot hold (SQLite overflows): 400, not 500.
MAX_OFFSET = 1_000_000_000


class Pagination(LimitOffsetPagination):
    """?limit=&offset= with bounds: limit at most 100, a huge or negative offset refused."""

    max_limit = 100

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param, "0") or "0"
        if not raw.isdigit() or int(raw) > MAX_OFFSET:
            raise ValidationError({"offset": _("offset phải là số nguyên từ 0 đến %(max)s.") % {"max": MAX_OFFSET}})
        return int(raw)


@never_cache
@require_safe
def health(request):
    """GET /api/v1/health → {"status": "ok"}: what a load balancer probes, and the framework ceiling of the
    benchmarks (benchmarks/run_all.py). No database query and no DRF on purpose: it says the process
    answers, not that every dependency does, so a slow database does not take every worker out of rotation."""
    return JsonResponse({"status": "ok"})
