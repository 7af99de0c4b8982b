# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the dashboard (trang giám sát): the period picker and the unit comparison. They only parse
the query string; an invalid choice falls back to the default period with the message shown."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.monitoring.reports import MAX_DAYS

COMPARE_MAX = 6


class PeriodKind:
    DAY, MONTH, QUARTER, YEAR, RANGE = "ngay", "thang", "quy", "nam", "khoang"
    CHOICES = [(DAY, _("Ngày")), (MONTH, _("Tháng")), (QUARTER, _("Quý")), (YEAR, _("Năm")),
               (RANGE, _("Khoảng tùy chọn"))]


@dataclass(frozen=True)
class Period:
    """A reporting period (kỳ): whole days start..end. `end` never passes today: the figures of the running
    month are those up to the end of today."""

    kind: str
    start: date
    end: date
    label: str
    query: tuple[tuple[str, str], ...]  # the query-string parameters that give this period back

    @property
    def params(self) -> dict[str, str]:
        return dict(self.query)

    def previous(self) -> Period:
        """The period just before, of the same kind (a custom range: the same number of days)."""
        if self.kind == PeriodKind.MONTH:
            first = (self.start - timedelta(days=1)).replace(day=1)
            return month_period(first.year, first.month, today=self.end)
        if self.kind == PeriodKind.QUARTER:
            first = (self.start - timedelta(days=1))
            return quarter_period(first.year, (first.month - 1) // 3 + 1, today=self.end)
        if self.kind == PeriodKind.YEAR:
            return year_period(self.start.year - 1, today=self.end)
        length = (self.end - self.start).days + 1
        end = self.start - timedelta(days=1)
        return range_period(end - timedelta(days=length - 1), end, kind=self.kind)


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _capped(end: date, today: date) -> date:
    return min(end, today)


def day_period(day: date) -> Period:
    return Period(PeriodKind.DAY, day, day, gettext("Ngày %(day)s") % {"day": _d(day)},
                  (("kieu", PeriodKind.DAY), ("ngay", day.isoformat())))


def month_period(year: int, month: int, *, today: date) -> Period:
    start = date(year, month, 1)
    end = _capped(date(year, month, calendar.monthrange(year, month)[1]), today)
    return Period(PeriodKind.MONTH, start, end, gettext("Tháng %(month)s/%(year)s") % {"month": month, "year": year},
                  (("kieu", PeriodKind.MONTH), ("thang", f"{year:04d}-{month:02d}")))


def quarter_period(year: int, quarter: int, *, today: date) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    end = _capped(date(year, last_month, calendar.monthrange(year, last_month)[1]), today)
    return Period(PeriodKind.QUARTER, start, end,
                  gettext("Quý %(quarter)s/%(year)s") % {"quarter": quarter, "year": year},
                  (("kieu", PeriodKind.QUARTER), ("quy", str(quarter)), ("nam", str(year))))


def year_period(year: int, *, today: date) -> Period:
    return Period(PeriodKind.YEAR, date(year, 1, 1), _capped(date(year, 12, 31), today),
                  gettext("Năm %(year)s") % {"year": year}, (("kieu", PeriodKind.YEAR), ("nam", str(year))))


def range_period(start: date, end: date, *, kind: str = PeriodKind.RANGE) -> Period:
    if kind == PeriodKind.DAY and start == end:
        return day_period(start)
    return Period(PeriodKind.RANGE, start, end, gettext("Từ %(start)s đến %(end)s") % {"start": _d(start), "end": _d(end)},
                  (("kieu", PeriodKind.RANGE), ("tu", start.isoformat()), ("den", end.isoformat())))


def default_period(today: date | None = None) -> Period:
    """The current month (up to today)."""
    today = today or timezone.localdate()
    return month_period(today.year, today.month, today=today)


def month_periods_before(period: Period, count: int) -> list[Period]:
    """The `count` calendar months ending with the one `period` ends in (the monthly trend)."""
    months, year, month = [], period.end.year, period.end.month
    for _i in range(count):
        months.append(month_period(year, month, today=period.end))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


class _NoSuffix:
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


class PeriodForm(_NoSuffix, forms.Form):
    """Kỳ số liệu. Without JavaScript the officer picks the kind and fills the matching box; the others are
    ignored."""

    kieu = forms.ChoiceField(label=_("Loại kỳ"), choices=PeriodKind.CHOICES, required=False)
    ngay = forms.DateField(label=_("Ngày"), required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    thang = forms.CharField(label=_("Tháng"), required=False, max_length=7,
                            widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-07"}))
    quy = forms.TypedChoiceField(label=_("Quý"), required=False, coerce=int, empty_value=None,
                                 choices=[("", "—"), *[(q, _("Quý %(n)s") % {"n": q}) for q in range(1, 5)]])
    nam = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)
    tu = forms.DateField(label=_("Từ ngày"), required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    den = forms.DateField(label=_("Đến ngày"), required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind = data.get("kieu") or PeriodKind.MONTH
        data["period"] = getattr(self, f"_clean_{kind}")(data)
        if data["period"].start < EARLIEST or data["period"].end > LATEST:
            # Year 1 or 9999 would overflow the moments, the previous period and the trend.
            raise ValidationError(_("Chỉ chọn kỳ từ năm %(first)s đến năm %(last)s.")
                                  % {"first": EARLIEST.year, "last": LATEST.year}, code="range")
        if data["period"].start > self.today:
            raise ValidationError(_("Kỳ đã chọn chưa bắt đầu; hãy chọn một kỳ đến hôm nay."), code="future")
        return data

    def _clean_ngay(self, data) -> Period:
        return day_period(data.get("ngay") or self.today)

    def _clean_thang(self, data) -> Period:
        raw = (data.get("thang") or "").strip()
        if not raw:
            return month_period(self.today.year, self.today.month, today=self.today)
        try:
            year, month = (int(part) for part in raw.split("-"))
            date(year, month, 1)
        except ValueError:
            raise ValidationError({"thang": _("Tháng %(value)s không hợp lệ; dùng dạng 2026-07.") % {"value": raw}},
                                  code="month") from None
        return month_period(year, month, today=self.today)

    def _clean_quy(self, data) -> Period:
        year = data.get("nam") or self.today.year
        return quarter_period(year, data.get("quy") or (self.today.month - 1) // 3 + 1, today=self.today)

    def _clean_nam(self, data) -> Period:
        return year_period(data.get("nam") or self.today.year, today=self.today)

    def _clean_khoang(self, data) -> Period:
        start, end = data.get("tu"), data.get("den")
        if start is None or end is None:
            raise ValidationError(_("Khoảng tùy chọn cần cả ngày bắt đầu và ngày kết thúc."), code="range")
        if end < start:
            raise ValidationError(_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."), code="range")
        if (end - start).days > MAX_DAYS:
            raise ValidationError(_("Khoảng thời gian dài quá 3 năm; hãy chọn khoảng ngắn hơn."), code="range")
        return range_period(start, _capped(end, self.today))


PERIOD_FIELDS = ("kieu", "ngay", "thang", "quy", "nam", "tu", "den")


def period_from(query, *, today: date | None = None) -> tuple[Period, PeriodForm]:
    """The period a request asks for, or the current month when it asks for none or for an invalid one (the
    bound form then carries the Vietnamese message to show)."""
    data = {name: query.get(name) for name in PERIOD_FIELDS if query.get(name) not in (None, "")}
    if data:
        form = PeriodForm(data, today=today)
        if form.is_valid():
            return form.cleaned_data["period"], form
        return default_period(form.today), form
    current = default_period(today)
    form = PeriodForm(initial={"kieu": PeriodKind.MONTH, "thang": f"{current.start:%Y-%m}",
                               "nam": current.start.year}, today=today)
    return current, form


class CompareForm(_NoSuffix, forms.Form):
    """So sánh đơn vị: two to six units of the viewer's scope, side by side over the same period."""

    so_sanh = forms.MultipleChoiceField(label=_("Đơn vị cần so sánh"), required=True,
                                       help_text=_("Chọn từ 2 đến 6 đơn vị (giữ Ctrl hoặc ⌘ để chọn nhiều)."),
                                       widget=forms.SelectMultiple(attrs={"size": 12}))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["so_sanh"].choices = [(unit.code, unit.name) for unit in units]

    def clean_so_sanh(self):
        codes = list(dict.fromkeys(self.cleaned_data["so_sanh"]))
        if not 2 <= len(codes) <= COMPARE_MAX:
            raise ValidationError(_("Cần chọn từ 2 đến %(max)s đơn vị để so sánh.") % {"max": COMPARE_MAX},
                                  code="count")
        return codes
