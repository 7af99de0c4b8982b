# SPDX-License-Identifier: AGPL-3.0-or-later
"""Working days and working moments, with named cases from the 2026 calendar.

Every holiday fact below was checked against holidays 0.109 (`holidays.VN(years=2026)`).
"""

import pickle
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from motcua.workdays.calendars import (
    VN_TZ,
    WorkCalendar,
    add_working_days,
    add_working_hours,
    is_closing_moment,
    is_working_day,
    is_working_moment,
    next_working_moment,
    working_time_between,
)

CAL = WorkCalendar()


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


# --- the package's 2026 calendar ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 1),  # New Year, Thursday
        # Tết Bính Ngọ: 29 Chạp (eve) Mon 16 Feb to mùng 4 Fri 20 Feb
        date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18), date(2026, 2, 19), date(2026, 2, 20),
        date(2026, 4, 26),  # Hùng Kings day, 10/3 lunar, a Sunday
        date(2026, 4, 27),  # ... its day in lieu
        date(2026, 4, 30), date(2026, 5, 1),  # Thursday, Friday
        date(2026, 8, 31),  # swapped with Sat 22 Aug
        date(2026, 9, 1),  # adjacent day of National Day
        date(2026, 9, 2),  # National Day, Wednesday
        date(2026, 11, 24),  # Vietnam Culture Day (from 2026)
    ],
)
def test_2026_holidays_are_days_off(day):
    assert not is_working_day(CAL, day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 2, 13),  # Friday before Tết
        date(2026, 2, 23),  # Monday after Tết
        date(2026, 4, 28),  # Tuesday after the Hùng Kings day in lieu
        date(2026, 8, 22),  # Saturday worked in exchange for Mon 31 Aug
        date(2026, 9, 3),  # Thursday after National Day
        date(2026, 11, 23), date(2026, 11, 25),
    ],
)
def test_2026_working_days_around_holidays(day):
    assert is_working_day(CAL, day)


def test_ordinary_weekend_is_off_and_weekday_is_worked():
    assert not is_working_day(CAL, date(2026, 8, 29))  # Saturday
    assert not is_working_day(CAL, date(2026, 8, 30))  # Sunday
    assert is_working_day(CAL, date(2026, 8, 28))  # Friday


def test_a_datetime_counts_by_its_local_date():
    # 20:00 UTC on Fri 21 Aug is 03:00 on the make-up Saturday in Vietnam.
    assert is_working_day(CAL, datetime(2026, 8, 21, 20, 0, tzinfo=UTC))


def test_extra_day_off_wins_over_the_package():
    cal = WorkCalendar(extra_days_off=frozenset({date(2026, 3, 10)}))
    assert not is_working_day(cal, date(2026, 3, 10))
    assert is_working_day(CAL, date(2026, 3, 10))


def test_extra_working_day_wins_over_a_package_holiday_and_a_weekend():
    cal = WorkCalendar(extra_working_days=frozenset({date(2026, 9, 1), date(2026, 9, 5)}))
    assert is_working_day(cal, date(2026, 9, 1))
    assert is_working_day(cal, date(2026, 9, 5))


def test_override_swap_announced_after_release_is_enterable():
    # e.g. a 2027 swap the package does not know yet: work Sat 24 Apr, rest Thu 29 Apr
    cal = WorkCalendar(
        extra_days_off=frozenset({date(2027, 4, 29)}), extra_working_days=frozenset({date(2027, 4, 24)})
    )
    assert add_working_days(cal, vn(2027, 4, 23, 9), 1) == vn(2027, 4, 24, 9)
    # 30 Apr, 1 May (Sat) and its day in lieu Mon 3 May are package holidays
    assert add_working_days(cal, vn(2027, 4, 28, 9), 1) == vn(2027, 5, 4, 9)


def test_same_day_cannot_be_both_off_and_worked():
    with pytest.raises(ValueError, match="vừa là ngày nghỉ"):
        WorkCalendar(extra_days_off=frozenset({date(2026, 1, 2)}), extra_working_days=frozenset({date(2026, 1, 2)}))


