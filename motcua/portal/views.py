# SPDX-License-Identifier: AGPL-3.0-or-later
from math import ceil
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.shortcuts import render
from django.utils import timezone

from motcua.catalog.search import procedure_search
from motcua.catalog.selectors import procedure_get, procedure_list_public, process_for
from motcua.core.errors import NotFound
from motcua.core.text import fold
from motcua.units.models import Unit
from motcua.units.selectors import unit_list

from .forms import ProcedureSearchForm
from .submission import submit_entry

PAGE_SIZE = 20
POPULAR_COUNT = 8


def _province() -> Unit | None:
    return Unit.objects.filter(code=settings.MOTCUA_PROVINCE_CODE).first()


def _popular_procedures(limit: int) -> list:
    # TODO(catalog): a `procedure_list_popular(limit=)` selector would own this ordering.
    return list(procedure_list_public().order_by("-popularity", "code")[:limit])


def _fields_with_procedures() -> list[tuple[str, str]]:
    """(code, name) of the fields (lĩnh vực) that have at least one published procedure."""
    # TODO(catalog): a `field_list_public()` selector would own this; one query either way.
    fields = procedure_list_public().order_by().values_list("field__code", "field__name").distinct()
    return sorted(fields, key=lambda field: fold(field[1]))  # Vietnamese order: Đất đai before Hộ tịch


def _page_window(page: int, num_pages: int, around: int = 1) -> list[int | None]:
    """Page numbers to link: first, last and `around` either side of the current one; None marks a gap."""
    keep = {1, num_pages, *range(page - around, page + around + 1)}
    numbers = [n for n in sorted(keep) if 1 <= n <= num_pages]
    window: list[int | None] = []
    for n in numbers:
        if window and n - window[-1] > 1:
            window.append(None)
        window.append(n)
    return window


def _not_found(request, message: str):
    return render(request, "404.html", {"message": message}, status=404)


def home(request):
    today = timezone.localdate()
    province = _province()
    context = {
        "province": province,
        "province_count": unit_list(active_on=today).provinces().count(),
        "commune_count": unit_list(active_on=today).communes().count(),
        "local_commune_count": (
            unit_list(parent=province, active_on=today).communes().count() if province else 0
        ),
        "popular": _popular_procedures(POPULAR_COUNT),
    }
    return render(request, "portal/home.html", context)


def procedure_list(request):
    """Tra cứu thủ tục hành chính: search, filters, 20 cards a page."""
    form = ProcedureSearchForm(request.GET or None, fields=_fields_with_procedures())
    filters = form.filters()
    page = form.page_number()
    result = procedure_search(**filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    num_pages = max(1, ceil(result.count / PAGE_SIZE))
    if page > num_pages:  # a stale link past the end shows the last page
        page = num_pages
        result = procedure_search(**filters, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    prefetch_related_objects(result.results, "fees")  # the cards' fee summary, one query
    context = {
        "form": form.for_display(),
        "filters": filters,
        "has_filters": any(filters[name] for name in ("level", "field", "online")),
        "count": result.count,
        "procedures": result.results,
        "page": page,
        "num_pages": num_pages,
        "page_window": _page_window(page, num_pages),
        "query_string": urlencode({name: value for name, value in filters.items() if value}),
        "query_only": urlencode({"q": filters["q"]}) if filters["q"] else "",
        "suggestions": [] if result.count else _popular_procedures(5),
    }
    return render(request, "portal/procedure_list.html", context)


def procedure_detail(request, code: str):
    """Thông tin một thủ tục: papers, fees, where to submit, the internal process."""
    try:
        procedure = procedure_get(code=code)
    except NotFound as error:
        return _not_found(request, error.message)
    context = {"procedure": procedure, "process": process_for(procedure=procedure, province=_province())}
    return render(request, "portal/procedure_detail.html", context)


def submit_placeholder(request, code: str):
    """Nộp hồ sơ trực tuyến (`portal:submit-placeholder`, /nop-ho-so/<code>/): the wizard's entry page."""
    return submit_entry(request, code)
