# SPDX-License-Identifier: AGPL-3.0-or-later
"""POST /api/v1/assistant/ask: the answer contract, 400s in Vietnamese, 429, CSRF for logged-in sessions."""

import json

import pytest
from django.test import Client

from motcua.assistant.models import AssistantExchange
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive

pytestmark = pytest.mark.django_db

URL = "/api/v1/assistant/ask"


def _post(client, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **extra)


def test_answer_contract_with_absolute_procedure_urls(catalogue, client):
    response = _post(client, {"question": "đăng ký tạm trú online được không"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert set(body) == {"answer", "intent", "procedures", "confidence"}
    assert body["intent"] == "online" and 0 < body["confidence"] <= 1
    assert body["procedures"][0] == {"code": "1.004194", "name": "Đăng ký tạm trú",
                                     "url": "http://testserver/thu-tuc/1.004194/"}
    assert AssistantExchange.objects.get().channel == "api"


@pytest.mark.parametrize(("body", "code"), [
    ("{not json", "invalid_body"),
    ("[1, 2]", "invalid_body"),
    ({"question": ""}, "question_blank"),
    ({"question": "   "}, "question_blank"),
    ({}, "question_blank"),
    ({"question": 42}, "invalid_parameter"),
    ({"question": ["a"]}, "invalid_parameter"),
    ({"question": "x" * 501}, "invalid_parameter"),
    ({"question": "phí", "phone": 912345678}, "invalid_parameter"),
    ({"question": "phí", "dossier_code": "x" * 65}, "invalid_parameter"),
])
def test_bad_input_is_a_400_in_vietnamese(db, client, body, code):
    response = _post(client, body)
    assert response.status_code == 400
    assert response.json()["code"] == code
    message = response.json()["message"]
    assert any(ord(ch) > 127 for ch in message)  # Vietnamese, not DRF's English default
    assert not AssistantExchange.objects.exists()


def test_form_encoded_body_works_too(catalogue, client):
    response = client.post(URL, {"question": "phí làm sổ đỏ"})
    assert response.status_code == 200 and response.json()["intent"] == "fee"


def test_too_many_questions_from_one_address_is_a_429(db, client, settings):
    settings.MOTCUA_RATELIMIT_RATES = {**settings.MOTCUA_RATELIMIT_RATES, "assistant": "2/m"}
    assert _post(client, {"question": "xin chào"}).status_code == 200
    assert _post(client, {"question": "xin chào"}).status_code == 200
    response = _post(client, {"question": "xin chào"})
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert response.json()["code"] == "rate_limited" and "quá nhiều" in response.json()["message"]
    assert _post(client, {"question": "xin chào"}, REMOTE_ADDR="10.0.0.9").status_code == 200  # another address


def test_status_proofs_count_against_the_tracking_limit_per_code(world, client, settings):
    settings.MOTCUA_TRACK_RATE_PER_CODE = "2/h"
    dossier = receive(world, local(2026, 3, 2, 9))
    for n in range(2):
        response = _post(client, {"question": "đến đâu rồi", "dossier_code": dossier.code, "phone": "0900000000"},
                         REMOTE_ADDR=f"10.0.1.{n}")
        assert response.status_code == 200
    response = _post(client, {"question": f"{dossier.code} đến đâu rồi", "phone": "0912345678"},
                     REMOTE_ADDR="10.0.1.99")
    assert response.status_code == 429  # even with the right phone, from a fresh address


def test_logged_in_session_must_send_the_csrf_token(world, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.citizen)
    assert _post(client, {"question": "xin chào"}).status_code == 403
    token = "a" * 32
    client.cookies["csrftoken"] = token
    response = _post(client, {"question": "xin chào"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    # Anonymous callers (the public widget before login, other systems) need no token.
    assert _post(Client(enforce_csrf_checks=True), {"question": "xin chào"}).status_code == 200


def test_the_owner_asks_through_the_api(world):
    dossier = receive(world, local(2026, 3, 2, 9), owner=world.citizen)
    client = Client()
    client.force_login(world.citizen)
    body = _post(client, {"question": f"hồ sơ {dossier.code} đến đâu rồi"}).json()
    assert body["intent"] == "status" and "Được tiếp nhận" in body["answer"]
    assert AssistantExchange.objects.get().asker_kind == "citizen"


def test_the_endpoint_is_in_the_schema(db, client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/assistant/ask" in schema and "assistant_ask" in schema


@pytest.mark.parametrize("body", [
    '{"question": "\\u0000 phí khai sinh"}',  # PostgreSQL text refuses NUL
    '{"question": "\\ud800 phí khai sinh"}',  # a lone surrogate cannot be encoded for any database
    '{"question": "hồ sơ đến đâu rồi", "dossier_code": "000.24133.01.H66-260302-0001\\u0000", "phone": "0912345678"}',
])
def test_characters_no_database_stores_are_a_400_not_a_500(catalogue, client, body):
    response = _post(client, body)
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.json()["message"]
    assert not AssistantExchange.objects.exists()
