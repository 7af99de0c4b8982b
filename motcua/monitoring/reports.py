# SPDX-License-Identifier: AGPL-3.0-or-later
"""Periodic report on dossier handling (báo cáo định kỳ tình hình giải quyết hồ sơ TTHC).

One unit (a province counts itself and everything below it, a commune the dossiers it handles — the index's
rule), one period of whole days `start..end` (Asia/Ho_Chi_Minh). Every accepted dossier handled in scope
that was still open at some moment of the period is counted once:

- received in the period (tiếp nhận trong kỳ): `received_at` within the period;
- carried over (kỳ trước chuyển sang): received before the period and not finished before it;
- finished in the period (đã giải quyết): `finished_at` within the period, split by its `outcome`
  (early / on time / late, judged by `dossiers.rules.judge`);
- in progress at the end of the period (đang giải quyết): not finished by the end of its last day; within
  time by the index's rule (`selectors.dossier_within_time_q`): at most one supplement request and, when waiting for
  the applicant, a request made by the legal due moment, else a legal due moment at or after that end.
  Like the index's reference computation, the state read is the dossier's state now: exact for a period
  ending today, an approximation for an older period whose dossiers changed since (docs/dashboard.md).

So received + carried over = finished + in progress, on every row. The group-2 indicator of the service
index (Tiến độ giải quyết) is (early + on time + in progress within time) ÷ (received + carried over):
`Report.totals` gives both numbers, and a test holds them equal to `index_compute`'s.

Computed directly from the dossiers with one grouped query per breakdown (totals, by field, by unit, by
channel — plus one for the unit rows' names): a report is asked for now and then, it reads only the
dossiers open during the period (indexed on received_at/finished_at), and it stays exact for any range
of days without depending on how counters are bucketed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.errors import ValidationFailed
from motcua.dossiers.models import Channel, Dossier, Outcome
from motcua.units.models import Unit, UnitKind
from motcua.units.selectors import unit_scope_q

from .selectors import dossier_within_time_q

# (key, column header) in the order of the national report form; the headers are the XLSX/PDF ones.
COLUMNS = [
    ("received", gettext_lazy("Tiếp nhận trong kỳ")),
    ("carried_over", gettext_lazy("Kỳ trước chuyển sang")),
    ("total", gettext_lazy("Tổng số hồ sơ")),
    ("finished", gettext_lazy("Đã giải quyết")),
    ("early", gettext_lazy("Trước hạn")),
    ("on_time", gettext_lazy("Đúng hạn")),
    ("late", gettext_lazy("Quá hạn")),
    ("in_progress", gettext_lazy("Đang giải quyết")),
    ("in_time", gettext_lazy("Trong hạn")),
    ("overdue", gettext_lazy("Quá hạn (đang giải quyết)")),
]
KEYS = [key for key, _label in COLUMNS]
RATE_LABEL = gettext_lazy("Tỷ lệ đúng hạn (%)")
MAX_DAYS = 3 * 366  # a report longer than three years is almost surely a typing error


@dataclass
class ReportRow:
    key: str          # field code, unit code, channel number, or "total"
    label: str
    figures: dict[str, int]

    @property
    def values(self) -> list[int]:
        """The figures in column order."""
        return [self.figures[key] for key in KEYS]

    @property
    def on_time_numerator(self) -> int:
        """Finished early or on time, plus still within time: the group-2 numerator."""
        return self.figures["early"] + self.figures["on_time"] + self.figures["in_time"]

    @property
    def rate(self) -> float | None:
        """On-time rate in percent, 2 decimals; None when nothing was handled."""
        total = self.figures["total"]
        return round(100 * self.on_time_numerator / total, 2) if total else None

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, **self.figures, "on_time_rate": self.rate}


@dataclass
class Report:
    unit: Unit
    start: date
    end: date
    generated_at: datetime
    totals: ReportRow
    by_field: list[ReportRow] = field(default_factory=list)
    by_unit: list[ReportRow] = field(default_factory=list)
    by_channel: list[ReportRow] = field(default_factory=list)

    def breakdowns(self) -> list[tuple[str, str, str, list[ReportRow]]]:
        """(slug, title, first column's header, rows) of each breakdown, in the order the files show them."""
        return [
            ("linh-vuc", _("Theo lĩnh vực"), _("Lĩnh vực"), self.by_field),
            ("don-vi", _("Theo đơn vị"), _("Đơn vị"), self.by_unit),
            ("kenh", _("Theo kênh tiếp nhận"), _("Kênh tiếp nhận"), self.by_channel),
        ]

    def as_dict(self) -> dict:
        """The CLI's JSON shape; the XLSX and PDF show exactly these figures."""
        return {
            "unit": {"code": self.unit.code, "name": self.unit.name},
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "columns": [{"key": key, "label": str(label)} for key, label in COLUMNS],
            "totals": self.totals.as_dict(),
            "by_field": [row.as_dict() for row in self.by_field],
            "by_unit": [row.as_dict() for row in self.by_unit],
            "by_channel": [row.as_dict() for row in self.by_channel],
        }


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[first moment of `start`, first moment after `end`) in the local time zone."""
    if end < start:
        raise ValidationFailed(_("Ngày bắt đầu (%(start)s) phải trước hoặc bằng ngày kết thúc (%(end)s).")
                               % {"start": start.isoformat(), "end": end.isoformat()}, code="period_invalid")
    if (end - start).days > MAX_DAYS:
        raise ValidationFailed(_("Kỳ báo cáo dài quá 3 năm; hãy chọn kỳ ngắn hơn."), code="period_too_long")
    tz = timezone.get_default_timezone()
    return (datetime.combine(start, time.min, tzinfo=tz),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))


def category_q(since: datetime, until: datetime) -> dict[str, Q]:
    """The report's columns as filters over `_population` (the dossier lists of the dashboard use them too,
    so a list always has as many rows as its figure says)."""
    finished = Q(finished_at__isnull=False, finished_at__lt=until)
    in_progress = Q(finished_at__isnull=True) | Q(finished_at__gte=until)
    # The index's own rule (selectors.dossier_within_time_q, the counters' definition): one definition.
    within = dossier_within_time_q(until=until)
    early, late = finished & Q(outcome=Outcome.EARLY), finished & Q(outcome=Outcome.LATE)
    return {
        "received": Q(received_at__gte=since),
        "carried_over": Q(received_at__lt=since),
        "total": Q(),
        "finished": finished,
        "early": early,
        "on_time": finished & Q(outcome=Outcome.ON_TIME),
        "late": late,
        "in_progress": in_progress,
        "in_time": in_progress & within,
        "overdue": in_progress & ~within,
    }


def _aggregates(since: datetime, until: datetime) -> dict:
    """Conditional counts of the dossiers in `_population` (each a COUNT(... FILTER ...)); on time and
    overdue are derived in `_figures`."""
    categories = category_q(since, until)
    return {key: Count("id", filter=categories[key]) if key != "total" else Count("id")
            for key in KEYS if key not in ("on_time", "overdue")}


def _figures(row: dict) -> dict[str, int]:
    """Complete one aggregate row: on time and overdue are the remainders (every finished dossier of the
    population has an outcome), so the sums always hold."""
    figures = {key: int(row.get(key) or 0) for key in KEYS if key not in ("on_time", "overdue")}
    figures["on_time"] = figures["finished"] - figures["early"] - figures["late"]
    figures["overdue"] = figures["in_progress"] - figures["in_time"]
    return {key: figures[key] for key in KEYS}


def _population_q(unit: Unit, since: datetime, until: datetime) -> Q:
    """Accepted dossiers handled in `unit`'s scope (its history included) and open at some moment of the
    period. Refused-at-reception and never-accepted dossiers have no `received_at` and are not counted; nor
    is a dossier that ended without a judgement (no legal due moment: imported from an older system)."""
    scope = unit_scope_q({unit.path}, fields=("handling_unit__path",))
    return (scope & Q(received_at__isnull=False, received_at__lt=until)
            & (Q(finished_at__isnull=True) | Q(finished_at__gte=since))
            & ~Q(finished_at__lt=until, outcome=""))


def _population(unit: Unit, since: datetime, until: datetime):
    return Dossier.objects.filter(_population_q(unit, since, until)).order_by()


def _child_of(unit: Unit, path: str) -> str:
    """Code of the row a handling unit's dossiers go to: the child of `unit` on its path, the unit itself,
    or (history of a merged unit outside the tree) the handling unit's own code."""
    if path.startswith(unit.path):
        rest = path[len(unit.path):].split("/", 1)[0]
        return rest or unit.code
    return path.rstrip("/").rsplit("/", 1)[-1]


