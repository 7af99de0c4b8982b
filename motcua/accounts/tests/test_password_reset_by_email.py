# SPDX-License-Identifier: AGPL-3.0-or-later
"""Password reset: the mail goes through a real SMTP server on loopback; the link in it sets a new password."""

import re
import socket

import pytest
from axes.models import AccessAttempt

from motcua.accounts.services import citizen_register

pytestmark = pytest.mark.django_db

PASSWORD = "Hoso-rat-an-toan-1"
NEW_PASSWORD = "Mat-khau-moi-2026"


@pytest.fixture
def dung():
    return citizen_register(full_name="Phạm Thị Dung", phone="0935777888", email="Dung.Pham@example.vn",
                            password=PASSWORD)


def _reset_link(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://[^/\s]+(/quen-mat-khau/dat-lai/\S+/)", body)
    assert match, body
    return match.group(1)


def test_a_reset_mail_arrives_in_vietnamese_and_its_link_sets_a_new_password(client, dung, smtp_inbox):
    response = client.post("/quen-mat-khau/", {"email": "DUNG.PHAM@example.vn"})
    assert response.status_code == 302 and response["Location"] == "/quen-mat-khau/da-gui/"
    assert "Hãy kiểm tra hộp thư" in client.get(response["Location"]).content.decode()

    assert len(smtp_inbox) == 1
    message = smtp_inbox[0]
    assert message["To"] == "Dung.Pham@example.vn"
    # Python folds the long encoded subject right after "Subject:"; the parsed value keeps that space.
    assert message["Subject"].strip() == "Đặt lại mật khẩu tài khoản Cổng dịch vụ công"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Kính gửi Phạm Thị Dung" in body and "Tên đăng nhập của bạn: 0935777888" in body
    assert "hết hạn sau 24 giờ" in body

    link = _reset_link(message)
    form_page = client.get(link, follow=True)  # Django moves the token into the session first
    assert form_page.status_code == 200 and "Đặt mật khẩu mới" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/quen-mat-khau/hoan-tat/"
    assert "Đã đặt mật khẩu mới" in client.get("/quen-mat-khau/hoan-tat/").content.decode()

    response = client.post("/dang-nhap/", {"username": "0935777888", "password": NEW_PASSWORD})
    assert response.status_code == 302
    # The link is spent.
    assert "không hợp lệ" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, dung, smtp_inbox):
    response = client.post("/quen-mat-khau/", {"email": "khong-co@example.vn"})
    assert response.status_code == 302 and response["Location"] == "/quen-mat-khau/da-gui/"
    assert smtp_inbox == []


def test_a_weak_new_password_is_refused_in_vietnamese(client, dung, smtp_inbox):
    client.post("/quen-mat-khau/", {"email": "dung.pham@example.vn"})
    form_page = client.get(_reset_link(smtp_inbox[0]), follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mật khẩu này quá phổ biến." in body and "Mật khẩu này hoàn toàn là số." in body
    dung.refresh_from_db()
    assert dung.check_password(PASSWORD)


def test_a_reset_lifts_a_lockout(client, dung, smtp_inbox):
    for _ in range(5):
        client.post("/dang-nhap/", {"username": "0935777888", "password": "sai"})
    assert AccessAttempt.objects.filter(username="0935777888").exists()
    client.post("/quen-mat-khau/", {"email": "dung.pham@example.vn"})
    form_page = client.get(_reset_link(smtp_inbox[0]), follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not AccessAttempt.objects.filter(username="0935777888").exists()
    assert client.post("/dang-nhap/", {"username": "0935777888", "password": NEW_PASSWORD}).status_code == 302


def test_a_mail_server_that_is_down_is_no_error_page(client, dung, settings):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    response = client.post("/quen-mat-khau/", {"email": "dung.pham@example.vn"})
    assert response.status_code == 302 and response["Location"] == "/quen-mat-khau/da-gui/"
