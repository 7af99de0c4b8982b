# SPDX-License-Identifier: AGPL-3.0-or-later
from datetime import date

import pytest

from motcua.core.errors import ValidationFailed
from motcua.units.models import SuccessionKind, Unit
from motcua.units.selectors import unit_current
from motcua.units.services import unit_close

pytestmark = pytest.mark.django_db


def _get(code):
    return Unit.objects.get(code=code)


def test_closed_unit_is_succeeded_and_resolves_to_its_successor():
    old, new = _get("24163"), _get("24133")
    [row] = unit_close(unit=old, last_day=date(2026, 6, 30), successors=[(new, SuccessionKind.MERGED)])
    old.refresh_from_db()
    assert old.valid_to == date(2026, 6, 30)
    assert _get("24163.TTPVHCC").valid_to == date(2026, 6, 30)
    assert (row.successor, row.is_default, row.effective_on) == (new, True, date(2026, 7, 1))
    assert unit_current(unit=old, on=date(2026, 7, 1)) == new
    assert unit_current(unit=old, on=date(2026, 6, 30)) == old  # history stays under the old unit


def test_split_needs_a_default_successor():
    old, a, b = _get("24163"), _get("24133"), _get("24169")
    successors = [(a, SuccessionKind.SPLIT), (b, SuccessionKind.SPLIT)]
    with pytest.raises(ValidationFailed):
        unit_close(unit=old, last_day=date(2026, 6, 30), successors=successors)
    rows = unit_close(unit=old, last_day=date(2026, 6, 30), successors=successors, default=b)
    assert [r.is_default for r in rows] == [False, True]
    assert unit_current(unit=old, on=date(2026, 8, 1)) == b


def test_chain_of_successions_is_followed():
    first, second, third = _get("24163"), _get("24169"), _get("24133")
    unit_close(unit=first, last_day=date(2026, 1, 31), successors=[(second, SuccessionKind.MERGED)])
    unit_close(unit=second, last_day=date(2026, 5, 31), successors=[(third, SuccessionKind.RENAMED)])
    assert unit_current(unit=first, on=date(2026, 3, 1)) == second
    assert unit_current(unit=first, on=date(2026, 6, 1)) == third


def test_closing_twice_or_onto_itself_is_refused():
    unit = _get("24163")
    with pytest.raises(ValidationFailed):
        unit_close(unit=unit, last_day=date(2026, 6, 30), successors=[(unit, SuccessionKind.RENAMED)])
    unit_close(unit=unit, last_day=date(2026, 6, 30), successors=[(_get("24133"), SuccessionKind.MERGED)])
    with pytest.raises(ValidationFailed) as exc:
        unit_close(unit=unit, last_day=date(2026, 7, 30), successors=[(_get("24169"), SuccessionKind.MERGED)])
    assert exc.value.code == "unit_closed"


def test_agency_with_a_taken_identifier_is_refused_clearly():
    from motcua.units.services import unit_create_agency

    province = _get("66")
    with pytest.raises(ValidationFailed) as exc:
        unit_create_agency(parent=province, code="66.STP", name="Sở Tư pháp", agency_code="000.00.01.H66")
    assert exc.value.code == "agency_code_taken"
    assert not Unit.objects.filter(code="66.STP").exists()
