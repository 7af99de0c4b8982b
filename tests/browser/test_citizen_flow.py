# SPDX-License-Identifier: AGPL-3.0-or-later
"""The whole citizen flow in a browser (issue 5): a NEW citizen registers → finds "khai sinh" from the
home page → submits it online with real uploads → sees the receipt (code, QR) → logs out → tracks it by
code and phone → officials (desktop, back office) receive it, assign it, ask for a supplement → the
citizen uploads it on "Hồ sơ của tôi" → officials finish every step, attach the result and return it →
the citizen downloads the result and rates the service.

Also: the wizard without JavaScript, the keyboard, labels on every wizard input, and no sideways scroll
at 360 px on every page the phone visits. Screenshots go to test-artifacts/browser/.
"""

import re
import struct
import zlib

import pytest

pytestmark = pytest.mark.browser

PROCEDURE = "1.001193"  # Thủ tục đăng ký khai sinh: commune level, online (full), an e-form, 3 required papers
BMT = "24133"           # Phường Buôn Ma Thuột
PHONE = "0987654321"
PASSWORD = "Khai-sinh-2026!an-toan"
CCCD = "066090000777"
SUPPLEMENT_NOTE = "Thiếu bản chụp rõ nét Giấy chứng sinh (bản đã nộp bị mờ)."


def tiny_pdf(title: str = "motcua") -> bytes:
    body = f"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
           f"% {title}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    return body.encode("ascii", "replace")


def tiny_png() -> bytes:
    """A valid 1×1 white PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
            + chunk(b"IEND", b""))


def pdf_file(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": tiny_pdf(name)}


def png_file(name: str) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": tiny_png()}


# ---------------------------------------------------------------- checks used on every page

UNLABELLED_JS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('main input, main select, main textarea')) {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (['hidden', 'submit', 'button', 'reset', 'image'].includes(type)) continue;
    const byFor = el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
    if (byFor || el.closest('label') || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) continue;
    bad.push(el.outerHTML.slice(0, 120));
  }
  return bad;
}"""


