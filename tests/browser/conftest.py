# SPDX-License-Identifier: AGPL-3.0-or-later
"""Browser tests: Playwright (from the test set-up) driving Debian's Chromium headless against
pytest-django's live server.

Without Chromium the tests are reported as NOT RUN, loudly, at the end of the session; with
MOTCUA_REQUIRE_BROWSER=1 (set by `.ci/run`) a missing browser is a failure. Screenshots are saved as
test artifacts under test-artifacts/browser/.
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make around it
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("MOTCUA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("MOTCUA_REQUIRE_BROWSER", "") == "1"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
# Without the background-networking flags Chromium keeps calling outside hosts, which this network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]

_not_run: list[str] = []


def _browser_missing_reason() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)"
    return None


@pytest.fixture(scope="session")
def _chromium():
    reason = _browser_missing_reason()
    if reason:
        if REQUIRED:
            pytest.fail(f"MOTCUA_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        _not_run.append(reason)
        pytest.skip(f"BROWSER TESTS DID NOT RUN: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(chromium, width: int, height: int):
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="vi-VN",
                                   timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    return context, page


@pytest.fixture
def page(_chromium, live_server):
    """A phone: 360×640, Vietnamese."""
    context, page = _page(_chromium, 360, 640)
    yield page
    context.close()


@pytest.fixture
def desktop_page(_chromium, live_server):
    context, page = _page(_chromium, 1366, 900)
    yield page
    context.close()


@pytest.fixture
def authenticate(live_server):
    """`authenticate(page, user)`: the page's browser context gets a logged-in session cookie for `user`."""
    from django.conf import settings
    from django.test import Client

    def _login(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
                                   "url": live_server.url}])

    return _login


@pytest.fixture
def screenshot(request):
    """`screenshot(page, name)` keeps a full-page PNG as a test artifact and returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 1000, "the screenshot is empty"
        return path

    return _shot


def pytest_terminal_summary(terminalreporter):
    if _not_run:
        terminalreporter.section("BROWSER TESTS DID NOT RUN", sep="!", red=True, bold=True)
        terminalreporter.write_line(f"reason: {_not_run[0]}", red=True, bold=True)
        terminalreporter.write_line("Set MOTCUA_REQUIRE_BROWSER=1 to make this a failure (CI does).", red=True)
