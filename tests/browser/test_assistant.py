# SPDX-License-Identifier: AGPL-3.0-or-later
# ruff: noqa: F811 — `world`, `media` and `fresh_limits` are fixtures imported from the dossiers' and portal's tests
"""The assistant's chat widget (issue 8) in Chromium against the REAL endpoint (POST /api/v1/assistant/ask,
demo catalogue loaded): a citizen on a phone asks about birth registration and follows the cited procedure;
a status question without proof gets a request for the code and phone and no dossier data; the keyboard
opens and closes the panel; errors leave it usable; officials get the same widget in the back office,
beside the page's actions; without JavaScript the /tro-ly/ page answers. Screenshots: test-artifacts/browser/."""

import pytest

from motcua.dossiers.tests.conftest import world  # noqa: F401
from motcua.portal.tests.tracking_helpers import fresh_limits, media, waiting_for_supplement  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fresh_limits")]

BIRTH = "1.001193"  # Thủ tục đăng ký khai sinh (demo catalogue)
OPEN = "Hỏi đáp: mở trợ lý ảo về thủ tục, hồ sơ"


@pytest.fixture
def catalogue(transactional_db):
    from motcua.catalog.demo import catalog_load_demo
    from motcua.units.models import Unit

    catalog_load_demo(province=Unit.objects.get(code="66"))


def no_sideways_scroll(page, width=360):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def panel(page):
    return page.get_by_role("dialog", name="Trợ lý ảo")


def last_answer(page):
    """The newest answer once it is in (the "đang tìm" line gone and the Gửi button usable again)."""
    dialog = panel(page)
    dialog.locator(".asst-wait").wait_for(state="detached")
    assert dialog.get_by_role("button", name="Gửi").is_enabled()
    return dialog.locator(".asst-bot").last


def ask(page, question):
    dialog = panel(page)
    before = dialog.locator(".asst-bot").count()
    dialog.get_by_label("Câu hỏi của bạn").fill(question)
    dialog.get_by_role("button", name="Gửi").click()
    page.wait_for_function("n => document.querySelectorAll('#asst-panel .asst-bot').length > n", arg=before)
    return last_answer(page)


def focus_inside_panel(page) -> bool:
    return page.evaluate("document.getElementById('asst-panel').contains(document.activeElement)")


def test_citizen_asks_about_birth_registration_and_follows_the_procedure(page, live_server, catalogue, screenshot):
    page.goto(live_server.url + "/")
    opener = page.get_by_role("button", name=OPEN)
    assert opener.is_visible() and opener.get_attribute("aria-expanded") == "false"
    assert not page.get_by_role("link", name="Hỏi trợ lý ảo").is_visible()  # the no-JS link, replaced
    opener.click()
    dialog = panel(page)
    assert dialog.is_visible() and opener.get_attribute("aria-expanded") == "true"
    for chip in ("Làm giấy khai sinh cần gì?", "Phí làm sổ đỏ?", "Hồ sơ của tôi đến đâu rồi?"):
        assert dialog.get_by_role("button", name=chip).is_visible()
    no_sideways_scroll(page)
    box = dialog.bounding_box()
    assert box["width"] <= 360 and box["height"] <= 640  # the whole panel on the phone's screen

    answer = ask(page, "làm giấy khai sinh cần gì")
    assert dialog.get_by_role("button", name="Làm giấy khai sinh cần gì?").is_hidden()  # chips: first use only
    assert len(answer.locator(".asst-text").inner_text()) > 20
    assert dialog.get_by_role("log").locator(".asst-bot").count() == 1  # in the aria-live region
    cited = answer.locator(".asst-cited").get_by_role("link", name=BIRTH)
    assert "khai sinh" in cited.inner_text().lower()
    # The page's path written in the answer is a link too, to the same page.
    assert answer.locator(".asst-text").get_by_role("link", name=f"/thu-tuc/{BIRTH}/").count() == 1
    no_sideways_scroll(page)
    screenshot(page, "answer")

    # The conversation stays in this tab's sessionStorage (only there) and comes back on the next page.
    stored = page.evaluate("sessionStorage.getItem('motcua.assistant.portal')")
    assert "làm giấy khai sinh cần gì" in stored and BIRTH in stored
    assert "làm giấy khai sinh" not in page.evaluate("JSON.stringify(localStorage) + document.cookie")

    cited.click()
    page.wait_for_url(f"**/thu-tuc/{BIRTH}/")
    assert "khai sinh" in page.locator("h1").inner_text().lower()
    assert panel(page).is_hidden()
    page.get_by_role("button", name=OPEN).click()
    assert panel(page).locator(".asst-me").first.inner_text().endswith("làm giấy khai sinh cần gì")

    # "Xóa hội thoại" forgets it, here and in storage; the suggestions come back.
    panel(page).get_by_role("button", name="Xóa hội thoại").click()
    assert panel(page).locator(".asst-log li").count() == 0
    assert page.evaluate("sessionStorage.getItem('motcua.assistant.portal')") is None
    assert panel(page).get_by_role("button", name="Phí làm sổ đỏ?").is_visible()


