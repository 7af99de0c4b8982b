# SPDX-License-Identifier: AGPL-3.0-or-later
"""A citizen on a phone finds a procedure: home → search → procedure page."""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(transactional_db):
    from motcua.catalog.demo import catalog_load_demo
    from motcua.units.models import Unit

    catalog_load_demo(province=Unit.objects.get(code="66"))


def test_search_from_home_finds_birth_registration_on_a_phone(page, live_server, catalogue, screenshot):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("searchbox").first.fill("khai sinh")
    page.keyboard.press("Enter")
    page.wait_for_url("**/thu-tuc/?**")
    first = page.locator("main a", has_text="khai sinh").first
    assert first.is_visible()
    first.click()
    page.wait_for_url("**/thu-tuc/*/")
    assert "khai sinh" in page.locator("h1").inner_text().lower()
    # Nothing overflows sideways at 360 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "procedure")
