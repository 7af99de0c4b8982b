# SPDX-License-Identifier: AGPL-3.0-or-later
"""A real OpenID Connect provider (npm `oidc-provider`, tests/oidc_provider) on loopback, for the VNeID
login tests.

Without Node or without its node_modules (`make test` installs them with `npm ci`) the tests that need it
are reported as NOT RUN, loudly, at the end of the session; with MOTCUA_REQUIRE_NODE=1 (set by `.ci/run`)
that is a failure instead.
"""

import json
import os
import selectors
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

PROVIDER_DIR = Path(__file__).resolve().parents[4] / "tests" / "oidc_provider"
REQUIRED = os.environ.get("MOTCUA_REQUIRE_NODE", "") == "1"
CLIENT_ID, CLIENT_SECRET = "motcua", "bi-mat-thu-nghiem"
START_TIMEOUT = 30

_not_run: list[str] = []


def _node_missing_reason() -> str | None:
    if not shutil.which("node"):
        return "Node.js not found (Debian: apt-get install nodejs npm)"
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json").exists():
        return f"the npm packages are not installed: run `make test` or `npm ci --prefix {PROVIDER_DIR}`"
    return None


def _read_issuer(process: subprocess.Popen) -> str:
    """The provider prints {"issuer": ...} once it listens."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if selector.select(timeout=0.5):
            line = process.stdout.readline()
            if line.startswith("{"):
                return json.loads(line)["issuer"]
    raise RuntimeError("the test OpenID Connect provider did not start")


@pytest.fixture(scope="session")
def oidc_provider(live_server):
    """Start the provider with one client whose redirect URI is the live server's callback; yields its issuer."""
    reason = _node_missing_reason()
    if reason:
        if REQUIRED:
            pytest.fail(f"MOTCUA_REQUIRE_NODE=1 but {reason}", pytrace=False)
        _not_run.append(reason)
        pytest.skip(f"VNeID (OIDC) LOGIN TESTS DID NOT RUN: {reason}")
    env = {**os.environ, "MOTCUA_TEST_OIDC_REDIRECT_URI": f"{live_server.url}/dang-nhap-vneid/callback/",
           "MOTCUA_TEST_OIDC_CLIENT_ID": CLIENT_ID, "MOTCUA_TEST_OIDC_CLIENT_SECRET": CLIENT_SECRET}
    with tempfile.TemporaryFile(mode="w+") as stderr:
        process = subprocess.Popen([shutil.which("node"), "server.js"], cwd=PROVIDER_DIR, env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=stderr)
        try:
            try:
                issuer = _read_issuer(process)
            except RuntimeError:
                stderr.seek(0)
                pytest.fail(f"the test OpenID Connect provider did not start:\n{stderr.read()[-2000:]}",
                            pytrace=False)
            yield issuer
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def pytest_terminal_summary(terminalreporter):
    if _not_run:
        terminalreporter.section("VNeID (OIDC) LOGIN TESTS DID NOT RUN", sep="!", red=True, bold=True)
        terminalreporter.write_line(f"reason: {_not_run[0]}", red=True, bold=True)
        terminalreporter.write_line("Set MOTCUA_REQUIRE_NODE=1 to make this a failure (CI does).", red=True)
