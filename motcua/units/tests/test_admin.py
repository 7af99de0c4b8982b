# SPDX-License-Identifier: AGPL-3.0-or-later
import re

import pytest

from motcua.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("quantri", "qt@example.vn", "mat-khau-quan-tri")
    client.force_login(user)
    return client


def _count(response) -> int:
    match = re.search(r"(\d[\d.]*)\s+đơn vị", response.content.decode())
    assert match, "result count missing"
    return int(match.group(1).replace(".", ""))


def test_admin_lists_provinces_and_communes_in_vietnamese(admin_client):
    provinces = admin_client.get("/admin/units/unit/", {"cap": "tinh"})
    assert provinces.status_code == 200
    assert "Quản trị" in provinces.content.decode() or "quản trị" in provinces.content.decode()
    assert _count(provinces) == 34
    assert _count(admin_client.get("/admin/units/unit/", {"cap": "xa"})) == 3321
    assert _count(admin_client.get("/admin/units/unit/", {"cap": "xa", "tinh": "66"})) == 102


@pytest.mark.parametrize("path", ["/admin/accounts/user/", "/admin/accounts/roleassignment/", "/admin/core/auditevent/",
                                  "/admin/units/unitsuccession/", "/admin/units/unit/24133/change/"])
def test_admin_pages_open(admin_client, path):
    if path.endswith("/change/"):
        from motcua.units.models import Unit

        path = f"/admin/units/unit/{Unit.objects.get(code='24133').pk}/change/"
    assert admin_client.get(path).status_code == 200
