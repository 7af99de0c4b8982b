# SPDX-License-Identifier: AGPL-3.0-or-later
"""Test set-up shared by every app: the test database starts with the national list of units."""

import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from motcua.units.seed import seed_read
    from motcua.units.services import units_sync

    with django_db_blocker.unblock():
        units_sync(seed=seed_read())


@pytest.fixture(autouse=True)
def _units_after_flush(request):
    """Transactional tests (live server, several processes) empty every table when they end, the units
    seeded above included: put them back for the tests that need a committed database."""
    marker = request.node.get_closest_marker("django_db")
    by_marker = marker is not None and marker.kwargs.get("transaction", False)
    if not by_marker and not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    if not by_marker:
        request.getfixturevalue("transactional_db")
    from motcua.units.models import Unit
    from motcua.units.seed import seed_read
    from motcua.units.services import units_sync

    if not Unit.objects.exists():
        units_sync(seed=seed_read())


@pytest.fixture
def dak_lak(db):
    from motcua.units.models import Unit

    return Unit.objects.get(code="66")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 costs ~0.3 s a password; tests that make many accounts need none of that strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _notifications_without_thread(settings):
    """No background sender threads in tests (they would write to the test database behind the test's
    back); a test that wants them switches MOTCUA_NOTIFY_SYNC_THREAD on (integrations/notifications)."""
    settings.MOTCUA_NOTIFY_SYNC_THREAD = False


@pytest.fixture
def motcua_console(monkeypatch):
    """The `motcua` console entry point as a process would run it (exit status via SystemExit).
    run_from_argv closes every connection when it ends, which would drop the test's transaction on
    PostgreSQL: keep the connection."""
    from django.db import connections

    from motcua.__main__ import main

    monkeypatch.setattr(connections, "close_all", lambda: None)
    return main
