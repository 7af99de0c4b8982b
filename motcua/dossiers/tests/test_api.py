# SPDX-License-Identifier: AGPL-3.0-or-later
import json

import pytest
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.accounts.services import role_assign
from motcua.accounts.tests.factories import CitizenFactory, OfficialFactory
from motcua.dossiers.models import Dossier, Stage
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive
from motcua.units.models import Unit

pytestmark = pytest.mark.django_db
MON = local(2026, 3, 2, 9, 0)


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _body(**overrides):
    body = {"procedure": "T.0001", "receiving_unit": "24133.TTPVHCC",
            "applicant": {"name": "Trần Thị Bình", "id_number": "066190000456", "phone": "0935111222"},
            "form_data": {"ghi_chu": "Đăng ký kết hôn"}}
    return {**body, **overrides}


def _submit(client, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/v1/dossiers", data=json.dumps(body), content_type="application/json", **headers)


def test_citizen_submits_online_and_gets_code_and_status_1(world):
    response = _submit(_client(world.citizen), _body())
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["code"].startswith("000.24133.01.H66-") and data["status"] == 1 and data["stage"] == Stage.SUBMITTED
    assert data["handling_unit"] == "24133" and data["actions"] == ["withdraw"]


def test_same_idempotency_key_and_body_returns_the_same_dossier(world):
    client = _client(world.citizen)
    first = _submit(client, _body(), key="k-123")
    again = _submit(client, _body(), key="k-123")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize("prefer", ["return=minimal", "handling=lenient, RETURN=minimal", 'return="minimal"',
                                    "respond-async; wait=5,\treturn=minimal; x=y"])
def test_prefer_return_minimal_answers_the_code_and_where_the_dossier_is(world, prefer):
    client = _client(world.citizen)
    first = client.post("/api/v1/dossiers", data=json.dumps(_body()), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="k-min", HTTP_PREFER=prefer)
    assert first.status_code == 201, first.content
    assert set(first.json()) == {"code", "status", "submitted_at"} and first.json()["status"] == 1
    assert first["Preference-Applied"] == "return=minimal"
    assert first["Location"] == f"/api/v1/dossiers/{first.json()['code']}"
    # The Location is the full dossier, and a replay without the preference answers it in full.
    assert client.get(first["Location"]).json()["code"] == first.json()["code"]
    again = _submit(client, _body(), key="k-min")
    assert again.status_code == 200 and again.json()["code"] == first.json()["code"] and "steps" in again.json()
    assert "Preference-Applied" not in again and again["Location"] == first["Location"]


@pytest.mark.parametrize("prefer", ["return=representation, return=minimal", "return-minimal", "minimal"])
def test_other_preferences_get_the_whole_dossier(world, prefer):
    response = _client(world.citizen).post("/api/v1/dossiers", data=json.dumps(_body()),
                                           content_type="application/json", HTTP_PREFER=prefer)
    assert response.status_code == 201 and "steps" in response.json() and "Preference-Applied" not in response


def test_used_idempotency_key_with_another_body_is_refused_409(world):
    client = _client(world.citizen)
    _submit(client, _body(), key="k-123")
    response = _submit(client, _body(form_data={"ghi_chu": "khác"}), key="k-123")
    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1


def test_another_user_may_reuse_a_key_string(world):
    _submit(_client(world.citizen), _body(), key="k-1")
    assert _submit(_client(CitizenFactory()), _body(), key="k-1").status_code == 201


@pytest.mark.parametrize(
    ("change", "code"),
    [({"procedure": "9.999999"}, "reference_not_found"), ({"receiving_unit": "24133"}, "receiving_unit_invalid"),
     ({"applicant": {"name": ""}}, "invalid_input"), ({"result_delivery": "fax"}, "invalid_input"),
     ({"handling_unit": "00004"}, "handling_unit_invalid")],
)
def test_bad_submission_is_400_with_a_code_and_writes_nothing(world, change, code):
    response = _submit(_client(world.citizen), _body(**change))
    assert response.status_code == 400 and response.json()["code"] == code
    assert response.json()["message"]
    assert not Dossier.objects.exists()


def test_anonymous_cannot_submit_or_list(world):
    assert _submit(_client(), _body()).status_code in (401, 403)
    assert _client().get("/api/v1/dossiers").status_code in (401, 403)


def test_transition_through_the_api_and_events(world):
    code = _submit(_client(world.citizen), _body()).json()["code"]
    officer = _client(world.receiver)
    response = officer.post(f"/api/v1/dossiers/{code}/transitions", {"action": "receive"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == 2
    response = officer.post(f"/api/v1/dossiers/{code}/transitions",
                            {"action": "assign", "assignee": "cv.bmt"}, format="json")
    assert response.json()["assignee"] == "cv.bmt" and response.json()["status"] == 4
    refused = officer.post(f"/api/v1/dossiers/{code}/transitions", {"action": "return_result"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "transition_not_allowed"
    forbidden = _client(world.specialist2).post(f"/api/v1/dossiers/{code}/transitions", {"action": "forward"},
                                                format="json")
    assert forbidden.status_code == 403
    events = _client(world.citizen).get(f"/api/v1/dossiers/{code}/events").json()
    assert [e["action"] for e in events] == ["submit", "receive", "assign"]


def test_list_filters_by_status_and_lateness(world):
    receive(world, MON)
    receive(world, MON, procedure=world.marriage)
    client = _client(world.specialist)
    assert client.get("/api/v1/dossiers", {"status": 2}).json()["count"] == 2
    assert client.get("/api/v1/dossiers", {"status": 4}).json()["count"] == 0
    assert client.get("/api/v1/dossiers", {"late": "true"}).json()["count"] == 2  # March 2026 is long past
    assert client.get("/api/v1/dossiers", {"status": 99}).status_code == 400
    assert client.get("/api/v1/dossiers", {"limit": 1000}).status_code == 400


# ---------------------------------------------------------------- the permission matrix

OWN, OTHER = "24133", "24163"


def _official(role, unit_code):
    user = OfficialFactory()
    role_assign(user=user, unit=Unit.objects.get(code=unit_code), role=role)
    return user


MATRIX = [(role, where) for role in Role.values if role != Role.PROVINCE_ADMIN for where in ("own", "other")]


@pytest.mark.parametrize(("role", "where"), MATRIX)
def test_permission_matrix_commune_roles(world, role, where):
    dossier = receive(world, MON)  # received at the BMT center, handled by BMT
    unit = {"own": OWN, "other": OTHER}[where]
    if role == Role.RECEIVER:
        unit = f"{unit}.TTPVHCC"
    response = _client(_official(role, unit)).get(f"/api/v1/dossiers/{dossier.code}")
    if where == "own":
        assert response.status_code == 200 and response.json()["code"] == dossier.code
    else:
        assert response.status_code == 404
        assert dossier.applicant_name not in response.content.decode()


def test_permission_matrix_province_admin_sees_the_province(world):
    dossier = receive(world, MON)
    assert _client(_official(Role.PROVINCE_ADMIN, "66")).get(f"/api/v1/dossiers/{dossier.code}").status_code == 200
    assert _client(_official(Role.PROVINCE_ADMIN, "01")).get(f"/api/v1/dossiers/{dossier.code}").status_code == 404


def test_permission_matrix_citizens(world):
    code = _submit(_client(world.citizen), _body()).json()["code"]
    assert _client(world.citizen).get(f"/api/v1/dossiers/{code}").status_code == 200
    stranger = _client(CitizenFactory()).get(f"/api/v1/dossiers/{code}")
    assert stranger.status_code == 404 and stranger.json()["code"] == "dossier_not_found"
    assert _client(CitizenFactory()).get("/api/v1/dossiers").json()["count"] == 0


def test_cross_boundary_dossier_is_seen_by_both_centers_and_the_handling_commune(world):
    dossier = receive(world, MON, receiving_unit=world.tan_an_center, actor=world.tan_an_receiver,
                      handling_unit=world.bmt)
    assert dossier.receiving_unit == world.tan_an_center and dossier.handling_unit == world.bmt
    # the receiving center (and its commune, which runs it), the handling commune — and nobody else
    for user in (world.tan_an_receiver, world.tan_an_specialist, world.specialist):
        assert _client(user).get(f"/api/v1/dossiers/{dossier.code}").status_code == 200
    ea_kao = _official(Role.SPECIALIST, "24169")
    assert _client(ea_kao).get(f"/api/v1/dossiers/{dossier.code}").status_code == 404


def test_openapi_documents_the_dossier_endpoints(world):
    paths = _client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    assert {"/api/v1/dossiers", "/api/v1/dossiers/{code}", "/api/v1/dossiers/{code}/transitions"} <= set(paths)


def test_detail_query_count_does_not_grow_with_the_steps(world, django_assert_max_num_queries):
    dossier = receive(world, MON)
    client = _client(world.specialist)
    with django_assert_max_num_queries(6):  # 11 when each step fetched its unit
        assert client.get(f"/api/v1/dossiers/{dossier.code}").status_code == 200
