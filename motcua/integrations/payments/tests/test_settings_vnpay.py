# SPDX-License-Identifier: AGPL-3.0-or-later
"""The "online payment (VNPAY)" settings block read in a fresh interpreter with a controlled environment."""

import json
import os
import subprocess
import sys

PROBE = (
    "import json; from motcua.conf import settings as s; "
    "print(json.dumps({'on': s.MOTCUA_VNPAY_ENABLED, 'url': s.MOTCUA_VNPAY_PAY_URL, "
    "'secret': s.MOTCUA_VNPAY_HASH_SECRET, 'minutes': s.MOTCUA_VNPAY_EXPIRE_MINUTES}))"
)


def _run(tmp_path, **env):
    base = {"PATH": os.environ.get("PATH", ""), "MOTCUA_VAR_DIR": str(tmp_path / "var")}
    return subprocess.run([sys.executable, "-c", PROBE], env={**base, **env}, capture_output=True, text=True,
                          timeout=60)


def test_no_environment_means_off_with_the_sandbox_url_and_no_secret(tmp_path):
    result = _run(tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"on": False, "url": "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
                                         "secret": "", "minutes": 15}


def test_switching_on_without_credentials_refuses_to_start(tmp_path):
    result = _run(tmp_path, MOTCUA_VNPAY_ENABLED="1", MOTCUA_VNPAY_TMN_CODE="MOTCUA01")
    assert result.returncode != 0
    assert "MOTCUA_VNPAY_HASH_SECRET" in result.stderr


def test_credentials_come_from_the_environment(tmp_path):
    result = _run(tmp_path, MOTCUA_VNPAY_ENABLED="1", MOTCUA_VNPAY_TMN_CODE="MOTCUA01",
                  MOTCUA_VNPAY_HASH_SECRET="S3CRET", MOTCUA_VNPAY_EXPIRE_MINUTES="20")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"on": True, "url": "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
                                         "secret": "S3CRET", "minutes": 20}
