# SPDX-License-Identifier: AGPL-3.0-or-later
"""Lockout after repeated failed logins (django-axes) and per-address limits (django-ratelimit)."""

import pytest
from django.test import Client

from motcua.accounts.services import citizen_register

pytestmark = pytest.mark.django_db

PASSWORD = "Hoso-rat-an-toan-1"


@pytest.fixture
def dung():
    return citizen_register(full_name="Phạm Thị Dung", phone="0935777888", password=PASSWORD)


def _fail(client, username="0935777888", path="/dang-nhap/"):
    return client.post(path, {"username": username, "password": "sai-mat-khau"})


def test_five_failures_lock_the_login_for_fifteen_minutes_with_a_vietnamese_page(client, dung):
    for _ in range(4):
        assert _fail(client).status_code == 200
    response = _fail(client)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Tạm khóa đăng nhập" in body and "15 phút" in body and "5 lần" in body
    assert response["Retry-After"] == "900"
    # Locked: even the right password is refused now.
    response = client.post("/dang-nhap/", {"username": "0935777888", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_same_phone_in_other_spellings_counts_as_one_person(client, dung):
    for spelling in ("0935777888", "+84 935 777 888", "84935777888", "0935.777.888"):
        _fail(client, spelling)
    assert _fail(client, "0935 777 888").status_code == 429


def test_the_lock_is_per_name_and_address(dung):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        _fail(attacker)
    assert _fail(attacker).status_code == 429
    owner = Client(REMOTE_ADDR="198.51.100.20")
    response = owner.post("/dang-nhap/", {"username": "0935777888", "password": PASSWORD})
    assert response.status_code == 302
    assert attacker.post("/dang-nhap/", {"username": "0935999000", "password": "x"}).status_code == 200


def test_limit_and_duration_are_settings(client, dung, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.MOTCUA_LOGIN_LOCKOUT_MINUTES = 30
    _fail(client)
    response = _fail(client)
    assert response.status_code == 429 and "30 phút" in response.content.decode()
    assert response["Retry-After"] == "1800"


def test_a_success_before_the_limit_starts_the_count_again(client, dung):
    for _ in range(4):
        _fail(client)
    assert client.post("/dang-nhap/", {"username": "0935777888", "password": PASSWORD}).status_code == 302
    client.post("/dang-xuat/")
    for _ in range(4):
        assert _fail(client).status_code == 200


def test_the_back_office_login_is_locked_out_too_in_its_own_look(client, world):
    world.receiver.set_password("mat-khau-thu-nghiem")
    world.receiver.save()
    for _ in range(5):
        response = _fail(client, "tn.bmt", "/can-bo/dang-nhap/")
    assert response.status_code == 429
    body = response.content.decode()
    assert "Tạm khóa đăng nhập" in body and "backoffice.css" in body and 'href="/can-bo/dang-nhap/"' in body
    response = client.post("/can-bo/dang-nhap/", {"username": "tn.bmt", "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 429


def test_login_posts_are_rate_limited_per_address(dung, settings):
    settings.MOTCUA_RATELIMIT_RATES = {**settings.MOTCUA_RATELIMIT_RATES, "login": "3/m"}
    client = Client(REMOTE_ADDR="203.0.113.9")
    for number in range(3):  # three different names: no lockout, only the address limit applies
        assert client.post("/dang-nhap/", {"username": f"09357770{number}0", "password": "x"}).status_code == 200
    response = client.post("/dang-nhap/", {"username": "0935777888", "password": PASSWORD})
    assert response.status_code == 429
    assert "Quá nhiều yêu cầu" in response.content.decode() and response["Retry-After"] == "60"
    assert client.get("/dang-nhap/").status_code == 200  # reading the page is not limited
    assert Client(REMOTE_ADDR="198.51.100.1").post(
        "/dang-nhap/", {"username": "0935777888", "password": PASSWORD}).status_code == 302


def test_registration_posts_are_rate_limited(settings):
    settings.MOTCUA_RATELIMIT_RATES = {**settings.MOTCUA_RATELIMIT_RATES, "register": "2/h"}
    client = Client(REMOTE_ADDR="203.0.113.10")
    form = {"full_name": "Robot", "phone": "", "email": "", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post("/dang-ky/", form).status_code == 400
    assert client.post("/dang-ky/", form).status_code == 400
    assert client.post("/dang-ky/", {**form, "phone": "0935000111"}).status_code == 429


def test_password_reset_posts_are_rate_limited(settings):
    settings.MOTCUA_RATELIMIT_RATES = {**settings.MOTCUA_RATELIMIT_RATES, "password_reset": "1/h"}
    client = Client(REMOTE_ADDR="203.0.113.11")
    assert client.post("/quen-mat-khau/", {"email": "ai@example.vn"}).status_code == 302
    assert client.post("/quen-mat-khau/", {"email": "ai@example.vn"}).status_code == 429


def test_behind_a_proxy_the_configured_header_is_the_client(dung, settings):
    settings.MOTCUA_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.MOTCUA_RATELIMIT_RATES = {**settings.MOTCUA_RATELIMIT_RATES, "login": "1/m"}
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    assert proxy.post("/dang-nhap/", {"username": "a", "password": "x"},
                      HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50").status_code == 200
    # Another client behind the same proxy is not limited; the first one is.
    assert proxy.post("/dang-nhap/", {"username": "a", "password": "x"},
                      HTTP_X_FORWARDED_FOR="203.0.113.51").status_code == 200
    assert proxy.post("/dang-nhap/", {"username": "a", "password": "x"},
                      HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.50").status_code == 429
