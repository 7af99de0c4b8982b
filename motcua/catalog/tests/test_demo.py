# SPDX-License-Identifier: AGPL-3.0-or-later
import json

import pytest

from motcua.catalog.demo import DEMO_FILE, catalog_load_demo
from motcua.catalog.exchange import catalog_export, catalog_load
from motcua.catalog.models import Procedure, Process
from motcua.catalog.tests.factories import catalog_payload
from motcua.demo.data import DEPARTMENTS
from motcua.units.services import unit_create_agency

pytestmark = pytest.mark.django_db


def test_loader_imports_a_catalogue_file_and_is_idempotent(tmp_path, dak_lak):
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(catalog_payload(), ensure_ascii=False), encoding="utf-8")
    assert catalog_load_demo(province=dak_lak, path=path).created == ["1.001193", "1.009994"]
    report = catalog_load_demo(province=dak_lak, path=path)
    assert report.unchanged == ["1.001193", "1.009994"] and not report.created


@pytest.mark.skipif(not DEMO_FILE.exists(), reason="demo_procedures.json not written yet")
def test_demo_catalogue_imports_cleanly_and_every_process_sums_to_the_legal_time(dak_lak):
    for suffix, name in DEPARTMENTS:
        unit_create_agency(parent=dak_lak, code=f"{dak_lak.code}.{suffix}", name=name)
    report = catalog_load_demo(province=dak_lak)
    assert len(report.created) >= 40 and not report.updated
    for process in Process.objects.select_related("procedure").prefetch_related("steps"):
        assert sum(s.allowance for s in process.steps.all()) == process.procedure.processing_time_value, \
            process.procedure.code
    assert Process.objects.count() == Procedure.objects.count()


@pytest.mark.skipif(not DEMO_FILE.exists(), reason="demo_procedures.json not written yet")
def test_demo_handling_agencies_are_demo_departments(dak_lak):
    for suffix, name in DEPARTMENTS:
        unit_create_agency(parent=dak_lak, code=f"{dak_lak.code}.{suffix}", name=name)
    catalog_load_demo(province=dak_lak)
    codes = {p["code"]: p.get("handling_agency_code") for p in json.loads(DEMO_FILE.read_text("utf-8"))["procedures"]}
    unresolved = sorted(f"{c}: {codes[c]}" for c in Procedure.objects.filter(handling_unit__isnull=True)
                        .values_list("code", flat=True) if codes[c])
    assert unresolved == []


@pytest.mark.skipif(not DEMO_FILE.exists(), reason="demo_procedures.json not written yet")
def test_demo_catalogue_exports_and_reimports_unchanged(dak_lak):
    catalog_load_demo(province=dak_lak)
    report = catalog_load(payload=catalog_export(), province=dak_lak)
    assert not report.created and not report.updated and len(report.unchanged) == Procedure.objects.count()
