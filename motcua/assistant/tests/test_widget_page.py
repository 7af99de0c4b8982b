# SPDX-License-Identifier: AGPL-3.0-or-later
# ruff: noqa: F811 — `media` is a fixture imported from the portal's tests
"""The chat widget in the portal's and back office's pages (no query added, safe markup, translated) and the
full page /tro-ly/ that answers without JavaScript. The widget's behaviour in a browser:
tests/browser/test_assistant.py."""

import gzip
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from motcua.accounts.tests.factories import CitizenFactory
from motcua.portal.tests.tracking_helpers import media, waiting_for_supplement  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PAGE = "/tro-ly/"
STATIC = Path(__file__).resolve().parents[1] / "static" / "assistant"


def texts(html: str) -> list[str]:
    """The widget's messages for widget.js (a JSON list in the page)."""
    return json.loads(re.search(r"<script type=\"application/json\" data-asst-text>(.*?)</script>", html, re.S)[1])


# --- the widget in the pages ----------------------------------------------------------------------------


def test_portal_pages_carry_the_widget_and_a_link_that_works_without_javascript(client):
    body = client.get("/").content.decode()
    assert body.count("data-asst ") == 1 and 'class="asst asst-portal"' in body
    assert 'data-api="/api/v1/assistant/ask"' in body and 'data-channel="portal"' in body
    assert '<a class="asst-open" href="/tro-ly/" data-asst-link>Hỏi trợ lý ảo</a>' in body
    assert 'role="dialog"' in body and 'aria-live="polite"' in body and 'aria-label="Hỏi đáp: mở trợ lý ảo' in body
    assert "/static/assistant/widget.js" in body and "/static/assistant/widget.css" in body
    assert texts(body)[0] == "Bạn" and len(texts(body)) == 11  # the order widget.js reads
    for chip in ("Làm giấy khai sinh cần gì?", "Phí làm sổ đỏ?", "Hồ sơ của tôi đến đâu rồi?"):
        assert f'<button type="button">{chip}</button>' in body


def test_back_office_puts_the_widget_in_the_header_once_logged_in(client, world):
    login_page = client.get("/can-bo/dang-nhap/").content.decode()
    assert "data-asst " not in login_page  # officials only
    client.force_login(world.specialist)
    body = client.get("/can-bo/").content.decode()
    header = body.split("<header", 1)[1].split("</header>", 1)[0]
    assert 'class="asst asst-backoffice"' in header and "data-dock" in header
    assert 'data-channel="backoffice"' in header
    assert "Căn cứ pháp lý của thủ tục đăng ký khai sinh?" in header


@pytest.mark.parametrize("place", ["portal", "backoffice"])
def test_the_widget_adds_no_database_query(django_assert_num_queries, place):
    user = CitizenFactory()
    request = RequestFactory().get("/")
    for who in (AnonymousUser(), user):
        request.user = who
        with django_assert_num_queries(0):
            html = render_to_string("assistant/widget.html", {"place": place, "user": who}, request=request)
        assert f"asst-{place}" in html
    assert f'data-who="u{user.pk}"' in html  # a new account in the tab starts a new conversation


def test_the_widget_in_english_when_chosen(client):
    client.cookies["django_language"] = "en"
    body = client.get("/").content.decode()
    assert "Ask the virtual assistant" in body and "How much is the land-use certificate fee?" in body
    assert texts(body)[:2] == ["You", "Assistant"]


def test_the_script_shows_server_text_only_as_text_and_stays_small():
    script = (STATIC / "widget.js").read_text(encoding="utf-8")
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "localStorage"):
        assert unsafe not in script
    assert "textContent" in script and "sessionStorage" in script
    # Low bandwidth: what crosses the network (WhiteNoise serves them compressed) stays a few kilobytes.
    for name in ("widget.js", "widget.css"):
        raw = (STATIC / name).read_bytes()
        assert len(raw) < 9 * 1024 and len(gzip.compress(raw)) < 4 * 1024, name
    for outside in ("http://", "https://", "@import", "url("):  # no CDN, font or image from elsewhere
        assert outside not in (STATIC / "widget.css").read_text() and outside not in script


