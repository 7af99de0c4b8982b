# SPDX-License-Identifier: AGPL-3.0-or-later
"""Settings read in a fresh interpreter with a controlled environment (no inherited variables)."""

import json
import os
import subprocess
import sys

PROBE = (
    "import json, django; from django.conf import settings as s; django.setup(); "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']), "
    "'lang': s.LANGUAGE_CODE, 'langs': [c for c, _ in s.LANGUAGES], 'tz': s.TIME_ZONE, 'use_tz': s.USE_TZ, "
    "'debug': s.DEBUG, 'key_len': len(s.SECRET_KEY)}))"
)


def _run(tmp_path, **env):
    base = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "motcua.conf.settings",
            "MOTCUA_VAR_DIR": str(tmp_path / "var")}
    return subprocess.run([sys.executable, "-c", PROBE], env={**base, **env}, capture_output=True, text=True,
                          timeout=60)


def test_no_environment_gives_sqlite_vietnamese_and_local_time(tmp_path):
    result = _run(tmp_path)
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["engine"] == "django.db.backends.sqlite3"
    assert config["name"].startswith(str(tmp_path / "var"))
    assert (config["lang"], config["langs"], config["tz"], config["use_tz"]) == (
        "vi", ["vi", "en"], "Asia/Ho_Chi_Minh", True)
    assert config["debug"] is True and config["key_len"] >= 50
    assert (tmp_path / "var" / "dev-secret-key").stat().st_mode & 0o077 == 0


def test_generated_dev_key_is_stable_across_starts(tmp_path):
    _run(tmp_path)
    first = (tmp_path / "var" / "dev-secret-key").read_text()
    _run(tmp_path)
    assert (tmp_path / "var" / "dev-secret-key").read_text() == first


def test_database_url_selects_postgresql(tmp_path):
    result = _run(tmp_path, DATABASE_URL="postgres://u@127.0.0.1:5432/motcua_x")
    assert json.loads(result.stdout)["engine"] == "django.db.backends.postgresql"


def test_debug_off_without_secret_refuses_to_start(tmp_path):
    result = _run(tmp_path, MOTCUA_DEBUG="0")
    assert result.returncode != 0
    assert "MOTCUA_SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "var" / "dev-secret-key").exists()


def test_debug_off_with_secret_from_environment_starts(tmp_path):
    result = _run(tmp_path, MOTCUA_DEBUG="0", MOTCUA_SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_malformed_boolean_is_refused(tmp_path):
    result = _run(tmp_path, MOTCUA_DEBUG="maybe")
    assert result.returncode != 0 and "MOTCUA_DEBUG must be a boolean" in result.stderr
