# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest

pytestmark = pytest.mark.django_db


def test_home_page_says_what_it_is_in_vietnamese(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="vi"' in body
    assert "một cửa" in body
    assert "Tỉnh Đắk Lắk với 102 xã, phường" in body
    assert "3.321" in body


def test_home_page_in_english_when_chosen(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in response.content.decode()
