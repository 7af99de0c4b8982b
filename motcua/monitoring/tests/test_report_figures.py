# SPDX-License-Identifier: AGPL-3.0-or-later
"""The periodic handling report: figures by hand, breakdowns that add up, whole local days, bad periods."""

from datetime import date

import pytest

from motcua.core.errors import ValidationFailed
from motcua.dossiers.models import Outcome
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import to_specialist
from motcua.monitoring.reports import KEYS, report_compute
from motcua.units.models import Unit

from .dashboard_data import BMT_MARCH, MARCH, PROVINCE_MARCH, shared_world


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker, with_march=True) as pair:
        yield pair


@pytest.fixture
def world(shared, db):
    return shared[0]


@pytest.fixture
def march(shared, db):
    return shared[1]


def test_the_dataset_is_what_the_table_says(world, march):
    s = march
    assert (s.a.outcome, s.c.outcome, s.d.outcome, s.f.outcome) == (
        Outcome.EARLY, Outcome.LATE, Outcome.EARLY, Outcome.ON_TIME)
    assert s.b.finished_at is None and s.e.finished_at is None and s.g.handling_unit == world.stp
    assert s.i.received_at is None


def test_a_ward_report_matches_the_hand_count(world, march):
    report = report_compute(unit=world.bmt, start=MARCH[0], end=MARCH[1])
    assert report.totals.figures == BMT_MARCH
    assert report.totals.rate == 60.0
    by_channel = {row.key: row.figures for row in report.by_channel}
    assert [row.key for row in report.by_channel] == ["1", "2", "3"]
    assert by_channel["1"]["total"] == 4 and by_channel["1"]["early"] == 1 and by_channel["1"]["late"] == 1
    assert by_channel["2"] == {**dict.fromkeys(KEYS, 0), "received": 1, "total": 1, "finished": 1, "on_time": 1}
    assert by_channel["3"] == dict.fromkeys(KEYS, 0)
    assert [(row.label, row.figures) for row in report.by_field] == [("Hộ tịch", BMT_MARCH)]


def test_the_province_counts_its_departments_and_every_commune(world, march):
    report = report_compute(unit=world.province, start=MARCH[0], end=MARCH[1])
    assert report.totals.figures == PROVINCE_MARCH and report.totals.rate == 50.0
    rows = {row.key: row for row in report.by_unit}
    assert rows["24133"].figures == BMT_MARCH
    assert rows["66.STP"].figures == {**dict.fromkeys(KEYS, 0), "received": 1, "total": 1, "in_progress": 1,
                                      "overdue": 1}
    communes = set(Unit.objects.filter(parent=world.province).communes().values_list("code", flat=True))
    assert len(communes) == 102 and communes <= set(rows)
    assert "66.TTPVHCC" not in rows  # service centers handle no dossier
    assert rows["24163"].figures == dict.fromkeys(KEYS, 0)


@pytest.mark.parametrize("unit_code", ["66", "24133"])
def test_every_breakdown_adds_up_to_the_totals(world, march, unit_code):
    report = report_compute(unit=Unit.objects.get(code=unit_code), start=MARCH[0], end=MARCH[1])
    for _slug, _title, _first, rows in report.breakdowns():
        assert {key: sum(row.figures[key] for row in rows) for key in KEYS} == report.totals.figures
    for row in [report.totals, *report.by_unit, *report.by_field, *report.by_channel]:
        f = row.figures
        assert f["received"] + f["carried_over"] == f["total"] == f["finished"] + f["in_progress"]
        assert f["early"] + f["on_time"] + f["late"] == f["finished"]
        assert f["in_time"] + f["overdue"] == f["in_progress"]


def test_the_period_edges_are_whole_local_days(world, march):
    """A dossier received at 00:30 on 1 April (Vietnam time) is April's, one received at 23:30 on 31 March
    is March's, whatever the database's own time zone."""
    def figures(start, end):
        return report_compute(unit=world.bmt, start=start, end=end).totals.figures

    march_before, april_before = figures(*MARCH), figures(date(2026, 4, 1), date(2026, 4, 1))
    to_specialist(world, local(2026, 3, 31, 23, 30))
    to_specialist(world, local(2026, 4, 1, 0, 30))
    march_after, april_after = figures(*MARCH), figures(date(2026, 4, 1), date(2026, 4, 1))
    assert march_after["received"] - march_before["received"] == 1
    assert march_after["in_progress"] - march_before["in_progress"] == 1
    assert april_after["received"] - april_before["received"] == 1
    assert april_after["carried_over"] - april_before["carried_over"] == 1


def test_an_empty_unit_reports_zeros_and_no_rate(world, march):
    report = report_compute(unit=world.tan_an, start=MARCH[0], end=MARCH[1])
    assert report.totals.figures == dict.fromkeys(KEYS, 0) and report.totals.rate is None
    assert report.by_field == [] and report.by_unit == []


def test_a_reversed_or_too_long_period_is_refused_in_vietnamese(world):
    with pytest.raises(ValidationFailed, match="phải trước hoặc bằng ngày kết thúc"):
        report_compute(unit=world.bmt, start=date(2026, 3, 31), end=date(2026, 3, 1))
    with pytest.raises(ValidationFailed, match="dài quá 3 năm"):
        report_compute(unit=world.bmt, start=date(2020, 1, 1), end=date(2026, 1, 1))
