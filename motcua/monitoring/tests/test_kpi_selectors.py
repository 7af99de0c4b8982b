# SPDX-License-Identifier: AGPL-3.0-or-later
"""KPIs per official, per step and per procedure, overdue now, and the change token — each with a fixed
number of queries. Figures worked out by hand below (office hours 07:30–11:30, 13:30–17:00: 7.5 h a day)."""

from datetime import date

import pytest

from motcua.dossiers.tests.conftest import local, world  # noqa: F401
from motcua.dossiers.tests.helpers import through_all_steps, to_specialist
from motcua.monitoring.selectors import (
    counters_latest_change,
    handling_time_by_procedure,
    kpi_officials,
    kpi_steps,
    overdue_now_by_unit,
    procedures_most_late,
)

pytestmark = pytest.mark.django_db
JULY = {"start": date(2026, 7, 1), "end": date(2026, 7, 31)}
NOW = local(2026, 7, 31, 12, 0)


@pytest.fixture
def history(world):  # noqa: F811
    # A: received Mon 6 Jul 09:00, every step done that day by 14:00 → all steps on time, early.
    a = through_all_steps(world, to_specialist(world, local(2026, 7, 6, 9, 0)), local(2026, 7, 6, 10, 0))
    # B: received Mon 6 Jul 09:30 (due Mon 13 Jul 09:30), steps done Tue 14 Jul 10:00–13:00 → each late.
    b = through_all_steps(world, to_specialist(world, local(2026, 7, 6, 9, 30)), local(2026, 7, 14, 9, 0))
    # E: received Wed 1 Jul 09:00; the appraisal step (due Mon 6 Jul 09:00) is still with the specialist.
    e = to_specialist(world, local(2026, 7, 1, 9, 0))
    return a, b, e


def test_officials(world, history, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(4):
        rows = {k.username: k for k in kpi_officials(unit=world.bmt, now=NOW, **JULY)}
    got = {name: (k.handled, k.on_time, k.on_time_rate, k.overdue_now) for name, k in rows.items()}
    assert got == {
        "tn.bmt": (3, 3, 100.0, 0),  # the receipt step of A, B, E, each done at receipt
        "cv.bmt": (2, 1, 50.0, 1),   # A on time, B late; E's appraisal overdue now
        "ldp.bmt": (2, 1, 50.0, 0), "ky.bmt": (2, 1, 50.0, 0), "vt.bmt": (2, 1, 50.0, 0),
    }
    assert list(rows)[0] == "tn.bmt"  # most handled first
    assert kpi_officials(unit=world.tan_an, now=NOW, **JULY) == []


def test_steps(world, history, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(3):
        steps = kpi_steps(unit=world.bmt, now=NOW, **JULY)
    assert [(s.order, s.handled, s.on_time, s.overdue_now) for s in steps] == [
        (1, 3, 3, 0), (2, 2, 1, 1), (3, 2, 1, 0), (4, 2, 1, 0), (5, 2, 1, 0)]
    assert steps[1].name == "Thẩm định hồ sơ" and steps[1].on_time_rate == 50.0
    # A and B wait at the return step (started, not finished, past its deadline) but are done: not overdue.


def test_procedures(world, history, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(3):
        times = handling_time_by_procedure(unit=world.bmt, **JULY)
    # A: 09:00–11:30 + 13:30–14:00 = 3 h = 0.4 day. B: Mon 6 from 09:30 = 5.5 h, Tue 7 … Mon 13 = 5 days
    # (37.5 h), Tue 14 07:30–11:30 = 4 h → 47 h = 6.2667 days. Average (0.4 + 6.2667) ÷ 2 = 3.33.
    assert [(t.code, t.judged, t.late, t.average_working_days) for t in times] == [("T.0001", 2, 1, 3.33)]
    with django_assert_max_num_queries(3):
        late = procedures_most_late(unit=world.province, limit=5, **JULY)
    assert [(t.code, t.late, t.late_rate) for t in late] == [("T.0001", 1, 50.0)]
    assert procedures_most_late(unit=world.tan_an, **JULY) == []


def test_overdue_now(world, history, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(3):
        overdue = overdue_now_by_unit(units=[world.province, world.bmt, world.tan_an], now=NOW)
    assert overdue == {world.province.pk: 1, world.bmt.pk: 1, world.tan_an.pk: 0}  # E only
    assert overdue_now_by_unit(units=[world.bmt], now=local(2026, 7, 3, 9, 0)) == {world.bmt.pk: 0}


def test_latest_change_moves_with_every_event(world, django_assert_max_num_queries):  # noqa: F811
    with django_assert_max_num_queries(3):
        first = counters_latest_change()
    to_specialist(world, local(2026, 7, 1, 9, 0))
    second = counters_latest_change()
    assert second != first
    assert counters_latest_change() == second