def test_status_question_without_proof_asks_for_code_and_phone_and_reveals_nothing(page, live_server, world, media,
                                                                                 screenshot):
    dossier = waiting_for_supplement(world, missing="Bản sao Giấy khai sinh có chứng thực.")
    page.goto(live_server.url + "/")
    page.get_by_role("button", name=OPEN).click()
    dialog = panel(page)
    code_box, phone_box = dialog.get_by_label("Mã hồ sơ"), dialog.get_by_label("Số điện thoại")
    assert code_box.is_hidden() and phone_box.is_hidden()

    dialog.get_by_role("button", name="Hồ sơ của tôi đến đâu rồi?").click()
    answer = last_answer(page)
    page.wait_for_function("() => !document.querySelector('[data-asst-proof]').hidden")
    assert code_box.is_visible() and phone_box.is_visible()
    text = answer.inner_text()
    assert "mã hồ sơ" in text.lower() and "điện thoại" in text.lower()

    # The code in the question fills the box; a wrong phone still reveals nothing.
    answer = ask(page, f"hồ sơ {dossier.code} đến đâu rồi")
    assert code_box.input_value() == dossier.code
    assert phone_box.is_visible()
    phone_box.fill("0999999999")
    dialog.get_by_role("button", name="Gửi").click()
    page.wait_for_function("() => document.querySelectorAll('#asst-panel .asst-bot').length === 3")
    answer = last_answer(page)
    secret = ("Nguyễn Văn An", "N. V. A.", "bổ sung", "Bản sao Giấy khai sinh", world.marriage.name)
    for shown in dialog.locator(".asst-bot").all_inner_texts():
        assert not any(word.lower() in shown.lower() for word in secret), shown
    assert "0999999999" not in page.evaluate("sessionStorage.getItem('motcua.assistant.portal')")
    no_sideways_scroll(page)
    screenshot(page, "status-needs-proof")

    # With the applicant's phone the same question gets the dossier's state.
    phone_box.fill("0912345678")
    dialog.get_by_role("button", name="Gửi").click()
    page.wait_for_function("() => document.querySelectorAll('#asst-panel .asst-bot').length === 4")
    assert "bổ sung" in last_answer(page).inner_text().lower()
    assert "0912345678" not in page.evaluate("sessionStorage.getItem('motcua.assistant.portal')")


