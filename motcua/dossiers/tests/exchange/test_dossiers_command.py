# SPDX-License-Identifier: AGPL-3.0-or-later
"""`motcua dossiers import|export`: output and exit status (0 all in, 1 some refused, 2 unreadable)."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.dossiers.management.commands import dossiers as command
from motcua.dossiers.models import Dossier

from .records import CENTER, jsonl, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def main(motcua_console):
    return motcua_console


def _run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("dossiers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "ho-so.jsonl"
    path.write_text(jsonl(record(1), record(2)), encoding="utf-8")
    return path


@pytest.fixture
def mixed_file(tmp_path):
    path = tmp_path / "ho-so-loi.jsonl"
    path.write_text(jsonl(record(1), record(2, MaTTHC="9.999999"), "{hỏng", record(4, NgayHenTra="20261301000000")),
                    encoding="utf-8")
    return path


def test_a_clean_file_exits_0_and_prints_the_counts(world, good_file, main):
    out, err = _run("import", str(good_file))
    assert out == "Tạo mới: 2, không đổi: 0, bị từ chối: 0.\n" and err == ""
    assert Dossier.objects.count() == 2
    out, _err = _run("import", str(good_file))
    assert out == "Tạo mới: 0, không đổi: 2, bị từ chối: 0.\n"
    main(["dossiers", "import", str(good_file), "--no-progress"])  # no SystemExit: status 0


def test_rejected_lines_are_listed_in_vietnamese_and_the_status_is_1(world, mixed_file, capsys, main):
    with pytest.raises(SystemExit) as exc:
        main(["dossiers", "import", str(mixed_file)])
    assert exc.value.code == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[:3] == [
        "Tạo mới: 1, không đổi: 0, bị từ chối: 3.",
        "dòng 2: MaTTHC: không có thủ tục «9.999999» trong danh mục.",
        "dòng 3: JSON sai cú pháp ở cột 2.",
    ]
    assert "dòng 4: NgayHenTra: «20261301000000» không phải một ngày giờ có thật" in out
    assert "3 dòng bị từ chối; các dòng còn lại đã được nhập." in err
    assert list(Dossier.objects.values_list("code", flat=True)) == [f"{CENTER}-260302-0001"]


def test_a_file_that_cannot_be_read_exits_2(world, tmp_path, capsys, main):
    for target in (tmp_path / "khong-co.jsonl", tmp_path):
        with pytest.raises(SystemExit) as exc:
            main(["dossiers", "import", str(target)])
        assert exc.value.code == 2
        assert "Không tìm thấy tệp" in capsys.readouterr().err


def test_dry_run_prints_what_would_happen_and_writes_nothing(world, mixed_file):
    with pytest.raises(CommandError) as exc:
        _run("import", str(mixed_file), "--dry-run")
    assert exc.value.returncode == 1 and "sẽ bị từ chối" in str(exc.value)
    assert not Dossier.objects.exists()


def test_the_progress_bar_shows_only_on_a_terminal(world, good_file, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    seen = []
    real = command.tqdm

    def spy(*args, **kwargs):
        seen.append((kwargs["total"], kwargs["disable"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(command, "tqdm", spy)
    terminal = Terminal()
    call_command("dossiers", "import", str(good_file), stdout=io.StringIO(), stderr=terminal)
    call_command("dossiers", "import", str(good_file), "--no-progress", stdout=io.StringIO(), stderr=Terminal())
    _run("import", str(good_file))
    assert seen == [(2, False), (2, True), (2, True)]
    assert "2/2" in terminal.getvalue()


def test_export_writes_jsonl_to_a_file_or_stdout(world, good_file, tmp_path):
    _run("import", str(good_file))
    target = tmp_path / "xuat.jsonl"
    out, _err = _run("export", "--output", str(target))
    assert out == f"Đã xuất 2 hồ sơ ra {target}.\n"
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["MaHoSo"] for line in lines] == [record(1)["MaHoSo"], record(2)["MaHoSo"]]
    assert not (tmp_path / "xuat.jsonl.part").exists()
    out, _err = _run("export", "--unit", "24133", "--since", "2026-01-01")
    assert out.splitlines() == lines
    out, _err = _run("export", "--unit", "66.STP")
    assert out == ""


@pytest.mark.parametrize(("args", "message"), [
    (["--unit", "99999"], "Không có đơn vị mã 99999."),
    (["--since", "hôm qua"], "--since hôm qua: cần dạng YYYY-MM-DD hoặc yyyyMMddHHmmss."),
    (["--output", "/khong-co-thu-muc/x.jsonl"], "Không ghi được tệp /khong-co-thu-muc/x.jsonl"),
])
def test_export_refuses_bad_options_with_status_2(world, args, message):
    with pytest.raises(CommandError) as exc:
        _run("export", *args)
    assert exc.value.returncode == 2 and message in str(exc.value)


def test_batch_size_and_the_index_reminder(world, good_file, monkeypatch):
    """--batch N reaches the import (0: line by line); --no-index skips the rebuild and says what to run."""
    seen = []
    real = command.dossiers_import

    def spy(**kwargs):
        seen.append((kwargs["batch_size"], kwargs["index"]))
        return real(**kwargs)

    monkeypatch.setattr(command, "dossiers_import", spy)
    out, _err = _run("import", str(good_file), "--batch", "0", "--no-index")
    assert out.splitlines() == ["Tạo mới: 2, không đổi: 0, bị từ chối: 0.",
                                "Chưa dựng lại bộ đếm Bộ chỉ số: hãy chạy «motcua index rebuild»."]
    out, _err = _run("import", str(good_file))
    assert out == "Tạo mới: 0, không đổi: 2, bị từ chối: 0.\n"
    assert seen == [(0, False), (command.DEFAULT_BATCH, True)]
    with pytest.raises(CommandError):
        _run("import", str(good_file), "--batch", "-1")
