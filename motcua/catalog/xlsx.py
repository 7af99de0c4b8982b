# SPDX-License-Identifier: AGPL-3.0-or-later
"""The catalogue as an Excel workbook (.xlsx): the content of `motcua.catalog/1` in four sheets that an
official can edit (docs/catalog-format.md, "XLSX").

Each header is a Vietnamese label ending in a stable machine key in brackets, "Mã thủ tục (code)"; the
reader finds columns by that key, so labels may be reworded and columns moved. Reading turns cells into
a `motcua.catalog/1` document and checks every row with the rules of schema.py, naming the sheet and
the row: "Trang «Lệ phí», dòng 7 (1.001193): ...".
"""

import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from zipfile import BadZipFile

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from .exchange import number_out
from .models import FeePayment, Level, OnlineLevel, PaperForm, PublicationStatus, ResultType, TimeUnit

# One fee, paper or step row is checked by the very functions the JSON import uses, given the row's own
# label. schema.py keeps them private; they are worth making public (fee_parse, paper_parse, step_parse).
from .schema import (
    FORMAT,
    ROLE_NAMES,
    CatalogError,
    check_step_sum,
    fee_parse,
    paper_parse,
    procedure_parse,
    step_parse,
)

OMIT = object()  # an empty cell whose key is left out, so that schema.py applies its default
HEADER_KEY = re.compile(r"\(([a-z_.]+)\)\s*$")
GROUPED_INT = re.compile(r"\d+|\d{1,3}(?:[.,]\d{3})+")  # 50000, 50.000, 50,000
TRUE_WORDS = {"có", "co", "x", "true", "đúng", "1", "yes"}
FALSE_WORDS = {"không", "khong", "false", "sai", "0", "no"}
EMPTY = {"text": "", "code": "", "opt": None, "choice": OMIT, "int": OMIT, "dec": OMIT, "bool": OMIT,
         "date": None, "lines": [], "list": [], "json": {}}


@dataclass(frozen=True)
class Column:
    key: str  # the exchange-format key, dotted for nested objects ("processing_time.value")
    label: str
    kind: str = "text"  # a key of EMPTY
    choices: tuple = ()
    width: int = 16

    @property
    def header(self) -> str:
        return f"{self.label} ({self.key})"


@dataclass(frozen=True, eq=False)
class Sheet:
    title: str  # not translated: the reader finds sheets by title
    columns: tuple[Column, ...]


def _code() -> Column:
    return Column("code", gettext_lazy("Mã thủ tục"), "code", width=12)