def test_keyboard_opens_uses_and_closes_the_assistant(desktop_page, live_server, catalogue):
    page = desktop_page
    page.goto(live_server.url + "/")
    opener = page.get_by_role("button", name=OPEN)
    opener.focus()
    page.keyboard.press("Enter")
    assert panel(page).is_visible() and focus_inside_panel(page)
    page.keyboard.type("phí làm sổ đỏ")
    page.keyboard.press("Enter")  # Enter sends
    answer = last_answer(page)
    assert answer.locator(".asst-text").inner_text().strip()
    page.keyboard.press("Escape")
    assert panel(page).is_hidden()
    assert page.evaluate("document.activeElement.hasAttribute('data-asst-open')")  # focus back on the button
    assert opener.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Space")
    assert panel(page).is_visible() and focus_inside_panel(page)
    page.keyboard.press("Escape")
    assert panel(page).is_hidden()


def test_tab_stays_inside_the_full_screen_panel_on_a_phone(page, live_server, catalogue):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name=OPEN).click()
    for _ in range(12):
        page.keyboard.press("Tab")
        assert focus_inside_panel(page)
    page.keyboard.press("Escape")
    assert panel(page).is_hidden()


def test_errors_leave_the_panel_usable(page, live_server, catalogue, settings):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name=OPEN).click()
    dialog = panel(page)
    send = dialog.get_by_role("button", name="Gửi")
    box = dialog.get_by_label("Câu hỏi của bạn")

    # Empty question: a message, nothing sent.
    send.click()
    assert "Vui lòng nhập câu hỏi" in dialog.get_by_role("alert").inner_text()

    # The network drops: a Vietnamese message, the button usable again, the question back in the box.
    page.route("**/api/v1/assistant/ask", lambda route: route.abort())
    box.fill("lệ phí đăng ký khai sinh")
    send.click()
    dialog.get_by_role("alert").filter(has_text="Không kết nối được").wait_for()
    assert send.is_enabled() and box.input_value() == "lệ phí đăng ký khai sinh"
    assert dialog.locator(".asst-log li").count() == 0
    page.unroute("**/api/v1/assistant/ask")

    # Too many questions from one address: the real limit answers 429.
    settings.MOTCUA_RATELIMIT_RATES = {**settings.MOTCUA_RATELIMIT_RATES, "assistant": "1/m"}
    ask(page, "lệ phí đăng ký khai sinh")
    box.fill("đăng ký khai sinh mất bao lâu")
    send.click()
    dialog.get_by_role("alert").filter(has_text="Bạn hỏi nhanh quá").wait_for()
    assert send.is_enabled() and box.input_value() == "đăng ký khai sinh mất bao lâu"


def test_official_gets_the_assistant_beside_the_back_office_page(desktop_page, live_server, world, authenticate,
                                                                 screenshot):
    page = desktop_page
    authenticate(page, world.specialist)
    page.goto(live_server.url + "/can-bo/")
    opener = page.locator("header").get_by_role("button", name=OPEN)  # in the header, over nothing
    opener.click()
    dialog = panel(page)
    assert dialog.is_visible()
    # Docked: the page narrows beside the panel, so none of its actions is under it.
    main = page.locator("main").bounding_box()
    side = dialog.bounding_box()
    assert main["x"] + main["width"] <= side["x"] + 1
    answer = ask(page, "quy trình đăng ký kết hôn")
    assert answer.locator(".asst-cited").get_by_role("link", name=world.marriage.code).is_visible()
    screenshot(page, "back-office")
    page.keyboard.press("Escape")
    assert page.locator("main").bounding_box()["width"] > main["width"]


def test_without_javascript_the_assistant_page_answers(_chromium, live_server, catalogue, screenshot):
    context = _chromium.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN",
                                    java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.get_by_role("link", name="Hỏi trợ lý ảo").click()
        page.wait_for_url("**/tro-ly/")
        assert page.locator("h1").inner_text() == "Trợ lý ảo"
        page.get_by_label("Câu hỏi của bạn").fill("làm giấy khai sinh cần gì")
        page.get_by_role("button", name="Gửi câu hỏi").click()
        page.wait_for_load_state()
        assert page.locator("main").get_by_role("link", name=BIRTH).is_visible()
        no_sideways_scroll(page)
        screenshot(page, "no-js")
    finally:
        context.close()
