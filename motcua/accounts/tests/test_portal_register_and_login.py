# SPDX-License-Identifier: AGPL-3.0-or-later
"""The portal's account pages: register, log in (phone/e-mail, safe `next`), log out, the nav."""

import pytest
from django.test import Client

from motcua.accounts.auth import IDENTITY_VERIFIED
from motcua.accounts.models import User
from motcua.accounts.services import citizen_register
from motcua.accounts.tests.factories import TEST_PASSWORD, OfficialFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Hoso-rat-an-toan-1"
FORM = {"full_name": "Phạm Thị Dung", "phone": "0935 777 888", "email": "", "national_id": "",
        "password1": PASSWORD, "password2": PASSWORD}


def _body(response) -> str:
    return response.content.decode()


def test_the_register_page_speaks_vietnamese_and_labels_every_field(client):
    response = client.get("/dang-ky/")
    body = _body(response)
    assert response.status_code == 200
    for label in ("Họ và tên", "Số điện thoại", "Địa chỉ e-mail", "Số CCCD (không bắt buộc)", "Nhập lại mật khẩu"):
        assert label in body
    assert 'for="id_phone"' in body and 'name="csrfmiddlewaretoken"' in body


def test_a_citizen_registers_and_is_logged_in_on_my_dossiers(client):
    response = client.post("/dang-ky/", FORM)
    assert response.status_code == 302 and response["Location"] == "/ho-so-cua-toi/"
    user = User.objects.get(username="0935777888")
    assert user.full_name == "Phạm Thị Dung" and user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_registration_honours_a_safe_next_only(client):
    response = client.post("/dang-ky/?next=/nop-ho-so/T.0001/", FORM)
    assert response["Location"] == "/nop-ho-so/T.0001/"
    other = Client()
    response = other.post("/dang-ky/", {**FORM, "phone": "0935777999", "next": "https://gia-mao.example/"})
    assert response["Location"] == "/ho-so-cua-toi/"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [({"phone": "", "email": ""}, None, "ít nhất một"),
     ({"password2": "khac-hoan-toan-1"}, "password2", "Hai mật khẩu không giống nhau"),
     ({"national_id": "12345"}, "national_id", "12 chữ số"),
     ({"phone": "0912"}, "phone", "không hợp lệ"),
     ({"email": "sai@", "phone": ""}, "email", "không hợp lệ"),
     ({"password1": "12345678", "password2": "12345678"}, "password1", "mật khẩu")],
)
def test_bad_registrations_are_refused_in_vietnamese_and_write_nothing(client, changes, field, message):
    before = User.objects.count()
    response = client.post("/dang-ky/", {**FORM, **changes})
    assert response.status_code == 400
    assert message.lower() in _body(response).lower()
    assert "Vui lòng sửa các mục sau" in _body(response)
    if field:
        assert response.context["form"].has_error(field)
    assert User.objects.count() == before
    assert "_auth_user_id" not in client.session


def test_a_duplicate_phone_is_refused_on_its_field(client):
    citizen_register(full_name="Người có trước", phone="0935777888", password=PASSWORD)
    response = client.post("/dang-ky/", {**FORM, "phone": "+84 935 777 888"})
    assert response.status_code == 400
    assert response.context["form"].errors["phone"] == ["Số điện thoại này đã có tài khoản."]


def test_the_register_form_needs_its_csrf_token():
    response = Client(enforce_csrf_checks=True).post("/dang-ky/", FORM)
    assert response.status_code == 403
    assert not User.objects.filter(username="0935777888").exists()


@pytest.fixture
def dung():
    return citizen_register(full_name="Phạm Thị Dung", phone="0935777888", email="dung@example.vn",
                            password=PASSWORD)


def test_the_login_page_asks_for_phone_email_or_username(client):
    body = _body(client.get("/dang-nhap/"))
    assert "Số điện thoại, e-mail hoặc tên đăng nhập" in body
    assert 'href="/quen-mat-khau/"' in body and 'href="/dang-ky/"' in body


@pytest.mark.parametrize("identifier", ["+84 935 777 888", "DUNG@example.vn"])
def test_a_citizen_logs_in_and_lands_on_my_dossiers(client, dung, identifier):
    response = client.post("/dang-nhap/", {"username": identifier, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/ho-so-cua-toi/"
    assert client.session["_auth_user_id"] == str(dung.pk)


@pytest.mark.parametrize(
    ("next_url", "lands"),
    [("/tai-khoan/", "/tai-khoan/"), ("/nop-ho-so/T.0001/?buoc=2", "/nop-ho-so/T.0001/?buoc=2"),
     ("https://gia-mao.example/dang-nhap/", "/ho-so-cua-toi/"), ("//gia-mao.example/", "/ho-so-cua-toi/"),
     ("javascript:alert(1)", "/ho-so-cua-toi/")],
)
def test_next_is_honoured_only_for_this_site(client, dung, next_url, lands):
    response = client.post("/dang-nhap/", {"username": "0935777888", "password": PASSWORD, "next": next_url})
    assert response.status_code == 302 and response["Location"] == lands


def test_a_wrong_password_says_so_in_vietnamese(client, dung):
    response = client.post("/dang-nhap/", {"username": "0935777888", "password": "sai-roi"})
    assert response.status_code == 200
    assert "Số điện thoại, e-mail hoặc mật khẩu không đúng" in _body(response)
    assert "_auth_user_id" not in client.session


def test_an_official_logging_in_on_the_portal_lands_on_the_inbox(client):
    OfficialFactory(username="tn.portal")
    response = client.post("/dang-nhap/", {"username": "tn.portal", "password": TEST_PASSWORD})
    assert response["Location"] == "/can-bo/"


def test_a_password_login_is_never_identity_verified(client, dung):
    session = client.session
    session[IDENTITY_VERIFIED] = True  # e.g. left over from an earlier VNeID login in this browser
    session.save()
    client.post("/dang-nhap/", {"username": "0935777888", "password": PASSWORD})
    assert client.session.get("_auth_user_id") == str(dung.pk)
    assert IDENTITY_VERIFIED not in client.session


def test_logout_is_a_post(client, dung):
    client.force_login(dung)
    assert client.get("/dang-xuat/").status_code == 405
    response = client.post("/dang-xuat/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_the_nav_offers_login_and_register_then_my_dossiers_and_logout(client, dung):
    body = _body(client.get("/thu-tuc/"))
    assert 'href="/tra-cuu/"' in body and 'href="/dang-ky/"' in body
    assert 'href="/dang-nhap/?next=/thu-tuc/"' in body
    assert 'href="/ho-so-cua-toi/"' not in body  # (the assistant's suggestion "Hồ sơ của tôi đến đâu rồi?" is)
    client.force_login(dung)
    body = _body(client.get("/thu-tuc/"))
    assert 'href="/ho-so-cua-toi/"' in body and 'href="/tai-khoan/"' in body and "Phạm Thị Dung" in body
    assert 'action="/dang-xuat/"' in body and "Đăng ký" not in body


def test_a_logged_in_visitor_of_the_login_page_goes_on(client, dung):
    client.force_login(dung)
    assert client.get("/dang-nhap/")["Location"] == "/ho-so-cua-toi/"
    assert client.get("/dang-ky/")["Location"] == "/ho-so-cua-toi/"
