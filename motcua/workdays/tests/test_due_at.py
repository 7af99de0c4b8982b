# SPDX-License-Identifier: AGPL-3.0-or-later
"""Processing times, clock start, due moments, pauses and supplements (domain.md §3)."""

from datetime import datetime, time
from decimal import Decimal

import pytest

from motcua.workdays.calendars import (
    VN_TZ,
    DeadlinePolicy,
    ProcessingTime,
    WorkCalendar,
    clock_start,
    due_after_pause,
    due_at,
    forwarded_at,
    restart_after_supplement,
)

CAL = WorkCalendar()
CUTOFF_MOVES_CLOCK = DeadlinePolicy(clock_start="next_working_day_after_cutoff")


def vn(*args) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


# --- processing time and policy -----------------------------------------------------------------------


def test_processing_time_keeps_a_decimal_value():
    assert ProcessingTime(3, "working_days").value == Decimal(3)
    assert ProcessingTime(Decimal("0.5"), "working_days").value == Decimal("0.5")
    assert ProcessingTime(0.5, "hours").value == Decimal("0.5")


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        (-1, "working_days", "không được âm"),
        (Decimal("-0.5"), "hours", "không được âm"),
        (1, "weeks", "không hợp lệ"),
        (Decimal("1.5"), "days", "số nguyên"),
        (Decimal("0.5"), "months", "số nguyên"),
        (Decimal("NaN"), "hours", "hữu hạn"),
        (None, "hours", "phải là một số"),
    ],
)
def test_processing_time_refuses_bad_values(value, unit, message):
    with pytest.raises(ValueError, match=message):
        ProcessingTime(value, unit)


def test_deadline_policy_defaults_and_validation():
    policy = DeadlinePolicy()
    assert policy.paper_cutoff == time(15, 0)
    assert policy.clock_start == "receipt"
    with pytest.raises(ValueError, match="không hợp lệ"):
        DeadlinePolicy(clock_start="tomorrow")


# --- clock start --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "paper", "policy", "expected"),
    [
        (vn(2026, 3, 10, 9, 0), False, DeadlinePolicy(), vn(2026, 3, 10, 9, 0)),
        (vn(2026, 3, 10, 16, 0), True, DeadlinePolicy(), vn(2026, 3, 10, 16, 0)),  # default: receipt
        (vn(2026, 3, 10, 12, 10), True, DeadlinePolicy(), vn(2026, 3, 10, 13, 30)),
        (vn(2026, 3, 14, 22, 0), False, DeadlinePolicy(), vn(2026, 3, 16, 7, 30)),  # online on Saturday
        (vn(2026, 3, 10, 16, 0), True, CUTOFF_MOVES_CLOCK, vn(2026, 3, 11, 7, 30)),
        (vn(2026, 3, 10, 15, 0), True, CUTOFF_MOVES_CLOCK, vn(2026, 3, 10, 15, 0)),  # "after" 15:00
        (vn(2026, 3, 10, 15, 0, 1), True, CUTOFF_MOVES_CLOCK, vn(2026, 3, 11, 7, 30)),
        (vn(2026, 3, 10, 16, 0), False, CUTOFF_MOVES_CLOCK, vn(2026, 3, 10, 16, 0)),  # online: no cut-off
        (vn(2026, 8, 28, 16, 0), True, CUTOFF_MOVES_CLOCK, vn(2026, 9, 3, 7, 30)),
        (vn(2026, 8, 21, 16, 0), True, CUTOFF_MOVES_CLOCK, vn(2026, 8, 22, 7, 30)),  # make-up Saturday
        (
            vn(2026, 3, 10, 14, 0),
            True,
            DeadlinePolicy(paper_cutoff=time(13, 45), clock_start="next_working_day_after_cutoff"),
            vn(2026, 3, 11, 7, 30),
        ),
    ],
)
def test_clock_start(received, paper, policy, expected):
    assert clock_start(CAL, received, channel_is_paper=paper, policy=policy) == expected


