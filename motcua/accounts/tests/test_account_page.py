# SPDX-License-Identifier: AGPL-3.0-or-later
"""The account page (/tai-khoan/) and password change."""

import pytest

from motcua.accounts.auth import IDENTITY_VERIFIED
from motcua.accounts.services import VerifiedIdentity, citizen_apply_verified_identity, citizen_register

pytestmark = pytest.mark.django_db

PASSWORD = "Hoso-rat-an-toan-1"


@pytest.fixture
def dung():
    return citizen_register(full_name="Phạm Thị Dung", phone="0935777888", email="dung@example.vn",
                            national_id="066190000456", password=PASSWORD)


def test_anonymous_visitors_are_sent_to_the_portal_login(client):
    response = client.get("/tai-khoan/")
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/?next=/tai-khoan/"


def test_the_account_page_shows_the_profile_with_the_cccd_masked(client, dung):
    client.force_login(dung)
    body = client.get("/tai-khoan/").content.decode()
    assert "Phạm Thị Dung" in body and "0935777888" in body and "dung@example.vn" in body
    assert "06********56" in body and "066190000456" not in body
    assert "Chưa xác thực" in body and 'href="/tai-khoan/doi-mat-khau/"' in body


def test_a_vneid_account_shows_verified_and_no_password_change(client):
    user = citizen_apply_verified_identity(identity=VerifiedIdentity(full_name="Nguyễn Thị Hoa"))
    client.force_login(user)
    session = client.session
    session[IDENTITY_VERIFIED] = True
    session.save()
    body = client.get("/tai-khoan/").content.decode()
    assert "Đã xác thực qua VNeID" in body and "Lần đăng nhập này đã xác thực qua VNeID" in body
    assert "doi-mat-khau" not in body and "không dùng mật khẩu" in body


def test_a_citizen_changes_the_password_and_stays_logged_in(client, dung):
    client.force_login(dung)
    page = client.get("/tai-khoan/doi-mat-khau/").content.decode()
    assert "Mật khẩu hiện tại" in page
    response = client.post("/tai-khoan/doi-mat-khau/", {"old_password": PASSWORD, "new_password1": "Mat-khau-moi-2026",
                                                         "new_password2": "Mat-khau-moi-2026"})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/doi-mat-khau/xong/"
    dung.refresh_from_db()
    assert dung.check_password("Mat-khau-moi-2026")
    assert client.get("/tai-khoan/").status_code == 200


def test_a_wrong_current_password_changes_nothing(client, dung):
    client.force_login(dung)
    response = client.post("/tai-khoan/doi-mat-khau/", {"old_password": "sai", "new_password1": "Mat-khau-moi-2026",
                                                         "new_password2": "Mat-khau-moi-2026"})
    assert response.status_code == 200 and "Vui lòng sửa các mục sau" in response.content.decode()
    dung.refresh_from_db()
    assert dung.check_password(PASSWORD)
