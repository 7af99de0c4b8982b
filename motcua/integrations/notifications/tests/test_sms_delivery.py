# SPDX-License-Identifier: AGPL-3.0-or-later
"""SMS through the HTTP gateway adapter to a real HTTP server on loopback; retries and their limits."""

import logging
from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive
from motcua.integrations.notifications.client import DeliveryError, HttpSmsProvider
from motcua.integrations.notifications.models import Notification, Status
from motcua.integrations.notifications.services import notification_create_for_event, notifications_send_due

from .conftest import SMS_TOKEN, free_port

MON = local(2026, 3, 2, 9, 0)


def receipt_sms(world) -> Notification:
    """A receipt for an applicant who gave only a phone number: one SMS row."""
    world.applicant = replace(world.applicant, email="")
    dossier = receive(world, MON)
    notification_create_for_event(event_id=dossier.events.get(action="receive").pk)
    return Notification.objects.get(dossier=dossier)


def test_sms_reaches_the_gateway_as_utf8_json_with_the_bearer_token(world, sms_gateway):
    notification = receipt_sms(world)
    assert notifications_send_due().sent == 1
    [request] = sms_gateway.requests
    assert request["path"] == "/api/sms" and request["headers"]["Authorization"] == f"Bearer {SMS_TOKEN}"
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert request["json"] == {"to": "0912345678", "text": notification.body, "sender": "UBND DakLak"}
    assert "đã được tiếp nhận" in request["json"]["text"]
    assert "Hồ sơ".encode() in request["raw"]  # real UTF-8 on the wire, not \u escapes
    notification.refresh_from_db()
    assert notification.status == Status.SENT and notification.provider_id == "sms-1"


def test_sms_is_retried_with_growing_delays_until_the_gateway_recovers(world, sms_gateway):
    notification = receipt_sms(world)
    sms_gateway.responses = [(503, {"error": "busy"}), (502, {"error": "upstream"})]
    t0 = timezone.now()
    notifications_send_due(now=t0)
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.PENDING, 1)
    assert notification.next_attempt_at == t0 + timedelta(minutes=1) and "503" in notification.last_error
    notifications_send_due(now=t0 + timedelta(minutes=1))
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.PENDING, 2)
    assert notification.next_attempt_at == t0 + timedelta(minutes=6)
    assert notifications_send_due(now=t0 + timedelta(minutes=5)).total == 0  # waits the 5 minutes
    assert notifications_send_due(now=t0 + timedelta(minutes=6)).sent == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.SENT, 3)
    assert len(sms_gateway.requests) == 3


def test_sms_is_failed_after_the_maximum_number_of_attempts(world, sms_gateway):
    notification = receipt_sms(world)
    sms_gateway.responses = [(500, {"error": "down"})] * 10
    t0 = timezone.now()
    for minutes in (0, 1, 6, 36):  # 1, 5 then 30 minutes apart
        notifications_send_due(now=t0 + timedelta(minutes=minutes))
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.FAILED, 4) and "500" in notification.last_error
    assert notifications_send_due(now=t0 + timedelta(days=1)).total == 0
    assert len(sms_gateway.requests) == 4


def test_sms_refused_by_the_gateway_for_the_message_itself_fails_at_once(world, sms_gateway):
    notification = receipt_sms(world)
    sms_gateway.responses = [(400, {"error": "invalid phone number"})]
    notifications_send_due()
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.FAILED, 1) and "400" in notification.last_error


def test_gateway_timeout_and_refused_connection_are_retryable(sms_gateway):
    sms_gateway.delay = 1.5
    slow = HttpSmsProvider(url=sms_gateway.url, token=SMS_TOKEN, timeout=0.5)
    with pytest.raises(DeliveryError, match="timed out") as timed_out:
        slow.send("0912345678", "Thử nghiệm")
    closed = HttpSmsProvider(url=f"http://127.0.0.1:{free_port()}/api/sms", timeout=2)
    with pytest.raises(DeliveryError, match="unreachable") as unreachable:
        closed.send("0912345678", "Thử nghiệm")
    assert timed_out.value.retryable and unreachable.value.retryable


@pytest.mark.parametrize(("status", "retryable"), [(429, True), (401, True), (500, True), (422, False)])
def test_gateway_http_errors_are_sorted_into_retryable_or_not(sms_gateway, status, retryable):
    sms_gateway.responses = [(status, {"error": "x"})]
    with pytest.raises(DeliveryError) as error:
        HttpSmsProvider(url=sms_gateway.url, timeout=2).send("0912345678", "Thử nghiệm")
    assert error.value.retryable is retryable and str(status) in str(error.value)


def test_demo_console_provider_logs_the_message_with_the_number_masked(world, caplog):
    notification = receipt_sms(world)
    with caplog.at_level(logging.INFO, logger="motcua.integrations.notifications"):
        assert notifications_send_due().sent == 1
    assert "091****678" in caplog.text and notification.dossier.code in caplog.text
    assert "0912345678" not in caplog.text
