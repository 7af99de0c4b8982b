# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua deadline`: prints the due moment; invalid input → Vietnamese message, exit status 2."""

import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.units.models import COMMUNE_KINDS, Unit
from motcua.workdays.models import CalendarOverride, OverrideKind

pytestmark = pytest.mark.django_db
PROJECT_DIR = Path(__file__).resolve().parents[3]


def deadline(*args: str) -> str:
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--start", "2026-08-21T09:00", "--days", "1"], "2026-08-22T09:00:00+07:00"),  # make-up Saturday
        (["--start", "2026-08-21T09:00", "--working-days", "2"], "2026-08-24T09:00:00+07:00"),
        (["--start", "2026-08-28T09:00", "--days", "1"], "2026-09-03T09:00:00+07:00"),  # National Day
        (["--start", "2026-08-21T09:00", "--hours", "10"], "2026-08-22T11:30:00+07:00"),
        (["--start", "2026-08-21T02:00:00+00:00", "--days", "0.5"], "2026-08-21T14:45:00+07:00"),
        (["--start", "2026-01-31T09:00", "--months", "1"], "2026-03-02T07:30:00+07:00"),
        (["--start", "2026-03-10T09:00", "--calendar-days", "4"], "2026-03-16T07:30:00+07:00"),
        (["--start", "2026-03-10T09:00", "--days", "0"], "2026-03-10T17:00:00+07:00"),
    ],
)
def test_prints_the_due_moment_in_iso_8601_with_offset(args, expected):
    assert deadline(*args) == expected


def test_without_start_counts_from_now():
    assert deadline("--hours", "1").endswith("+07:00")


def test_nationwide_override_from_the_database_applies():
    CalendarOverride.objects.create(day=date(2026, 8, 22), kind=OverrideKind.DAY_OFF)
    assert deadline("--start", "2026-08-21T09:00", "--days", "1") == "2026-08-24T09:00:00+07:00"


def test_unit_option_applies_that_units_overrides(dak_lak):
    commune = Unit.objects.filter(parent=dak_lak, kind__in=COMMUNE_KINDS).order_by("code").first()
    CalendarOverride.objects.create(unit=dak_lak, day=date(2026, 8, 24), kind=OverrideKind.DAY_OFF)
    args = ["--start", "2026-08-22T09:00", "--days", "1"]
    assert deadline(*args) == "2026-08-24T09:00:00+07:00"
    assert deadline(*args, "--unit", commune.code) == "2026-08-25T09:00:00+07:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-08-21T09:00"], "Cần đúng một trong các tùy chọn"),
        (["--start", "2026-08-21T09:00", "--days", "1", "--hours", "2"], "Cần đúng một trong các tùy chọn"),
        (["--start", "2026-08-21T09:00", "--days", "-1"], "phải là một số không âm"),
        (["--start", "2026-08-21T09:00", "--hours", "abc"], "phải là một số không âm"),
        (["--start", "2026-08-21T09:00", "--hours", "inf"], "phải là một số không âm"),
        (["--start", "2026-08-21T09:00", "--months", "1.5"], "một số nguyên không âm"),
        (["--start", "2026-13-40T09:00", "--days", "1"], "Thời điểm bắt đầu 2026-13-40T09:00 không hợp lệ"),
        (["--start", "hôm qua", "--days", "1"], "không hợp lệ"),
        (["--start", "2026-08-21T09:00", "--days", "1", "--unit", "KHONG-CO"], "Không tìm thấy đơn vị có mã KHONG-CO"),
    ],
)
def test_invalid_input_is_refused_with_status_2(args, message):
    with pytest.raises(CommandError, match=message) as caught:
        deadline(*args)
    assert caught.value.returncode == 2


def test_console_exit_status_and_message_on_invalid_input():
    # The real console path; fails before touching the database.
    result = subprocess.run(
        [sys.executable, "-m", "motcua", "deadline", "--start", "2026-08-21T09:00", "--days", "-1"],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 2
    assert "Giá trị của --days phải là một số không âm" in result.stderr
    assert result.stdout == ""
