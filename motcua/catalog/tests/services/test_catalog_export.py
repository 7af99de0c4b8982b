# SPDX-License-Identifier: AGPL-3.0-or-later
import json
from decimal import Decimal

import pytest

from motcua.catalog.exchange import catalog_export, catalog_load
from motcua.catalog.models import Procedure
from motcua.catalog.schema import StepData
from motcua.catalog.selectors import procedure_get
from motcua.catalog.services import catalog_parse, process_set
from motcua.catalog.tests.factories import BIRTH, BUILDING, catalog_payload
from motcua.core.models import AuditEvent
from motcua.units.services import unit_create_agency

pytestmark = pytest.mark.django_db

JUSTICE = dict(
    BUILDING, code="2.000986", name="Cấp Phiếu lý lịch tư pháp", field="TUPHAP", level="province",
    handling_agency="Sở Tư pháp", handling_agency_code="STP", processing_time={"value": 10, "unit": "working_days"},
    online_level="full", partial_reason="", subjects=["citizen", "business"], decided_on="2025-07-01",
    legal_basis=["Luật Lý lịch tư pháp 2009"], form_schema={"type": "object"}, verified=True,
    steps=[{"order": 1, "name": "Tiếp nhận", "role": "receiver", "allowance": 0.5},
           {"order": 2, "name": "Thẩm định", "role": "specialist", "allowance": 7.5, "unit": "STP"},
           {"order": 3, "name": "Ký", "role": "signing_leader", "allowance": 1.5, "unit": "STP"},
           {"order": 4, "name": "Vào sổ, phát hành", "role": "clerk", "allowance": 0.5, "unit": "STP"}],
)


@pytest.fixture
def justice_department(dak_lak):
    return unit_create_agency(parent=dak_lak, code="66.STP", name="Sở Tư pháp")


def _payload():
    payload = catalog_payload(BIRTH, BUILDING, JUSTICE)
    payload["fields"].append({"code": "TUPHAP", "name": "Lý lịch tư pháp"})
    return payload


def test_export_then_import_reports_every_procedure_unchanged(dak_lak, justice_department):
    catalog_load(payload=_payload(), province=dak_lak)
    audited = AuditEvent.objects.filter(action__startswith="catalog.procedure_").count()
    report = catalog_load(payload=json.loads(json.dumps(catalog_export())), province=dak_lak)
    assert report.unchanged == ["1.001193", "1.009994", "2.000986"]
    assert not report.created and not report.updated
    assert AuditEvent.objects.filter(action__startswith="catalog.procedure_").count() == audited == 3
    assert procedure_get(code="2.000986").handling_unit == justice_department


def test_export_parses_to_what_was_imported(dak_lak, justice_department):
    payload = _payload()
    catalog_load(payload=payload, province=dak_lak)
    _fields, imported = catalog_parse(payload)
    _fields, exported = catalog_parse(catalog_export())
    assert exported == imported


def test_export_writes_english_roles_numbers_and_unit_suffixes(dak_lak, justice_department):
    catalog_load(payload=_payload(), province=dak_lak)
    record = catalog_export(codes=["2.000986"])["procedures"][0]
    assert record["handling_agency_code"] == "STP"
    assert record["processing_time"] == {"value": 10, "unit": "working_days"}
    assert [(s["role"], s["allowance"], s["unit"]) for s in record["steps"]] == [
        ("receiver", 0.5, None), ("specialist", 7.5, "STP"), ("signing_leader", 1.5, "STP"), ("clerk", 0.5, "STP")]
    assert record["subjects"] == ["citizen", "business"] and record["decided_on"] == "2025-07-01"


def test_export_can_be_limited_to_some_codes_and_lists_only_their_fields():
    catalog_load(payload=catalog_payload())
    document = catalog_export(codes=["1.009994"])
    assert document["format"] == "motcua.catalog/1"
    assert [p["code"] for p in document["procedures"]] == ["1.009994"]
    assert document["fields"] == [{"code": "XAYDUNG", "name": "Xây dựng"}]


def test_a_province_own_process_is_not_exported(dak_lak):
    catalog_load(payload=catalog_payload(BIRTH))
    birth = procedure_get(code="1.001193")
    process_set(procedure=birth, province=dak_lak, steps=[
        StepData(order=1, name="Tiếp nhận và xử lý", role="tiep_nhan", allowance=Decimal("0.5")),
        StepData(order=2, name="Ký", role="lanh_dao_ky", allowance=Decimal("0.5"))])
    [record] = catalog_export()["procedures"]
    assert [s["name"] for s in record["steps"]] == [s["name"] for s in BIRTH["steps"]]


def test_dry_run_reports_without_writing():
    report = catalog_load(payload=catalog_payload(), dry_run=True)
    assert report.created == ["1.001193", "1.009994"]
    assert not Procedure.objects.exists()
