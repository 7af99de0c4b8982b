# SPDX-License-Identifier: AGPL-3.0-or-later
"""The provincial leader's dashboard in a real browser: the heat map of Đắk Lắk's 102 communes, and a new
dossier showing on the open overview within 5 seconds (short polling, no reload)."""

import time

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def province(transactional_db):
    """Đắk Lắk with the demo catalogue, a dashboard viewer at the province and a receiver at a ward's center."""
    from motcua.accounts.models import Role
    from motcua.accounts.services import role_assign
    from motcua.accounts.tests.factories import OfficialFactory
    from motcua.catalog.demo import catalog_load_demo
    from motcua.units.models import Unit

    dak_lak = Unit.objects.get(code="66")
    catalog_load_demo(province=dak_lak)
    leader = OfficialFactory(username="ld.tinh.test", full_name="Trần Thị Giám")
    role_assign(user=leader, unit=dak_lak, role=Role.DASHBOARD_VIEWER)
    receiver = OfficialFactory(username="tn.bmt.test")
    role_assign(user=receiver, unit=Unit.objects.get(code="24133.TTPVHCC"), role=Role.RECEIVER)
    return dak_lak, leader, receiver


def _receive_one(receiver):
    from django.utils import timezone

    from motcua.catalog.models import Level, Procedure
    from motcua.dossiers.services import ApplicantData, dossier_receive_in_person
    from motcua.units.models import Unit

    procedure = Procedure.objects.filter(level=Level.COMMUNE).order_by("code").first()
    return dossier_receive_in_person(
        procedure=procedure, receiving_unit=Unit.objects.get(code="24133.TTPVHCC"), actor=receiver,
        applicant=ApplicantData(name="Nguyễn Văn An", id_number="066090000123", phone="0912345678"),
        at=timezone.now())


def test_the_province_heat_map_shows_its_102_communes(desktop_page, live_server, province, authenticate,
                                                       screenshot):
    _dak_lak, leader, receiver = province
    _receive_one(receiver)
    authenticate(desktop_page, leader)
    desktop_page.goto(live_server.url + "/giam-sat/ban-do-nhiet/")
    heat = desktop_page.get_by_role("table", name="Bản đồ nhiệt các xã, phường của Tỉnh Đắk Lắk")
    assert heat.is_visible()
    assert heat.locator("tbody tr").count() == 102
    assert heat.locator("thead th").count() == 1 + 2 + 6  # rank, name, total, six groups
    first_cell = heat.locator("tbody tr").first.locator("td.cell a").first
    assert "điểm" in (first_cell.get_attribute("aria-label") or "") or "Chưa có số liệu" in (
        first_cell.get_attribute("aria-label") or "")
    # Sort by name through the column link: no JavaScript needed.
    heat.get_by_role("link", name="Xã, phường").first.click()
    desktop_page.wait_for_url("**sap_xep=ten**")
    names = desktop_page.locator("#heatmap tbody th a").all_inner_texts()
    assert len(names) == 102
    screenshot(desktop_page, "heatmap")
    # Drill down from Buôn Ma Thuột to its procedures.
    desktop_page.locator("#heatmap tbody th a", has_text="Phường Buôn Ma Thuột").click()
    desktop_page.wait_for_url("**/giam-sat/don-vi/24133/**")
    assert desktop_page.locator("h1").inner_text() == "Phường Buôn Ma Thuột"
    assert desktop_page.get_by_test_id("procedures").locator("tbody tr").count() == 1


def test_a_new_dossier_appears_on_the_open_overview_within_5_seconds(desktop_page, live_server, province,
                                                                      authenticate, screenshot):
    _dak_lak, leader, receiver = province
    authenticate(desktop_page, leader)
    desktop_page.goto(live_server.url + "/giam-sat/")
    received = desktop_page.locator("#live-summary [data-figure=received]")
    assert received.inner_text().strip() == "0"
    # The charts are drawn from the project's own copy of Chart.js.
    desktop_page.wait_for_function("typeof window.Chart === 'function'")
    assert desktop_page.locator(".chart-box.has-chart canvas").count() == 2
    time.sleep(0.5)  # let the first poll set its baseline
    _receive_one(receiver)
    started = time.monotonic()
    desktop_page.wait_for_function(
        "document.querySelector('#live-summary [data-figure=received]').textContent.trim() === '1'", timeout=5000)
    elapsed = time.monotonic() - started
    assert elapsed < 5, elapsed
    assert desktop_page.url.endswith("/giam-sat/")  # no reload: the summary was swapped in place
    screenshot(desktop_page, "overview-live")
