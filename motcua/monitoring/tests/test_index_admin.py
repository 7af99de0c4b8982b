# SPDX-License-Identifier: AGPL-3.0-or-later
"""The administrator edits points and bands in the Django admin; a configuration that does not add up is
refused with the service's Vietnamese message and changes nothing."""

import re

import pytest

from motcua.accounts.tests.factories import OfficialFactory
from motcua.monitoring.definitions import config_current, config_forget
from motcua.monitoring.models import IndexConfig

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_config():
    config_forget()
    yield
    config_forget()


@pytest.fixture
def admin_client(client):
    client.force_login(OfficialFactory(is_staff=True, is_superuser=True))
    return client


def _form(client, url) -> dict:
    """The change form's current values, as the browser would post them back."""
    html = client.get(url).content.decode()
    data = dict(re.findall(r'<input type="(?:hidden|text|number)" name="([^"]+)" value="([^"]*)"', html))
    data.update(re.findall(r'<input type="number" name="([^"]+)" value="([^"]*)"[^>]*>', html))
    return data


def test_change_page_lists_every_group_and_indicator(admin_client):
    config = IndexConfig.objects.get()
    response = admin_client.get(f"/admin/monitoring/indexconfig/{config.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hồ sơ giải quyết đúng hạn và đang giải quyết còn trong hạn" in page
    assert config.weights.count() == 27  # 6 groups + 21 indicators
    assert admin_client.get("/admin/monitoring/indexconfig/add/").status_code == 403  # one configuration only


def test_saving_checks_the_sums_and_applies_at_once(admin_client):
    config = IndexConfig.objects.get()
    url = f"/admin/monitoring/indexconfig/{config.pk}/change/"
    data = _form(admin_client, url)
    index = {value: name.split("-")[1] for name, value in data.items() if name.endswith("-key")}
    prefix = next(name for name in data if name.endswith("-key")).split("-")[0]
    data[f"{prefix}-{index['2.1']}-points"] = "25"  # group 2 is still 20 points
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Nhóm 2: tổng điểm các chỉ số là 25" in response.content.decode()
    assert config_current().points["2.1"] == 20.0
    data["band_green"] = "85"
    data[f"{prefix}-{index['2.1']}-points"] = "20"
    assert admin_client.post(url, data).status_code == 302
    assert config_current().band_green == 0.85
