# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo catalogue: real procedures in `motcua.catalog/1` (data/demo_procedures.json), loaded through
the same import as any catalogue file. Idempotent: loading twice reports every procedure unchanged."""

import json
from pathlib import Path

from motcua.units.models import Unit

from .exchange import catalog_load
from .services import ImportReport

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_procedures.json"


def catalog_load_demo(*, province: Unit, path: Path = DEMO_FILE) -> ImportReport:
    """Load the demo catalogue; province-level procedures are attached to the province's departments
    (`handling_agency_code` "STP" → unit "66.STP"), so load the departments first."""
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    return catalog_load(payload=payload, province=province)
