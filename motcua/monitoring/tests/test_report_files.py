# SPDX-License-Identifier: AGPL-3.0-or-later
"""The report as JSON, XLSX and PDF, from the CLI: every file shows the figures `report_compute` gives."""

import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from motcua.dossiers.printing.pdf import FONT
from motcua.dossiers.tests.printing.conftest import needs_pdftotext, pdf_text
from motcua.monitoring.reports import COLUMNS, KEYS, RATE_LABEL, report_compute, report_pdf, report_xlsx

from .dashboard_data import MARCH, PROVINCE_MARCH, shared_world

ARGS = ["--unit", "66", "--from", "2026-03-01", "--to", "2026-03-31"]


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    with shared_world(django_db_blocker, with_march=True) as pair:
        yield pair


@pytest.fixture
def world(shared, db):
    return shared[0]


@pytest.fixture
def march(world):
    """The province's March report."""
    return report_compute(unit=world.province, start=MARCH[0], end=MARCH[1])


def _cli_json(*args) -> dict:
    out = io.StringIO()
    call_command("report", *ARGS, *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def _sheet_rows(ws) -> tuple[list[str], list[list]]:
    """(header, data rows) of a report sheet: the header is the row starting a table, frozen below it."""
    header_row = ws.freeze_panes and int("".join(ch for ch in ws.freeze_panes if ch.isdigit())) - 1
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    return list(rows[0]), [list(row) for row in rows[1:]]


def test_the_cli_json_is_the_report(march):
    data = _cli_json("--format", "json")
    expected = march.as_dict()
    data.pop("generated_at"), expected.pop("generated_at")
    assert data == expected
    assert {k: data["totals"][k] for k in KEYS} == PROVINCE_MARCH and data["totals"]["on_time_rate"] == 50.0
    assert [c["label"] for c in data["columns"]][:3] == ["Tiếp nhận trong kỳ", "Kỳ trước chuyển sang", "Tổng số hồ sơ"]


def test_every_xlsx_figure_equals_the_cli_json(march, tmp_path):
    path = tmp_path / "bao-cao.xlsx"
    call_command("report", *ARGS, "--format", "xlsx", "--output", str(path), stdout=io.StringIO(),
                 stderr=io.StringIO())
    data = _cli_json()
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Tổng hợp", "Theo lĩnh vực", "Theo đơn vị", "Theo kênh tiếp nhận"]
    header, rows = _sheet_rows(workbook["Tổng hợp"])
    assert header[1:] == [str(label) for _key, label in COLUMNS] + [str(RATE_LABEL)]
    assert rows == [["Tổng cộng", *[data["totals"][k] for k in KEYS], data["totals"]["on_time_rate"]]]
    for title, key in [("Theo lĩnh vực", "by_field"), ("Theo đơn vị", "by_unit"), ("Theo kênh tiếp nhận", "by_channel")]:
        _header, rows = _sheet_rows(workbook[title])
        expected = [[row["label"], *[row[k] for k in KEYS], row["on_time_rate"]] for row in [*data[key], data["totals"]]]
        assert rows == expected, title
    ws = workbook["Theo đơn vị"]
    assert ws.freeze_panes == "B7" and ws["B8"].number_format == "#,##0"
    assert "Tỉnh Đắk Lắk" in ws["A2"].value and "01/03/2026" in ws["A3"].value and "31/03/2026" in ws["A3"].value


@needs_pdftotext
def test_the_pdf_shows_the_same_figures_in_vietnamese(march):
    text = pdf_text(report_pdf(march))
    assert "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT HỒ SƠ THỦ TỤC HÀNH CHÍNH" in text
    assert "Tỉnh Đắk Lắk" in text and "từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    totals = " ".join(str(march.totals.figures[k]) for k in KEYS) + " 50.00"
    assert f"Tổng cộng {totals}" in text
    bmt = next(row for row in march.by_unit if row.key == "24133")
    assert f"{bmt.label} " + " ".join(str(bmt.figures[k]) for k in KEYS) + " 60.00" in text
    assert "Trực tuyến 0 0 0" not in text and "Trực tuyến 1 0 1 1 0 1 0 0 0 0 100.00" in text


def test_the_pdf_embeds_dejavu_not_helvetica(march):
    pdf = report_pdf(march)
    assert pdf.startswith(b"%PDF-") and FONT.encode() in pdf and b"Helvetica" not in pdf


def test_the_xlsx_bytes_open_and_the_cli_writes_pdf_to_a_file(march, tmp_path):
    assert load_workbook(io.BytesIO(report_xlsx(march))).sheetnames[0] == "Tổng hợp"
    path = tmp_path / "bao-cao.pdf"
    err = io.StringIO()
    call_command("report", *ARGS, "--format", "pdf", "--output", str(path), stdout=io.StringIO(), stderr=err)
    assert path.read_bytes().startswith(b"%PDF-") and "Đã ghi" in err.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "99999", "--from", "2026-03-01", "--to", "2026-03-31"], "Không tìm thấy đơn vị có mã 99999"),
        (["--unit", "66", "--from", "2026-03-31", "--to", "2026-03-01"], "phải trước hoặc bằng ngày kết thúc"),
        (["--unit", "66", "--from", "01/03/2026", "--to", "2026-03-31"], "Ngày 01/03/2026 của --from không hợp lệ"),
        ([*ARGS, "--format", "docx"], "Định dạng docx không hỗ trợ"),
        ([*ARGS, "--format", "xlsx"], "cần --output"),
    ],
)
def test_bad_input_exits_2_with_a_vietnamese_message(world, motcua_console, capsys, args, message):
    with pytest.raises(SystemExit) as exc:
        motcua_console(["report", *args])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
