# SPDX-License-Identifier: AGPL-3.0-or-later
"""E-mail through Django's SMTP backend to a real SMTP server (aiosmtpd) on loopback."""

from datetime import timedelta

from django.utils import timezone

from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive
from motcua.integrations.notifications.models import Notification, NotificationChannel, Status
from motcua.integrations.notifications.services import notification_create_for_event, notifications_send_due

from .conftest import free_port

MON = local(2026, 3, 2, 9, 0)


def receipt_email(world) -> Notification:
    """The receipt of a dossier, its rows created as the after-commit hook would."""
    dossier = receive(world, MON)
    notification_create_for_event(event_id=dossier.events.get(action="receive").pk)
    return Notification.objects.get(dossier=dossier, channel=NotificationChannel.EMAIL)


def test_email_arrives_with_vietnamese_subject_and_body_in_utf8(world, smtp_server):
    notification = receipt_email(world)
    report = notifications_send_due()
    assert report.sent == 2  # the e-mail, and the SMS through the console provider (SMS gateway off)
    [(rcpt_tos, message)] = smtp_server.messages
    assert rcpt_tos == ["an@example.vn"] and message["To"] == "an@example.vn"
    assert message["From"] == "Một cửa Đắk Lắk <khong-tra-loi@daklak.gov.vn>"
    # Django folds the encoded header onto a continuation line; clients (and .strip()) drop the fold.
    assert message["Subject"].strip() == f"Hồ sơ {notification.dossier.code} đã được tiếp nhận"
    body = message.get_body().get_content()
    assert message.get_body().get_content_charset() == "utf-8"
    assert "Kính gửi ông/bà Nguyễn Văn An," in body and "Ngày hẹn trả kết quả: 09:00 ngày 09/03/2026." in body
    notification.refresh_from_db()
    assert notification.status == Status.SENT and notification.attempts == 1 and notification.sent_at
    assert notification.provider_id == message["Message-ID"]


def test_email_is_retried_after_a_temporary_refusal_then_delivered(world, smtp_server):
    notification = receipt_email(world)
    smtp_server.rcpt_answers = ["451 4.3.0 Mailbox temporarily unavailable"]
    t0 = timezone.now()
    notifications_send_due(now=t0)
    notification.refresh_from_db()
    assert notification.status == Status.PENDING and notification.attempts == 1
    assert notification.next_attempt_at == t0 + timedelta(minutes=1)
    assert "451" in notification.last_error and "an@example.vn" not in notification.last_error
    assert notifications_send_due(now=t0 + timedelta(seconds=30)).total == 0  # not due yet
    assert notifications_send_due(now=t0 + timedelta(minutes=1)).sent == 1
    notification.refresh_from_db()
    assert notification.status == Status.SENT and notification.attempts == 2 and notification.last_error == ""
    assert len(smtp_server.messages) == 1


def test_email_to_a_refused_address_fails_at_once(world, smtp_server):
    notification = receipt_email(world)
    smtp_server.rcpt_answers = ["550 5.1.1 No such user here"]
    notifications_send_due()
    notification.refresh_from_db()
    assert notification.status == Status.FAILED and notification.attempts == 1 and "550" in notification.last_error
    assert smtp_server.messages == []


def test_email_waits_when_the_smtp_server_is_down(world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    notification = receipt_email(world)
    notifications_send_due()
    notification.refresh_from_db()
    assert notification.status == Status.PENDING and "unreachable" in notification.last_error


def test_demo_console_backend_prints_the_message_with_the_address_masked(world, settings, capsys):
    settings.EMAIL_BACKEND = "motcua.integrations.notifications.client.MaskedConsoleEmailBackend"
    notification = receipt_email(world)
    notifications_send_due()
    printed = capsys.readouterr().out
    assert f"Subject: Hồ sơ {notification.dossier.code} đã được tiếp nhận" in printed
    assert "To: a***@example.vn" in printed and "an@example.vn" not in printed
