# SPDX-License-Identifier: AGPL-3.0-or-later
"""Working-day calendar and legal time (lịch làm việc, thời hạn giải quyết hồ sơ).

Pure code: no database access. Words used below:

- *working day* (ngày làm việc): not a day off per `holidays.VN` (weekends, holidays, days in lieu,
  announced swaps), unless an administrator override says otherwise (an override always wins);
- *working moment*: inside office hours of a working day, periods are half-open ``[open, close)``;
- *close*: the end of an office period on a working day (11:30 and 17:00 by default).

Every due moment returned here is a working moment or a close (see docs/workdays.md for which one when).
All results are aware datetimes in the calendar's time zone; naive inputs are refused.
"""

from __future__ import annotations

import calendar
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Literal, get_args
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils.translation import gettext


def _(message: str) -> str:
    # gettext that still works without Django settings: this module is usable on its own.
    return gettext(message) if settings.configured else message


VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
ZERO = timedelta(0)
_TICK = timedelta(microseconds=1)
_LAST_YEAR = date.max.year - 1  # leaves room for "the next day" arithmetic

TimeUnit = Literal["hours", "days", "working_days", "months"]
ClockStartRule = Literal["receipt", "next_working_day_after_cutoff"]
TIME_UNITS: tuple[str, ...] = get_args(TimeUnit)
CLOCK_START_RULES: tuple[str, ...] = get_args(ClockStartRule)


# --- the package's days off, one frozen set per year ---------------------------------------------------


@cache
def _package_days_off(year: int) -> frozenset[date]:
    """Days of `year` that holidays.VN does not work (weekends not made up, holidays, in lieu, swaps)."""
    vn = holidays.country_holidays("VN", years=year)
    first = date(year, 1, 1)
    days = (first + timedelta(days=n) for n in range(366 if calendar.isleap(year) else 365))
    return frozenset(d for d in days if not vn.is_working_day(d))


class _WorkingDayIndex:
    """Sorted ordinals of the working days over a span of years, grown on demand.

    Day arithmetic becomes a bisect instead of a day-by-day walk: due dates are computed in bulk.
    Shared by every calendar with the same overrides; the span is swapped atomically under a lock.
    """

    def __init__(self, days_off: frozenset[date], working_days: frozenset[date]):
        self._days_off = days_off
        self._working_days = working_days
        self._lock = threading.Lock()
        self._span: tuple[int, int, list[int]] = (0, -1, [])

    def is_working(self, d: date) -> bool:
        if d in self._working_days:
            return True
        if d in self._days_off:
            return False
        return d not in _package_days_off(d.year)

    def _ordinals(self, first_year: int, last_year: int) -> list[int]:
        start, end = date(first_year, 1, 1).toordinal(), date(last_year, 12, 31).toordinal()
        return [o for o in range(start, end + 1) if self.is_working(date.fromordinal(o))]

    def covering(self, first_year: int, last_year: int) -> tuple[int, int, list[int]]:
        lo, hi, ords = self._span
        if lo <= first_year and last_year <= hi:
            return self._span
        with self._lock:
            lo, hi, ords = self._span
            if hi < lo:  # empty: start a little wide, most queries stay near today
                lo, hi = max(1, first_year - 1), min(_LAST_YEAR, last_year + 2)
                self._span = (lo, hi, self._ordinals(lo, hi))
                return self._span
            new_lo, new_hi = max(1, min(lo, first_year)), min(_LAST_YEAR, max(hi, last_year))
            before = self._ordinals(new_lo, lo - 1) if new_lo < lo else []
            after = self._ordinals(hi + 1, new_hi) if new_hi > hi else []
            self._span = (new_lo, new_hi, before + ords + after)
            return self._span

    def nth_after(self, d: date, n: int) -> date:
        """The n-th working day after `d` (n ≥ 1; `d` itself is not counted)."""
        lo, hi, ords = self._span
        if lo <= d.year <= hi:  # fast path: one bisect on the current snapshot
            i = bisect_right(ords, d.toordinal()) + n - 1
            if i < len(ords):
                return date.fromordinal(ords[i])
        if d.toordinal() + n > date(_LAST_YEAR, 12, 31).toordinal():
            raise ValueError(_("Thời hạn vượt quá phạm vi lịch có thể tính."))
        step = n // 200 + 1  # ~245 working days a year
        lo, hi, ords = self.covering(d.year, min(_LAST_YEAR, d.year + step))
        while True:
            i = bisect_right(ords, d.toordinal()) + n - 1
            if i < len(ords):
                return date.fromordinal(ords[i])
            if hi >= _LAST_YEAR:
                raise ValueError(_("Thời hạn vượt quá phạm vi lịch có thể tính."))
            lo, hi, ords = self.covering(d.year, min(_LAST_YEAR, hi + step))

    def count_between(self, first: date, last: date) -> int:
        """Working days strictly between `first` and `last`."""
        _lo, _hi, ords = self.covering(first.year, last.year)
        return max(0, bisect_left(ords, last.toordinal()) - bisect_right(ords, first.toordinal()))