PROCEDURES = Sheet("Thủ tục", (
    _code(),
    Column("name", gettext_lazy("Tên thủ tục"), width=60),
    Column("field", gettext_lazy("Mã lĩnh vực"), width=12),
    Column("field_name", gettext_lazy("Tên lĩnh vực"), width=24),
    Column("level", gettext_lazy("Cấp thực hiện"), "choice", tuple(Level.values)),
    Column("handling_agency", gettext_lazy("Cơ quan giải quyết"), width=30),
    Column("handling_agency_code", gettext_lazy("Mã cơ quan giải quyết"), "opt"),
    Column("processing_time.value", gettext_lazy("Thời hạn giải quyết"), "dec"),
    Column("processing_time.unit", gettext_lazy("Đơn vị thời hạn"), "choice", tuple(TimeUnit.values)),
    Column("processing_time_note", gettext_lazy("Ghi chú thời hạn"), width=30),
    Column("result.type", gettext_lazy("Loại kết quả"), "choice", tuple(ResultType.values)),
    Column("result.name", gettext_lazy("Tên kết quả"), width=30),
    Column("subjects", gettext_lazy("Đối tượng thực hiện, cách nhau bởi dấu chấm phẩy"), "list"),
    Column("online_level", gettext_lazy("Mức độ trực tuyến"), "choice", tuple(OnlineLevel.values)),
    Column("partial_reason", gettext_lazy("Lý do chỉ trực tuyến một phần"), width=30),
    Column("cross_boundary", gettext_lazy("Tiếp nhận không phụ thuộc địa giới hành chính"), "bool"),
    Column("legal_basis", gettext_lazy("Căn cứ pháp lý, mỗi văn bản một dòng"), "lines", width=50),
    Column("publication_status", gettext_lazy("Trạng thái công bố"), "choice", tuple(PublicationStatus.values)),
    Column("decided_on", gettext_lazy("Ngày quyết định công bố"), "date"),
    Column("published_on", gettext_lazy("Ngày công khai"), "date"),
    Column("keywords", gettext_lazy("Từ khóa, cách nhau bởi dấu chấm phẩy"), "list", width=30),
    Column("popularity", gettext_lazy("Mức độ phổ biến"), "int"),
    Column("verified", gettext_lazy("Đã đối chiếu nguồn chính thức"), "bool"),
    Column("verification_note", gettext_lazy("Ghi chú đối chiếu"), width=30),
    Column("form_schema", gettext_lazy("Biểu mẫu điện tử, JSON Schema"), "json", width=20),
))
FEES = Sheet("Lệ phí", (
    _code(), Column("order", gettext_lazy("Thứ tự"), "int", width=8),
    Column("name", gettext_lazy("Tên phí, lệ phí"), width=40),
    Column("amount", gettext_lazy("Mức thu (đồng)"), "int"),
    Column("paid_when", gettext_lazy("Thời điểm nộp"), "choice", tuple(FeePayment.values)),
    Column("note", gettext_lazy("Ghi chú"), width=40),
))
PAPERS = Sheet("Thành phần hồ sơ", (
    _code(), Column("order", gettext_lazy("Thứ tự"), "int", width=8),
    Column("name", gettext_lazy("Tên giấy tờ"), width=50),
    Column("form", gettext_lazy("Hình thức"), "choice", tuple(PaperForm.values)),
    Column("count", gettext_lazy("Số lượng"), "int", width=10),
    Column("template", gettext_lazy("Mẫu đơn, tờ khai"), width=30),
    Column("required", gettext_lazy("Bắt buộc"), "bool", width=10),
))
STEPS = Sheet("Quy trình", (
    _code(), Column("order", gettext_lazy("Thứ tự"), "int", width=8),
    Column("name", gettext_lazy("Tên bước"), width=40),
    Column("role", gettext_lazy("Vai trò thực hiện"), "choice", tuple(ROLE_NAMES)),
    Column("allowance", gettext_lazy("Thời gian"), "dec", width=10),
    Column("unit", gettext_lazy("Mã đơn vị thực hiện"), "opt"),
))
CHILDREN = ((FEES, "fees", fee_parse), (PAPERS, "papers", paper_parse), (STEPS, "steps", step_parse))


def _where(sheet: Sheet, rows) -> str:
    return _("Trang «%(sheet)s», dòng %(row)s") % {"sheet": sheet.title, "row": rows}


def _error(where: str, message: str) -> CatalogError:
    return CatalogError(_("%(where)s: %(message)s") % {"where": where, "message": message})


# ---- writing ----------------------------------------------------------------------------------------


def _get(record: dict, key: str):
    head, _dot, tail = key.partition(".")
    value = record.get(head)
    return value.get(tail) if tail and isinstance(value, dict) else value


def _to_cell(column: Column, value):
    if value is None:
        return None
    if column.kind == "lines" and isinstance(value, list):
        return "\n".join(str(v) for v in value) or None
    if column.kind == "list" and isinstance(value, list):
        return "; ".join(str(v) for v in value) or None
    if column.kind == "json":
        return json.dumps(value, ensure_ascii=False) if value else None
    if column.kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value if isinstance(value, str | int | float | bool | date) else str(value)


def _write_sheet(book: Workbook, sheet: Sheet, records: list[dict]) -> None:
    ws = book.create_sheet(sheet.title)
    for col, column in enumerate(sheet.columns, 1):
        cell = ws.cell(1, col, column.header)
        cell.font, cell.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = column.width
    for row, record in enumerate(records, 2):
        for col, column in enumerate(sheet.columns, 1):
            cell = ws.cell(row, col, _to_cell(column, _get(record, column.key)))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a note starting with "=" is text, not a formula
            if column.kind in ("code", "opt"):
                cell.number_format = "@"
            elif column.kind == "date":
                cell.number_format = "DD/MM/YYYY"
            elif column.kind == "lines":
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"
    _add_choice_lists(ws, sheet, last_row=max(len(records) + 1, 500))


def _add_choice_lists(ws, sheet: Sheet, *, last_row: int) -> None:
    """Drop-down lists of the allowed values on choice columns."""
    for col, column in enumerate(sheet.columns, 1):
        if column.kind != "choice":
            continue
        choices = ",".join(column.choices)
        rule = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True,
                              showErrorMessage=True, error=str(_("Chọn một giá trị trong danh sách.")))
        letter = get_column_letter(col)
        rule.add(f"{letter}2:{letter}{last_row}")
        ws.add_data_validation(rule)