def _unit_rows(unit: Unit, population, since: datetime, until: datetime) -> list[ReportRow]:
    """One row per direct child of `unit` that handles dossiers (every commune and department, zeros
    included, service centers left out), plus the unit itself or merged units when they hold any."""
    children = {u.code: u for u in Unit.objects.filter(parent=unit).exclude(kind=UnitKind.SERVICE_CENTER)
                .active_on(until.date() - timedelta(days=1)).order_by("kind", "name")}
    sums: dict[str, dict[str, int]] = {code: dict.fromkeys(KEYS, 0) for code in children}
    for row in population.values("handling_unit__path").annotate(**_aggregates(since, until)):
        code = _child_of(unit, row["handling_unit__path"])
        target = sums.setdefault(code, dict.fromkeys(KEYS, 0))
        for key, value in _figures(row).items():
            target[key] += value
    extra = set(sums) - set(children)
    names = {u.code: u.name for u in Unit.objects.filter(code__in=extra)} if extra else {}
    names |= {code: u.name for code, u in children.items()}
    names.setdefault(unit.code, unit.name)
    return [ReportRow(key=code, label=names.get(code, code), figures=sums[code])
            for code in [*children, *sorted(extra)]]


def report_compute(*, unit: Unit, start: date, end: date) -> Report:
    """The periodic handling report of `unit` for the days start..end inclusive (bounded queries: six)."""
    since, until = period_bounds(start, end)
    population = _population(unit, since, until)
    aggregates = _aggregates(since, until)
    totals = ReportRow(key="total", label=_("Tổng cộng"), figures=_figures(population.aggregate(**aggregates)))
    by_field = [ReportRow(key=row["procedure__field__code"], label=row["procedure__field__name"], figures=_figures(row))
                for row in population.values("procedure__field__code", "procedure__field__name")
                .annotate(**aggregates).order_by("procedure__field__name")]
    channels = {row["channel"]: row for row in population.values("channel").annotate(**aggregates)}
    by_channel = [ReportRow(key=str(value), label=str(label), figures=_figures(channels.get(value, {})))
                  for value, label in Channel.choices]
    return Report(unit=unit, start=start, end=end, generated_at=timezone.localtime(), totals=totals,
                  by_field=by_field, by_unit=_unit_rows(unit, population, since, until), by_channel=by_channel)


