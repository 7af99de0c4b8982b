# SPDX-License-Identifier: AGPL-3.0-or-later
"""Dashboard pages (trang giám sát, /giam-sat/): overview, heat map with drill-down, hot spots, comparison,
the periodic report and the live-change endpoint. Thin: parse the query string, call the index, the
monitoring selectors and the report, render. Every figure is also in a table; charts only repeat them.

Access: the dashboard viewer (theo dõi, giám sát) or province administrator role in a unit, for that unit
and below; anonymous → the back-office login, anyone else → 403 in Vietnamese.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.core.errors import ApplicationError, NotFound, PermissionDenied

from . import dashboard, selectors
from .definitions import config_current
from .forms import COMPARE_MAX, CompareForm, month_periods_before, period_from
from .index import index_compute_many
from .reports import (
    CATEGORY_LABELS,
    COLUMNS,
    RATE_LABEL,
    report_compute,
    report_dossiers,
    report_filename,
    report_pdf,
    report_procedures,
    report_totals_from_facts,
    report_xlsx,
)

TREND_MONTHS = 6
HOT_SPOTS = 10
DOSSIERS_PAGE = 50
POLL_SECONDS = 3


def _error(request, exc: ApplicationError):
    template = "backoffice/403.html" if isinstance(exc, PermissionDenied) else "backoffice/404.html"
    return render(request, template, {"message": exc.message}, status=exc.status)


def dashboard_required(view):
    """Anonymous → the back-office login; no dashboard role → 403; a refused unit → 403, unknown → 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            if not dashboard.dashboard_roots(request.user):
                raise PermissionDenied(_("Trang giám sát dành cho cán bộ được giao vai trò theo dõi, giám sát."),
                                       code="dashboard_forbidden")
            return view(request, *args, **kwargs)
        except (PermissionDenied, NotFound) as exc:
            return _error(request, exc)

    return wrapper


class Scope:
    """Unit and period a page is about, and the query string that keeps them across links."""

    def __init__(self, request, code: str | None = None):
        self.unit = dashboard.dashboard_unit(request.user, code or request.GET.get("don_vi"))
        self.period, self.period_form = period_from(request.GET)
        self.today = timezone.localdate()

    def query(self, **extra) -> str:
        params = {"don_vi": self.unit.code, **self.period.params}
        params.update({k: v for k, v in extra.items() if v not in (None, "")})
        return urlencode(params)

    def period_query(self, **extra) -> str:
        return urlencode({**self.period.params, **{k: v for k, v in extra.items() if v not in (None, "")}})

    def context(self, request, page: str) -> dict:
        return {"unit": self.unit, "period": self.period, "period_form": self.period_form, "page": page,
                "query": self.query(), "period_query": self.period_query(),
                "unit_choices": dashboard.unit_choices(request.user), "poll_seconds": POLL_SECONDS,
                "bands": [(key, str(label), symbol) for key, (label, symbol) in dashboard.BANDS.items()]}


def _unit_url(scope: Scope, unit) -> str:
    return f"{reverse('monitoring:unit', args=[unit.code])}?{scope.period_query()}"


def _summary_context(scope: Scope) -> dict:
    result = index_compute_many(units=[scope.unit], start=scope.period.start, end=scope.period.end)[scope.unit.pk]
    groups = [(g, dashboard.cell(g.score, g.max)) for g in result.groups]
    return {"result": result, "total": dashboard.cell(result.total, result.max), "groups": groups,
            # From the counters the index was scored from, not the dossier rows (1 M rows: ~1 s saved).
            "figures": report_totals_from_facts(result.facts),
            "stamp": dashboard.stamp_text(selectors.counters_latest_change()),
            "updated_at": timezone.localtime(), "refresh_url": f"{reverse('monitoring:overview')}?{scope.query()}"}


# ---------------------------------------------------------------- pages


@never_cache
@dashboard_required
def overview(request):
    """Tổng quan: total and groups (live), trend by month, rank of the communes."""
    scope = Scope(request)
    context = scope.context(request, "overview") | _summary_context(scope)
    months = month_periods_before(scope.period, TREND_MONTHS)
    trend = [(month, index_compute_many(units=[scope.unit], start=month.start, end=month.end)[scope.unit.pk])
             for month in months]
    communes = dashboard.communes_of(scope.unit)
    _columns, ranking = dashboard.heat_rows(units=communes, period=scope.period, mode="nhom", sort="tong",
                                            descending=True, url_for=lambda u: _unit_url(scope, u))
    context |= {
        "trend": [(month, dashboard.cell(r.total, r.max), r.percent) for month, r in trend],
        "ranking": ranking,
        "chart_data": {
            "trend": {"labels": [m.label for m, _r in trend], "values": [r.percent for _m, r in trend],
                      "label": _("Tỷ lệ điểm đạt (%)")},
            "groups": {"labels": [_("Nhóm %(id)s") % {"id": g.id} for g, _c in context["groups"]],
                       "values": [c.percent for _g, c in context["groups"]], "label": _("Điểm đạt (% tối đa)")},
        },
    }
    return render(request, "monitoring/overview.html", context)


