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