def assert_fits_phone(page) -> None:
    """No horizontal scroll at 360 px."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide at 360px"


def assert_labelled(page) -> None:
    unlabelled = page.evaluate(UNLABELLED_JS)
    assert not unlabelled, f"inputs without a label on {page.url}: {unlabelled}"


def phone_check(page, screenshot, name: str) -> None:
    assert page.locator("h1").count() >= 1, f"no heading on {page.url}"
    assert "<" not in page.title(), f"markup in the title of {page.url}: {page.title()!r}"
    assert_fits_phone(page)
    assert_labelled(page)
    screenshot(page, name)


# ---------------------------------------------------------------- the world: catalogue and officials


@pytest.fixture
def officials(transactional_db):
    """The demo catalogue and one official per role of the khai sinh process at Buôn Ma Thuột."""
    from motcua.accounts.models import Role
    from motcua.accounts.services import role_assign
    from motcua.accounts.tests.factories import OfficialFactory
    from motcua.catalog.demo import catalog_load_demo
    from motcua.units.models import Unit

    catalog_load_demo(province=Unit.objects.get(code="66"))

    def official(username, full_name, role, unit_code):
        user = OfficialFactory(username=username, first_name=full_name)
        role_assign(user=user, unit=Unit.objects.get(code=unit_code), role=role)
        return user

    return {
        "receiver": official("tn.bmt", "Trần Thị Tiếp Nhận", Role.RECEIVER, f"{BMT}.TTPVHCC"),
        "specialist": official("cv.bmt", "Lê Văn Chuyên Viên", Role.SPECIALIST, BMT),
        "leader": official("ldp.bmt", "Phạm Lãnh Đạo", Role.DEPARTMENT_LEADER, BMT),
        "signer": official("ky.bmt", "Võ Ký Duyệt", Role.SIGNING_LEADER, BMT),
        "clerk": official("vt.bmt", "Đỗ Văn Thư", Role.CLERK, BMT),
    }


# ---------------------------------------------------------------- citizen steps


def register(page, live_server, screenshot, *, name="Nguyễn Thị Bình", phone=PHONE):
    page.goto(live_server.url + "/dang-ky/")
    phone_check(page, screenshot, "01-register")
    page.get_by_label("Họ và tên").fill(name)
    page.get_by_label("Số điện thoại").fill(phone)
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký", exact=True).click()
    page.wait_for_url("**/ho-so-cua-toi/")
    assert page.get_by_role("button", name="Đăng xuất").is_visible()


def find_procedure(page, live_server, screenshot):
    page.goto(live_server.url + "/")
    assert_fits_phone(page)
    page.get_by_role("searchbox").first.fill("khai sinh")
    page.keyboard.press("Enter")
    page.wait_for_url("**/thu-tuc/?**")
    phone_check(page, screenshot, "02-search")
    page.locator("main a", has_text="Thủ tục đăng ký khai sinh").first.click()
    page.wait_for_url(f"**/thu-tuc/{PROCEDURE}/")
    phone_check(page, screenshot, "03-procedure")
    page.get_by_role("link", name="Nộp trực tuyến").click()
    page.wait_for_url(f"**/nop-ho-so/{PROCEDURE}/")
    phone_check(page, screenshot, "04-start")


def fill_wizard(page, screenshot, *, shots: bool = True):
    """From the start page to the receipt; returns the dossier code shown on the receipt."""
    from motcua.catalog.models import Procedure

    def check(name):
        assert_fits_phone(page)
        assert_labelled(page)
        if shots:
            screenshot(page, name)

    page.get_by_role("button", name="Bắt đầu nộp hồ sơ").click()
    page.wait_for_url("**/chu-ho-so/")
    check("05-applicant")
    # Prefilled from the account: name and phone.
    assert page.get_by_label("Số điện thoại").input_value() == PHONE
    page.get_by_label("Số CCCD / mã số doanh nghiệp").fill(CCCD)
    page.get_by_label("Địa chỉ").fill("12 Lê Duẩn, phường Buôn Ma Thuột, Đắk Lắk")
    page.get_by_role("button", name="Tiếp tục").click()

    page.wait_for_url("**/to-khai/")
    check("06-eform")
    page.get_by_label("Mẹ", exact=True).check()  # radio buttons of "Quan hệ ... với trẻ"
    page.get_by_label("Họ, chữ đệm, tên của trẻ").fill("Nguyễn Minh Khang")
    page.get_by_label("Nam", exact=True).check()
    page.get_by_label("Ngày, tháng, năm sinh").fill("2026-11-01")
    page.get_by_label("Nơi sinh").fill("Bệnh viện Đa khoa vùng Tây Nguyên")
    page.get_by_label("Dân tộc").fill("Kinh")
    page.get_by_label("Quốc tịch").fill("Việt Nam")
    page.get_by_label("Họ, chữ đệm, tên của mẹ").fill("Nguyễn Thị Bình")
    page.get_by_label("Tôi cam đoan những nội dung khai trên đây").check()
    page.get_by_role("button", name="Tiếp tục").click()

    page.wait_for_url("**/giay-to/")
    check("07-papers")
    required = list(Procedure.objects.get(code=PROCEDURE).papers.filter(required=True).order_by("order", "id"))
    assert len(required) == 3
    uploads = [pdf_file("to-khai-khai-sinh.pdf"), png_file("giay-chung-sinh.png"), pdf_file("cccd-me.pdf")]
    for paper, upload in zip(required, uploads, strict=True):
        page.locator(f"#file_{paper.pk}").set_input_files(upload)
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url("**/nhan-ket-qua/")
    check("08-delivery")
    page.locator("select[name=receiving_center]").select_option(f"{BMT}.TTPVHCC")
    page.get_by_role("button", name="Tiếp tục").click()

    page.wait_for_url("**/xem-lai/")
    check("09-review")
    for name in ("to-khai-khai-sinh.pdf", "giay-chung-sinh.png", "cccd-me.pdf"):
        assert name in page.locator("main").inner_text()
    page.get_by_label("Tôi cam đoan những thông tin và giấy tờ trên là đúng sự thật").check()
    page.get_by_role("button", name="Nộp hồ sơ").click()

    page.wait_for_url("**/bien-nhan/")
    code = page.locator(".receipt .code").inner_text().strip()
    assert re.fullmatch(rf"\d{{3}}\.{BMT}\.\d{{2}}\.H66-\d{{6}}-\d{{4}}", code), code  # 000.24133.01.H66-YYMMDD-NNNN
    assert page.locator("svg.qr[role=img]").count() == 1
    check("10-receipt")
    return code


def logout(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/")
    assert page.get_by_role("link", name="Đăng nhập").first.is_visible()


def login_citizen(page, live_server):
    page.goto(live_server.url + "/dang-nhap/")
    page.get_by_label("Số điện thoại, e-mail hoặc tên đăng nhập").fill(PHONE)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/ho-so-cua-toi/")


# ---------------------------------------------------------------- officer steps (desktop)


def officer_action(page, label: str, *, assignee=None, note: str = ""):
    """Open the action's panel on the back-office dossier page, fill it, submit, wait for the message."""
    panel = page.locator("details.action", has=page.locator("summary", has_text=label))
    panel.locator("summary").click()
    if assignee is not None:
        panel.locator("select[name$=assignee]").select_option(str(assignee.pk))
    if note:
        panel.locator("textarea").fill(note)
    panel.get_by_role("button", name=label).click()
    page.wait_for_load_state()
    assert page.locator(".alert[role=alert]").count() == 0, page.locator(".alert").first.inner_text()


