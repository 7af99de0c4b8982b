# SPDX-License-Identifier: AGPL-3.0-or-later
"""The report's on-time figures are the index's group 2 (Tiến độ giải quyết): same numerator, same
denominator, for the unit and for each of its children."""

import pytest

from motcua.dossiers.services import (
    dossier_receive_supplement,
    dossier_request_fees,
    dossier_request_supplement,
)
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import to_specialist
from motcua.monitoring.index import index_compute, index_compute_many
from motcua.monitoring.reports import report_compute

from .dashboard_data import MARCH, shared_world


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker, with_march=True) as pair:
        yield pair


@pytest.fixture
def world(shared, db):
    return shared[0]


def _group2(result) -> tuple[float, float]:
    indicator = result.indicator("2.1")
    return indicator.numerator, indicator.denominator


def _waiting_dossiers(w):
    """Three more ward dossiers waiting for the applicant at the end of March, received Mon 2 Mar (due Mon
    9 Mar): asked for papers on Tue 3 Mar (judged at the request: within time), asked twice (late), asked
    for fees on Tue 10 Mar, after the due moment (overdue)."""
    once = to_specialist(w, local(2026, 3, 2, 9, 0))
    dossier_request_supplement(dossier=once, actor=w.specialist, missing="Bản sao giấy khai sinh",
                               at=local(2026, 3, 3, 9, 0))
    twice = to_specialist(w, local(2026, 3, 2, 9, 30))
    twice = dossier_request_supplement(dossier=twice, actor=w.specialist, missing="Tờ khai", at=local(2026, 3, 3, 9, 0))
    twice = dossier_receive_supplement(dossier=twice, actor=w.receiver, at=local(2026, 3, 4, 9, 0))
    dossier_request_supplement(dossier=twice, actor=w.specialist, missing="Tờ khai ký đủ", at=local(2026, 3, 5, 9, 0))
    fees = to_specialist(w, local(2026, 3, 2, 10, 0))
    dossier_request_fees(dossier=fees, actor=w.specialist, note="Nộp lệ phí", at=local(2026, 3, 10, 9, 0))


def test_the_ward_and_province_reports_equal_group_2_of_the_index(world):
    for unit in (world.bmt, world.province, world.stp):
        report = report_compute(unit=unit, start=MARCH[0], end=MARCH[1])
        index = index_compute(unit=unit, start=MARCH[0], end=MARCH[1])
        assert _group2(index) == (report.totals.on_time_numerator, report.totals.figures["total"]), unit.code
    assert _group2(index_compute(unit=world.bmt, start=MARCH[0], end=MARCH[1])) == (3, 5)
    empty = index_compute(unit=world.tan_an, start=MARCH[0], end=MARCH[1]).indicator("2.1")
    assert report_compute(unit=world.tan_an, start=MARCH[0], end=MARCH[1]).totals.figures["total"] == 0
    assert empty.score is None and not empty.denominator


def test_waiting_dossiers_are_judged_as_the_index_judges_them(world):
    _waiting_dossiers(world)
    report = report_compute(unit=world.bmt, start=MARCH[0], end=MARCH[1])
    # March's 1 within time + 1 overdue, plus the three above: 1 within time, 2 overdue.
    assert (report.totals.figures["in_time"], report.totals.figures["overdue"]) == (2, 3)
    assert _group2(index_compute(unit=world.bmt, start=MARCH[0], end=MARCH[1])) == (4, 8)
    assert (report.totals.on_time_numerator, report.totals.figures["total"]) == (4, 8)


def test_each_unit_row_of_the_province_report_equals_that_units_index(world):
    _waiting_dossiers(world)
    report = report_compute(unit=world.province, start=MARCH[0], end=MARCH[1])
    rows = {row.key: row for row in report.by_unit if row.figures["total"]}
    units = [world.bmt, world.stp]
    assert set(rows) == {u.code for u in units}
    results = index_compute_many(units=units, start=MARCH[0], end=MARCH[1])
    for unit in units:
        assert _group2(results[unit.pk]) == (rows[unit.code].on_time_numerator, rows[unit.code].figures["total"])
    assert _group2(index_compute(unit=world.province, start=MARCH[0], end=MARCH[1])) == (
        report.totals.on_time_numerator, report.totals.figures["total"])