@pytest.mark.parametrize(
    "hours",
    [
        (),
        ((time(13, 0), time(12, 0)),),
        ((time(7, 30), time(12, 0)), (time(11, 0), time(17, 0))),
        ((time(7, 30), time(11, 30)), (time(11, 30), time(17, 0))),
    ],
)
def test_invalid_office_hours_are_refused(hours):
    with pytest.raises(ValueError):
        WorkCalendar(office_hours=hours)


def test_calendars_with_equal_settings_are_equal_and_hashable():
    a = WorkCalendar(extra_days_off={date(2026, 3, 10)})
    b = WorkCalendar(extra_days_off=frozenset({date(2026, 3, 10)}))
    assert a == b and hash(a) == hash(b)
    assert a.day_length == timedelta(hours=7, minutes=30)


def test_time_zone_may_be_given_by_name():
    assert WorkCalendar(tz="Asia/Ho_Chi_Minh") == CAL


# --- moments -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (vn(2026, 3, 10, 7, 30), True),
        (vn(2026, 3, 10, 7, 29), False),
        (vn(2026, 3, 10, 11, 29, 59), True),
        (vn(2026, 3, 10, 11, 30), False),  # a close is not inside office hours
        (vn(2026, 3, 10, 12, 0), False),
        (vn(2026, 3, 10, 13, 30), True),
        (vn(2026, 3, 10, 17, 0), False),
        (vn(2026, 8, 22, 9, 0), True),  # make-up Saturday
        (vn(2026, 8, 31, 9, 0), False),  # swapped Monday
        (datetime(2026, 3, 10, 2, 0, tzinfo=UTC), True),  # 09:00 in Vietnam
    ],
)
def test_is_working_moment(moment, expected):
    assert is_working_moment(CAL, moment) is expected


def test_closing_moments_are_the_ends_of_periods_on_working_days():
    assert is_closing_moment(CAL, vn(2026, 3, 10, 11, 30))
    assert is_closing_moment(CAL, vn(2026, 3, 10, 17, 0))
    assert not is_closing_moment(CAL, vn(2026, 3, 10, 16, 59))
    assert not is_closing_moment(CAL, vn(2026, 3, 14, 17, 0))  # Saturday


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (vn(2026, 3, 10, 9, 15), vn(2026, 3, 10, 9, 15)),
        (vn(2026, 3, 10, 6, 0), vn(2026, 3, 10, 7, 30)),
        (vn(2026, 3, 10, 11, 30), vn(2026, 3, 10, 13, 30)),
        (vn(2026, 3, 10, 17, 0), vn(2026, 3, 11, 7, 30)),
        (vn(2026, 3, 13, 18, 0), vn(2026, 3, 16, 7, 30)),  # Friday evening → Monday
        (vn(2026, 2, 13, 16, 0), vn(2026, 2, 13, 16, 0)),
        (vn(2026, 2, 13, 17, 5), vn(2026, 2, 23, 7, 30)),  # across Tết
        (vn(2026, 8, 21, 17, 30), vn(2026, 8, 22, 7, 30)),  # make-up Saturday opens
        (vn(2026, 8, 28, 17, 30), vn(2026, 9, 3, 7, 30)),  # across the National Day break
    ],
)
def test_next_working_moment(moment, expected):
    result = next_working_moment(CAL, moment)
    assert result == expected
    assert result.tzinfo == VN_TZ


