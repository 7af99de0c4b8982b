# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua index` as a person or a script runs it: JSON and table output, children with ranks, rebuild, and
bad input → a Vietnamese message with exit status 2."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from motcua.dossiers.tests.conftest import local, world  # noqa: F401
from motcua.dossiers.tests.helpers import receive, through_all_steps, to_specialist
from motcua.monitoring.models import DailyCounter, MonthlyCounter

pytestmark = pytest.mark.django_db
ARGS = ["--from", "2026-07-01", "--to", "2026-07-31"]


@pytest.fixture
def dossiers(world):  # noqa: F811
    # Buôn Ma Thuột: one early, one open and overdue at the end of July → 2.1 = 1 ÷ 2 × 20 = 10.
    through_all_steps(world, to_specialist(world, local(2026, 7, 6, 9, 0)), local(2026, 7, 6, 10, 0))
    to_specialist(world, local(2026, 7, 7, 9, 0))
    # Tân An: one received on 28 Jul, due 4 Aug → within time at the end of July → 2.1 = 20.
    receive(world, local(2026, 7, 28, 9, 0), receiving_unit=world.tan_an_center, actor=world.tan_an_receiver)


def run(motcua_console, capsys, *args):
    motcua_console(["index", *args])
    return capsys.readouterr().out


def test_json_has_the_issue_shape_with_two_decimals(world, dossiers, motcua_console, capsys):  # noqa: F811
    data = json.loads(run(motcua_console, capsys, "--unit", "24133", *ARGS, "--format", "json"))
    assert {"unit", "from", "to", "total", "max", "groups"} <= set(data)
    assert (data["unit"], data["from"], data["to"]) == ("24133", "2026-07-01", "2026-07-31")
    assert [g["id"] for g in data["groups"]] == ["1", "2", "3", "4", "5", "6"]
    progress = data["groups"][1]
    assert {"id", "name", "score", "max", "indicators"} <= set(progress)
    assert progress["indicators"][0] | {"na_reason": ""} == {
        "id": "2.1", "name": "Hồ sơ giải quyết đúng hạn và đang giải quyết còn trong hạn", "numerator": 1.0,
        "denominator": 2.0, "ratio": 0.5, "score": 10.0, "max": 20.0, "na_reason": ""}
    numbers = [v for g in data["groups"] for i in g["indicators"] for v in (i["score"], i["ratio"], i["max"])]
    assert all(v is None or round(v, 2) == v for v in numbers)
    assert data["total"] == round(sum(g["score"] for g in data["groups"] if g["score"] is not None), 2)


def test_children_are_ranked_and_the_table_is_readable(world, dossiers, motcua_console, capsys):  # noqa: F811
    data = json.loads(run(motcua_console, capsys, "--unit", "66", *ARGS, "--children"))
    children = {c["unit"]: c for c in data["children"]}
    assert len([c for c in data["children"] if c["unit"].isdigit()]) == 102  # every commune of Đắk Lắk
    assert children["24163"]["percent"] > children["24133"]["percent"]
    assert children["24163"]["rank"] == 1
    assert children["24133"]["rank"] == 2
    unscored = [c for c in data["children"] if c["percent"] is None and c["total"] is None]
    assert all(c["rank"] is None for c in unscored)
    table = run(motcua_console, capsys, "--unit", "24133", *ARGS, "--format", "table")
    assert "Tổng điểm:" in table and "2.1" in table and "10.00 / 20.00" in table
    assert "N/A: chưa có kết nối đồng bộ với Cổng Dịch vụ công quốc gia" in table


def test_period_option_gives_the_same_as_the_dates(world, dossiers, motcua_console, capsys):  # noqa: F811
    by_dates = json.loads(run(motcua_console, capsys, "--unit", "24133", *ARGS))
    by_period = json.loads(run(motcua_console, capsys, "--unit", "24133", "--period", "month", "--on", "2026-07-15"))
    assert by_period == by_dates


def test_rebuild_recomputes_lost_counters(world, dossiers, motcua_console, capsys):  # noqa: F811
    before = json.loads(run(motcua_console, capsys, "--unit", "66", *ARGS))
    DailyCounter.objects.all().delete()
    MonthlyCounter.objects.all().delete()  # July is a whole month: read from the roll-up
    assert json.loads(run(motcua_console, capsys, "--unit", "66", *ARGS)) != before
    out = run(motcua_console, capsys, "rebuild", "--unit", "66")
    assert out.startswith("Đã tính lại bộ đếm từ 3 hồ sơ")
    assert json.loads(run(motcua_console, capsys, "--unit", "66", *ARGS)) == before


def test_checkpoints_are_made_again_from_the_monthly_open_rows(world, motcua_console, capsys):  # noqa: F811
    from datetime import date

    from django.utils import timezone

    from motcua.monitoring.models import OpenBalance, OpenKind, OpenMonthly

    now = timezone.now()
    row = OpenMonthly.objects.create(kind=OpenKind.DOSSIER, unit=world.bmt, month=date(2025, 12, 1),
                                     due_day=date(2026, 2, 2), count=2, updated_at=now)
    OpenBalance.objects.create(kind=OpenKind.DOSSIER, unit=world.bmt, as_of=date(2026, 1, 1),
                               due_day=date(2026, 2, 2), count=99, updated_at=now)  # stale
    out = run(motcua_console, capsys, "checkpoints")
    # 1 January 2026, and every later year start up to today's (the due day then past: merged).
    years = timezone.localdate().year - 2025
    assert f"{years} mốc" in out and "2026-01-01" in out
    assert OpenBalance.objects.get(as_of=date(2026, 1, 1)).due_day == date(2026, 2, 2)
    assert set(OpenBalance.objects.values_list("count", flat=True)) == {2}
    OpenMonthly.objects.filter(pk=row.pk).update(count=0)
    assert "0 mốc" in run(motcua_console, capsys, "checkpoints") and not OpenBalance.objects.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--unit", "99999", *ARGS], "Không tìm thấy đơn vị có mã 99999"),
    (["--unit", "66", "--from", "2026-07-31", "--to", "2026-07-01"], "phải trước hoặc bằng ngày kết thúc"),
    (["--unit", "66", "--from", "2026-13-01", "--to", "2026-07-31"], "Ngày 2026-13-01 của --from không hợp lệ"),
    (["--unit", "66", "--from", "2026-07-01"], "Cần cả --from và --to"),
    (["--unit", "66", *ARGS, "--format", "xml"], "Định dạng xml không hỗ trợ"),
    (["--unit", "66", "--period", "month", "--from", "2026-07-01"], "không dùng cả hai"),
    (["rebuild", "--unit", "nope"], "Không tìm thấy đơn vị có mã nope"),
])
def test_bad_input_exits_2_with_a_vietnamese_message(world, motcua_console, capsys, args, message):  # noqa: F811
    with pytest.raises(SystemExit) as exc:
        motcua_console(["index", *args])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_call_command_works_too(world):  # noqa: F811
    out = StringIO()
    call_command("index", "--unit", "24133", *ARGS, stdout=out)
    data = json.loads(out.getvalue())
    # No dossier: only the catalogue indicators are scored — 1.3 (0 of 2 complete, 2 points), 3.2 (0 points),
    # 4.1 (gateway off: 0 of 2, 2 points).
    assert (data["total"], data["max"]) == (0.0, 4.0)
