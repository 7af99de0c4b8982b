# SPDX-License-Identifier: AGPL-3.0-or-later
"""Properties of legal time (hypothesis), with the package and a day-by-day walk as oracles."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.workdays.calendars import (
    VN_TZ,
    ProcessingTime,
    WorkCalendar,
    add_working_days,
    add_working_hours,
    clock_start,
    due_after_pause,
    due_at,
    is_closing_moment,
    is_working_day,
    is_working_moment,
    next_working_moment,
    working_time_between,
)

CAL = WorkCalendar()
FEW = settings(max_examples=80, deadline=None)
VN_2025_2028 = holidays.VN(years=range(2025, 2029))

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
# Boundaries are where the bugs live: openings, closes, lunch, midnight, one microsecond either side.
boundary_clocks = st.sampled_from(
    [time(0, 0), time(7, 29, 59, 999999), time(7, 30), time(11, 29), time(11, 30), time(12, 0),
     time(13, 30), time(16, 59, 59, 999999), time(17, 0), time(23, 59, 59, 999999)]
)
clocks = st.one_of(boundary_clocks, st.builds(time, st.integers(0, 23), st.integers(0, 59)), st.times())
vn_moments = st.builds(lambda d, t: datetime.combine(d, t, tzinfo=VN_TZ), days, clocks)
moments = st.one_of(vn_moments, vn_moments.map(lambda m: m.astimezone(UTC)))
durations = st.one_of(
    st.integers(0, 60 * 7 * 8).map(lambda m: timedelta(minutes=m)),
    st.integers(0, 40 * 3_600_000_000).map(lambda us: timedelta(microseconds=us)),
)
processing_times = st.one_of(
    st.builds(ProcessingTime, st.integers(0, 45), st.sampled_from(["working_days", "days", "hours"])),
    st.builds(ProcessingTime, st.decimals(min_value=0, max_value=20, places=2), st.just("working_days")),
    st.builds(ProcessingTime, st.integers(0, 18), st.just("months")),
)


def office_time_by_walking(cal: WorkCalendar, a: datetime, b: datetime) -> timedelta:
    """Reference: intersect [a, b) with every office period, day by day."""
    total, day = timedelta(0), a.astimezone(cal.tz).date()
    while day <= b.astimezone(cal.tz).date():
        if is_working_day(cal, day):
            for o, c in cal.office_hours:
                lo = max(a, datetime.combine(day, o, tzinfo=cal.tz))
                hi = min(b, datetime.combine(day, c, tzinfo=cal.tz))
                total += max(timedelta(0), hi - lo)
        day += timedelta(days=1)
    return total


@FEW
@given(start=moments, time_=processing_times)
def test_a_due_moment_is_a_working_moment_or_a_close(start, time_):
    due = due_at(CAL, start, time_)
    assert is_working_moment(CAL, due) or is_closing_moment(CAL, due)
    assert due >= start or working_time_between(CAL, due, start) == timedelta(0)


@FEW
@given(received=moments, unit=st.sampled_from(["working_days", "days", "months", "hours"]),
       a=st.integers(0, 40), b=st.integers(0, 40))
def test_more_time_never_gives_an_earlier_due(received, unit, a, b):
    start = clock_start(CAL, received, channel_is_paper=False)
    low, high = sorted((a, b))
    assert due_at(CAL, start, ProcessingTime(low, unit)) <= due_at(CAL, start, ProcessingTime(high, unit))


@FEW
@given(start=moments, a=st.decimals(min_value=Decimal("0.01"), max_value=10, places=2),
       b=st.decimals(min_value=Decimal("0.01"), max_value=10, places=2))
def test_more_fractional_working_days_never_give_an_earlier_due(start, a, b):
    low, high = sorted((a, b))
    early = due_at(CAL, start, ProcessingTime(low, "working_days"))
    assert early <= due_at(CAL, start, ProcessingTime(high, "working_days"))


@FEW
@given(start=moments, n=st.integers(0, 300))
def test_add_working_days_lands_on_a_working_moment_holding_n_office_days(start, n):
    due = add_working_days(CAL, start, n)
    assert is_working_moment(CAL, due)
    assert working_time_between(CAL, start, due) == n * CAL.day_length


@FEW
@given(start=vn_moments, n=st.integers(1, 300))
def test_add_working_days_agrees_with_the_package(start, n):
    first = next_working_moment(CAL, start)
    expected = VN_2025_2028.get_nth_working_day(first.date(), n)
    assert add_working_days(CAL, start, n) == datetime.combine(expected, first.timetz())


@FEW
@given(start=moments, h1=durations, h2=durations)
def test_adding_hours_in_two_steps_equals_adding_them_at_once(start, h1, h2):
    assert add_working_hours(CAL, start, h1 + h2) == add_working_hours(CAL, add_working_hours(CAL, start, h1), h2)


@FEW
@given(start=moments, h=durations)
def test_working_time_until_start_plus_h_is_h(start, h):
    assert working_time_between(CAL, start, add_working_hours(CAL, start, h)) == h


@FEW
@given(a=moments, b=moments)
def test_working_time_between_agrees_with_a_day_by_day_walk(a, b):
    assert working_time_between(CAL, a, b) == office_time_by_walking(CAL, a, b)


@FEW
@given(moment=moments)
def test_next_working_moment_is_the_first_one_not_before(moment):
    nxt = next_working_moment(CAL, moment)
    assert is_working_moment(CAL, nxt)
    assert nxt >= moment
    assert working_time_between(CAL, moment, nxt) == timedelta(0)


@FEW
@given(start=moments, time_=processing_times, p1=moments, p2=moments)
def test_a_pause_never_shortens_a_deadline(start, time_, p1, p2):
    due = due_at(CAL, start, time_)
    pause_start, pause_end = sorted((p1, p2))
    extended = due_after_pause(CAL, due, pause_start, pause_end)
    assert extended >= due
    if pause_start < due:  # the office time left when the clock stopped is intact after it resumes
        left = working_time_between(CAL, pause_start, due)
        assert working_time_between(CAL, pause_end, extended) == left or extended == due


@FEW
@given(day=days, off=st.booleans(), start=moments, n=st.integers(1, 30))
def test_overrides_win_over_the_package(day, off, start, n):
    if off:
        cal = WorkCalendar(extra_days_off=frozenset({day}))
        assert not is_working_day(cal, day)
        assert add_working_days(cal, start, n).date() != day
    else:
        cal = WorkCalendar(extra_working_days=frozenset({day}))
        assert is_working_day(cal, day)
        assert is_working_moment(cal, datetime.combine(day, time(9, 0), tzinfo=VN_TZ))
    for other in (day - timedelta(days=1), day + timedelta(days=1)):
        assert is_working_day(cal, other) == is_working_day(CAL, other)
