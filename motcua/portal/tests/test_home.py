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
    client.cookies["django_language"] = "en"
    response = client.get("/")
    assert 'lang="en"' in response.content.decode()


def test_home_page_stays_vietnamese_for_an_english_browser(client):
    """Vietnamese first: the browser's language alone does not switch the site."""
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in response.content.decode()


def test_language_switch_sets_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/").content.decode()


def test_api_follows_accept_language(client):
    body = client.get("/api/v1/units/99999", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["code"] == "unit_not_found"
