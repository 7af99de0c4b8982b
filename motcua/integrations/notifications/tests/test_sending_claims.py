# SPDX-License-Identifier: AGPL-3.0-or-later
"""A row is claimed before it is sent: two senders never send it twice; a crashed sender's row comes back."""

import threading
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive
from motcua.integrations.notifications import services
from motcua.integrations.notifications.models import Notification, Status
from motcua.integrations.notifications.services import (
    notification_create_for_event,
    notification_send,
    notifications_send_due,
)

MON = local(2026, 3, 2, 9, 0)


def sms_receipts(world, count: int) -> list[int]:
    world.applicant = replace(world.applicant, email="")
    ids = []
    for n in range(count):
        dossier = receive(world, MON + timedelta(minutes=n))
        ids += notification_create_for_event(event_id=dossier.events.get(action="receive").pk)
    return ids


def test_a_sent_row_is_not_sent_again_by_a_second_sender(world, sms_gateway):
    [pk] = sms_receipts(world, 1)
    assert notification_send(notification_id=pk) == Status.SENT
    assert notification_send(notification_id=pk) is None
    assert notifications_send_due().total == 0 and len(sms_gateway.requests) == 1


def test_a_claimed_row_waits_for_its_lease_so_a_crashed_sender_loses_nothing(world, sms_gateway):
    [pk] = sms_receipts(world, 1)
    t0 = timezone.now()
    claimed = services._claim(t0)  # a sender takes the row… and dies before sending
    assert claimed.pk == pk and claimed.attempts == 1
    assert notifications_send_due(now=t0 + timedelta(minutes=1)).total == 0  # still held by the lease
    assert notifications_send_due(now=t0 + services.CLAIM_LEASE).sent == 1
    assert Notification.objects.get(pk=pk).attempts == 2 and len(sms_gateway.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_senders_send_every_row_exactly_once(world, sms_gateway):
    ids = sms_receipts(world, 8)
    sms_gateway.delay = 0.05  # long enough for the senders to overlap
    start = threading.Barrier(4)

    def sender():
        start.wait()
        try:
            notifications_send_due()
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    notifications_send_due()  # SQLite may have turned a sender away while another wrote: finish the queue
    per_text = Counter(sms_gateway.texts())
    assert len(per_text) == 8 and set(per_text.values()) == {1}
    assert set(Notification.objects.filter(pk__in=ids).values_list("status", flat=True)) == {Status.SENT}
