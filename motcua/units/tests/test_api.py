# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest

pytestmark = pytest.mark.django_db


def test_communes_of_dak_lak_are_listed(client):
    first = client.get("/api/v1/units", {"parent": "66", "limit": 100})
    second = client.get("/api/v1/units", {"parent": "66", "limit": 100, "offset": 100})
    assert first.status_code == second.status_code == 200
    kinds = {row["kind"] for page in (first, second) for row in page.json()["results"]}
    assert first.json()["count"] == 103  # 102 communes + the provincial service center
    assert len(first.json()["results"]) + len(second.json()["results"]) == 103
    assert kinds == {"xa", "phuong", "trung_tam"}


def test_unknown_unit_answers_404_in_vietnamese(client):
    response = client.get("/api/v1/units/99999")
    assert response.status_code == 404
    assert response.json() == {"code": "unit_not_found", "message": "Không tìm thấy đơn vị có mã 99999."}


def test_unknown_parent_is_404_not_500(client):
    assert client.get("/api/v1/units", {"parent": "nope"}).status_code == 404