def report_totals(*, unit: Unit, start: date, end: date) -> ReportRow:
    """Only the totals row (the dashboard's summary): two queries."""
    since, until = period_bounds(start, end)
    return ReportRow(key="total", label=_("Tổng cộng"),
                     figures=_figures(_population(unit, since, until).aggregate(**_aggregates(since, until))))


def report_totals_from_facts(facts) -> ReportRow:
    """The same totals row from an index result's facts (the counters: no dossier row read): received in
    the period; finished in it, by outcome; open at its end, and within time; every dossier of the
    population either finished in the period or is open at its end, so the total is their sum and what was
    carried over is the total less the received. Equal to `report_totals` (tests hold them so at every
    day's end of random histories) as long as every finished dossier is judged — the services and the
    import always judge; an unjudged legacy row would count as received here and nowhere in the report."""
    finished = facts.finished_early + facts.finished_on_time + facts.finished_late
    total = finished + facts.open_total
    return ReportRow(key="total", label=_("Tổng cộng"), figures=_figures({
        "received": facts.received, "carried_over": total - facts.received, "total": total, "finished": finished,
        "early": facts.finished_early, "late": facts.finished_late, "in_progress": facts.open_total,
        "in_time": facts.open_within}))


def report_procedures(*, unit: Unit, start: date, end: date) -> list[ReportRow]:
    """The same columns by procedure (the drill-down of a commune), most late and overdue first (two queries)."""
    since, until = period_bounds(start, end)
    rows = [ReportRow(key=row["procedure__code"], label=row["procedure__name"], figures=_figures(row))
            for row in _population(unit, since, until).values("procedure__code", "procedure__name")
            .annotate(**_aggregates(since, until))]
    return sorted(rows, key=lambda row: (-(row.figures["late"] + row.figures["overdue"]), -row.figures["total"],
                                         row.key))