@lru_cache(maxsize=256)
def _index_for(days_off: frozenset[date], working_days: frozenset[date]) -> _WorkingDayIndex:
    return _WorkingDayIndex(days_off, working_days)


def _since_midnight(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _checked_periods(office_hours) -> tuple[tuple[timedelta, timedelta], ...]:
    periods = tuple((_since_midnight(o), _since_midnight(c)) for o, c in office_hours)
    if not periods:
        raise ValueError(_("Giờ làm việc phải có ít nhất một buổi."))
    previous_close = None
    for o, c in periods:
        if o >= c or (previous_close is not None and o <= previous_close):
            raise ValueError(
                _("Giờ làm việc không hợp lệ: các buổi phải tăng dần và không chồng nhau (%(hours)s).")
                % {"hours": office_hours}
            )
        previous_close = c
    return periods


@dataclass(frozen=True)
class WorkCalendar:
    """Working calendar (lịch làm việc): holidays.VN plus administrator overrides and office hours.

    `extra_days_off` (ngày nghỉ bổ sung) and `extra_working_days` (ngày làm bù) win over the package.
    Office hours are the same on every working day, make-up Saturdays included.
    """

    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    office_hours: tuple[tuple[time, time], ...] = DEFAULT_OFFICE_HOURS
    tz: ZoneInfo = VN_TZ
    _periods: tuple[tuple[timedelta, timedelta], ...] = field(init=False, repr=False, compare=False)
    _day_length: timedelta = field(init=False, repr=False, compare=False)
    _index: _WorkingDayIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "extra_days_off", frozenset(self.extra_days_off))
        put(self, "extra_working_days", frozenset(self.extra_working_days))
        put(self, "office_hours", tuple((o, c) for o, c in self.office_hours))
        if isinstance(self.tz, str):
            put(self, "tz", ZoneInfo(self.tz))
        if clash := self.extra_days_off & self.extra_working_days:
            raise ValueError(
                _("Một ngày không thể vừa là ngày nghỉ vừa là ngày làm việc: %(days)s.")
                % {"days": ", ".join(d.isoformat() for d in sorted(clash))}
            )
        periods = _checked_periods(self.office_hours)
        put(self, "_periods", periods)
        put(self, "_day_length", sum((c - o for o, c in periods), ZERO))
        put(self, "_index", _index_for(self.extra_days_off, self.extra_working_days))

    def __reduce__(self):
        # The shared index holds a lock: pickle (cache, worker processes) only the settings.
        return (WorkCalendar, (self.extra_days_off, self.extra_working_days, self.office_hours, self.tz))

    @property
    def day_length(self) -> timedelta:
        """Office time in one working day (7 h 30 min by default)."""
        return self._day_length

    @property
    def opening(self) -> time:
        return self.office_hours[0][0]

    @property
    def closing(self) -> time:
        return self.office_hours[-1][1]


DEFAULT_CALENDAR = WorkCalendar()


# --- input checks and wall-clock helpers ---------------------------------------------------------------


def _local(cal: WorkCalendar, dt: datetime, name: str = "dt") -> datetime:
    """`dt` in the calendar's zone; refuses naive input.

    Moments sharing one tzinfo add, subtract and compare as wall-clock times, which is what office
    hours mean; keeping that tzinfo throughout also spares a `replace()` per step (hot path).
    """
    if dt.__class__ is datetime and dt.tzinfo is cal.tz:
        return dt
    if not isinstance(dt, datetime):
        raise ValueError(_("%(name)s phải là một thời điểm (datetime), nhận được %(value)r.") % {"name": name, "value": dt})
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError(
            _("Thời điểm %(name)s = %(value)s không có múi giờ; hãy dùng datetime có múi giờ.")
            % {"name": name, "value": dt.isoformat()}
        )
    return dt.astimezone(cal.tz)


def _at(cal: WorkCalendar, day: date, offset: timedelta) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=cal.tz) + offset


def _clock(wall: datetime) -> timedelta:
    return wall - datetime(wall.year, wall.month, wall.day, tzinfo=wall.tzinfo)


