# SPDX-License-Identifier: AGPL-3.0-or-later
"""Query counts of the submission API: a procedure with many steps, each at its own unit, costs the same
number of queries as a procedure with one step (no N+1 in the submission or in its response)."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from motcua.accounts.models import Role
from motcua.catalog.models import Process, ProcessStep
from motcua.dossiers.models import Dossier
from motcua.units.models import Unit

pytestmark = pytest.mark.django_db

# Measured after issue 7: 17 on SQLite (three of them written by the monitoring counters' hooks); the
# code counter is one upsert, and a submission (nothing to tell the applicant yet) asks the outbox nothing.
SUBMIT_MAX_QUERIES = 17


def _with_steps(procedure, count: int) -> None:
    """Give the procedure a default process of `count` steps, each naming a different unit."""
    process = Process.objects.get(procedure=procedure, province=None)
    process.steps.all().delete()
    units = list(Unit.objects.order_by("pk")[:count])
    ProcessStep.objects.bulk_create(
        ProcessStep(process=process, order=i, name=f"Bước {i}", role=Role.SPECIALIST, allowance=Decimal(1), unit=unit)
        for i, unit in enumerate(units, 1))


def _submit(client, key: str, **headers):
    body = {"procedure": "T.0001", "receiving_unit": "24133.TTPVHCC",
            "applicant": {"name": "Trần Thị Bình", "id_number": "066190000456", "phone": "0935111222"}}
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/api/v1/dossiers", data=json.dumps(body), content_type="application/json",
                               HTTP_IDEMPOTENCY_KEY=key, **headers)
    return response, len(queries)


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_submission_query_count_does_not_grow_with_the_steps(world):
    client = _client(world.citizen)
    _submit(client, "warm-up")  # the day's first dossier also creates its code counter row
    _with_steps(world.marriage, 1)
    one, one_count = _submit(client, "one-step")
    _with_steps(world.marriage, 12)
    many, many_count = _submit(client, "twelve-steps")
    assert (one.status_code, many.status_code) == (201, 201), many.content
    assert len(one.json()["steps"]) == 1 and len(many.json()["steps"]) == 12
    # Every step's unit is in the response, and it is the unit the process names.
    assert [s["unit"] for s in many.json()["steps"]] == list(Unit.objects.order_by("pk")[:12]
                                                            .values_list("code", flat=True))
    assert many_count == one_count, (one_count, many_count)
    assert many_count <= SUBMIT_MAX_QUERIES


def test_minimal_return_skips_the_response_reads(world):
    client = _client(world.citizen)
    _submit(client, "warm-up")
    _with_steps(world.marriage, 12)
    full, full_count = _submit(client, "full")
    minimal, minimal_count = _submit(client, "minimal", HTTP_PREFER="return=minimal")
    assert (full.status_code, minimal.status_code) == (201, 201)
    # The full answer reads the steps back (and an official's roles, for the actions).
    assert minimal_count < full_count, (full_count, minimal_count)


def test_replayed_submission_is_cheap_and_the_same(world):
    client = _client(world.citizen)
    _with_steps(world.marriage, 12)
    first, _count = _submit(client, "again")
    again, replay_count = _submit(client, "again")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Dossier.objects.count() == 1
    # The key (with the dossier, its procedure and units) and the steps with their units; the rest is
    # the request's own reads (the fee, process and unit lookups of the body before the replay check).
    assert replay_count <= 8, replay_count


def test_transition_response_query_count_does_not_grow_with_the_steps(world):
    from motcua.dossiers.tests.helpers import receive
    from motcua.dossiers.tests.test_api import MON

    _with_steps(world.marriage, 1)
    few = receive(world, MON)
    _with_steps(world.marriage, 12)
    many = receive(world, MON)
    counts = []
    for dossier in (few, many):
        with CaptureQueriesContext(connection) as queries:
            response = _client(world.receiver).get(f"/api/v1/dossiers/{dossier.code}")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_province_own_process_still_wins_over_the_default(world):
    # The submission reads the prefetched processes; the province's own one must still be chosen.
    own = Process.objects.create(procedure=world.marriage, province=world.province, decision="QĐ thử nghiệm")
    ProcessStep.objects.bulk_create(
        ProcessStep(process=own, order=i, name=name, role=role, allowance=Decimal(allowance))
        for i, (name, role, allowance) in enumerate(
            [("Tiếp nhận", Role.RECEIVER, 0), ("Giải quyết tại tỉnh", Role.SPECIALIST, 5), ("Trả", Role.RECEIVER, 0)], 1))
    response, _count = _submit(_client(world.citizen), "own-process")
    assert response.status_code == 201, response.content
    assert [s["name"] for s in response.json()["steps"]] == ["Tiếp nhận", "Giải quyết tại tỉnh", "Trả"]