# --- working days -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (vn(2026, 8, 21, 9, 0), 1, vn(2026, 8, 22, 9, 0)),  # Sat 22 Aug is a make-up working day
        (vn(2026, 8, 21, 9, 0), 2, vn(2026, 8, 24, 9, 0)),
        (vn(2026, 8, 28, 9, 0), 1, vn(2026, 9, 3, 9, 0)),  # Sat 29 – Wed 2 Sep off
        (vn(2026, 2, 13, 10, 0), 1, vn(2026, 2, 23, 10, 0)),  # Tết
        (vn(2026, 2, 12, 10, 0), 3, vn(2026, 2, 24, 10, 0)),
        (vn(2026, 4, 24, 9, 0), 1, vn(2026, 4, 28, 9, 0)),  # Hùng Kings day in lieu Mon 27 Apr
        (vn(2026, 4, 29, 14, 0), 1, vn(2026, 5, 4, 14, 0)),  # 30 Apr, 1 May
        (vn(2026, 11, 23, 8, 0), 1, vn(2026, 11, 25, 8, 0)),  # Culture Day
        (vn(2025, 12, 31, 8, 0), 1, vn(2026, 1, 2, 8, 0)),  # New Year, across the year end
        (vn(2026, 3, 10, 9, 0), 0, vn(2026, 3, 10, 9, 0)),
        (vn(2026, 3, 10, 9, 0), 250, vn(2027, 3, 11, 9, 0)),  # = holidays' get_nth_working_day
    ],
)
def test_add_working_days_keeps_the_clock_time(start, n, expected):
    assert add_working_days(CAL, start, n) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (vn(2026, 3, 14, 10, 0), vn(2026, 3, 17, 7, 30)),  # Saturday → Monday opening → Tuesday
        (vn(2026, 3, 10, 12, 0), vn(2026, 3, 11, 13, 30)),  # lunch → afternoon opening
        (vn(2026, 3, 10, 18, 0), vn(2026, 3, 12, 7, 30)),  # evening → next morning
        (vn(2026, 3, 10, 17, 0), vn(2026, 3, 12, 7, 30)),  # the close itself is outside office hours
    ],
)
def test_add_working_days_from_outside_office_hours_counts_from_the_next_opening(start, expected):
    result = add_working_days(CAL, start, 1)
    assert result == expected
    assert is_working_moment(CAL, result)
    assert working_time_between(CAL, start, result) == CAL.day_length


def test_add_working_days_refuses_bad_input():
    with pytest.raises(ValueError, match="múi giờ"):
        add_working_days(CAL, datetime(2026, 3, 10, 9, 0), 1)
    with pytest.raises(ValueError, match="không được âm"):
        add_working_days(CAL, vn(2026, 3, 10, 9, 0), -1)
    with pytest.raises(ValueError, match="số nguyên"):
        add_working_days(CAL, vn(2026, 3, 10, 9, 0), 1.5)


# --- working hours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (vn(2026, 3, 10, 9, 0), 2, vn(2026, 3, 10, 11, 0)),
        (vn(2026, 3, 10, 10, 30), 1, vn(2026, 3, 10, 11, 30)),  # runs out at the close: stays there
        (vn(2026, 3, 10, 10, 30), Decimal("1.5"), vn(2026, 3, 10, 14, 0)),  # lunch skipped
        (vn(2026, 3, 10, 9, 0), 8, vn(2026, 3, 11, 9, 30)),
        (vn(2026, 3, 10, 7, 30), Decimal("7.5"), vn(2026, 3, 10, 17, 0)),  # a full day ends at its close
        (vn(2026, 3, 10, 7, 30), 15, vn(2026, 3, 11, 17, 0)),
        (vn(2026, 3, 13, 16, 0), 2, vn(2026, 3, 16, 8, 30)),  # Friday → Monday
        (vn(2026, 8, 21, 16, 0), 2, vn(2026, 8, 22, 8, 30)),  # → make-up Saturday
        (vn(2026, 3, 14, 10, 0), 1, vn(2026, 3, 16, 8, 30)),  # from a Saturday
        (vn(2026, 3, 10, 12, 0), 0.25, vn(2026, 3, 10, 13, 45)),
        (vn(2026, 3, 10, 9, 0), timedelta(minutes=45), vn(2026, 3, 10, 9, 45)),
        (vn(2026, 2, 13, 16, 0), 24, vn(2026, 2, 26, 8, 0)),  # across Tết
    ],
)
def test_add_working_hours(start, hours, expected):
    assert add_working_hours(CAL, start, hours) == expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (vn(2026, 3, 10, 9, 0), vn(2026, 3, 10, 9, 0)),
        (vn(2026, 3, 10, 11, 30), vn(2026, 3, 10, 11, 30)),  # a close is kept
        (vn(2026, 3, 10, 12, 0), vn(2026, 3, 10, 13, 30)),
        (vn(2026, 3, 14, 10, 0), vn(2026, 3, 16, 7, 30)),
    ],
)
def test_zero_working_hours_is_the_start_or_the_next_opening(start, expected):
    assert add_working_hours(CAL, start, 0) == expected