def _as_decimal(value, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(_("%(name)s phải là một số, nhận được %(value)r.") % {"name": name, "value": value})
    try:
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise ValueError(_("%(name)s phải là một số, nhận được %(value)r.") % {"name": name, "value": value}) from None
    if not number.is_finite():
        raise ValueError(_("%(name)s phải là một số hữu hạn, nhận được %(value)s.") % {"name": name, "value": value})
    if number < 0:
        raise ValueError(_("%(name)s không được âm, nhận được %(value)s.") % {"name": name, "value": value})
    return number


def _as_duration(hours, name: str = "hours") -> timedelta:
    """Hours (number) or a timedelta, as a non-negative timedelta rounded to the microsecond."""
    if isinstance(hours, timedelta):
        if hours < ZERO:
            raise ValueError(_("%(name)s không được âm, nhận được %(value)s.") % {"name": name, "value": hours})
        return hours
    micro = (_as_decimal(hours, name) * 3_600_000_000).to_integral_value()
    try:
        return timedelta(microseconds=int(micro))
    except OverflowError:
        raise ValueError(_("Thời hạn vượt quá phạm vi lịch có thể tính.")) from None


def _as_count(n, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(_("%(name)s phải là số nguyên, nhận được %(value)r.") % {"name": name, "value": n})
    if n < 0:
        raise ValueError(_("%(name)s không được âm, nhận được %(value)s.") % {"name": name, "value": n})
    return n


# --- days and moments -----------------------------------------------------------------------------------


def is_working_day(cal: WorkCalendar, d: date) -> bool:
    """True if offices work on `d` (a datetime counts by its local date in the calendar's zone)."""
    if isinstance(d, datetime):
        d = _local(cal, d, "d").date()
    return cal._index.is_working(d)


def _is_inside(cal: WorkCalendar, wall: datetime) -> bool:
    t = _clock(wall)
    return any(o <= t < c for o, c in cal._periods) and cal._index.is_working(wall.date())


def _is_close(cal: WorkCalendar, wall: datetime) -> bool:
    t = _clock(wall)
    return any(t == c for _o, c in cal._periods) and cal._index.is_working(wall.date())


def is_working_moment(cal: WorkCalendar, dt: datetime) -> bool:
    """True if `dt` lies inside office hours ``[open, close)`` of a working day."""
    return _is_inside(cal, _local(cal, dt))


def is_closing_moment(cal: WorkCalendar, dt: datetime) -> bool:
    """True if `dt` is exactly the end of an office period (e.g. 11:30, 17:00) on a working day."""
    return _is_close(cal, _local(cal, dt))


def _next_inside(cal: WorkCalendar, wall: datetime) -> datetime:
    day, t = wall.date(), _clock(wall)
    if cal._index.is_working(day):
        for o, c in cal._periods:
            if t < o:
                return _at(cal, day, o)
            if t < c:
                return wall
    return _at(cal, cal._index.nth_after(day, 1), cal._periods[0][0])


def next_working_moment(cal: WorkCalendar, dt: datetime) -> datetime:
    """`dt` itself if inside office hours, else the next opening (next period or next working day)."""
    return _next_inside(cal, _local(cal, dt))


def _due_base(cal: WorkCalendar, wall: datetime) -> datetime:
    # A close is a valid due moment: keep it rather than jumping to the next opening.
    return wall if _is_close(cal, wall) else _next_inside(cal, wall)


# --- adding working time --------------------------------------------------------------------------------


def add_working_days(cal: WorkCalendar, start_dt: datetime, n: int) -> datetime:
    """The same clock time on the n-th working day after the start day (domain.md §3).

    A start outside office hours counts from the next opening (the receipt rule), so the result is
    always a working moment and always holds exactly ``n × cal.day_length`` of office time.
    """
    n = _as_count(n)
    start = _next_inside(cal, _local(cal, start_dt, "start_dt"))
    if n == 0:
        return start
    return datetime.combine(cal._index.nth_after(start.date(), n), start.timetz())


def _consume(cal: WorkCalendar, day: date, t: timedelta, rem: timedelta) -> tuple[datetime | None, timedelta]:
    """Spend `rem` of office time on `day` from clock `t`: (moment it runs out, ZERO) or (None, rem left)."""
    for o, c in cal._periods:
        if t >= c:
            continue
        begin = max(t, o)
        if rem <= c - begin:
            return _at(cal, day, begin + rem), ZERO
        rem -= c - begin
    return None, rem


def add_working_hours(cal: WorkCalendar, start_dt: datetime, hours) -> datetime:
    """The earliest moment at which `hours` of office time have passed since `start_dt`.

    `hours` is a number of hours (int, Decimal, float) or a timedelta. When the time runs out exactly
    at the end of a period the result is that close (10:30 + 1 h = 11:30, not 13:30). Zero hours gives
    the start itself if it is a working moment or a close, else the next opening.
    """
    rem = _as_duration(hours)
    wall = _local(cal, start_dt, "start_dt")
    if not rem:
        return _due_base(cal, wall)
    day = wall.date()
    if cal._index.is_working(day):
        found, rem = _consume(cal, day, _clock(wall), rem)
        if found is not None:
            return found
    full_days = (rem - _TICK) // cal.day_length  # days spent entirely; the last one may end at its close
    rem -= full_days * cal.day_length
    found, _rest = _consume(cal, cal._index.nth_after(day, full_days + 1), ZERO, rem)
    return found


def _office_time_on(cal: WorkCalendar, day: date, t0: timedelta, t1: timedelta) -> timedelta:
    if not cal._index.is_working(day):
        return ZERO
    return sum((max(ZERO, min(c, t1) - max(o, t0)) for o, c in cal._periods), ZERO)


def working_time_between(cal: WorkCalendar, a: datetime, b: datetime) -> timedelta:
    """Office time between two aware moments; ZERO if ``b <= a``."""
    wa, wb = _local(cal, a, "a"), _local(cal, b, "b")
    if b <= a:
        return ZERO
    if wa.date() == wb.date():
        return _office_time_on(cal, wa.date(), _clock(wa), _clock(wb))
    head = _office_time_on(cal, wa.date(), _clock(wa), timedelta(days=1))
    tail = _office_time_on(cal, wb.date(), ZERO, _clock(wb))
    return head + tail + cal._index.count_between(wa.date(), wb.date()) * cal.day_length


# --- processing times, clock start, due moments ---------------------------------------------------------


@dataclass(frozen=True)
class ProcessingTime:
    """Processing time (thời hạn giải quyết) of a procedure or a step: a value and a unit.

    Units: ``hours`` (working hours), ``working_days``, ``days`` (calendar days), ``months`` (calendar
    months). Calendar days and months must be whole numbers; working days may be fractional.
    """

    value: Decimal
    unit: TimeUnit
    _whole: int | None = field(init=False, repr=False, compare=False)  # precomputed: due_at is hot
    _hours: timedelta | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        value = _as_decimal(self.value, "value")
        if self.unit not in TIME_UNITS:
            raise ValueError(
                _("Đơn vị thời gian %(unit)s không hợp lệ; dùng một trong: %(units)s.")
                % {"unit": self.unit, "units": ", ".join(TIME_UNITS)}
            )
        whole = int(value) if value == value.to_integral_value() else None
        if self.unit in ("days", "months") and whole is None:
            raise ValueError(
                _("Thời hạn tính theo %(unit)s phải là số nguyên, nhận được %(value)s.")
                % {"unit": self.unit, "value": value}
            )
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "_whole", whole)
        object.__setattr__(self, "_hours", _as_duration(value) if self.unit == "hours" else None)


@dataclass(frozen=True)
class DeadlinePolicy:
    """Deadline policy (quy tắc tính thời hạn), configurable per install (domain.md §3).

    `paper_cutoff`: paper dossiers received after it (strictly) are forwarded at the start of the next
    working day. `clock_start`: ``"receipt"`` (default) starts the clock at receipt, or at the next
    opening if received outside office hours; ``"next_working_day_after_cutoff"`` also moves the clock
    of a paper dossier received after the cut-off to the next working day's opening.
    """

    paper_cutoff: time = time(15, 0)
    clock_start: ClockStartRule = "receipt"

    def __post_init__(self) -> None:
        if self.clock_start not in CLOCK_START_RULES:
            raise ValueError(
                _("Quy tắc bắt đầu tính thời hạn %(rule)s không hợp lệ; dùng một trong: %(rules)s.")
                % {"rule": self.clock_start, "rules": ", ".join(CLOCK_START_RULES)}
            )


DEFAULT_POLICY = DeadlinePolicy()


def forwarded_at(
    cal: WorkCalendar, received_at: datetime, *, channel_is_paper: bool, policy: DeadlinePolicy = DEFAULT_POLICY
) -> datetime:
    """When the receiving desk forwards the dossier: a paper dossier received on a working day after
    the cut-off goes at the next working day's opening; anything else at the next working moment."""
    wall = _local(cal, received_at, "received_at")
    day = wall.date()
    if channel_is_paper and wall.time() > policy.paper_cutoff and cal._index.is_working(day):
        return _at(cal, cal._index.nth_after(day, 1), cal._periods[0][0])
    return _next_inside(cal, wall)


def clock_start(
    cal: WorkCalendar, received_at: datetime, *, channel_is_paper: bool, policy: DeadlinePolicy = DEFAULT_POLICY
) -> datetime:
    """The moment the processing clock starts for a dossier received at `received_at`."""
    if policy.clock_start == "next_working_day_after_cutoff":
        return forwarded_at(cal, received_at, channel_is_paper=channel_is_paper, policy=policy)
    return next_working_moment(cal, received_at)


def _add_months(wall: datetime, months: int) -> datetime:
    index = wall.month - 1 + months
    year, month = wall.year + index // 12, index % 12 + 1
    if year > _LAST_YEAR:
        raise ValueError(_("Thời hạn vượt quá phạm vi lịch có thể tính."))
    return wall.replace(year=year, month=month, day=min(wall.day, calendar.monthrange(year, month)[1]))


def _close_of_day(cal: WorkCalendar, wall: datetime) -> datetime:
    base = _due_base(cal, wall)
    return _at(cal, base.date(), cal._periods[-1][1])


def due_at(cal: WorkCalendar, start: datetime, time: ProcessingTime) -> datetime:
    """Due moment (ngày hẹn trả) of `time` counted from the clock start `start`.

    hours → working hours; working_days → `add_working_days` (fractional: converted whole to working
    hours at `cal.day_length` a day); days / months → calendar arithmetic (months clamp to the month's
    last day), then moved to the next working moment unless it is one (or a close). Zero: the close of
    the same working day, except zero hours which is the start itself (see docs/workdays.md).
    """
    wall = _local(cal, start, "start")
    unit, whole = time.unit, time._whole
    if whole == 0 and unit != "hours":
        return _close_of_day(cal, wall)
    if unit == "hours":
        return add_working_hours(cal, wall, time._hours)
    if unit == "working_days":
        if whole is not None:
            return add_working_days(cal, wall, whole)
        return add_working_hours(cal, wall, time.value * Decimal(cal.day_length.total_seconds()) / 3600)
    if unit == "days":
        try:
            landed = wall + timedelta(days=whole)
        except OverflowError:
            raise ValueError(_("Thời hạn vượt quá phạm vi lịch có thể tính.")) from None
    else:
        landed = _add_months(wall, whole)
    return _due_base(cal, landed)


def due_after_pause(cal: WorkCalendar, due: datetime, pause_start: datetime, pause_end: datetime) -> datetime:
    """The due moment once a pause (tạm dừng, e.g. waiting for fees) is over.

    The clock stops at `pause_start` and resumes at `pause_end` with the office time that was left,
    so the due moves by the office time inside the pause. A pause that starts at or after the due
    moment changes nothing (the deadline had already passed); the result is never earlier than `due`.
    Several pauses: apply them one after another, in order.
    """
    _local(cal, due, "due")
    if _local(cal, pause_end, "pause_end") < _local(cal, pause_start, "pause_start"):
        raise ValueError(_("Thời điểm kết thúc tạm dừng phải sau thời điểm bắt đầu."))
    if pause_start >= due:
        return due.astimezone(cal.tz)
    left = working_time_between(cal, pause_start, due)
    return max(add_working_hours(cal, pause_end, left), due.astimezone(cal.tz))


def restart_after_supplement(
    cal: WorkCalendar,
    received_complete_at: datetime,
    time: ProcessingTime,
    *,
    channel_is_paper: bool = False,
    policy: DeadlinePolicy = DEFAULT_POLICY,
) -> datetime:
    """New due moment after a supplement (bổ sung hồ sơ): the processing time restarts from zero when
    the complete dossier arrives (domain.md §3), with the same clock-start rule as a receipt."""
    start = clock_start(cal, received_complete_at, channel_is_paper=channel_is_paper, policy=policy)
    return due_at(cal, start, time)


__all__ = [
    "CLOCK_START_RULES",
    "DEFAULT_CALENDAR",
    "DEFAULT_OFFICE_HOURS",
    "DEFAULT_POLICY",
    "TIME_UNITS",
    "VN_TZ",
    "DeadlinePolicy",
    "ProcessingTime",
    "WorkCalendar",
    "add_working_days",
    "add_working_hours",
    "clock_start",
    "due_after_pause",
    "due_at",
    "forwarded_at",
    "is_closing_moment",
    "is_working_day",
    "is_working_moment",
    "next_working_moment",
    "restart_after_supplement",
    "working_time_between",
]