def payload_to_xlsx(payload: dict) -> bytes:
    """A `motcua.catalog/1` document as an .xlsx workbook (bytes)."""
    names = {f.get("code"): f.get("name") for f in payload.get("fields") or [] if isinstance(f, dict)}
    rows = {PROCEDURES: [], FEES: [], PAPERS: [], STEPS: []}
    for record in payload.get("procedures") or []:
        code = record.get("code")
        rows[PROCEDURES].append({**record, "field_name": names.get(record.get("field"))})
        for sheet, key in ((FEES, "fees"), (PAPERS, "papers")):
            rows[sheet] += [{**child, "code": code, "order": i} for i, child in enumerate(record.get(key) or [], 1)]
        rows[STEPS] += [{**step, "code": code} for step in record.get("steps") or []]
    book = Workbook()
    book.remove(book.active)
    for sheet, records in rows.items():
        _write_sheet(book, sheet, records)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- reading: one cell ------------------------------------------------------------------------------


def _text(raw, column: Column, where: str) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime):
        raw = raw.date()
    return raw.isoformat() if isinstance(raw, date) else str(raw)


def _code_text(raw, column: Column, where: str) -> str:
    """A national code typed as a number (1.001193) lost its text form: read it back as N.NNNNNN."""
    if isinstance(raw, float) and not raw.is_integer():
        return f"{raw:.6f}"
    return _text(raw, column, where)


def _int(raw, column: Column, where: str):
    """Whole numbers, also typed as text with thousands separators; anything else goes on to schema.py,
    which names the problem."""
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, str) and GROUPED_INT.fullmatch(raw.replace(" ", "")):
        return int(re.sub(r"[.,\s]", "", raw))
    return raw


def _dec(raw, column: Column, where: str):
    """Decimal numbers, also typed as text with a decimal comma ("0,5")."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        return number_out(raw)
    try:
        number = Decimal(str(raw).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return raw
    return number_out(number) if number.is_finite() else raw


def _bool(raw, column: Column, where: str) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(int(raw) if isinstance(raw, float) and raw.is_integer() else raw).strip().casefold()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise _error(where, _("%(key)s phải là «Có» hoặc «Không», nhận được «%(value)s».")
                 % {"key": column.key, "value": raw})


def _date(raw, column: Column, where: str):
    """Excel dates, serial numbers, DD/MM/YYYY or YYYY-MM-DD; anything else goes on to schema.py."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        try:
            raw = from_excel(raw)
        except (ValueError, OverflowError):
            return raw
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    try:
        return datetime.strptime(str(raw), "%d/%m/%Y").date().isoformat()
    except ValueError:
        return raw


def _lines(raw, column: Column, where: str) -> list[str]:
    return [line.strip() for line in str(raw).splitlines() if line.strip()]


def _list(raw, column: Column, where: str) -> list[str]:
    return [part.strip() for part in str(raw).split(";") if part.strip()]


def _json(raw, column: Column, where: str) -> dict:
    try:
        return json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        raise _error(where, _("%(key)s không phải JSON hợp lệ.") % {"key": column.key}) from None


READ = {"text": _text, "code": _code_text, "opt": _text, "choice": _text, "int": _int, "dec": _dec,
        "bool": _bool, "date": _date, "lines": _lines, "list": _list, "json": _json}


def _from_cell(column: Column, raw, where: str):
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        return EMPTY[column.kind]
    return READ[column.kind](raw, column, where)


# ---- reading: sheets --------------------------------------------------------------------------------


