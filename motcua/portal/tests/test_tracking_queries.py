# SPDX-License-Identifier: AGPL-3.0-or-later
# ruff: noqa: F811 — `world` and `fresh_limits` are fixtures imported from other test modules
"""Query counts of the public tracking lookup: constant whatever the dossier's history (issue 7)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.dossiers.services import dossier_forward, dossier_submit_online
from motcua.dossiers.tests.conftest import world  # noqa: F401

from .tracking_helpers import MON, fresh_limits, owned  # noqa: F401

pytestmark = pytest.mark.usefixtures("fresh_limits")
URL = reverse("portal:track")
# Measured after issue 7 (SQLite and PostgreSQL): 2 for a dossier not yet assigned (the dossier with its
# units, its events), 3 once an event reached a process step (the names of the steps reached); 3 and 3
# before, when the step names were always read.
NOT_ASSIGNED_MAX, ASSIGNED_MAX = 2, 3


def _lookup(client, code: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, {"ma": code, "xac_minh": "0912345678"})
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_lookup_of_a_dossier_not_yet_received_needs_no_step_query(client, world):
    dossier, _created = dossier_submit_online(procedure=world.marriage, receiving_unit=world.bmt_center,
                                              applicant=world.applicant, owner=world.citizen, at=MON)
    body, count = _lookup(client, dossier.code)
    assert dossier.code in body and "Nộp hồ sơ trực tuyến" in body
    assert count <= NOT_ASSIGNED_MAX, count


def test_lookup_query_count_does_not_grow_with_the_history(client, world):
    short = owned(world)
    long = owned(world, at=MON + timedelta(days=1))
    for hours in (1, 2, 3):  # specialist → department leader → signing leader → clerk
        actor = {1: world.specialist, 2: world.leader, 3: world.signer}[hours]
        long = dossier_forward(dossier=long, actor=actor, at=MON + timedelta(days=1, hours=hours))
    short_body, short_count = _lookup(client, short.code)
    long_body, long_count = _lookup(client, long.code)
    # The step names still come with the timeline, in one query however many steps were reached.
    assert "Chuyển bước xử lý: Văn thư phát hành" in long_body
    assert "Chuyển xử lý: Thẩm định hồ sơ" in short_body
    assert short_count == long_count <= ASSIGNED_MAX, (short_count, long_count)
