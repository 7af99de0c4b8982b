# SPDX-License-Identifier: AGPL-3.0-or-later
"""Status questions: only the owner (logged in) or someone with the code and the applicant's phone learns
anything; without proof the answer is the same for an existing and a missing code."""

import pytest

from motcua.accounts.tests.factories import CitizenFactory
from motcua.assistant.answers import Intent
from motcua.assistant.services import assistant_ask
from motcua.dossiers.services import dossier_request_supplement
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive, to_specialist

pytestmark = pytest.mark.django_db

MISSING = "000.24133.01.H66-260302-9999"


def _ask(question, **kwargs):
    return assistant_ask(question=question, log=False, **kwargs)


def test_without_proof_nothing_is_revealed_and_existing_equals_missing(world):
    dossier = receive(world, local(2026, 3, 2, 9))
    other = CitizenFactory()
    for kwargs in ({}, {"phone": "0987654321"}, {"phone": "1234"}, {"user": other},
                   {"user": other, "phone": "0900000000"}):
        existing = _ask(f"hồ sơ {dossier.code} đến đâu rồi", **kwargs)
        missing = _ask(f"hồ sơ {MISSING} đến đâu rồi", **kwargs)
        assert existing == missing, kwargs  # same words, intent, citations and confidence
        assert existing.intent == Intent.STATUS and not existing.procedures and existing.confidence == 0
        for secret in (dossier.procedure.name, dossier.handling_unit.name, "Nguyễn", "An", "tiếp nhận ("):
            assert secret not in existing.answer
    # The proof fields of the widget work the same way.
    assert _ask("hồ sơ đến đâu rồi", dossier_code=dossier.code) == _ask("hồ sơ đến đâu rồi", dossier_code=MISSING)


def test_code_and_applicant_phone_give_the_status(world):
    dossier = receive(world, local(2026, 3, 2, 9))
    answer = _ask(f"hồ sơ {dossier.code} đến đâu rồi", phone="091 234 5678")
    assert answer.intent == Intent.STATUS and answer.confidence == 1.0
    assert dossier.code in answer.answer and dossier.procedure.name in answer.answer
    assert "Tình trạng: Được tiếp nhận." in answer.answer
    assert "Ngày hẹn trả kết quả:" in answer.answer and f"/tra-cuu/?ma={dossier.code}" in answer.answer
    assert [r.code for r in answer.procedures] == [dossier.procedure.code]
    assert "Nguyễn Văn An" not in answer.answer and "0912345678" not in answer.answer


def test_owner_logged_in_needs_no_phone_and_gets_a_link_to_the_dossier_page(world):
    dossier = receive(world, local(2026, 3, 2, 9), owner=world.citizen)
    answer = _ask("hồ sơ đến đâu rồi", dossier_code=dossier.code, user=world.citizen)
    assert "Tình trạng: Được tiếp nhận." in answer.answer
    assert f"/ho-so-cua-toi/{dossier.code}/" in answer.answer
    # Without a code, the owner's open dossiers are listed.
    mine = _ask("hồ sơ của tôi đến đâu rồi", user=world.citizen)
    assert dossier.code in mine.answer and mine.intent == Intent.STATUS


def test_supplement_requested_tells_the_citizen_what_to_bring(world):
    dossier = to_specialist(world, local(2026, 3, 2, 9))
    dossier_request_supplement(dossier=dossier, actor=world.specialist, missing="Bản sao giấy xác nhận cư trú",
                               at=local(2026, 3, 2, 10))
    answer = _ask(f"{dossier.code} tới đâu rồi", phone="0912345678")
    assert "Yêu cầu bổ sung giấy tờ" in answer.answer
    assert "Bạn cần bổ sung giấy tờ: Bản sao giấy xác nhận cư trú" in answer.answer


def test_officials_are_no_owners(world):
    dossier = receive(world, local(2026, 3, 2, 9))
    answer = _ask(f"hồ sơ {dossier.code} đến đâu rồi", user=world.receiver)
    assert answer == _ask(f"hồ sơ {MISSING} đến đâu rồi", user=world.receiver)