def officer_open(page, live_server, code: str):
    page.goto(f"{live_server.url}/can-bo/ho-so/{code}/")
    assert code in page.locator("h1").inner_text()


def switch_official(page, authenticate, user):
    page.context.clear_cookies()
    authenticate(page, user)


# ---------------------------------------------------------------- the flow


def test_new_citizen_submits_tracks_supplements_gets_result_and_rates(
        page, desktop_page, live_server, officials, authenticate, screenshot):
    from motcua.dossiers.models import Dossier, Stage

    # 1. A new citizen registers on a phone, finds the procedure from the home page, submits it.
    register(page, live_server, screenshot)
    find_procedure(page, live_server, screenshot)
    code = fill_wizard(page, screenshot)
    dossier = Dossier.objects.get(code=code)
    assert dossier.stage == Stage.SUBMITTED and dossier.files.count() == 3

    # 2. Logged out, anyone with the code and the phone number can follow it.
    logout(page)
    page.goto(live_server.url + "/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("Số điện thoại hoặc 4 số cuối CCCD của chủ hồ sơ").fill(PHONE)
    page.get_by_role("main").get_by_role("button", name="Tra cứu").click()
    page.wait_for_load_state()
    assert page.locator(".track-result").is_visible()
    assert "N. T. B." in page.locator(".track-result").inner_text()
    phone_check(page, screenshot, "11-tracked")

    # 3. The receiver logs in to the back office, receives it and hands it to the specialist,
    #    who asks for a supplement.
    office = desktop_page
    office.goto(live_server.url + "/can-bo/dang-nhap/")
    office.get_by_label("Tên đăng nhập").fill("tn.bmt")
    office.get_by_label("Mật khẩu").fill("mat-khau-thu-nghiem")
    office.get_by_role("main").get_by_role("button", name="Đăng nhập").click()
    office.wait_for_url("**/can-bo/")
    assert code in office.locator("main").inner_text(), "the new online dossier is not in the receiver's inbox"
    screenshot(office, "20-inbox")
    office.get_by_role("link", name=code).first.click()
    office.wait_for_url(f"**/can-bo/ho-so/{code}/")
    officer_action(office, "Tiếp nhận hồ sơ")
    officer_action(office, "Chuyển xử lý", assignee=officials["specialist"])
    screenshot(office, "21-assigned")

    switch_official(office, authenticate, officials["specialist"])
    officer_open(office, live_server, code)
    officer_action(office, "Yêu cầu bổ sung hồ sơ", note=SUPPLEMENT_NOTE)
    screenshot(office, "22-supplement-requested")
    dossier.refresh_from_db()
    assert dossier.stage == Stage.SUPPLEMENT

    # 4. The citizen sees what is missing on "Hồ sơ của tôi" and uploads it.
    login_citizen(page, live_server)
    phone_check(page, screenshot, "12-my-dossiers")
    card = page.locator("main li, main article", has_text=code).last
    assert "bổ sung" in card.inner_text().lower()
    card.get_by_role("link", name="Thủ tục đăng ký khai sinh").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{code}/")
    assert SUPPLEMENT_NOTE in page.locator("main").inner_text()
    phone_check(page, screenshot, "13-supplement-asked")
    page.get_by_label("Giấy tờ bổ sung").set_input_files([png_file("giay-chung-sinh-ro-net.png")])
    page.get_by_label("Ghi chú cho cán bộ (không bắt buộc)").fill("Đã chụp lại Giấy chứng sinh.")
    page.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{code}/")
    assert "Đã gửi giấy tờ bổ sung" in page.locator("main").inner_text()
    phone_check(page, screenshot, "14-supplement-sent")
    dossier.refresh_from_db()
    assert dossier.stage == Stage.PROCESSING
    assert dossier.files.filter(name="giay-chung-sinh-ro-net.png").exists()

    # 5. The officials move it through every step; the clerk attaches the result; the receiver returns it.
    for role in ("specialist", "leader", "signer"):
        switch_official(office, authenticate, officials[role])
        officer_open(office, live_server, code)
        officer_action(office, "Chuyển bước tiếp theo")
    switch_official(office, authenticate, officials["clerk"])
    officer_open(office, live_server, code)
    upload = office.locator("form.upload")
    upload.get_by_label("Loại tệp").select_option("ket_qua")
    upload.get_by_label("Tệp (PDF, JPEG hoặc PNG)").set_input_files(pdf_file("giay-khai-sinh-dien-tu.pdf"))
    upload.get_by_role("button", name="Đính kèm tệp").click()
    office.wait_for_load_state()
    assert "giay-khai-sinh-dien-tu.pdf" in office.locator("#tep-ho-so").inner_text()
    officer_action(office, "Chuyển bước tiếp theo")
    dossier.refresh_from_db()
    assert dossier.stage == Stage.DONE
    switch_official(office, authenticate, officials["receiver"])
    officer_open(office, live_server, code)
    officer_action(office, "Trả kết quả")
    screenshot(office, "23-returned")
    dossier.refresh_from_db()
    assert dossier.stage == Stage.RETURNED

    # 6. The citizen downloads the electronic result and rates the service.
    page.goto(f"{live_server.url}/ho-so-cua-toi/{code}/")
    phone_check(page, screenshot, "15-result")
    with page.expect_download() as download:
        page.get_by_role("link", name="giay-khai-sinh-dien-tu.pdf").click()
    assert download.value.suggested_filename == "giay-khai-sinh-dien-tu.pdf"
    assert open(download.value.path(), "rb").read().startswith(b"%PDF-")
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_label("Ý kiến khác (không bắt buộc)").fill("Nhanh, cán bộ hướng dẫn rõ ràng.")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{code}/")
    assert "Cảm ơn bạn đã đánh giá" in page.locator("main").inner_text()
    phone_check(page, screenshot, "16-rated")
    from motcua.dossiers.models import Rating

    assert Rating.objects.get(dossier=dossier).quick == "hai_long"


# ---------------------------------------------------------------- without JavaScript, keyboard


@pytest.fixture
def nojs_page(_chromium, live_server):
    """A phone with JavaScript switched off."""
    context = _chromium.new_context(viewport={"width": 360, "height": 640}, locale="vi-VN",
                                    timezone_id="Asia/Ho_Chi_Minh", java_script_enabled=False)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_the_wizard_works_without_javascript(nojs_page, live_server, officials, authenticate, screenshot):
    from motcua.accounts.tests.factories import CitizenFactory
    from motcua.dossiers.models import Dossier

    page = nojs_page
    citizen = CitizenFactory(phone=PHONE, first_name="Nguyễn Thị Bình")
    authenticate(page, citizen)
    page.goto(f"{live_server.url}/nop-ho-so/{PROCEDURE}/")
    code = fill_wizard(page, screenshot, shots=False)
    screenshot(page, "receipt-nojs")
    assert Dossier.objects.get(code=code).owner == citizen


def test_keyboard_reaches_the_submit_button_with_visible_focus(page, live_server, officials, authenticate):
    from motcua.accounts.tests.factories import CitizenFactory

    citizen = CitizenFactory(phone=PHONE)
    authenticate(page, citizen)
    page.goto(f"{live_server.url}/nop-ho-so/{PROCEDURE}/")
    page.get_by_role("button", name="Bắt đầu nộp hồ sơ").click()
    page.wait_for_url("**/chu-ho-so/")
    page.get_by_label("Số CCCD / mã số doanh nghiệp").fill(CCCD)
    page.get_by_label("Địa chỉ").fill("12 Lê Duẩn, Buôn Ma Thuột")
    page.evaluate("document.activeElement.blur()")
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => { const el = document.activeElement;
            return {tag: el.tagName, text: el.innerText || '', type: el.type || ''}; }""")
        if focused["tag"] == "BUTTON" and "Tiếp tục" in focused["text"]:
            break
    else:
        pytest.fail("Tab never reached the «Tiếp tục» button of the applicant step")
    # Focus is visible: a ring of at least 2 px, with a part that reaches 3:1 against the white page
    # (the yellow outline alone does not: the dark halo does).
    style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return {outline: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
                shadow: s.boxShadow}; }""")
    assert style["outline"] != "none" and style["width"] >= 2, style
    ring_colours = [style["color"]] + re.findall(r"rgba?\([^)]*\)", style["shadow"])
    assert max(contrast_with_white(c) for c in ring_colours) >= 3, style
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/to-khai/"), page.url  # the keyboard alone submitted the step


def contrast_with_white(css_colour: str) -> float:
    r, g, b = (int(float(v)) for v in re.findall(r"[\d.]+", css_colour)[:3])

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)
