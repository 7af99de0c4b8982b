# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reading and validating a unit seed file (format motcua.units/1) before anything is written."""

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.core.text import normalize_name

from .models import COMMUNE_KINDS, PROVINCE_KINDS

DEFAULT_SEED = Path(__file__).resolve().parent / "data" / "units.json"
FORMAT = "motcua.units/1"


@dataclass(frozen=True)
class SeedUnit:
    code: str
    name: str
    short_name: str
    kind: str
    province: str | None
    note: str


@dataclass(frozen=True)
class Seed:
    effective_from: date
    provinces: tuple[SeedUnit, ...]
    communes: tuple[SeedUnit, ...]


class SeedError(ValidationFailed):
    code = "unit_seed_invalid"


def _record(raw, where: str, kinds, *, needs_province: bool) -> SeedUnit:
    if not isinstance(raw, dict):
        raise SeedError(_("%(where)s: bản ghi không phải đối tượng JSON.") % {"where": where})
    missing = [key for key in ("code", "name", "kind") if not str(raw.get(key) or "").strip()]
    if needs_province and not str(raw.get("province") or "").strip():
        missing.append("province")
    if missing:
        raise SeedError(_("%(where)s: thiếu trường %(fields)s.") % {"where": where, "fields": ", ".join(missing)})
    if raw["kind"] not in kinds:
        raise SeedError(_("%(where)s: loại đơn vị không hợp lệ «%(kind)s».") % {"where": where, "kind": raw["kind"]})
    code = str(raw["code"]).strip()
    if not code.isdigit():
        raise SeedError(_("%(where)s: mã đơn vị phải là chữ số, nhận được «%(code)s».") % {"where": where, "code": code})
    name = normalize_name(raw["name"])
    return SeedUnit(
        code=code, name=name, short_name=normalize_name(raw.get("short_name") or name), kind=raw["kind"],
        province=str(raw["province"]).strip() if needs_province else None, note=normalize_name(raw.get("note") or ""),
    )


def seed_parse(payload: dict) -> Seed:
    """Validate a whole seed; raise SeedError naming the first bad record."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise SeedError(_("Tệp dữ liệu đơn vị không đúng định dạng %(format)s.") % {"format": FORMAT})
    try:
        effective_from = date.fromisoformat(payload.get("effective_from", ""))
    except (TypeError, ValueError):
        raise SeedError(_("Trường effective_from phải là ngày dạng YYYY-MM-DD.")) from None
    for key in ("provinces", "communes"):
        if not isinstance(payload.get(key), list) or not payload[key]:
            raise SeedError(_("Tệp dữ liệu đơn vị thiếu danh sách «%(key)s».") % {"key": key})
    provinces = tuple(
        _record(raw, _("tỉnh thứ %(n)s") % {"n": i}, PROVINCE_KINDS, needs_province=False)
        for i, raw in enumerate(payload["provinces"], 1)
    )
    communes = tuple(
        _record(raw, _("xã thứ %(n)s") % {"n": i}, COMMUNE_KINDS, needs_province=True)
        for i, raw in enumerate(payload["communes"], 1)
    )
    duplicates = sorted(code for code, n in Counter(u.code for u in provinces + communes).items() if n > 1)
    if duplicates:
        raise SeedError(_("Mã đơn vị bị trùng: %(codes)s.") % {"codes": ", ".join(duplicates[:10])})
    province_codes = {unit.code for unit in provinces}
    orphans = [unit.code for unit in communes if unit.province not in province_codes]
    if orphans:
        raise SeedError(
            _("Tỉnh của các xã, phường sau không có trong tệp: %(codes)s.") % {"codes": ", ".join(orphans[:10])}
        )
    return Seed(effective_from=effective_from, provinces=provinces, communes=communes)


def seed_read(path: Path | str = DEFAULT_SEED) -> Seed:
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SeedError(_("Không tìm thấy tệp %(path)s.") % {"path": path}) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SeedError(_("Tệp %(path)s không phải JSON hợp lệ: %(error)s") % {"path": path, "error": exc}) from None
    return seed_parse(payload)
