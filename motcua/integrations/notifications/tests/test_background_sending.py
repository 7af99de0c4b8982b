# SPDX-License-Identifier: AGPL-3.0-or-later
"""With the background sender on, an officer's action returns before slow SMTP and SMS servers answer,
and the messages arrive afterwards. Committed data (transactional test): the sender threads must see it."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse

from motcua.dossiers.services import dossier_forward
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive, to_specialist
from motcua.integrations.notifications.models import Kind, Notification, Status
from motcua.integrations.notifications.sender import background

from .conftest import wait_for

MON = local(2026, 3, 2, 9, 0)
SLOW = 3.0  # seconds each server takes to answer; an action must return in well under half of it


@pytest.fixture
def threaded(settings):
    settings.MOTCUA_NOTIFY_SYNC_THREAD = True
    settings.MOTCUA_NOTIFY_THREADS, settings.MOTCUA_NOTIFY_SWEEP_SECONDS = 4, 0
    yield background
    background.stop()


def statuses(dossier, kind) -> list[str]:
    return sorted(Notification.objects.filter(dossier=dossier, kind=kind).values_list("status", flat=True))


@pytest.mark.django_db(transaction=True)
def test_receipt_returns_before_slow_servers_answer_and_messages_arrive_later(world, smtp_server, sms_gateway,
                                                                             threaded):
    smtp_server.delay = sms_gateway.delay = SLOW
    started = time.monotonic()
    dossier = receive(world, MON)  # commits: the hook runs inside this call
    elapsed = time.monotonic() - started
    assert elapsed < SLOW / 2, f"the receipt waited {elapsed:.2f} s for the notification servers"
    assert sms_gateway.answered == 0 and smtp_server.messages == []
    assert wait_for(lambda: statuses(dossier, Kind.RECEIVED) == [Status.SENT, Status.SENT])
    assert sms_gateway.answered == 1 and len(smtp_server.messages) == 1
    assert dossier.code in sms_gateway.requests[0]["json"]["text"]


@pytest.mark.django_db(transaction=True)
def test_back_office_action_is_not_slowed_by_slow_servers(world, client, smtp_server, sms_gateway, threaded,
                                                          settings):
    # Set-up without the threads: SQLite's in-memory test database takes one writer at a time and
    # answers "locked" at once instead of waiting as a database file does.
    settings.MOTCUA_NOTIFY_SYNC_THREAD = False
    dossier = to_specialist(world, MON)
    for n, actor in enumerate([world.specialist, world.leader, world.signer], start=1):
        dossier = dossier_forward(dossier=dossier, actor=actor, at=MON + timedelta(hours=n))
    client.force_login(world.clerk)
    # The officer has the dossier open: the first request of the process (imports, URLs) is not timed.
    assert client.get(reverse("backoffice:dossier", args=[dossier.code])).status_code == 200
    settings.MOTCUA_NOTIFY_SYNC_THREAD = True
    smtp_server.delay = sms_gateway.delay = SLOW
    started = time.monotonic()
    response = client.post(reverse("backoffice:dossier-action", args=[dossier.code, "forward"]), {"forward-note": ""})
    elapsed = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:500]
    assert elapsed < SLOW / 2, f"the officer waited {elapsed:.2f} s for the notification servers"
    assert wait_for(lambda: statuses(dossier, Kind.EARLY_RESULT) + statuses(dossier, Kind.RESULT_READY)
                    == [Status.SENT, Status.SENT])
    assert len(smtp_server.messages) == 1 and sms_gateway.answered == 1  # the result; the receipt still waits
