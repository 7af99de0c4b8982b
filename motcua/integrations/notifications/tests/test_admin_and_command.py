# SPDX-License-Identifier: AGPL-3.0-or-later
"""The outbox in the admin (read only, masked, retry action) and the worker command."""

import os
import signal
import threading
from dataclasses import replace
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.core.models import AuditEvent
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive
from motcua.integrations.notifications.models import Notification, NotificationChannel, Status
from motcua.integrations.notifications.services import notification_create_for_event, notifications_send_due

MON = local(2026, 3, 2, 9, 0)


def receipt(world, at=MON) -> list[Notification]:
    dossier = receive(world, at)
    notification_create_for_event(event_id=dossier.events.get(action="receive").pk)
    return list(Notification.objects.filter(dossier=dossier).order_by("channel"))


def test_admin_lists_the_outbox_with_recipients_masked_and_read_only(world, admin_client):
    email, sms = receipt(world)
    page = admin_client.get(reverse("admin:notifications_notification_changelist")).content.decode()
    assert "a***@example.vn" in page and "091****678" in page
    assert "an@example.vn" not in page and "0912345678" not in page
    change = reverse("admin:notifications_notification_change", args=[email.pk])
    detail = admin_client.get(change).content.decode()
    assert email.subject in detail and "an@example.vn" not in detail
    assert admin_client.post(change, {"status": Status.SENT}).status_code == 403
    assert Notification.objects.get(pk=email.pk).status == Status.PENDING


def test_admin_retry_puts_failed_rows_back_in_the_queue_but_never_resends_a_sent_one(world, admin_client,
                                                                                 sms_gateway):
    email, sms = receipt(world)
    Notification.objects.filter(pk=email.pk).update(status=Status.FAILED, attempts=4, last_error="SMTP 550")
    notifications_send_due()  # the SMS goes out
    assert Notification.objects.get(pk=sms.pk).status == Status.SENT
    response = admin_client.post(reverse("admin:notifications_notification_changelist"),
                                 {"action": "retry", "_selected_action": [email.pk, sms.pk]})
    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.PENDING, 0) and email.next_attempt_at <= timezone.now()
    assert Notification.objects.get(pk=sms.pk).status == Status.SENT
    assert list(AuditEvent.objects.filter(action="notifications.retried").values_list("object_id", flat=True)) \
        == [str(email.pk)]


def test_send_command_sends_due_rows_and_catches_up_events_whose_hook_was_lost(world, motcua_console, capsys,
                                                                               sms_gateway):
    dossier = receive(world, timezone.now() - timedelta(hours=1))  # committed, but its hook never ran
    world.applicant = replace(world.applicant, email="", phone="")
    receive(world, timezone.now() - timedelta(hours=1))  # nobody to tell: not counted as caught up
    assert not Notification.objects.filter(dossier=dossier).exists()
    motcua_console(["notifications", "send", "--once"])
    out = capsys.readouterr().out
    assert "Đã gửi 2, chờ gửi lại 0, không gửi được 0 (bổ sung 1 sự kiện bị bỏ sót)." in out
    assert set(Notification.objects.filter(dossier=dossier).values_list("channel", "status")) == {
        (NotificationChannel.EMAIL, Status.SENT), (NotificationChannel.SMS, Status.SENT)}
    assert len(sms_gateway.requests) == 1


def test_send_command_loop_runs_until_it_is_told_to_stop(world, motcua_console, capsys, sms_gateway):
    receipt(world)
    stopper = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGTERM))
    previous = signal.getsignal(signal.SIGTERM)
    stopper.start()
    try:
        motcua_console(["notifications", "send", "--loop", "--interval", "0.1"])
    finally:
        stopper.cancel()
    assert signal.getsignal(signal.SIGTERM) is previous  # the worker gives the signal back
    assert "Đã gửi 2" in capsys.readouterr().out and len(sms_gateway.requests) == 1


def test_send_command_refuses_a_nonsense_limit(motcua_console, capsys, db):
    with pytest.raises(SystemExit) as exit_:
        motcua_console(["notifications", "send", "--limit", "0"])
    assert exit_.value.code == 2 and "--limit" in capsys.readouterr().err


def test_admin_retry_leaves_a_row_a_sender_holds_now(world, admin_client):
    email, _sms = receipt(world)
    lease_end = timezone.now() + timedelta(minutes=5)  # claimed by a sender: due again only when the lease ends
    Notification.objects.filter(pk=email.pk).update(attempts=1, next_attempt_at=lease_end)
    admin_client.post(reverse("admin:notifications_notification_changelist"),
                      {"action": "retry", "_selected_action": [email.pk]})
    email.refresh_from_db()
    assert (email.attempts, email.next_attempt_at) == (1, lease_end)
    assert not AuditEvent.objects.filter(action="notifications.retried").exists()
