# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest
from django.test import Client

from .helpers import MON, login, to_specialist

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/can-bo/", "/can-bo/tiep-nhan/", "/can-bo/ho-so/000.24133.01.H66-260302-0001/"])
def test_anonymous_is_sent_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/can-bo/dang-nhap/?next={path}"


def test_a_citizen_gets_a_polite_403_in_vietnamese(client, world):
    login(client, world.citizen)
    response = client.get("/can-bo/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "Xin lỗi, bạn không có quyền vào trang này" in body
    assert "Cổng dịch vụ công" in body


def test_an_official_logs_in_with_a_password_and_lands_on_the_inbox(client, world):
    world.receiver.set_password("mat-khau-thu-nghiem")
    world.receiver.save()
    page = client.get("/can-bo/dang-nhap/")
    assert page.status_code == 200 and "Đăng nhập dành cho cán bộ" in page.content.decode()
    response = client.post("/can-bo/dang-nhap/", {"username": "tn.bmt", "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 302 and response["Location"] == "/can-bo/"
    assert client.get("/can-bo/").status_code == 200


def test_a_citizen_cannot_log_in_to_the_back_office(client, world):
    world.citizen.set_password("mat-khau-thu-nghiem")
    world.citizen.save()
    response = client.post("/can-bo/dang-nhap/", {"username": world.citizen.username,
                                                  "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 200
    assert "không phải tài khoản cán bộ" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_says_so_in_vietnamese(client, world):
    response = client.post("/can-bo/dang-nhap/", {"username": "tn.bmt", "password": "sai"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(client, world):
    login(client, world.receiver)
    assert client.get("/can-bo/dang-xuat/").status_code == 405
    response = client.post("/can-bo/dang-xuat/")
    assert response.status_code == 302 and response["Location"] == "/can-bo/dang-nhap/"
    assert client.get("/can-bo/").status_code == 302


def test_posts_need_the_csrf_token(world):
    dossier = to_specialist(world, MON)
    client = login(Client(enforce_csrf_checks=True), world.specialist)
    response = client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/stop/", {"stop-note": "Không đủ điều kiện"})
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.stage == "dang_xu_ly"
    assert Client(enforce_csrf_checks=True).post("/can-bo/dang-nhap/", {"username": "x", "password": "y"}
                                                 ).status_code == 403


def test_the_header_shows_the_official_their_roles_and_units(client, world):
    login(client, world.receiver)
    body = client.get("/can-bo/").content.decode()
    assert str(world.receiver) in body
    assert "Cán bộ tiếp nhận (một cửa) — Trung tâm Phục vụ hành chính công phường Buôn Ma Thuột" in body
    assert 'action="/can-bo/dang-xuat/"' in body
