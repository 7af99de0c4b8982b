# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pure rules of legal time for dossiers (domain.md §3): outcome, per-step deadlines. No database."""

from datetime import datetime
from decimal import ROUND_CEILING, Decimal

from motcua.workdays.calendars import ProcessingTime, WorkCalendar, due_at, working_time_between

from .models import Outcome


def judge(*, end: datetime, legal_due: datetime, supplement_count: int, tz) -> str:
    """Early / on time / late of a finished dossier.

    On time ⇔ end ≤ due (NgayKetThucXuLy ≤ NgayHenTra); early ⇔ it ended on an earlier calendar day than
    the due day; more than one supplement request makes a dossier late whatever the dates. The due
    moment already carries supplement restarts and waiting-time pauses; an apology's new date does not
    count (an apology admits the delay).
    """
    if supplement_count > 1 or end > legal_due:
        return Outcome.LATE
    if end.astimezone(tz).date() < legal_due.astimezone(tz).date():
        return Outcome.EARLY
    return Outcome.ON_TIME


def step_deadlines(cal: WorkCalendar, start: datetime, allowances: list[Decimal], unit: str) -> list[datetime]:
    """Due moment of each step: the cumulative allowance counted from the clock start.

    Calendar days and months only exist whole, so a fractional running total (a 0.5-day receipt step of
    a 15-day procedure) is rounded up: a step's deadline is guidance and never earlier than the law's.
    """
    deadlines, total = [], Decimal(0)
    for allowance in allowances:
        total += allowance
        value = total.to_integral_value(rounding=ROUND_CEILING) if unit in ("days", "months") else total
        deadlines.append(due_at(cal, start, ProcessingTime(value, unit)))
    return deadlines


def notice_is_timely(cal: WorkCalendar, *, notice_at: datetime, due: datetime) -> bool:
    """An apology must reach the applicant at least one working day before the due moment."""
    return working_time_between(cal, notice_at, due) >= cal.day_length
