# SPDX-License-Identifier: AGPL-3.0-or-later
# ruff: noqa: F811 — `world`, `media` and `fresh_limits` are fixtures imported from the portal's and dossiers' tests
"""A citizen on a phone (360 px, Chromium): tracks a dossier from the receipt's QR link, then, signed in,
sends the missing papers and rates the result; nothing overflows sideways, everything works without JS
being needed."""

from datetime import timedelta

import pytest

from motcua.dossiers.tests.conftest import world  # noqa: F401
from motcua.portal.tests.tracking_helpers import (  # noqa: F401
    MON,
    PDF,
    done,
    fresh_limits,
    media,
    waiting_for_supplement,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fresh_limits", "media")]


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_track_from_the_qr_link_on_a_phone(page, live_server, world, screenshot):
    dossier = waiting_for_supplement(world, missing="Bản sao Giấy khai sinh có chứng thực.")
    page.goto(f"{live_server.url}/tra-cuu/?ma={dossier.code}")
    assert page.get_by_label("Mã hồ sơ").input_value() == dossier.code
    page.get_by_label("Số điện thoại hoặc 4 số cuối CCCD của chủ hồ sơ").fill("0912345678")
    page.get_by_role("button", name="Tra cứu").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "Hồ sơ cần bổ sung" in main and "Bản sao Giấy khai sinh có chứng thực." in main
    assert "N. V. A." in main and "Nguyễn Văn An" not in main
    no_sideways_scroll(page)
    screenshot(page, "tracking")


def test_owner_supplements_then_rates_on_a_phone(page, live_server, world, authenticate, screenshot, tmp_path):
    waiting = waiting_for_supplement(world)
    authenticate(page, world.citizen)
    page.goto(f"{live_server.url}/ho-so-cua-toi/{waiting.code}/")
    scan = tmp_path / "giay-khai-sinh.pdf"
    scan.write_bytes(PDF)
    page.get_by_label("Giấy tờ bổ sung").set_input_files(str(scan))
    no_sideways_scroll(page)
    page.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    page.wait_for_load_state()
    assert "Đã gửi giấy tờ bổ sung" in page.locator("main").inner_text()

    finished = done(world, at=MON + timedelta(days=1))
    page.goto(f"{live_server.url}/ho-so-cua-toi/{finished.code}/")
    page.get_by_text("Hài lòng", exact=True).first.click()
    page.locator("summary", has_text="9 tiêu chí").click()
    no_sideways_scroll(page)
    screenshot(page, "rating-form")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_load_state()
    assert "Cảm ơn bạn đã đánh giá" in page.locator("main").inner_text()
    no_sideways_scroll(page)
