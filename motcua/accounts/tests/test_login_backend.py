# SPDX-License-Identifier: AGPL-3.0-or-later
"""The password backend: a phone number in any spelling, an e-mail in any case, or the username."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from motcua.accounts.selectors import login_identifier, user_for_login
from motcua.accounts.services import citizen_register
from motcua.accounts.tests.factories import TEST_PASSWORD, CitizenFactory, OfficialFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Hoso-rat-an-toan-1"


def _login(identifier, password=PASSWORD):
    request = RequestFactory().post("/dang-nhap/")
    return authenticate(request, username=identifier, password=password)


@pytest.fixture
def binh():
    return citizen_register(full_name="Trần Thị Bình", phone="0935111222", email="Binh.Tran@example.vn",
                            password=PASSWORD)


@pytest.mark.parametrize("identifier", ["0935111222", "+84 935 111 222", "84935111222", "0935.111.222",
                                        "binh.tran@example.vn", "BINH.TRAN@EXAMPLE.VN", " Binh.Tran@example.vn "])
def test_a_citizen_logs_in_with_phone_or_email_in_any_spelling(binh, identifier):
    assert _login(identifier) == binh


def test_a_username_logs_in_as_it_is(binh):
    official = OfficialFactory(username="tn.bmt")
    assert _login("tn.bmt", TEST_PASSWORD) == official


def test_a_wrong_password_or_unknown_name_is_refused(binh):
    assert _login("0935111222", "sai-mat-khau") is None
    assert _login("0935000000") is None
    assert _login("ai@example.vn") is None
    assert _login("") is None


def test_an_inactive_account_cannot_log_in(binh):
    binh.is_active = False
    binh.save()
    assert _login("0935111222") is None


def test_an_email_shared_by_two_accounts_with_passwords_logs_in_neither():
    OfficialFactory(username="a", email="chung@example.vn")
    OfficialFactory(username="b", email="CHUNG@example.vn")
    assert user_for_login("chung@example.vn") is None
    assert _login("chung@example.vn", TEST_PASSWORD) is None
    assert _login("a", TEST_PASSWORD) is not None


def test_an_account_without_password_never_makes_a_phone_ambiguous(binh):
    vneid_only = CitizenFactory(username="cd-vneid", phone="0935111222")
    vneid_only.set_unusable_password()
    vneid_only.save()
    assert _login("0935111222") == binh


def test_login_without_a_request_still_works_for_tests_and_scripts(client, binh):
    """Axes needs a request to count failures; the test client's login() has none and must keep working."""
    assert client.login(username="0935111222", password=PASSWORD)


@pytest.mark.parametrize(("raw", "key"), [("+84 935 111 222", "0935111222"), ("An@Example.VN", "an@example.vn"),
                                          ("tn.bmt", "tn.bmt"), ("  ", "")])
def test_lockout_counts_one_person_under_one_name(raw, key):
    assert login_identifier(raw) == key


def test_an_oidc_callback_query_on_the_password_form_does_not_reach_the_provider(binh, settings):
    """Django asks every backend: the VNeID backend must stay out of a password login, even with
    code/state in the query string and the feature on."""
    hits = []

    class Provider(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 — http.server's name
            hits.append(self.path)
            self.send_response(500)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.MOTCUA_OIDC_ENABLED = True
        settings.OIDC_OP_TOKEN_ENDPOINT = f"http://127.0.0.1:{server.server_port}/token"
        request = RequestFactory().post("/dang-nhap/?code=abc&state=xyz")
        assert authenticate(request, username="0935111222", password="sai") is None
        assert authenticate(request, username="0935111222", password=PASSWORD) == binh
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