CATEGORY_LABELS = {
    "late": gettext_lazy("Đã giải quyết quá hạn trong kỳ"),
    "overdue": gettext_lazy("Đang giải quyết, quá hạn ở cuối kỳ"),
    "in_time": gettext_lazy("Đang giải quyết, còn trong hạn"),
    "total": gettext_lazy("Mọi hồ sơ của kỳ"),
}


def report_dossiers(*, user, unit: Unit, start: date, end: date, category: str, procedure_code: str = ""):
    """The dossiers behind one figure of the report, through the viewer's own permission filter
    (`dossier_list_visible`): the list has exactly as many rows as the figure when the viewer sees the
    whole unit."""
    from motcua.dossiers.selectors import dossier_list_visible

    since, until = period_bounds(start, end)
    qs = dossier_list_visible(user=user).filter(_population_q(unit, since, until)).filter(
        category_q(since, until)[category])
    if procedure_code:
        qs = qs.filter(procedure__code=procedure_code)
    return qs.order_by("legal_due_at", "id")


# ---------------------------------------------------------------- files: XLSX and PDF


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def report_title(report: Report) -> list[str]:
    """Title lines shared by both files."""
    return [
        _("BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH"),
        _("Đơn vị: %(name)s (mã %(code)s)") % {"name": report.unit.name, "code": report.unit.code},
        _("Kỳ báo cáo: từ ngày %(start)s đến ngày %(end)s") % {"start": _d(report.start), "end": _d(report.end)},
        _("Lập lúc %(at)s") % {"at": report.generated_at.strftime("%H:%M %d/%m/%Y")},
    ]


def report_filename(report: Report, extension: str) -> str:
    return f"bao-cao-{report.unit.code}-{report.start:%Y%m%d}-{report.end:%Y%m%d}.{extension}"


