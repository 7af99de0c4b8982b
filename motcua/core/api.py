# SPDX-License-Identifier: AGPL-3.0-or-later
"""REST edge: ApplicationError → a JSON error with code and message and the right 4xx status."""

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = {"code": exc.code, "message": str(exc.message), **exc.extra}
        return Response(body, status=exc.status)
    return drf_exception_handler(exc, context)
