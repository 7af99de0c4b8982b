# SPDX-License-Identifier: AGPL-3.0-or-later
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.catalog.exchange import catalog_export
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_get
from motcua.catalog.tests.factories import BIRTH, BUILDING, catalog_payload
from motcua.catalog.xlsx import payload_to_xlsx, xlsx_to_payload
from motcua.units.services import unit_create_agency

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("catalog", *args, stdout=out)
    return out.getvalue()


def _refused(*args) -> CommandError:
    with pytest.raises(CommandError) as exc:
        _run(*args)
    assert exc.value.returncode == 2
    return exc.value


@pytest.fixture
def json_file(tmp_path):
    path = tmp_path / "danh-muc.json"
    path.write_text(json.dumps(catalog_payload(), ensure_ascii=False), encoding="utf-8")
    return path


def test_import_json_prints_counts_and_a_second_run_changes_nothing(json_file):
    assert "Tạo mới: 2, cập nhật: 0, không đổi: 0." in _run("import", str(json_file))
    assert Procedure.objects.count() == 2
    assert "Tạo mới: 0, cập nhật: 0, không đổi: 2." in _run("import", str(json_file))


def test_import_xlsx_by_extension(tmp_path):
    path = tmp_path / "danh-muc.xlsx"
    path.write_bytes(payload_to_xlsx(catalog_payload()))
    assert "Tạo mới: 2" in _run("import", str(path))
    assert [p.name for p in procedure_get(code="1.001193").papers.all()] == [
        "Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]


def test_dry_run_reports_and_writes_nothing(json_file):
    output = _run("import", str(json_file), "--dry-run")
    assert "Tạo mới: 2" in output and "Chạy thử" in output
    assert not Procedure.objects.exists()


def test_province_resolves_the_handling_agency(tmp_path, dak_lak):
    unit_create_agency(parent=dak_lak, code="66.STP", name="Sở Tư pháp")
    path = tmp_path / "stp.json"
    record = dict(BUILDING, level="province", handling_agency="Sở Tư pháp", handling_agency_code="STP")
    path.write_text(json.dumps(catalog_payload(record)), encoding="utf-8")
    _run("import", str(path), "--province", "66")
    assert procedure_get(code="1.009994").handling_unit.code == "66.STP"


def test_a_bad_record_refuses_the_whole_file_with_status_2(tmp_path):
    path = tmp_path / "hong.json"
    bad = dict(BUILDING, processing_time={"value": -3, "unit": "days"})
    path.write_text(json.dumps(catalog_payload(BIRTH, bad)), encoding="utf-8")
    error = _refused("import", str(path))
    assert "Thủ tục thứ 2 (1.009994)" in str(error)
    assert not Procedure.objects.exists()


def test_a_bad_xlsx_row_is_named_and_goes_to_stderr(tmp_path, capsys, motcua_console):
    path = tmp_path / "hong.xlsx"
    path.write_bytes(payload_to_xlsx(catalog_payload(dict(BIRTH, steps=BIRTH["steps"][:2]))))
    with pytest.raises(SystemExit) as exc:
        motcua_console(["catalog", "import", str(path)])
    assert exc.value.code == 2
    assert "Trang «Quy trình», dòng 2, 3 (1.001193)" in capsys.readouterr().err
    assert not Procedure.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [("{không phải json", "sai cú pháp ở dòng 1"), ('{"format": "khac"}', "không đúng định dạng motcua.catalog/1")],
)
def test_unreadable_files_are_refused_in_vietnamese(tmp_path, content, message):
    path = tmp_path / "x.json"
    path.write_text(content, encoding="utf-8")
    assert message in str(_refused("import", str(path)))


def test_missing_file_and_unknown_province_are_refused(json_file, tmp_path):
    assert "Không tìm thấy tệp" in str(_refused("import", str(tmp_path / "khong-co.json")))
    assert "Không tìm thấy đơn vị có mã 99" in str(_refused("import", str(json_file), "--province", "99"))
    assert not Procedure.objects.exists()


def test_export_json_to_stdout_is_the_catalogue(json_file):
    _run("import", str(json_file))
    assert json.loads(_run("export")) == catalog_export()


def test_export_xlsx_to_a_file(json_file, tmp_path):
    _run("import", str(json_file))
    target = tmp_path / "xuat.xlsx"
    assert "Đã xuất 1 thủ tục" in _run("export", "--output", str(target), "--code", "1.001193")
    assert xlsx_to_payload(target.read_bytes()) == catalog_export(codes=["1.001193"])
    assert "--output" in str(_refused("export", "--format", "xlsx"))


def test_synonyms_adds_back_the_missing_rules_of_the_data_file_only():
    from motcua.catalog.models import SearchSynonym
    from motcua.catalog.synonyms import DATA_FILE, phrase_normalize

    expected = {(phrase_normalize(row["phrase"]), phrase_normalize(row.get("expansion", "")))
                for row in json.loads(DATA_FILE.read_text(encoding="utf-8"))["synonyms"]}
    assert _run("synonyms").strip() == "Đã thêm 0 từ đồng nghĩa."  # the migration seeded them all
    removed = list(SearchSynonym.objects.order_by("pk")[:3].values_list("phrase", "expansion"))
    SearchSynonym.objects.filter(pk__in=SearchSynonym.objects.order_by("pk")[:3].values("pk")).delete()
    SearchSynonym.objects.create(phrase="mot cua", expansion="tiep nhan")  # an administrator's own rule stays

    assert _run("synonyms").strip() == "Đã thêm 3 từ đồng nghĩa."
    assert set(removed) <= set(SearchSynonym.objects.values_list("phrase", "expansion"))
    assert SearchSynonym.objects.filter(phrase="mot cua").exists()
    assert expected <= set(SearchSynonym.objects.values_list("phrase", "expansion"))
