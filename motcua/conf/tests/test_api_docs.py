# SPDX-License-Identifier: AGPL-3.0-or-later
import re

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_served(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/units" in response.json()["paths"]


def test_api_docs_load_no_asset_from_another_host(client):
    body = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in body
    external = re.findall(r'(?:src|href)="(https?:)?//[^"]+"', body)
    assert external == []


HUGE = "9" * 40


@pytest.mark.parametrize("path", ["/api/v1/units", "/api/v1/procedures"])
def test_huge_offset_is_a_400_not_a_database_overflow(client, path):
    response = client.get(path, {"offset": HUGE})
    assert response.status_code == 400


def test_huge_limit_is_capped_at_100(client):
    response = client.get("/api/v1/units", {"parent": "66", "limit": HUGE})
    assert response.status_code == 200 and len(response.json()["results"]) == 100


def test_dossier_list_refuses_a_huge_offset(client):
    from motcua.accounts.tests.factories import CitizenFactory

    client.force_login(CitizenFactory())
    assert client.get("/api/v1/dossiers", {"offset": HUGE}).status_code == 400
