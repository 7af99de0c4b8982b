# SPDX-License-Identifier: AGPL-3.0-or-later
from decimal import Decimal

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.schema import CatalogError
from motcua.catalog.selectors import procedure_get
from motcua.catalog.services import catalog_import, catalog_parse
from motcua.catalog.tests.factories import BIRTH, BUILDING, catalog_payload

pytestmark = pytest.mark.django_db


def _import(payload):
    return catalog_import(**dict(zip(("fields", "procedures"), catalog_parse(payload), strict=True)))


def test_import_creates_procedures_with_papers_fees_and_steps():
    report = _import(catalog_payload())
    assert report.created == ["1.001193", "1.009994"]
    birth = procedure_get(code="1.001193")
    assert birth.field.name == "Hộ tịch"
    assert [p.name for p in birth.papers.all()] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    [process] = birth.processes.all()
    assert [s.role for s in process.steps.all()] == ["tiep_nhan", "chuyen_vien", "lanh_dao_ky", "tiep_nhan"]
    assert sum(s.allowance for s in process.steps.all()) == birth.processing_time_value == Decimal(1)
    assert "lam giay khai sinh cho con" in birth.search_text


def test_reimport_of_the_same_file_changes_nothing():
    _import(catalog_payload())
    first = {p.code: p.updated_at for p in Procedure.objects.all()}
    report = _import(catalog_payload())
    assert report.unchanged == ["1.001193", "1.009994"] and not report.created and not report.updated
    assert first == {p.code: p.updated_at for p in Procedure.objects.all()}  # not even rewritten


def test_changed_fee_is_reported_as_updated():
    _import(catalog_payload())
    building = dict(BUILDING, fees=[{"name": "Lệ phí cấp giấy phép xây dựng", "amount": 100000}])
    report = _import(catalog_payload(BIRTH, building))
    assert report.updated == ["1.009994"] and report.unchanged == ["1.001193"]
    assert procedure_get(code="1.009994").fees.get().amount == 100000


def test_steps_not_summing_to_legal_time_are_refused_naming_the_gap():
    short = dict(BIRTH, steps=BIRTH["steps"][:2])  # 0.75 of 1 working day
    with pytest.raises(CatalogError) as exc:
        catalog_parse(catalog_payload(short))
    message = str(exc.value.message)
    assert "Thủ tục thứ 1 (1.001193)" in message
    assert "0,75 ngày làm việc" in message and "thiếu 0,25 ngày làm việc" in message


def test_a_bad_row_is_reported_with_its_number_and_nothing_is_applied():
    bad = dict(BUILDING, processing_time={"value": -3, "unit": "days"})
    with pytest.raises(CatalogError) as exc:
        _import(catalog_payload(BIRTH, bad))
    assert "Thủ tục thứ 2 (1.009994)" in str(exc.value.message)
    assert not Procedure.objects.exists()


def test_partial_online_procedure_must_publish_why():
    no_reason = dict(BUILDING, partial_reason="")
    with pytest.raises(CatalogError) as exc:
        catalog_parse(catalog_payload(no_reason))
    assert "phải công bố lý do" in str(exc.value.message)


@pytest.mark.parametrize(
    ("change", "message"),
    [({"level": "district"}, "level «district» không hợp lệ"),
     ({"processing_time": {"value": 1, "unit": "weeks"}}, "unit «weeks» không hợp lệ"),
     ({"papers": [{"name": "X", "form": "photo"}]}, "form «photo» không hợp lệ"),
     ({"fees": [{"name": "Lệ phí", "amount": "nhiều"}]}, "amount phải là số nguyên"),
     ({"name": ""}, "thiếu trường name")],
)
def test_invalid_values_are_named(change, message):
    with pytest.raises(CatalogError) as exc:
        catalog_parse(catalog_payload(dict(BIRTH, **change)))
    assert message in str(exc.value.message)


@pytest.mark.parametrize(("amount", "expected"), [("50.000", 50000), ("1.250.000", 1250000), (75000, 75000)])
def test_fee_amounts_accept_vietnamese_thousands(amount, expected):
    _fields, [data] = catalog_parse(catalog_payload(dict(BIRTH, fees=[{"name": "Lệ phí", "amount": amount}])))
    assert data.fees[0].amount == expected


@pytest.mark.parametrize("amount", ["1,5", "12.34", "-5", 2.5])
def test_fee_amount_that_is_not_a_whole_number_is_refused(amount):
    with pytest.raises(CatalogError):
        catalog_parse(catalog_payload(dict(BIRTH, fees=[{"name": "Lệ phí", "amount": amount}])))


def test_allowance_finer_than_two_decimals_is_refused_not_rounded():
    steps = [dict(s) for s in BIRTH["steps"]]
    steps[0]["allowance"], steps[1]["allowance"] = 0.125, 0.625
    with pytest.raises(CatalogError) as exc:
        catalog_parse(catalog_payload(dict(BIRTH, steps=steps)))
    assert "tối đa 2 chữ số thập phân" in str(exc.value.message)
