# SPDX-License-Identifier: AGPL-3.0-or-later
"""Petitions (phản ánh, kiến nghị): filed by the owner, due in N working days, answered once by the
handling unit, rated once by the owner; each step leaves a dossier event."""

from datetime import timedelta

import pytest

from motcua.accounts.tests.factories import CitizenFactory
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.dossiers.feedback import petition_answer, petition_due_at, petition_rate, petition_submit
from motcua.dossiers.models import DossierEvent, Petition, PetitionKind
from motcua.dossiers.selectors import petition_get_visible, petition_list_visible
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import to_specialist
from motcua.workdays.calendars import add_working_days
from motcua.workdays.selectors import calendar_for_unit

MON = local(2026, 3, 2, 9, 0)
TEXT = "Hồ sơ của tôi đã quá hẹn mà chưa có thông báo."


def dossier(w):
    return to_specialist(w, MON, owner=w.citizen)


def test_petition_is_due_ten_working_days_later_by_default(world):
    # Friday 24/4/2026; skipped: Mon 27/4 (in lieu of Hùng Kings day, Sun 26/4), Thu 30/4, Fri 1/5, weekends.
    at = local(2026, 4, 24, 10, 0)
    petition = petition_submit(dossier=dossier(world), actor=world.citizen, content=TEXT, at=at)
    assert petition.unit == world.bmt and petition.kind == PetitionKind.FEEDBACK
    assert petition.due_at == add_working_days(calendar_for_unit(unit=world.bmt), at, 10)
    assert petition.due_at == local(2026, 5, 13, 10, 0)
    event = DossierEvent.objects.get(action="petition")
    assert event.data["petition"] == petition.pk and event.actor == world.citizen


def test_petition_days_come_from_the_setting(world, settings):
    settings.MOTCUA_PETITION_DAYS = 3
    assert petition_due_at(unit=world.bmt, submitted_at=MON) == local(2026, 3, 5, 9, 0)


def test_only_the_owner_may_petition(world):
    d = dossier(world)
    for stranger in (CitizenFactory(), world.specialist):
        with pytest.raises(PermissionDenied):
            petition_submit(dossier=d, actor=stranger, content=TEXT)
    assert not Petition.objects.exists()


def test_petition_content_is_checked(world):
    d = dossier(world)
    for content in ("", "   ", "ngắn", "x" * 4001):
        with pytest.raises(ValidationFailed) as exc:
            petition_submit(dossier=d, actor=world.citizen, content=content)
        assert exc.value.code == "petition_content_invalid"
    with pytest.raises(ValidationFailed):
        petition_submit(dossier=d, actor=world.citizen, content=TEXT, kind="khieu_nai")
    assert not Petition.objects.exists()


def test_one_unanswered_petition_at_a_time(world):
    d = dossier(world)
    first = petition_submit(dossier=d, actor=world.citizen, content=TEXT, at=MON)
    with pytest.raises(Conflict) as exc:
        petition_submit(dossier=d, actor=world.citizen, content=TEXT + " Lần hai.")
    assert exc.value.code == "petition_pending"
    petition_answer(petition=first, actor=world.specialist, answer="Đã xử lý.", at=MON + timedelta(days=1))
    assert petition_submit(dossier=d, actor=world.citizen, content=TEXT + " Lần hai.",
                           kind=PetitionKind.PROPOSAL).kind == PetitionKind.PROPOSAL


def test_full_flow_answer_on_time_then_owner_satisfied(world):
    petition = petition_submit(dossier=dossier(world), actor=world.citizen, content=TEXT, at=MON)
    answered = petition_answer(petition=petition, actor=world.leader, answer="  Hồ sơ đang được thẩm định.  ",
                               at=MON + timedelta(days=2))
    assert answered.answer == "Hồ sơ đang được thẩm định." and answered.answered_by == world.leader
    assert DossierEvent.objects.get(action="petition_answer").data == {"petition": petition.pk, "on_time": True}
    rated = petition_rate(petition=petition, actor=world.citizen, satisfied=True, at=MON + timedelta(days=3))
    assert rated.satisfied is True
    assert DossierEvent.objects.get(action="petition_rate").data == {"petition": petition.pk, "satisfied": True}


def test_an_answer_after_the_deadline_is_recorded_late(world):
    petition = petition_submit(dossier=dossier(world), actor=world.citizen, content=TEXT, at=MON)
    petition_answer(petition=petition, actor=world.specialist, answer="Xin lỗi vì chậm trễ.",
                    at=petition.due_at + timedelta(minutes=1))
    assert DossierEvent.objects.get(action="petition_answer").data["on_time"] is False


def test_officer_of_another_unit_cannot_answer(world):
    petition = petition_submit(dossier=dossier(world), actor=world.citizen, content=TEXT, at=MON)
    for outsider in (world.tan_an_specialist, world.receiver, world.clerk, world.citizen):
        with pytest.raises(PermissionDenied) as exc:
            petition_answer(petition=petition, actor=outsider, answer="Không phải việc của tôi.")
        assert exc.value.code == "petition_answer_forbidden"
    petition.refresh_from_db()
    assert petition.answered_at is None and not DossierEvent.objects.filter(action="petition_answer").exists()


def test_province_administrator_may_answer(world):
    petition = petition_submit(dossier=dossier(world), actor=world.citizen, content=TEXT, at=MON)
    assert petition_answer(petition=petition, actor=world.province_admin, answer="Đã chỉ đạo xử lý.").answered_at


def test_answer_once_and_rate_once_after_the_answer(world):
    petition = petition_submit(dossier=dossier(world), actor=world.citizen, content=TEXT, at=MON)
    with pytest.raises(Conflict):
        petition_rate(petition=petition, actor=world.citizen, satisfied=True)
    with pytest.raises(ValidationFailed):
        petition_answer(petition=petition, actor=world.specialist, answer="   ")
    petition_answer(petition=petition, actor=world.specialist, answer="Đã trả lời.")
    with pytest.raises(Conflict):
        petition_answer(petition=petition, actor=world.leader, answer="Trả lời lần hai.")
    with pytest.raises(PermissionDenied):
        petition_rate(petition=petition, actor=CitizenFactory(), satisfied=False)
    petition_rate(petition=petition, actor=world.citizen, satisfied=False)
    with pytest.raises(Conflict):
        petition_rate(petition=petition, actor=world.citizen, satisfied=True)
    petition.refresh_from_db()
    assert petition.answer == "Đã trả lời." and petition.satisfied is False


def test_officials_see_petitions_of_their_units_only(world):
    petition = petition_submit(dossier=dossier(world), actor=world.citizen, content=TEXT, at=MON)
    assert list(petition_list_visible(user=world.specialist)) == [petition]
    assert list(petition_list_visible(user=world.province_admin)) == [petition]
    assert list(petition_list_visible(user=world.tan_an_specialist)) == []
    assert list(petition_list_visible(user=world.citizen)) == []
    assert petition_get_visible(user=world.leader, pk=petition.pk) == petition
    assert list(petition_list_visible(user=world.specialist, state="qua_han", now=MON)) == []
    assert list(petition_list_visible(user=world.specialist, state="qua_han",
                                      now=petition.due_at + timedelta(hours=1))) == [petition]
