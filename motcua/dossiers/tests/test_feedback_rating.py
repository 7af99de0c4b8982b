# SPDX-License-Identifier: AGPL-3.0-or-later
"""Rating (đánh giá mức độ hài lòng) of a dossier by its owner: when, who, the nine criteria, once."""

from datetime import timedelta

import pytest

from motcua.accounts.tests.factories import CitizenFactory
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.dossiers.feedback import CRITERIA, criteria_clean, criteria_suggested, dossier_rate
from motcua.dossiers.models import DossierEvent, QuickRating, Rating
from motcua.dossiers.services import dossier_return_result
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import through_all_steps, to_specialist

MON = local(2026, 3, 2, 9, 0)
ALL_TWO = {str(n): 2 for n in range(1, 10)}


def done(w):
    return through_all_steps(w, to_specialist(w, MON, owner=w.citizen), MON)


def test_nine_criteria_are_named_in_vietnamese_and_numbered_1_to_9():
    assert [c.key for c in CRITERIA] == [str(n) for n in range(1, 10)]
    names = [str(c.name) for c in CRITERIA]
    assert names[0].startswith("Tổng thời gian giải quyết thủ tục hành chính")
    assert "Số lần phải liên hệ với nơi tiếp nhận hồ sơ" in names[2]
    assert "Thái độ của cán bộ, công chức, viên chức" in names[6]
    assert "phản ánh, kiến nghị" in names[7]
    assert all(len(c.levels) == 3 for c in CRITERIA)


def test_owner_rates_a_done_dossier_with_all_nine_criteria(world):
    dossier = done(world)
    at = MON + timedelta(days=1)
    rating = dossier_rate(dossier=dossier, actor=world.citizen, quick=QuickRating.SATISFIED,
                          criteria={**ALL_TWO, "7": 1, "9": "0"}, comment="  Nhanh, chu đáo.  ", at=at)
    rating.refresh_from_db()
    assert rating.quick == QuickRating.SATISFIED
    assert rating.criteria == {**ALL_TWO, "7": 1, "9": 0}
    assert rating.comment == "Nhanh, chu đáo."
    assert rating.rated_by == world.citizen and rating.rated_at == at
    event = DossierEvent.objects.get(dossier=dossier, action="rate")
    assert event.actor == world.citizen and event.data["total"] == 15 and event.to_stage == dossier.stage


def test_quick_rating_alone_is_enough(world):
    rating = dossier_rate(dossier=done(world), actor=world.citizen, quick=QuickRating.NEUTRAL)
    assert rating.criteria == {}


def test_a_returned_dossier_can_be_rated(world):
    dossier = dossier_return_result(dossier=done(world), actor=world.receiver, at=MON + timedelta(hours=6))
    assert dossier_rate(dossier=dossier, actor=world.citizen, quick=QuickRating.UNSATISFIED).pk


def test_a_dossier_still_in_progress_cannot_be_rated(world):
    dossier = to_specialist(world, MON, owner=world.citizen)
    with pytest.raises(Conflict) as exc:
        dossier_rate(dossier=dossier, actor=world.citizen, quick=QuickRating.SATISFIED)
    assert exc.value.code == "rating_not_open"
    assert not Rating.objects.exists()


def test_only_the_owner_may_rate(world):
    dossier = done(world)
    for stranger in (CitizenFactory(), world.specialist):
        with pytest.raises(PermissionDenied) as exc:
            dossier_rate(dossier=dossier, actor=stranger, quick=QuickRating.SATISFIED)
        assert exc.value.code == "not_dossier_owner"
    assert not Rating.objects.exists() and not DossierEvent.objects.filter(action="rate").exists()


def test_a_second_rating_is_refused_and_the_first_kept(world):
    dossier = done(world)
    dossier_rate(dossier=dossier, actor=world.citizen, quick=QuickRating.SATISFIED)
    with pytest.raises(Conflict) as exc:
        dossier_rate(dossier=dossier, actor=world.citizen, quick=QuickRating.UNSATISFIED)
    assert exc.value.code == "already_rated"
    assert Rating.objects.get(dossier=dossier).quick == QuickRating.SATISFIED
    assert DossierEvent.objects.filter(dossier=dossier, action="rate").count() == 1


def test_criteria_must_be_all_nine_scored_0_1_or_2(world):
    dossier = done(world)
    cases = [
        ({**ALL_TWO, "3": 3}, "criteria_invalid"),
        ({**ALL_TWO, "3": -1}, "criteria_invalid"),
        ({**ALL_TWO, "3": True}, "criteria_invalid"),
        ({**ALL_TWO, "3": 1.5}, "criteria_invalid"),
        ({**ALL_TWO, "3": "hai"}, "criteria_invalid"),
        ({**ALL_TWO, "10": 2}, "criteria_invalid"),
        ({"1": 2, "2": 1}, "criteria_incomplete"),
        ({k: v for k, v in ALL_TWO.items() if k != "9"}, "criteria_incomplete"),
        (["2"] * 9, "criteria_invalid"),
    ]
    for criteria, code in cases:
        with pytest.raises(ValidationFailed) as exc:
            dossier_rate(dossier=dossier, actor=world.citizen, quick=QuickRating.SATISFIED, criteria=criteria)
        assert exc.value.code == code, criteria
    assert not Rating.objects.exists() and not DossierEvent.objects.filter(action="rate").exists()


def test_integer_keys_are_accepted_and_stored_as_text():
    assert criteria_clean({n: 1 for n in range(1, 10)}) == {str(n): 1 for n in range(1, 10)}


def test_unknown_quick_rating_and_long_comment_are_refused(world):
    dossier = done(world)
    with pytest.raises(ValidationFailed):
        dossier_rate(dossier=dossier, actor=world.citizen, quick="rat_hai_long")
    with pytest.raises(ValidationFailed):
        dossier_rate(dossier=dossier, actor=world.citizen, quick=QuickRating.SATISFIED, comment="x" * 2001)
    assert not Rating.objects.exists()


def test_suggested_scores_follow_the_record(world):
    dossier = done(world)  # finished the same day: early
    assert criteria_suggested(dossier) == {"1": 2, "3": 2}
