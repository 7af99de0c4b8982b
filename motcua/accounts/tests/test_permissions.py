# SPDX-License-Identifier: AGPL-3.0-or-later
from datetime import date

import pytest

from motcua.accounts.models import Role
from motcua.accounts.permissions import user_has_role, user_may_see_unit, user_visible_units_q
from motcua.accounts.services import role_assign
from motcua.accounts.tests.factories import CitizenFactory, OfficialFactory
from motcua.core.errors import ValidationFailed
from motcua.units.models import SuccessionKind, Unit, UnitKind
from motcua.units.services import unit_close, unit_create_agency

pytestmark = pytest.mark.django_db

BMT, TAN_AN, OTHER_PROVINCE_COMMUNE = "24133", "24163", "00004"  # two wards of Đắk Lắk, one of Hà Nội


def _official(role, unit_code):
    user = OfficialFactory()
    role_assign(user=user, unit=Unit.objects.get(code=unit_code), role=role)
    return user


def _units(*codes):
    return [Unit.objects.get(code=code) for code in codes]


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.PROVINCE_ADMIN])
def test_commune_role_sees_own_commune_and_its_center_not_others(role):
    user = _official(role, BMT)
    own, center, neighbour, far = _units(BMT, f"{BMT}.TTPVHCC", TAN_AN, OTHER_PROVINCE_COMMUNE)
    assert user_may_see_unit(user, own)
    assert user_may_see_unit(user, center)
    assert not user_may_see_unit(user, neighbour)
    assert not user_may_see_unit(user, far)
    assert not user_may_see_unit(user, own.parent)


def test_receiver_at_center_does_not_see_the_commune_itself():
    user = _official(Role.RECEIVER, f"{BMT}.TTPVHCC")
    center, commune = _units(f"{BMT}.TTPVHCC", BMT)
    assert user_may_see_unit(user, center)
    assert not user_may_see_unit(user, commune)


@pytest.mark.parametrize("role", [Role.PROVINCE_ADMIN, Role.DASHBOARD_VIEWER])
def test_province_roles_see_the_whole_province_only(role):
    user = _official(role, "66")
    assert Unit.objects.filter(user_visible_units_q(user)).communes().count() == 102
    assert user_may_see_unit(user, Unit.objects.get(code=TAN_AN))
    assert not user_may_see_unit(user, Unit.objects.get(code=OTHER_PROVINCE_COMMUNE))


def test_citizen_sees_no_unit_data():
    citizen = CitizenFactory()
    assert not Unit.objects.filter(user_visible_units_q(citizen)).exists()
    assert not user_has_role(citizen, Unit.objects.get(code=BMT), Role.values)


def test_acting_needs_the_role_in_that_unit():
    specialist = _official(Role.SPECIALIST, BMT)
    own, neighbour = _units(BMT, TAN_AN)
    assert user_has_role(specialist, own, Role.SPECIALIST)
    assert not user_has_role(specialist, own, Role.SIGNING_LEADER)
    assert not user_has_role(specialist, neighbour, Role.SPECIALIST)


def test_province_admin_administers_every_unit_below_but_is_no_specialist():
    admin = _official(Role.PROVINCE_ADMIN, "66")
    commune = Unit.objects.get(code=TAN_AN)
    assert user_has_role(admin, commune, [Role.UNIT_ADMIN, Role.PROVINCE_ADMIN])
    assert not user_has_role(admin, commune, Role.SPECIALIST)


def test_province_admin_role_only_at_province_level():
    user = OfficialFactory()
    with pytest.raises(ValidationFailed) as exc:
        role_assign(user=user, unit=Unit.objects.get(code=BMT), role=Role.PROVINCE_ADMIN)
    assert exc.value.code == "role_wrong_level"


def test_citizen_cannot_hold_a_role():
    with pytest.raises(ValidationFailed):
        role_assign(user=CitizenFactory(), unit=Unit.objects.get(code=BMT), role=Role.SPECIALIST)


def test_successor_staff_see_the_history_of_a_merged_unit():
    old, successor = _units(TAN_AN, BMT)
    unit_close(unit=old, last_day=date(2026, 6, 30), successors=[(successor, SuccessionKind.MERGED)])
    user = _official(Role.SPECIALIST, BMT)
    assert user_may_see_unit(user, old)
    assert user_may_see_unit(user, Unit.objects.get(code=f"{TAN_AN}.TTPVHCC"))


def test_department_staff_see_their_department_only():
    province = Unit.objects.get(code="66")
    justice = unit_create_agency(parent=province, code="66.STP", name="Sở Tư pháp", kind=UnitKind.DEPARTMENT)
    construction = unit_create_agency(parent=province, code="66.SXD", name="Sở Xây dựng")
    user = _official(Role.SPECIALIST, "66.STP")
    assert user_may_see_unit(user, justice)
    assert not user_may_see_unit(user, construction)
    assert not user_may_see_unit(user, province)