def test_paper_after_cutoff_is_forwarded_next_working_day_even_when_the_clock_started_at_receipt():
    received = vn(2026, 3, 10, 16, 0)
    assert forwarded_at(CAL, received, channel_is_paper=True) == vn(2026, 3, 11, 7, 30)
    assert clock_start(CAL, received, channel_is_paper=True) == received
    assert forwarded_at(CAL, received, channel_is_paper=False) == received


def test_clock_start_refuses_a_naive_receipt():
    with pytest.raises(ValueError, match="múi giờ"):
        clock_start(CAL, datetime(2026, 3, 10, 9, 0), channel_is_paper=False)


# --- due moments --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "time_", "expected"),
    [
        (vn(2026, 8, 21, 9, 0), ProcessingTime(1, "working_days"), vn(2026, 8, 22, 9, 0)),
        (vn(2026, 2, 11, 9, 0), ProcessingTime(5, "working_days"), vn(2026, 2, 25, 9, 0)),  # Tết
        (vn(2026, 3, 10, 9, 0), ProcessingTime(8, "hours"), vn(2026, 3, 11, 9, 30)),
        (vn(2026, 3, 10, 9, 0), ProcessingTime(Decimal("0.5"), "working_days"), vn(2026, 3, 10, 14, 45)),  # 3 h 45
        (vn(2026, 3, 10, 9, 0), ProcessingTime(Decimal("1.5"), "working_days"), vn(2026, 3, 11, 14, 45)),
        (vn(2026, 3, 10, 9, 0), ProcessingTime(Decimal("2.0"), "working_days"), vn(2026, 3, 12, 9, 0)),
        # calendar days: kept when they land on a working moment, else the next opening
        (vn(2026, 3, 10, 9, 0), ProcessingTime(7, "days"), vn(2026, 3, 17, 9, 0)),
        (vn(2026, 3, 10, 9, 0), ProcessingTime(4, "days"), vn(2026, 3, 16, 7, 30)),  # Saturday
        (vn(2026, 4, 20, 9, 0), ProcessingTime(10, "days"), vn(2026, 5, 4, 7, 30)),  # 30 Apr
        (vn(2026, 8, 15, 9, 0), ProcessingTime(7, "days"), vn(2026, 8, 22, 9, 0)),  # make-up Saturday
        # calendar months clamp to the month's end
        (vn(2026, 3, 10, 9, 0), ProcessingTime(1, "months"), vn(2026, 4, 10, 9, 0)),
        (vn(2026, 1, 30, 9, 0), ProcessingTime(1, "months"), vn(2026, 3, 2, 7, 30)),  # Sat 28 Feb
        (vn(2026, 3, 31, 9, 0), ProcessingTime(1, "months"), vn(2026, 5, 4, 7, 30)),  # 30 Apr, holiday
        (vn(2026, 1, 16, 10, 0), ProcessingTime(1, "months"), vn(2026, 2, 23, 7, 30)),  # Tết week
        (vn(2026, 11, 30, 9, 0), ProcessingTime(3, "months"), vn(2027, 3, 1, 7, 30)),  # Sun 28 Feb 2027
        (vn(2026, 12, 31, 9, 0), ProcessingTime(2, "months"), vn(2027, 3, 1, 7, 30)),
    ],
)
def test_due_at(start, time_, expected):
    assert due_at(CAL, start, time_) == expected


@pytest.mark.parametrize("unit", ["working_days", "days", "months"])
def test_zero_days_is_the_close_of_the_same_working_day(unit):
    assert due_at(CAL, vn(2026, 3, 10, 9, 0), ProcessingTime(0, unit)) == vn(2026, 3, 10, 17, 0)
    assert due_at(CAL, vn(2026, 3, 14, 9, 0), ProcessingTime(0, unit)) == vn(2026, 3, 16, 17, 0)


def test_zero_hours_is_the_start_itself():
    assert due_at(CAL, vn(2026, 3, 10, 9, 0), ProcessingTime(0, "hours")) == vn(2026, 3, 10, 9, 0)


def test_due_at_refuses_a_naive_start():
    with pytest.raises(ValueError, match="múi giờ"):
        due_at(CAL, datetime(2026, 3, 10, 9, 0), ProcessingTime(1, "working_days"))


