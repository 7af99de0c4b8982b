# SPDX-License-Identifier: AGPL-3.0-or-later
"""Printable page and PDF of forms 01–05 of a dossier (back office, also its owner citizen).

Thin: find the dossier through the permission-filtered selector (outside the caller's view it is "not
found"), build the form, render. A refused operation becomes its 4xx page with the Vietnamese message —
404 for an unknown dossier or form, 409 when the form does not apply — never a 500.
"""

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from motcua.core.errors import ApplicationError, NotFound

from ..selectors import dossier_get_visible
from .forms import form_context, form_number
from .pdf import render_context_pdf
from .qr import qr_svg

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]")


def _error(request, error: ApplicationError):
    return render(request, "dossiers/print/error.html", {"message": error.message, "status": error.status},
                  status=error.status)


def _context(request, code: str, number: str) -> dict:
    key = form_number(number)
    if key is None:
        raise NotFound(_("Không có biểu mẫu số %(number)s.") % {"number": number}, code="form_unknown")
    dossier = dossier_get_visible(user=request.user, code=code)
    return form_context(dossier, key)


@login_required
@require_safe
@never_cache
def form_html(request, code: str, number: str):
    """Printable page of a form (print CSS, @page A5 / A4): the officer prints it from the browser."""
    try:
        context = _context(request, code, number)
    except ApplicationError as error:
        return _error(request, error)
    context["qr_svg"] = qr_svg(context["qr_value"])
    return render(request, f"dossiers/print/form_{context['number']}.html", context)


@login_required
@require_safe
@never_cache
def form_pdf(request, code: str, number: str):
    """The form as a PDF, shown inline: <code>-mau-<number>.pdf."""
    try:
        context = _context(request, code, number)
    except ApplicationError as error:
        return _error(request, error)
    response = HttpResponse(render_context_pdf(context), content_type="application/pdf")
    filename = f"{_UNSAFE_FILENAME.sub('_', context['code'])}-mau-{context['number']}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
