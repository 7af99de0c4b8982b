# SPDX-License-Identifier: AGPL-3.0-or-later
"""The ID token checks added to mozilla-django-oidc's: algorithm, audience, issuer, expiry."""

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation

from motcua.integrations.identity.backends import VNeIDBackend

ISSUER = "https://vneid.example"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def backend(settings):
    settings.MOTCUA_OIDC_ENABLED = True
    settings.MOTCUA_OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = "motcua", "bi-mat"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT, settings.OIDC_OP_USER_ENDPOINT = f"{ISSUER}/token", f"{ISSUER}/me"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/jwks"
    settings.MOTCUA_OIDC_DISCOVERY_URL = ""
    backend = VNeIDBackend()
    backend._configure()
    return backend


def _token(algorithm="RS256", key=KEY, **changes):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "motcua", "sub": "cong-dan-1", "iat": now, "exp": now + 300, **changes}
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, key, algorithm=algorithm)


def test_a_good_token_passes(backend):
    assert backend._verify_jws(_token(), KEY.public_key())["sub"] == "cong-dan-1"


@pytest.mark.parametrize("changes", [{"aud": "ung-dung-khac"}, {"iss": "https://gia-mao.example"},
                                     {"exp": int(time.time()) - 3600}, {"exp": None}, {"aud": None}])
def test_a_token_for_someone_else_or_expired_is_refused(backend, changes):
    with pytest.raises(SuspiciousOperation):
        backend._verify_jws(_token(**changes), KEY.public_key())


def test_another_algorithm_is_refused_even_if_the_signature_holds(backend):
    with pytest.raises(SuspiciousOperation):
        backend._verify_jws(_token(algorithm="HS256", key="bi-mat" * 8), "bi-mat" * 8)


def test_a_token_signed_by_another_key_is_refused(backend):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(SuspiciousOperation):
        backend._verify_jws(_token(key=other), KEY.public_key())
