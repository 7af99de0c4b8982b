# SPDX-License-Identifier: AGPL-3.0-or-later
"""Printable page and PDF download of forms 01–05: who may see them, and what a refusal looks like."""

import pytest
from django.urls import reverse

from motcua.accounts.tests.factories import CitizenFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("motcua.dossiers.tests.printing.urls")]


def _login(client, user):
    """Log in as the user stored in the database: OfficialFactory sets a password on the instance
    without saving it, and a session made from the unsaved hash is dropped on the next request."""
    user.refresh_from_db()
    client.force_login(user)


def _html(code, number="01"):
    return reverse("printing:form-html", kwargs={"code": code, "number": number})


def _pdf(code, number="01"):
    return reverse("printing:form-pdf", kwargs={"code": code, "number": number})


def test_urls_sit_under_the_dossier_in_the_back_office(received):
    assert _html(received.code) == f"/can-bo/ho-so/{received.code}/mau/01/"
    assert _pdf(received.code, "05") == f"/can-bo/ho-so/{received.code}/mau/05.pdf"


def test_owner_gets_the_printable_page_with_an_inline_qr(client, world, received):
    _login(client, world.citizen)
    response = client.get(_html(received.code))
    assert response.status_code == 200
    html = response.content.decode()
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html and "Nguyễn Văn An" in html
    assert received.code in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="qr"' in html
    assert "@page { size: A5;" in html
    # Everything inline: no stylesheet, script, image or font fetched from elsewhere.
    for external in ("<link", "<script", "<img", "url("):
        assert external not in html
    assert response["Cache-Control"].startswith("max-age=0") and "private" in response["Cache-Control"]


def test_owner_gets_the_pdf_inline_with_a_named_file(client, world, received):
    _login(client, world.citizen)
    response = client.get(_pdf(received.code))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{received.code}-mau-01.pdf"'
    assert response.content.startswith(b"%PDF-")


def test_official_of_the_receiving_center_prints_the_control_slip_on_a4(client, world, returned):
    _login(client, world.receiver)
    page = client.get(_html(returned.code, "05"))
    assert page.status_code == 200 and "@page { size: A4;" in page.content.decode()
    assert "Lãnh đạo ký duyệt" in page.content.decode()
    assert client.get(_pdf(returned.code, "05")).status_code == 200


@pytest.mark.parametrize("url", [_html, _pdf])
def test_stranger_citizen_and_official_elsewhere_get_404(client, world, received, url):
    _login(client, CitizenFactory())
    assert client.get(url(received.code)).status_code == 404
    _login(client, world.tan_an_receiver)  # a receiver at another ward's center
    assert client.get(url(received.code)).status_code == 404


@pytest.mark.parametrize("url", [_html, _pdf])
def test_anonymous_is_sent_to_log_in(client, settings, received, url):
    settings.LOGIN_URL = "/dang-nhap/"
    response = client.get(url(received.code))
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=/can-bo/ho-so/")


@pytest.mark.parametrize("number", ["06", "00", "abc"])
def test_unknown_form_is_404(client, world, received, number):
    _login(client, world.receiver)
    assert client.get(_html(received.code, number)).status_code == 404
    assert client.get(_pdf(received.code, number)).status_code == 404


def test_unknown_dossier_is_404(client, world, db):
    _login(client, world.receiver)
    assert client.get(_html("000.24133.01.H66-260302-9999")).status_code == 404


@pytest.mark.parametrize("url", [_html, _pdf])
def test_form_that_does_not_apply_is_409_with_the_reason(client, world, received, url):
    _login(client, world.receiver)
    response = client.get(url(received.code, "03"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "không bị từ chối tiếp nhận nên không có Mẫu số 03" in body


def test_short_form_number_is_the_same_form(client, world, received):
    _login(client, world.receiver)
    response = client.get(_pdf(received.code, "1"))
    assert response["Content-Disposition"] == f'inline; filename="{received.code}-mau-01.pdf"'


def test_post_is_not_allowed(client, world, received):
    _login(client, world.receiver)
    assert client.post(_html(received.code)).status_code == 405
