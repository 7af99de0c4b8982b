# SPDX-License-Identifier: AGPL-3.0-or-later
"""The VNeID login's switch, and what the callback refuses before any provider is asked."""

import socket
from urllib.parse import parse_qs, urlsplit

import pytest

from motcua.accounts.models import User
from motcua.integrations.identity.client import discovery_forget

pytestmark = pytest.mark.django_db


@pytest.fixture
def oidc_on(settings):
    """Enabled with explicit endpoints on a port nobody listens on: nothing here may reach them."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings.MOTCUA_OIDC_ENABLED = True
    settings.MOTCUA_OIDC_DISCOVERY_URL = ""
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "motcua", "bi-mat"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{dead}/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{dead}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{dead}/me"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{dead}/jwks"
    discovery_forget()
    yield settings
    discovery_forget()


@pytest.mark.parametrize("path", ["/dang-nhap-vneid/", "/dang-nhap-vneid/callback/?code=a&state=b"])
def test_off_by_default_both_steps_are_404(client, path):
    assert client.get(path).status_code == 404


def test_the_vneid_button_shows_only_when_enabled(client, settings):
    assert "Đăng nhập bằng VNeID" not in client.get("/dang-nhap/").content.decode()
    settings.MOTCUA_OIDC_ENABLED = True
    for page in ("/dang-nhap/", "/dang-ky/"):
        assert 'href="/dang-nhap-vneid/"' in client.get(page).content.decode()
    assert 'href="/dang-nhap-vneid/?next=/tai-khoan/"' in client.get("/dang-nhap/?next=/tai-khoan/").content.decode()


def test_the_start_sends_the_browser_to_the_provider_with_state_nonce_and_pkce(client, oidc_on):
    response = client.get("/dang-nhap-vneid/?next=/tai-khoan/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    query = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert url.path == "/auth" and query["client_id"] == "motcua" and query["response_type"] == "code"
    assert query["redirect_uri"] == "http://testserver/dang-nhap-vneid/callback/"
    assert query["scope"] == "openid profile email phone"
    assert query["code_challenge_method"] == "S256" and query["nonce"] and query["state"]
    assert query["state"] in client.session["oidc_states"]
    assert client.session["oidc_login_next"] == "/tai-khoan/"


def test_a_forged_state_is_refused_in_vietnamese_and_logs_nobody_in(client, oidc_on):
    client.get("/dang-nhap-vneid/")  # a real flow under way in this browser
    response = client.get("/dang-nhap-vneid/callback/?code=ma-gia&state=trang-thai-gia")
    assert response.status_code == 400
    assert "Yêu cầu đăng nhập không hợp lệ" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(external_identities__isnull=False).exists()


def test_a_callback_without_any_flow_goes_back_to_the_login_page(client, oidc_on):
    response = client.get("/dang-nhap-vneid/callback/?code=ma&state=trang-thai", follow=True)
    assert response.redirect_chain[-1][0] == "/dang-nhap/"
    assert "Đăng nhập bằng VNeID không thành công" in response.content.decode()


def test_a_cancelled_login_goes_back_with_a_message(client, oidc_on):
    client.get("/dang-nhap-vneid/")
    state = next(iter(client.session["oidc_states"]))
    response = client.get(f"/dang-nhap-vneid/callback/?error=access_denied&state={state}", follow=True)
    assert response.redirect_chain[-1][0] == "/dang-nhap/"
    assert "đã bị hủy" in response.content.decode()
    assert state not in client.session.get("oidc_states", {})


def test_a_provider_that_is_down_gives_a_503_page_not_a_500(client, oidc_on):
    oidc_on.MOTCUA_OIDC_DISCOVERY_URL = oidc_on.OIDC_OP_JWKS_ENDPOINT.replace("/jwks", "/.well-known/openid-configuration")
    oidc_on.OIDC_OP_AUTHORIZATION_ENDPOINT = ""
    response = client.get("/dang-nhap-vneid/")
    assert response.status_code == 503
    assert "VNeID tạm thời không truy cập được" in response.content.decode()


def test_a_token_request_that_fails_is_a_failed_login_not_a_500(client, oidc_on):
    client.get("/dang-nhap-vneid/")
    state = next(iter(client.session["oidc_states"]))
    response = client.get(f"/dang-nhap-vneid/callback/?code=ma&state={state}")
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/"
    assert "_auth_user_id" not in client.session
