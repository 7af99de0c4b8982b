# SPDX-License-Identifier: AGPL-3.0-or-later
"""GET /api/v1/health: the load balancer's probe and the benchmarks' framework ceiling."""

import pytest
from django.urls import reverse


def test_health_url_is_under_the_api_prefix():
    assert reverse("api-health") == "/api/v1/health"


@pytest.mark.django_db
def test_health_answers_ok_as_json_without_any_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]  # a cached "ok" would hide a dead worker


@pytest.mark.django_db
def test_health_answers_head_and_refuses_writes(client):
    assert client.head("/api/v1/health").status_code == 200
    assert client.post("/api/v1/health").status_code == 405


@pytest.mark.django_db
def test_health_does_not_need_a_session(client):
    response = client.get("/api/v1/health")
    assert "sessionid" not in response.cookies
