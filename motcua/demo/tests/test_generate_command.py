# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua generate`: a run prints what it wrote and its rate; bad input is refused in Vietnamese with
exit status 2 and nothing written."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, DossierCodeCounter
from motcua.dossiers.tests.conftest import world  # noqa: F401

from .test_generate import gen_world  # noqa: F401

pytestmark = pytest.mark.django_db


def refused(motcua_console, capsys, *args) -> str:
    with pytest.raises(SystemExit) as exc:
        motcua_console(["generate", "--no-progress", *args])
    assert exc.value.code == 2
    assert not Dossier.objects.exists()
    return capsys.readouterr().err


def test_a_run_writes_the_dossiers_and_reports_the_rate(gen_world, motcua_console, capsys):  # noqa: F811
    motcua_console(["generate", "--province", "66", "--dossiers", "120", "--months", "2", "--seed", "3",
                    "--end", "2026-03-31", "--batch", "100", "--no-progress"])
    out = capsys.readouterr().out
    assert Dossier.objects.count() == 120
    assert "Đã sinh 120 hồ sơ từ 2026-02-01 đến 2026-03-31" in out
    assert "hồ sơ/giây" in out and "sự kiện" in out
    assert "bộ đếm Bộ chỉ số" in out
    # Over the whole province: the province's real communes, not only the two test wards.
    assert Dossier.objects.values("handling_unit").distinct().count() > 20
    assert DossierCodeCounter.objects.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--dossiers", "0"], "Số hồ sơ phải từ 1 đến 50.000.000"),
    (["--dossiers", "mười"], "--dossiers mười: cần một số nguyên"),
    (["--months", "0"], "Số tháng phải từ 1 đến 120"),
    (["--batch", "10"], "Kích thước lô phải từ 100 đến 100.000"),
    (["--province", "99"], "Không có tỉnh, thành phố mã 99"),
    (["--province", "24133"], "Không có tỉnh, thành phố mã 24133"),
    (["--end", "31/03/2026"], "--end 31/03/2026: cần một ngày dạng YYYY-MM-DD"),
    (["--end", "2025-06-30"], "chỉ có hiệu lực từ 2025-07-01"),
    (["--writer", "nhanh"], "Cách ghi nhanh không có"),
])
def test_bad_arguments_are_refused_in_vietnamese(gen_world, motcua_console, capsys, args, message):  # noqa: F811
    assert message in refused(motcua_console, capsys, "--months", "1", *args)


def test_a_future_end_is_refused(gen_world, motcua_console, capsys):  # noqa: F811
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "ở tương lai" in refused(motcua_console, capsys, "--end", tomorrow)


def test_copy_is_refused_on_sqlite(gen_world, motcua_console, capsys):  # noqa: F811
    if connection.vendor != "sqlite":
        pytest.skip("on PostgreSQL COPY is the default writer (test_generate covers it)")
    assert "chỉ dùng được với PostgreSQL" in refused(motcua_console, capsys, "--writer", "copy")


def test_an_empty_catalogue_is_refused_with_what_to_do(db, motcua_console, capsys):
    assert not Procedure.objects.exists()
    assert "hãy nạp danh mục" in refused(motcua_console, capsys, "--dossiers", "10")
