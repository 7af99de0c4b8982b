# SPDX-License-Identifier: AGPL-3.0-or-later
"""Live changes (short polling) and bounded queries: the overview, the heat map, the summary and the
report cost the same number of queries with 0 or 30 dossiers."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive, through_all_steps, to_specialist
from motcua.monitoring.reports import report_compute

from .dashboard_data import MARCH, MARCH_QUERY, dashboard_viewer, shared_world


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker, with_march=False) as pair:
        yield pair


@pytest.fixture
def world(shared, db):
    return shared[0]


@pytest.fixture
def viewer(client, world):
    client.force_login(dashboard_viewer(world.province))
    return client


def test_the_change_stamp_moves_when_a_dossier_event_is_written(viewer, world):
    first = viewer.get("/giam-sat/api/thay-doi/").json()
    assert first["changed"] is False
    same = viewer.get("/giam-sat/api/thay-doi/", {"since": first["stamp"]}).json()
    assert same == {"stamp": first["stamp"], "changed": False}
    receive(world, timezone.now() - timedelta(minutes=1))
    moved = viewer.get("/giam-sat/api/thay-doi/", {"since": first["stamp"]}).json()
    assert moved["changed"] is True and moved["stamp"] != first["stamp"]


def test_the_summary_fragment_counts_the_new_dossier(viewer, world):
    before = viewer.get("/giam-sat/api/tom-tat/").content.decode()
    assert '<dd data-figure="received">0' in before and 'id="live-summary"' in before
    assert "<html" not in before  # a fragment, swapped into the open page
    receive(world, timezone.now() - timedelta(minutes=1))
    after = viewer.get("/giam-sat/api/tom-tat/").content.decode()
    assert '<dd data-figure="received">1' in after


def test_the_overview_carries_the_live_hooks_and_a_no_script_update_link(viewer, world):
    html = viewer.get("/giam-sat/").content.decode()
    assert 'data-changes-url="/giam-sat/api/thay-doi/"' in html and 'data-interval="3"' in html
    assert "data-refresh-link" in html and ">Cập nhật</a>" in html
    assert "/static/monitoring/vendor/chartjs/chart.umd.min.js" in html and "cdn" not in html.lower()


PATHS = [f"/giam-sat/?{MARCH_QUERY}", f"/giam-sat/ban-do-nhiet/?{MARCH_QUERY}&cot=chi-so",
         f"/giam-sat/api/tom-tat/?{MARCH_QUERY}"]


def _counts(client, world) -> dict[str, int]:
    counts = {}
    for path in PATHS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts[path] = len(queries)
    with CaptureQueriesContext(connection) as queries:
        report_compute(unit=world.province, start=MARCH[0], end=MARCH[1])
    counts["report_compute"] = len(queries)
    return counts


def test_the_pages_cost_the_same_queries_with_0_or_30_dossiers(viewer, world, settings):
    from motcua.monitoring.definitions import config_current, config_forget

    # The index configuration is cached a few seconds per process: keep it for the whole test.
    settings.MOTCUA_INDEX_CONFIG_CACHE_SECONDS = 3600
    config_forget()
    config_current()
    empty = _counts(viewer, world)
    start = local(2026, 3, 2, 9, 0)
    for n in range(30):  # received, at the specialist, and finished
        at = start + timedelta(hours=n)
        if n % 2:
            receive(world, at)
        elif n % 6:
            to_specialist(world, at)
        else:
            through_all_steps(world, to_specialist(world, at), at)
    assert report_compute(unit=world.province, start=MARCH[0], end=MARCH[1]).totals.figures["total"] == 30
    assert _counts(viewer, world) == empty
    # And the bound itself: a page is a few dozen queries (seven per index computed: the overview computes
    # the period, six months of trend and the ranking), the report six.
    assert max(empty[path] for path in PATHS) <= 70 and empty["report_compute"] <= 6