def report_xlsx(report: Report) -> bytes:
    """Workbook: a summary sheet then one sheet per breakdown, Vietnamese headers, frozen header row,
    thousands-grouped counts; the figures are the report's, cell for cell."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="999999")
    head_style = {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="EEEEEE"),
                  "alignment": Alignment(wrap_text=True, vertical="center", horizontal="center"),
                  "border": Border(top=thin, bottom=thin, left=thin, right=thin)}

    def sheet(ws, first_header: str, rows: list[ReportRow]) -> None:
        for index, line in enumerate(report_title(report), start=1):
            ws.cell(row=index, column=1, value=line).font = Font(bold=index == 1, size=13 if index == 1 else 11)
        header_row = len(report_title(report)) + 2
        headers = [first_header, *[str(label) for _key, label in COLUMNS], str(RATE_LABEL)]
        for column, text in enumerate(headers, start=1):
            cell = ws.cell(row=header_row, column=column, value=text)
            for name, value in head_style.items():
                setattr(cell, name, value)
        for offset, row in enumerate(rows, start=1):
            values = [row.label, *[row.figures[key] for key in KEYS], row.rate]
            for column, value in enumerate(values, start=1):
                cell = ws.cell(row=header_row + offset, column=column, value=value)
                if column > 1:
                    cell.number_format = "0.00" if column == len(values) else "#,##0"
                if row.key == "total":
                    cell.font = Font(bold=True)
        ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
        ws.row_dimensions[header_row].height = 45
        ws.column_dimensions["A"].width = 46
        for column in range(2, len(headers) + 1):
            ws.column_dimensions[get_column_letter(column)].width = 14

    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Tổng hợp")
    sheet(summary, _("Chỉ tiêu"), [report.totals])
    for _slug, title, first, rows in report.breakdowns():
        sheet(workbook.create_sheet(title[:31]), first, [*rows, report.totals])
    workbook.properties.title = report_title(report)[0]
    workbook.properties.creator = "motcua"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def report_pdf(report: Report) -> bytes:
    """A4 landscape, DejaVu Sans (the project's vendored font: ReportLab's Helvetica has no Vietnamese),
    the summary then each breakdown as a table whose header repeats on every page."""
    from io import BytesIO
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from motcua.dossiers.printing.pdf import register_fonts

    font, bold = register_fonts()
    base = {"fontName": font, "fontSize": 8, "leading": 10}
    title = ParagraphStyle("title", **{**base, "fontName": bold, "fontSize": 13, "leading": 17},
                           alignment=TA_CENTER, spaceAfter=4)
    line = ParagraphStyle("line", **base, alignment=TA_CENTER)
    heading = ParagraphStyle("heading", **{**base, "fontName": bold, "fontSize": 10.5, "leading": 14},
                             spaceBefore=10, spaceAfter=4)
    cell = ParagraphStyle("cell", **base)
    cell_bold = ParagraphStyle("cell_bold", **{**base, "fontName": bold})
    head = ParagraphStyle("head", **{**base, "fontName": bold, "fontSize": 7.5, "leading": 9}, alignment=TA_CENTER)
    number = ParagraphStyle("number", **base, alignment=TA_RIGHT)

    def fmt(value) -> str:
        if value is None:
            return "—"
        if isinstance(value, float):
            return f"{value:.2f}"
        return f"{value:,}".replace(",", ".")

    width = landscape(A4)[0] - 24 * mm

    def table(first_header: str, rows: list[ReportRow]) -> Table:
        data = [[Paragraph(escape(first_header), head)]
                + [Paragraph(escape(str(label)), head) for _key, label in COLUMNS]
                + [Paragraph(escape(str(RATE_LABEL)), head)]]
        for row in rows:
            style = cell_bold if row.key == "total" else cell
            data.append([Paragraph(escape(row.label), style)]
                        + [Paragraph(fmt(row.figures[key]), number) for key in KEYS]
                        + [Paragraph(fmt(row.rate), number)])
        first = width * 0.25
        widths = [first] + [(width - first) / (len(COLUMNS) + 1)] * (len(COLUMNS) + 1)
        result = Table(data, colWidths=widths, repeatRows=1)
        result.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), font),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ]))
        return result

    lines = report_title(report)
    story = [Paragraph(escape(lines[0]), title)] + [Paragraph(escape(text), line) for text in lines[1:]]
    story += [Spacer(1, 6), Paragraph(escape(_("Tổng hợp")), heading), table(_("Chỉ tiêu"), [report.totals])]
    for _slug, section, first, rows in report.breakdowns():
        story += [Paragraph(escape(section), heading), table(first, [*rows, report.totals])]

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.drawRightString(landscape(A4)[0] - 12 * mm, 7 * mm,
                               _("Trang %(page)s") % {"page": doc.page})
        canvas.restoreState()

    out = BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=lines[0], author="motcua",
                            creator="motcua", lang="vi", initialFontName=font, initialFontSize=8)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