def _open(file):
    try:
        return load_workbook(io.BytesIO(file) if isinstance(file, bytes) else file, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise CatalogError(_("Không đọc được tệp Excel: tệp hỏng hoặc không phải định dạng .xlsx.")) from None


def _positions(sheet: Sheet, header) -> dict[str, int]:
    """Column index of every key, from the header row; unknown, repeated or missing columns refused."""
    keys, positions, where = {c.key for c in sheet.columns}, {}, _where(sheet, 1)
    for index, text in enumerate(header):
        if text is None or not str(text).strip():
            continue
        match = HEADER_KEY.search(str(text))
        key = match.group(1) if match else None
        if key not in keys:
            raise _error(where, _("cột «%(header)s» không rõ: tiêu đề phải kết thúc bằng mã cột trong ngoặc, "
                                  "ví dụ «Mã thủ tục (code)».") % {"header": text})
        if key in positions:
            raise _error(where, _("cột %(key)s bị lặp.") % {"key": key})
        positions[key] = index
    missing = [c.key for c in sheet.columns if c.key not in positions]
    if missing:
        raise _error(where, _("thiếu cột %(keys)s.") % {"keys": ", ".join(missing)})
    return positions


def _read_sheet(book, sheet: Sheet) -> list[tuple[int, dict]]:
    """(row number, {key: value}) for every non-empty row; empty cells as EMPTY says."""
    if sheet.title not in book.sheetnames:
        raise CatalogError(_("Tệp Excel thiếu trang «%(sheet)s».") % {"sheet": sheet.title})
    rows = book[sheet.title].iter_rows(values_only=True)
    positions = _positions(sheet, next(rows, None) or ())
    result = []
    for number, cells in enumerate(rows, 2):
        if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        where = _where(sheet, number)
        values = {}
        for column in sheet.columns:
            index = positions[column.key]
            value = _from_cell(column, cells[index] if index < len(cells) else None, where)
            if value is not OMIT:
                values[column.key] = value
        result.append((number, values))
    return result


def _nest(values: dict) -> dict:
    record = {}
    for key, value in values.items():
        head, _dot, tail = key.partition(".")
        if tail:
            record.setdefault(head, {})[tail] = value
        else:
            record[key] = value
    return record


def _procedures(rows) -> tuple[dict[str, dict], dict[str, int], dict[str, str]]:
    """Records by code, their row numbers, and the field names given in `field_name`."""
    records, numbers, fields = {}, {}, {}
    for number, values in rows:
        where, code = _where(PROCEDURES, number), values["code"]
        if not code:
            raise _error(where, _("thiếu mã thủ tục (code)."))
        if code in records:
            raise _error(where, _("mã thủ tục %(code)s đã có ở dòng %(row)s.") % {"code": code, "row": numbers[code]})
        field_code, field_name = values.get("field"), values.pop("field_name")
        if field_code and field_name:
            if fields.setdefault(field_code, field_name) != field_name:
                raise _error(where, _("lĩnh vực %(field)s đã có tên khác «%(name)s» ở dòng trên.")
                             % {"field": field_code, "name": fields[field_code]})
        records[code] = {**_nest(values), "fees": [], "papers": [], "steps": []}
        numbers[code] = number
    return records, numbers, fields


def _order(values: dict, key: str, where: str):
    order = values.get("order") if key == "steps" else values.pop("order", None)
    if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
        raise _error(where, _("order phải là số nguyên, nhận được «%(value)s».") % {"value": order})
    return order


def _attach(sheet: Sheet, key: str, parse, rows, records: dict) -> dict[str, list]:
    """Check each row of a child sheet alone and hang it on its procedure, sorted by order; returns the
    parsed rows per procedure code as (row number, parsed)."""
    grouped = {}
    for number, values in rows:
        code = values.pop("code")
        where = f"{_where(sheet, number)} ({code})" if code else _where(sheet, number)
        if not code:
            raise _error(where, _("thiếu mã thủ tục (code)."))
        if code not in records:
            raise _error(where, _("mã thủ tục %(code)s không có trong trang «%(sheet)s».")
                         % {"code": code, "sheet": PROCEDURES.title})
        order = _order(values, key, where)
        grouped.setdefault(code, []).append((order is None, order or 0, number, values, parse(values, where)))
    parsed = {}
    for code, items in grouped.items():
        items.sort(key=lambda item: item[:3])
        records[code][key] = [item[3] for item in items]
        parsed[code] = [(item[2], item[4]) for item in items]
    return parsed


def _check(record: dict, where: str, steps: list) -> None:
    """The procedure's own row, then its steps against its legal time, each named where it is written."""
    data = procedure_parse({**record, "steps": []}, where=where)
    if steps:
        rows = ", ".join(str(number) for number, _step in steps)
        check_step_sum([step for _number, step in steps], data.processing_time_value,
                       str(TimeUnit(data.processing_time_unit).label), f"{_where(STEPS, rows)} ({data.code})")


def xlsx_to_payload(file) -> dict:
    """An .xlsx workbook (path, file object or bytes) → a `motcua.catalog/1` document, every row checked
    with schema.py; CatalogError names the sheet and the row."""
    book = _open(file)
    try:
        tables = {sheet: _read_sheet(book, sheet) for sheet in (PROCEDURES, FEES, PAPERS, STEPS)}
    finally:
        book.close()
    records, numbers, fields = _procedures(tables[PROCEDURES])
    parsed = {key: _attach(sheet, key, parse, tables[sheet], records) for sheet, key, parse in CHILDREN}
    for code, record in records.items():
        _check(record, _where(PROCEDURES, numbers[code]), parsed["steps"].get(code, []))
    return {"format": FORMAT, "fields": [{"code": c, "name": n} for c, n in sorted(fields.items())],
            "procedures": list(records.values())}