# --- /tro-ly/ without JavaScript -------------------------------------------------------------------------


def test_page_offers_the_form_and_the_suggestions(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Trợ lý ảo</h1>" in body and 'name="question"' in body
    assert 'value="Làm giấy khai sinh cần gì?"' in body
    assert "data-asst " not in body  # no floating widget over the page that does the same


def test_page_answers_with_the_cited_procedure(client, catalogue):
    response = client.post(PAGE, {"question": "làm giấy khai sinh cần gì"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bạn hỏi:" in body and "làm giấy khai sinh cần gì" in body
    assert '<a href="/thu-tuc/1.001193/">1.001193 — Thủ tục đăng ký khai sinh</a>' in body
    assert 'name="dossier_code"' not in body


def test_page_escapes_the_question(client, catalogue):
    body = client.post(PAGE, {"question": "<script>alert(1)</script> khai sinh"}).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


def test_blank_question_is_a_form_error_not_a_500(client):
    response = client.post(PAGE, {"question": "  "})
    assert response.status_code == 400
    assert "Trường này là bắt buộc." in response.content.decode()


def test_status_without_proof_asks_for_code_and_phone_and_reveals_nothing(client, world, media):
    dossier = waiting_for_supplement(world)
    asked = client.post(PAGE, {"question": f"hồ sơ {dossier.code} đến đâu rồi"}).content.decode()
    unknown = client.post(PAGE, {"question": "hồ sơ 000.24133.01.H66-260302-9999 đến đâu rồi"}).content.decode()
    for body in (asked, unknown):
        assert 'name="dossier_code"' in body and 'name="phone"' in body
        assert "Nguyễn Văn An" not in body and "bổ sung" not in body and world.marriage.name not in body
    wrong = client.post(PAGE, {"question": "đến đâu rồi", "dossier_code": dossier.code, "phone": "0999999999"})
    assert "Nguyễn Văn An" not in wrong.content.decode() and "Bản sao Giấy khai sinh" not in wrong.content.decode()
    right = client.post(PAGE, {"question": "đến đâu rồi", "dossier_code": dossier.code, "phone": "0912345678"})
    assert "Bản sao Giấy khai sinh có chứng thực." in right.content.decode()


def test_page_shares_the_api_limit_per_address(client, catalogue, settings):
    settings.MOTCUA_RATELIMIT_RATES = {**settings.MOTCUA_RATELIMIT_RATES, "assistant": "2/m"}
    assert client.post(PAGE, {"question": "phí làm sổ đỏ"}).status_code == 200
    api = client.post("/api/v1/assistant/ask", {"question": "phí làm sổ đỏ"}, content_type="application/json")
    assert api.status_code == 200
    response = client.post(PAGE, {"question": "phí làm sổ đỏ"})
    assert response.status_code == 429 and "Quá nhiều yêu cầu" in response.content.decode()


def test_page_counts_proofs_against_the_tracking_limit(client, world, settings, media):
    settings.MOTCUA_TRACK_RATE_PER_CODE = "2/h"
    dossier = waiting_for_supplement(world)
    for _ in range(2):
        assert client.post(PAGE, {"question": "đến đâu rồi", "dossier_code": dossier.code,
                                  "phone": "0999999999"}).status_code == 200
    response = client.post(PAGE, {"question": "đến đâu rồi", "dossier_code": dossier.code, "phone": "0912345678"})
    assert response.status_code == 429 and "Bản sao Giấy khai sinh" not in response.content.decode()


def test_the_page_never_writes_the_phone_back(client, catalogue):
    response = client.post("/tro-ly/", {"question": "hồ sơ đến đâu rồi",
                                         "dossier_code": "000.24133.01.H66-260302-0001", "phone": "0912345678"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="phone"' in body  # the box is offered again, empty
    assert "0912345678" not in body