def test_add_working_hours_refuses_negative_and_non_numbers():
    for bad in (-1, Decimal("-0.5"), timedelta(hours=-1), float("nan"), "abc", True):
        with pytest.raises(ValueError):
            add_working_hours(CAL, vn(2026, 3, 10, 9, 0), bad)


def test_add_working_hours_over_a_year_matches_working_days():
    start = vn(2026, 3, 10, 9, 0)
    assert add_working_hours(CAL, start, 250 * 7.5) == add_working_days(CAL, start, 250)


# --- working time between -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (vn(2026, 3, 10, 9, 0), vn(2026, 3, 10, 10, 0), timedelta(hours=1)),
        (vn(2026, 3, 10, 11, 0), vn(2026, 3, 10, 14, 0), timedelta(hours=1)),
        (vn(2026, 3, 10, 0, 0), vn(2026, 3, 11, 0, 0), timedelta(hours=7, minutes=30)),
        (vn(2026, 3, 13, 16, 0), vn(2026, 3, 16, 8, 0), timedelta(hours=1, minutes=30)),
        # Fri 21, Sat 22, Mon 24 – Fri 28 Aug, Thu 3 Sep
        (vn(2026, 8, 21, 0, 0), vn(2026, 9, 4, 0, 0), 8 * timedelta(hours=7, minutes=30)),
        (vn(2026, 3, 10, 10, 0), vn(2026, 3, 10, 10, 0), timedelta(0)),
        (vn(2026, 3, 10, 10, 0), vn(2026, 3, 10, 9, 0), timedelta(0)),
        (vn(2026, 3, 10, 10, 0), datetime(2026, 3, 10, 4, 0, tzinfo=UTC), timedelta(hours=1)),
    ],
)
def test_working_time_between(a, b, expected):
    assert working_time_between(CAL, a, b) == expected


def test_working_time_between_refuses_naive_moments():
    with pytest.raises(ValueError, match="múi giờ"):
        working_time_between(CAL, vn(2026, 3, 10, 9, 0), datetime(2026, 3, 11, 9, 0))


def test_custom_office_hours_are_used():
    cal = WorkCalendar(office_hours=((time(8, 0), time(12, 0)), (time(13, 0), time(17, 0))))
    assert cal.day_length == timedelta(hours=8)
    assert add_working_hours(cal, vn(2026, 3, 10, 11, 0), 2) == vn(2026, 3, 10, 14, 0)
    assert next_working_moment(cal, vn(2026, 3, 10, 7, 45)) == vn(2026, 3, 10, 8, 0)


def test_amounts_beyond_the_calendar_range_are_refused_not_crashing():
    with pytest.raises(ValueError, match="vượt quá phạm vi"):
        add_working_days(CAL, vn(2026, 3, 10, 9, 0), 10**9)
    with pytest.raises(ValueError, match="vượt quá phạm vi"):
        add_working_hours(CAL, vn(2026, 3, 10, 9, 0), 10**12)


def test_a_calendar_survives_pickling():
    cal = WorkCalendar(extra_days_off=frozenset({date(2026, 3, 11)}))
    add_working_days(cal, vn(2026, 3, 10, 9, 0), 1)  # the index is built and holds a lock
    copy = pickle.loads(pickle.dumps(cal))
    assert copy == cal
    assert add_working_days(copy, vn(2026, 3, 10, 9, 0), 1) == vn(2026, 3, 12, 9, 0)
