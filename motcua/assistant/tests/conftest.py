# SPDX-License-Identifier: AGPL-3.0-or-later
"""The assistant's tests run on the demo catalogue (real procedures, loaded through the catalogue import),
and on the dossier test world for status questions."""

import pytest

from motcua.catalog.demo import catalog_load_demo
from motcua.demo.data import DEPARTMENTS
from motcua.dossiers.tests.conftest import world  # noqa: F401 (fixture)
from motcua.units.models import Unit
from motcua.units.services import unit_create_agency


@pytest.fixture
def catalogue(dak_lak):
    for suffix, name in DEPARTMENTS:
        if not Unit.objects.filter(code=f"{dak_lak.code}.{suffix}").exists():
            unit_create_agency(parent=dak_lak, code=f"{dak_lak.code}.{suffix}", name=name)
    catalog_load_demo(province=dak_lak)
    return dak_lak


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the default cache: every test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
