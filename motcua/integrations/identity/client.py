# SPDX-License-Identifier: AGPL-3.0-or-later
"""The OpenID Connect provider's configuration: endpoints from the environment, the missing ones from its
discovery document (MOTCUA_OIDC_DISCOVERY_URL), fetched on first use and kept for the process.

Why on first use and not at start-up: every `motcua` command (migrate, tests, the demo) would otherwise
wait on, or fail with, a provider that only the login needs. An explicit setting always wins over discovery.
"""

import logging
import threading

import requests
from django.conf import settings
from mozilla_django_oidc.utils import import_from_settings

logger = logging.getLogger(__name__)

# mozilla-django-oidc setting → discovery document key (OpenID Connect Discovery 1.0 §3).
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "MOTCUA_OIDC_ISSUER": "issuer",
}
REQUIRED = ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT")

_lock = threading.Lock()
_documents: dict[str, dict] = {}


class ProviderUnavailable(Exception):
    """The identity provider cannot be reached or its configuration is unusable (shown as a 503)."""


def discovery_document(url: str) -> dict:
    """The provider's /.well-known/openid-configuration, fetched once per process."""
    with _lock:
        if url in _documents:
            return _documents[url]
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, headers={"Accept": "application/json"})
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("OIDC discovery at %s failed: %s", url, exc)
        raise ProviderUnavailable(str(exc)) from exc
    if not isinstance(document, dict) or not all(document.get(key) for key in ("issuer", *(
            DISCOVERED[name] for name in REQUIRED))):
        logger.warning("OIDC discovery at %s: the document lacks required endpoints", url)
        raise ProviderUnavailable("incomplete discovery document")
    with _lock:
        _documents[url] = document
    return document


def discovery_forget() -> None:
    """Drop the cached discovery documents (tests; a provider that moved its endpoints)."""
    with _lock:
        _documents.clear()


def oidc_setting(attr: str, *default):
    """mozilla-django-oidc's `get_settings`, with the endpoints filled from discovery when not set."""
    if attr in DISCOVERED:
        value = getattr(settings, attr, "")
        if not value and settings.MOTCUA_OIDC_DISCOVERY_URL:
            value = discovery_document(settings.MOTCUA_OIDC_DISCOVERY_URL).get(DISCOVERED[attr], "")
        if value:
            return value
        if default:
            return default[0]
        raise ProviderUnavailable(f"{attr} is not configured and no discovery document gives it")
    return import_from_settings(attr, *default)
