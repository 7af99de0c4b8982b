# SPDX-License-Identifier: AGPL-3.0-or-later
"""calendar_for_unit: nationwide, province and commune overrides, office hours inheritance."""

from datetime import date, time

import pytest
from django.db import IntegrityError, transaction

from motcua.units.models import COMMUNE_KINDS, Unit
from motcua.workdays.calendars import DEFAULT_OFFICE_HOURS, is_working_day
from motcua.workdays.models import CalendarOverride, OfficeHours, OverrideKind
from motcua.workdays.selectors import calendar_for_unit

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)  # an ordinary Tuesday


@pytest.fixture
def commune(dak_lak):
    return Unit.objects.filter(parent=dak_lak, kind__in=COMMUNE_KINDS).order_by("code").first()


@pytest.fixture
def other_province_commune():
    return Unit.objects.filter(parent__code="68", kind__in=COMMUNE_KINDS).order_by("code").first()


def test_without_overrides_the_calendar_is_the_package_one(commune):
    cal = calendar_for_unit(unit=commune)
    assert cal.extra_days_off == frozenset() and cal.extra_working_days == frozenset()
    assert cal.office_hours == DEFAULT_OFFICE_HOURS


def test_nationwide_override_applies_everywhere(commune):
    CalendarOverride.objects.create(day=DAY, kind=OverrideKind.DAY_OFF, note="TB 1/TB-VPCP")
    assert not is_working_day(calendar_for_unit(), DAY)
    assert not is_working_day(calendar_for_unit(unit=commune), DAY)


def test_province_override_applies_to_its_communes_only(dak_lak, commune, other_province_commune):
    CalendarOverride.objects.create(unit=dak_lak, day=DAY, kind=OverrideKind.DAY_OFF)
    assert not is_working_day(calendar_for_unit(unit=dak_lak), DAY)
    assert not is_working_day(calendar_for_unit(unit=commune), DAY)
    assert is_working_day(calendar_for_unit(unit=other_province_commune), DAY)
    assert is_working_day(calendar_for_unit(), DAY)


def test_the_most_specific_override_wins(dak_lak, commune):
    saturday = date(2026, 3, 14)
    CalendarOverride.objects.create(day=saturday, kind=OverrideKind.WORKING_DAY)
    CalendarOverride.objects.create(unit=dak_lak, day=saturday, kind=OverrideKind.DAY_OFF)
    CalendarOverride.objects.create(unit=commune, day=saturday, kind=OverrideKind.WORKING_DAY)
    assert is_working_day(calendar_for_unit(), saturday)
    assert not is_working_day(calendar_for_unit(unit=dak_lak), saturday)
    assert is_working_day(calendar_for_unit(unit=commune), saturday)


def test_override_wins_over_a_package_holiday(commune):
    CalendarOverride.objects.create(day=date(2026, 9, 1), kind=OverrideKind.WORKING_DAY)
    assert is_working_day(calendar_for_unit(unit=commune), date(2026, 9, 1))


def test_office_hours_are_inherited_from_the_nearest_ancestor(dak_lak, commune):
    OfficeHours.objects.create(unit=dak_lak, morning_start=time(7, 0), morning_end=time(11, 0),
                               afternoon_start=time(13, 0), afternoon_end=time(16, 30))
    expected = ((time(7, 0), time(11, 0)), (time(13, 0), time(16, 30)))
    assert calendar_for_unit(unit=commune).office_hours == expected
    OfficeHours.objects.create(unit=commune)
    assert calendar_for_unit(unit=commune).office_hours == DEFAULT_OFFICE_HOURS
    assert calendar_for_unit().office_hours == DEFAULT_OFFICE_HOURS


def test_calendar_for_a_unit_costs_two_queries(commune, django_assert_num_queries):
    with django_assert_num_queries(2):
        calendar_for_unit(unit=commune)


def test_one_nationwide_override_per_day(dak_lak):
    CalendarOverride.objects.create(day=DAY, kind=OverrideKind.DAY_OFF)
    CalendarOverride.objects.create(unit=dak_lak, day=DAY, kind=OverrideKind.WORKING_DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarOverride.objects.create(day=DAY, kind=OverrideKind.WORKING_DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarOverride.objects.create(unit=dak_lak, day=DAY, kind=OverrideKind.DAY_OFF)


def test_office_hours_must_be_in_order(dak_lak):
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficeHours.objects.create(unit=dak_lak, morning_end=time(14, 0))


def test_admin_lists_both_models_in_vietnamese(admin_client):
    CalendarOverride.objects.create(day=DAY, kind=OverrideKind.DAY_OFF)
    page = admin_client.get("/admin/workdays/calendaroverride/")
    assert page.status_code == 200
    assert "Toàn quốc" in page.content.decode()
    assert admin_client.get("/admin/workdays/officehours/").status_code == 200
    assert admin_client.get("/admin/workdays/calendaroverride/add/").status_code == 200
