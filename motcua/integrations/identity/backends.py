# SPDX-License-Identifier: AGPL-3.0-or-later
"""The OpenID Connect authentication backend ("Đăng nhập bằng VNeID").

mozilla-django-oidc does the code flow (token request with PKCE, ID token signature and nonce); this
subclass adds what a public service needs:
- it acts only on our callback URL and only when MOTCUA_OIDC_ENABLED: Django asks every backend on every
  login, and a password login must never trigger a token request;
- the ID token's audience, issuer and expiry are checked, and the userinfo `sub` must be the ID token's;
- the account is found by the provider's subject (ExternalIdentity), never by e-mail, so it never merges
  into an existing account — an official's least of all;
- a provider or network failure is a failed login (logged), never a 500.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from motcua.core.errors import ApplicationError

from .client import ProviderUnavailable, oidc_setting
from .services import external_identity_login

logger = logging.getLogger(__name__)

CALLBACK_VIEW = "identity:callback"
LEEWAY_SECONDS = 60  # clock difference tolerated between us and the provider


def _on_callback(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name == CALLBACK_VIEW


class VNeIDBackend(OIDCAuthenticationBackend):
    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        # Django builds every backend for every login attempt: read no setting and call no provider here
        # (the feature may be off and unconfigured); `_configure` runs when a callback arrives.
        self.UserModel = get_user_model()

    def _configure(self) -> None:
        super().__init__()

    def authenticate(self, request, **kwargs):
        if not settings.MOTCUA_OIDC_ENABLED or request is None or not _on_callback(request):
            return None
        try:
            self._configure()
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, ImproperlyConfigured, ProviderUnavailable,
                ApplicationError, jwt.PyJWTError, KeyError, ValueError) as exc:
            logger.warning("OIDC login failed: %s: %s", type(exc).__name__, exc)
            return None

    def _verify_jws(self, payload, key):
        """Signature with the expected algorithm only, and the claims an ID token must carry for us."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"ID token algorithm {header.get('alg')!r} is not {self.OIDC_RP_SIGN_ALGO!r}")
        issuer = self.get_settings("MOTCUA_OIDC_ISSUER", "") or None
        try:
            return jwt.decode(payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO], audience=self.OIDC_RP_CLIENT_ID,
                              issuer=issuer, leeway=LEEWAY_SECONDS,
                              options={"require": ["exp", "iat", "aud", "sub"]})
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims) or claims.get("sub") != payload.get("sub"):
            # OpenID Connect Core §5.3.2: a userinfo response for another subject must not be used.
            raise SuspiciousOperation("userinfo sub differs from the ID token's")
        # The ID token may carry claims the userinfo left out; userinfo wins where both speak.
        merged = {**payload, **claims}
        return external_identity_login(provider=settings.MOTCUA_OIDC_PROVIDER, subject=payload["sub"],
                                       claims=merged, cccd_claim=settings.MOTCUA_OIDC_CCCD_CLAIM)