@never_cache
@dashboard_required
def summary(request):
    """The summary block alone: what the live script swaps in when something changed."""
    scope = Scope(request)
    return render(request, "monitoring/_summary.html", scope.context(request, "overview") | _summary_context(scope))


@require_GET
@never_cache
@dashboard_required
def changes(request):
    """Live: {"stamp": "...", "changed": bool} — cheap to poll every few seconds."""
    stamp = dashboard.stamp_text(selectors.counters_latest_change())
    since = request.GET.get("since", "")
    return JsonResponse({"stamp": stamp, "changed": bool(since) and since != stamp})


@never_cache
@dashboard_required
def heatmap(request):
    """Bản đồ nhiệt: communes × groups (or indicators), coloured by band, sortable, each cell a drill-down."""
    scope = Scope(request)
    mode = "chi-so" if request.GET.get("cot") == "chi-so" else "nhom"
    sort = request.GET.get("sap_xep") or "tong"
    descending = request.GET.get("chieu", "giam") != "tang"
    communes = dashboard.communes_of(scope.unit)
    columns, rows = dashboard.heat_rows(units=communes, period=scope.period, mode=mode, sort=sort,
                                        descending=descending, url_for=lambda u: _unit_url(scope, u))
    active = sort if sort in {"ten", "tong", *[c.key for c in columns]} else "tong"

    def sort_link(key: str) -> str:
        flip = "tang" if (key == active and descending) or (key != active and key == "ten") else "giam"
        return "?" + scope.query(cot=mode if mode != "nhom" else "", sap_xep=key, chieu=flip)

    headers = [{"key": "ten", "label": _("Xã, phường"), "short": _("Xã, phường"), "url": sort_link("ten")},
               {"key": "tong", "label": _("Tổng điểm"), "short": _("Tổng"), "url": sort_link("tong")}]
    headers += [{"key": c.key, "label": c.label, "short": c.short, "url": sort_link(c.key)} for c in columns]
    context = scope.context(request, "heatmap") | {
        "rows": rows, "headers": headers, "mode": mode, "sort": active, "descending": descending,
        "mode_links": {"groups": "?" + scope.query(), "indicators": "?" + scope.query(cot="chi-so")},
        "keep_params": [(k, v) for k, v in (("cot", mode if mode != "nhom" else ""), ("sap_xep", active),
                                              ("chieu", "giam" if descending else "tang")) if v],
        "band_limits": _band_limits(),
    }
    return render(request, "monitoring/heatmap.html", context)


def _band_limits() -> str:
    config = config_current()
    return _("Tốt: từ %(green)s %% điểm tối đa; trung bình: từ %(yellow)s %%; cần cải thiện: dưới %(yellow)s %%.") % {
        "green": f"{100 * config.band_green:g}", "yellow": f"{100 * config.band_yellow:g}"}


@never_cache
@dashboard_required
def unit_detail(request, code: str):
    """Drill-down 1: one unit's index (every indicator) and its procedures (handling time, late, overdue)."""
    scope = Scope(request, code)
    result = index_compute_many(units=[scope.unit], start=scope.period.start, end=scope.period.end)[scope.unit.pk]
    times = {kpi.code: kpi for kpi in selectors.handling_time_by_procedure(
        unit=scope.unit, start=scope.period.start, end=scope.period.end)}
    procedures = [(row, times.get(row.key)) for row in report_procedures(
        unit=scope.unit, start=scope.period.start, end=scope.period.end)]
    groups = [(g, dashboard.cell(g.score, g.max), [(i, dashboard.cell(i.score, i.max)) for i in g.indicators])
              for g in result.groups]
    context = scope.context(request, "heatmap") | {
        "result": result, "total": dashboard.cell(result.total, result.max), "groups": groups,
        "procedures": procedures, "parent": scope.unit.parent,
    }
    return render(request, "monitoring/unit.html", context)