def test_extra_day_off_moves_the_due_date():
    cal = WorkCalendar(extra_days_off=frozenset({datetime(2026, 3, 11).date()}))
    assert due_at(cal, vn(2026, 3, 10, 9, 0), ProcessingTime(1, "working_days")) == vn(2026, 3, 12, 9, 0)


# --- pauses and supplements ---------------------------------------------------------------------------


def test_pause_inside_office_hours_extends_by_its_working_time():
    due = vn(2026, 3, 13, 9, 0)
    assert due_after_pause(CAL, due, vn(2026, 3, 10, 9, 0), vn(2026, 3, 10, 11, 0)) == vn(2026, 3, 13, 11, 0)


def test_pause_over_a_weekend_changes_nothing():
    due = vn(2026, 3, 18, 9, 0)
    assert due_after_pause(CAL, due, vn(2026, 3, 13, 17, 30), vn(2026, 3, 16, 7, 0)) == due


def test_pause_across_tet_counts_only_working_time():
    # 16:00 Fri 13 Feb → 08:30 Mon 23 Feb: 1 h + 1 h of office time
    due = vn(2026, 2, 25, 10, 0)
    assert due_after_pause(CAL, due, vn(2026, 2, 13, 16, 0), vn(2026, 2, 23, 8, 30)) == vn(2026, 2, 25, 14, 0)


def test_pause_starting_after_the_due_moment_does_not_revive_the_deadline():
    due = vn(2026, 3, 10, 9, 0)
    assert due_after_pause(CAL, due, vn(2026, 3, 11, 9, 0), vn(2026, 3, 12, 9, 0)) == due


def test_pause_straddling_the_due_moment_resumes_with_the_time_that_was_left():
    due = vn(2026, 3, 10, 10, 0)
    # 1 h left when paused at 09:00; resumes 15:00 the next day → 16:00
    assert due_after_pause(CAL, due, vn(2026, 3, 10, 9, 0), vn(2026, 3, 11, 15, 0)) == vn(2026, 3, 11, 16, 0)


def test_pause_refuses_an_end_before_its_start_and_naive_moments():
    due = vn(2026, 3, 13, 9, 0)
    with pytest.raises(ValueError, match="kết thúc tạm dừng"):
        due_after_pause(CAL, due, vn(2026, 3, 11, 9, 0), vn(2026, 3, 10, 9, 0))
    with pytest.raises(ValueError, match="múi giờ"):
        due_after_pause(CAL, due, datetime(2026, 3, 10, 9, 0), vn(2026, 3, 11, 9, 0))


def test_supplement_restarts_the_clock_from_zero():
    # first due was Fri 13 Mar; the complete dossier came on Wed 18 Mar 10:00
    time_ = ProcessingTime(5, "working_days")
    assert restart_after_supplement(CAL, vn(2026, 3, 18, 10, 0), time_) == vn(2026, 3, 25, 10, 0)


def test_supplement_received_on_a_weekend_restarts_at_the_next_opening():
    time_ = ProcessingTime(1, "working_days")
    assert restart_after_supplement(CAL, vn(2026, 8, 29, 10, 0), time_) == vn(2026, 9, 4, 7, 30)


def test_paper_supplement_after_cutoff_follows_the_policy():
    time_ = ProcessingTime(1, "working_days")
    received = vn(2026, 3, 18, 16, 0)
    assert restart_after_supplement(CAL, received, time_, channel_is_paper=True) == vn(2026, 3, 19, 16, 0)
    assert restart_after_supplement(
        CAL, received, time_, channel_is_paper=True, policy=CUTOFF_MOVES_CLOCK
    ) == vn(2026, 3, 20, 7, 30)


@pytest.mark.parametrize("unit", ["days", "months", "working_days", "hours"])
def test_huge_processing_times_are_refused_not_crashing(unit):
    with pytest.raises(ValueError, match="vượt quá phạm vi"):
        due_at(CAL, vn(2026, 3, 10, 9, 0), ProcessingTime(10**9, unit))
