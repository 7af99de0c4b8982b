# SPDX-License-Identifier: AGPL-3.0-or-later
import copy
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.core.models import AuditEvent
from motcua.units.models import Unit, UnitKind
from motcua.units.seed import DEFAULT_SEED, SeedError, seed_parse, seed_read
from motcua.units.services import units_sync

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def payload():
    return json.loads(DEFAULT_SEED.read_text(encoding="utf-8"))


def test_whole_country_is_loaded():
    today = date(2026, 11, 23)
    assert Unit.objects.provinces().active_on(today).count() == 34
    assert Unit.objects.communes().active_on(today).count() == 3321
    dak_lak = Unit.objects.get(code="66")
    assert dak_lak.name == "Tỉnh Đắk Lắk"
    assert Unit.objects.communes().filter(parent=dak_lak).count() == 102
    assert Unit.objects.get(code="68").children.communes().count() == 124  # Lâm Đồng


def test_every_province_and_commune_has_a_service_center():
    centers = Unit.objects.filter(kind=UnitKind.SERVICE_CENTER)
    assert centers.count() == 34 + 3321
    center = Unit.objects.get(code="24133.TTPVHCC")
    assert center.name == "Trung tâm Phục vụ hành chính công phường Buôn Ma Thuột"
    assert center.parent.code == "24133"
    assert center.path == "66/24133/24133.TTPVHCC/"


def test_2026_changes_are_in_the_list():
    assert Unit.objects.get(code="22").kind == UnitKind.CITY  # Quảng Ninh, centrally-run city since 2026
    assert Unit.objects.get(code="75").name == "Thành phố Đồng Nai"


def test_default_agency_codes_are_unique_and_shaped_like_the_standard():
    assert Unit.objects.get(code="66").agency_code == "000.00.00.H66"
    assert Unit.objects.get(code="66.TTPVHCC").agency_code == "000.00.01.H66"
    assert Unit.objects.get(code="24133").agency_code == "000.24133.00.H66"
    codes = list(Unit.objects.exclude(agency_code="").values_list("agency_code", flat=True))
    assert len(codes) == len(set(codes)) == 2 * (34 + 3321)


def test_resync_changes_nothing():
    before = AuditEvent.objects.count()
    report = units_sync(seed=seed_read())
    assert not report.changed
    assert report.unchanged == 2 * (34 + 3321)
    assert AuditEvent.objects.count() == before


def test_changed_name_is_updated_in_place_keeping_the_row(payload):
    changed = copy.deepcopy(payload)
    row = next(c for c in changed["communes"] if c["code"] == "24133")
    row["name"] = "Phường  Buôn   Ma Thuột Mới "  # stray spaces are normalised away
    pk = Unit.objects.get(code="24133").pk
    report = units_sync(seed=seed_parse(changed))
    assert report.updated == ["24133", "24133.TTPVHCC"]
    unit = Unit.objects.get(code="24133")
    assert (unit.pk, unit.name) == (pk, "Phường Buôn Ma Thuột Mới")
    assert Unit.objects.get(code="24133.TTPVHCC").name.endswith("phường Buôn Ma Thuột Mới")
    assert AuditEvent.objects.filter(action="units.sync").latest("id").data["updated"] == ["24133", "24133.TTPVHCC"]


def test_vanished_unit_is_closed_never_deleted(payload):
    shrunk = copy.deepcopy(payload)
    shrunk["communes"] = [c for c in shrunk["communes"] if c["code"] != "24163"]
    report = units_sync(seed=seed_parse(shrunk), today=date(2026, 12, 1))
    assert report.closed == ["24163", "24163.TTPVHCC"]
    unit = Unit.objects.get(code="24163")
    assert unit.valid_to == date(2026, 11, 30)
    assert not unit.is_active_on(date(2026, 12, 1))
    assert Unit.objects.communes().active_on(date(2026, 12, 1)).count() == 3320
    again = units_sync(seed=seed_parse(payload), today=date(2026, 12, 2))
    assert again.updated == ["24163", "24163.TTPVHCC"] and Unit.objects.get(code="24163").valid_to is None


def test_sync_never_touches_units_created_by_hand(payload):
    Unit.objects.create(code="66.STP", name="Sở Tư pháp", kind=UnitKind.DEPARTMENT, parent=Unit.objects.get(code="66"))
    report = units_sync(seed=seed_parse(payload))
    assert not report.changed
    assert Unit.objects.get(code="66.STP").valid_to is None


def _broken(payload, mutate):
    broken = copy.deepcopy(payload)
    mutate(broken)
    return broken


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p.update(format="other"), "định dạng"),
        (lambda p: p["communes"][5].pop("name"), "xã thứ 6: thiếu trường name"),
        (lambda p: p["communes"][7].update(kind="huyen"), "loại đơn vị không hợp lệ"),
        (lambda p: p["communes"][9].update(province="99"), "không có trong tệp"),
        (lambda p: p["communes"].append(dict(p["communes"][0])), "bị trùng: 00004"),
        (lambda p: p["provinces"].__setitem__(slice(None), []), "thiếu danh sách"),
        (lambda p: p.update(effective_from="1/7/2025"), "YYYY-MM-DD"),
    ],
)
def test_malformed_seed_is_refused_naming_the_problem(payload, mutate, message):
    with pytest.raises(SeedError) as exc:
        seed_parse(_broken(payload, mutate))
    assert message in str(exc.value.message)


def test_command_on_malformed_file_changes_nothing(payload, tmp_path):
    bad = _broken(payload, lambda p: p["communes"][-1].pop("code"))
    bad["communes"][0]["name"] = "Tên đã đổi nhưng không được ghi"
    path = tmp_path / "units.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("units", "sync", "--file", str(path))
    assert exc.value.returncode == 2
    assert "thiếu trường code" in str(exc.value)
    assert Unit.objects.get(code="00004").name == "Phường Ba Đình"


def test_command_on_truncated_file_says_it_is_not_json(tmp_path):
    path = tmp_path / "units.json"
    path.write_text(DEFAULT_SEED.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("units", "sync", "--file", str(path))
    assert "không phải JSON hợp lệ" in str(exc.value)


def test_dry_run_reports_without_writing(payload, tmp_path, capsys):
    changed = copy.deepcopy(payload)
    next(c for c in changed["communes"] if c["code"] == "24133")["name"] = "Phường Thử"
    path = tmp_path / "units.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    call_command("units", "sync", "--file", str(path), "--dry-run")
    assert "Sẽ tạo 0, cập nhật 2" in capsys.readouterr().out
    assert Unit.objects.get(code="24133").name == "Phường Buôn Ma Thuột"