@never_cache
@dashboard_required
def unit_dossiers(request, code: str):
    """Drill-down 2: the dossiers behind a figure (finished late, overdue), linking to the dossier page."""
    scope = Scope(request, code)
    category = request.GET.get("loai", "overdue")
    if category not in CATEGORY_LABELS:
        category = "overdue"
    procedure = (request.GET.get("thu_tuc") or "").strip()
    if procedure and not dashboard.PROCEDURE_CODE.fullmatch(procedure):
        raise NotFound(_("Không tìm thấy thủ tục có mã %(code)s.") % {"code": procedure[:40]},
                       code="procedure_not_found")
    dossiers = report_dossiers(user=request.user, unit=scope.unit, start=scope.period.start, end=scope.period.end,
                               category=category, procedure_code=procedure)
    page = Paginator(dossiers, DOSSIERS_PAGE).get_page(request.GET.get("trang"))
    context = scope.context(request, "heatmap") | {
        "page_obj": page, "category": category, "category_label": CATEGORY_LABELS[category],
        "categories": [(key, label, "?" + scope.period_query(loai=key, thu_tuc=procedure))
                       for key, label in CATEGORY_LABELS.items()],
        "procedure": procedure, "now": timezone.now(),
    }
    return render(request, "monitoring/dossiers.html", context)


@never_cache
@dashboard_required
def hotspots(request):
    """Điểm nóng: most overdue now, lowest scores, biggest drops, procedures most often late."""
    scope = Scope(request)
    units = dashboard.communes_of(scope.unit) or [scope.unit]
    now = index_compute_many(units=units, start=scope.period.start, end=scope.period.end)
    previous = scope.period.previous()
    before = index_compute_many(units=units, start=previous.start, end=previous.end)
    overdue = selectors.overdue_now_by_unit(units=units, now=timezone.now())
    by_pk = {u.pk: u for u in units}
    overdue_rows = sorted(((by_pk[pk], count) for pk, count in _overdue_pairs(overdue, by_pk) if count),
                          key=lambda pair: (-pair[1], pair[0].name))[:HOT_SPOTS]
    context = scope.context(request, "hotspots") | {
        "overdue": overdue_rows,
        "lowest": [(u, r, dashboard.cell(r.total, r.max)) for u, r in
                   dashboard.lowest(units=units, results=now, limit=HOT_SPOTS)],
        "drops": dashboard.biggest_drops(units=units, now=now, before=before, limit=HOT_SPOTS),
        "previous": previous,
        "late_procedures": selectors.procedures_most_late(unit=scope.unit, start=scope.period.start,
                                                          end=scope.period.end, limit=HOT_SPOTS),
    }
    context["overdue"] = [(u, count, _unit_url(scope, u)) for u, count in overdue_rows]
    context["lowest"] = [(u, r, c, _unit_url(scope, u)) for u, r, c in context["lowest"]]
    context["drops"] = [(d, _unit_url(scope, d.unit)) for d in context["drops"]]
    return render(request, "monitoring/hotspots.html", context)


def _overdue_pairs(overdue, by_pk) -> list[tuple[int, int]]:
    """`overdue_now_by_unit` keyed by unit id (or by unit) → (unit id, count)."""
    items = overdue.items() if isinstance(overdue, dict) else overdue
    pairs = []
    for key, count in items:
        pk = getattr(key, "pk", key)
        if pk in by_pk:
            pairs.append((pk, int(count)))
    return pairs


@never_cache
@dashboard_required
def compare(request):
    """So sánh: two to six units side by side over the same period."""
    scope = Scope(request)
    choices = dashboard.unit_choices(request.user)
    form = CompareForm(request.GET if "so_sanh" in request.GET else None, units=choices)
    units, rows, chart = [], [], None
    if form.is_bound and form.is_valid():
        by_code = {u.code: u for u in choices}
        units = [by_code[code] for code in form.cleaned_data["so_sanh"]]
        results = index_compute_many(units=units, start=scope.period.start, end=scope.period.end)
        rows = dashboard.compare_table(units=units, results=results)
        groups = [row for row in rows if row["kind"] in ("total", "group")]
        chart = {"labels": [str(row["label"]) for row in groups],
                 "datasets": [{"label": u.name, "values": [row["cells"][n].percent for row in groups]}
                              for n, u in enumerate(units)]}
    context = scope.context(request, "compare") | {"form": form, "units": units, "rows": rows,
                                                   "chart_data": chart, "compare_max": COMPARE_MAX}
    return render(request, "monitoring/compare.html", context)


@never_cache
@dashboard_required
def report(request):
    """Báo cáo định kỳ: the report's tables and the XLSX / PDF downloads (the CLI's figures)."""
    scope = Scope(request)
    data = report_compute(unit=scope.unit, start=scope.period.start, end=scope.period.end)
    context = scope.context(request, "report") | {"report": data, "columns": [str(label) for _k, label in COLUMNS],
                                                  "keys": [k for k, _l in COLUMNS], "rate_label": RATE_LABEL}
    return render(request, "monitoring/report.html", context)


@never_cache
@dashboard_required
def report_download(request, fmt: str):
    scope = Scope(request)
    data = report_compute(unit=scope.unit, start=scope.period.start, end=scope.period.end)
    if fmt == "xlsx":
        body = report_xlsx(data)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, content_type = report_pdf(data), "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(data, fmt)}"'
    return response
