# SPDX-License-Identifier: AGPL-3.0-or-later
"""The whole "Đăng nhập bằng VNeID" code flow over HTTP: Django's live server, a real OpenID Connect
provider on loopback (tests/oidc_provider), and a `requests` session playing the browser."""

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
import requests
from django.contrib.sessions.backends.db import SessionStore

from motcua.accounts.auth import IDENTITY_VERIFIED
from motcua.accounts.models import User
from motcua.integrations.identity.client import discovery_forget
from motcua.integrations.identity.models import ExternalIdentity

from .conftest import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT = 15


class _Form(HTMLParser):
    """The first <form> of a page whose action contains `action`: its action, its inputs' names and values."""

    def __init__(self, action: str = ""):
        super().__init__()
        self.wanted, self.action, self.fields, self._inside = action, None, {}, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None and self.wanted in (attrs.get("action") or ""):
            self.action, self._inside = attrs.get("action", ""), True
        elif tag == "input" and self._inside and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False


def _submit(browser: requests.Session, page: requests.Response, action: str = "", **values) -> requests.Response:
    form = _Form(action)
    form.feed(page.text)
    assert form.action is not None, page.text[:500]
    return browser.post(urljoin(page.url, form.action), data={**form.fields, **values}, timeout=TIMEOUT)


def _log_in_at_provider(browser, start_url: str, account: str) -> requests.Response:
    """Start at our login URL, sign in and consent at the provider, come back through our callback."""
    login_page = browser.get(start_url, timeout=TIMEOUT)
    assert 'name="login"' in login_page.text, login_page.text[:500]
    consent_page = _submit(browser, login_page, login=account, password="bat-ky")
    assert 'value="consent"' in consent_page.text, consent_page.text[:500]
    return _submit(browser, consent_page)


def _explicit(settings, issuer):
    settings.MOTCUA_OIDC_ENABLED = True
    settings.MOTCUA_OIDC_DISCOVERY_URL = ""
    settings.MOTCUA_OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    # Discovery-less: the endpoints as an operator would type them from the provider's documentation.
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{issuer}/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{issuer}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{issuer}/me"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{issuer}/jwks"
    discovery_forget()


def _session_of(browser: requests.Session):
    return SessionStore(session_key=browser.cookies.get("sessionid"))


def test_a_new_citizen_logs_in_with_vneid_and_is_identity_verified(live_server, oidc_provider, settings):
    _explicit(settings, oidc_provider)
    browser = requests.Session()
    account_page = _log_in_at_provider(browser, f"{live_server.url}/dang-nhap-vneid/?next=/tai-khoan/", "cong-dan-1")

    assert account_page.status_code == 200 and account_page.url == f"{live_server.url}/tai-khoan/"
    assert "Nguyễn Thị Hoa" in account_page.text and "Đã xác thực qua VNeID" in account_page.text
    link = ExternalIdentity.objects.select_related("user").get(provider="vneid", subject="cong-dan-1")
    user = link.user
    assert user.identity_verified and user.kind == "cong_dan" and not user.has_usable_password()
    assert (user.full_name, user.national_id, user.phone, user.email) == (
        "Nguyễn Thị Hoa", "066190000789", "0935222333", "hoa.nguyen@example.vn")
    session = _session_of(browser)
    assert session["_auth_user_id"] == str(user.pk)
    assert session[IDENTITY_VERIFIED] is True

    # Logging in again (after logging out) finds the same account; the default landing is "Hồ sơ của tôi".
    page = browser.get(f"{live_server.url}/tai-khoan/", timeout=TIMEOUT)
    _submit(browser, page, "/dang-xuat/")
    assert "_auth_user_id" not in _session_of(browser)
    again = browser.get(f"{live_server.url}/dang-nhap-vneid/", timeout=TIMEOUT, allow_redirects=True)
    # The provider remembers the login and the consent: straight back to us.
    assert again.url.startswith(f"{live_server.url}/ho-so-cua-toi/")
    assert User.objects.filter(external_identities__subject="cong-dan-1").count() == 1
    assert _session_of(browser)[IDENTITY_VERIFIED] is True


def test_the_endpoints_can_come_from_the_discovery_document(live_server, oidc_provider, settings):
    _explicit(settings, oidc_provider)
    settings.MOTCUA_OIDC_DISCOVERY_URL = f"{oidc_provider}/.well-known/openid-configuration"
    settings.MOTCUA_OIDC_ISSUER = ""
    for name in ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT",
                 "OIDC_OP_JWKS_ENDPOINT"):
        setattr(settings, name, "")
    browser = requests.Session()
    _log_in_at_provider(browser, f"{live_server.url}/dang-nhap-vneid/", "cong-dan-2")
    user = User.objects.get(external_identities__subject="cong-dan-2")
    assert user.full_name == "Trần Văn Bình" and user.national_id == "066090000124"
    assert _session_of(browser)["_auth_user_id"] == str(user.pk)
    discovery_forget()


def test_a_tampered_state_on_the_way_back_is_refused(live_server, oidc_provider, settings):
    _explicit(settings, oidc_provider)
    browser = requests.Session()
    login_page = browser.get(f"{live_server.url}/dang-nhap-vneid/", timeout=TIMEOUT)
    consent_page = _submit(browser, login_page, login="ke-gia-mao", password="x")
    form = _Form()
    form.feed(consent_page.text)
    back = browser.post(urljoin(consent_page.url, form.action), data=form.fields, timeout=TIMEOUT,
                        allow_redirects=False)
    while "/dang-nhap-vneid/callback/" not in back.headers.get("Location", ""):
        back = browser.get(urljoin(back.url, back.headers["Location"]), timeout=TIMEOUT, allow_redirects=False)
    callback = back.headers["Location"].replace("state=", "state=gia-mao-")
    refused = browser.get(callback, timeout=TIMEOUT, allow_redirects=False)
    assert refused.status_code == 400 and "Yêu cầu đăng nhập không hợp lệ" in refused.text
    assert "_auth_user_id" not in _session_of(browser)
    assert not ExternalIdentity.objects.filter(subject="ke-gia-mao").exists()


def test_a_refused_token_request_is_a_failed_login_with_a_message(live_server, oidc_provider, settings):
    """A wrong client secret: the provider refuses the code exchange; back on the login page, nobody logged in."""
    _explicit(settings, oidc_provider)
    settings.OIDC_RP_CLIENT_SECRET = "bi-mat-sai"
    browser = requests.Session()
    back = _log_in_at_provider(browser, f"{live_server.url}/dang-nhap-vneid/", "cong-dan-3")
    assert back.url == f"{live_server.url}/dang-nhap/"
    assert "Đăng nhập bằng VNeID không thành công" in back.text
    assert not ExternalIdentity.objects.filter(subject="cong-dan-3").exists()
