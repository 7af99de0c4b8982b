# SPDX-License-Identifier: AGPL-3.0-or-later
"""Delivery channels: e-mail through Django's mail (SMTP), SMS through a provider interface.

Every failure becomes a `DeliveryError` that says whether trying again may help (`retryable`): network
errors, timeouts, 5xx/429 and SMTP 4xx are retryable; a refused recipient or payload (HTTP 4xx, SMTP 5xx)
is not. Error texts are masked before they leave this module (they may quote the recipient).
"""

import json
import logging
import smtplib
from typing import Protocol

import requests
from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend
from django.core.mail.message import make_msgid

from motcua.core.masking import mask_phone, mask_text

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    def __init__(self, message: str, *, retryable: bool):
        self.retryable = retryable
        super().__init__(mask_text(message)[:500])


# ---------------------------------------------------------------- SMS


class SmsProvider(Protocol):
    def send(self, phone: str, text: str) -> str:
        """Send `text` (Unicode) to `phone`; return the provider's message id or raise DeliveryError."""


class ConsoleSmsProvider:
    """Demo provider: writes the message to the log, the number masked; nothing leaves the machine."""

    def send(self, phone: str, text: str) -> str:
        logger.info("SMS (console) to %s: %s", mask_phone(phone), mask_text(text))
        return ""


# Statuses that say "not now" rather than "never": retry later. 401/403 are a configuration fault of the
# gateway account, not of the message: retrying after the operator fixes the token must still deliver.
_RETRYABLE_HTTP = {401, 403, 408, 409, 425, 429}


class HttpSmsProvider:
    """A generic SMS gateway: POST JSON {"to", "text", "sender"} with a bearer token; the answer's "id" (or
    "message_id") is the provider's message id. Vietnamese text is sent as UTF-8, unescaped."""

    def __init__(self, *, url: str, token: str = "", sender: str = "", timeout: float = 10,
                 session: requests.Session | None = None):
        self.url, self.token, self.sender, self.timeout = url, token, sender, timeout
        self.session = session or requests.Session()

    def send(self, phone: str, text: str) -> str:
        payload = {"to": phone, "text": text}
        if self.sender:
            payload["sender"] = self.sender
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = self.session.post(self.url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                                         headers=headers, timeout=self.timeout)
        except requests.Timeout:
            raise DeliveryError(f"SMS gateway timed out after {self.timeout} s", retryable=True) from None
        except requests.RequestException as exc:
            raise DeliveryError(f"SMS gateway unreachable: {type(exc).__name__}", retryable=True) from None
        if response.status_code >= 400:
            retryable = response.status_code >= 500 or response.status_code in _RETRYABLE_HTTP
            raise DeliveryError(f"SMS gateway answered HTTP {response.status_code}: {response.text[:200]}",
                                retryable=retryable)
        return _message_id(response)


def _message_id(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    return str(data.get("id") or data.get("message_id") or "")[:255]


def sms_provider() -> SmsProvider:
    """The gateway when MOTCUA_SMS_ENABLED, else the console (demo)."""
    if settings.MOTCUA_SMS_ENABLED:
        return HttpSmsProvider(url=settings.MOTCUA_SMS_URL, token=settings.MOTCUA_SMS_TOKEN,
                               sender=settings.MOTCUA_SMS_SENDER, timeout=settings.MOTCUA_SMS_TIMEOUT)
    return ConsoleSmsProvider()


# ---------------------------------------------------------------- e-mail


def email_send(*, to: str, subject: str, body: str) -> str:
    """Send one plain-text UTF-8 message through Django's configured backend; return its Message-ID."""
    message_id = make_msgid(domain="motcua")
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
                           headers={"Message-ID": message_id})
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        raise DeliveryError(f"SMTP refused the recipient: {codes}", retryable=all(400 <= c < 500 for c in codes)) \
            from None
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"SMTP authentication failed: {exc.smtp_code}", retryable=True) from None
    except smtplib.SMTPResponseException as exc:  # sender refused, data refused…
        raise DeliveryError(f"SMTP answered {exc.smtp_code}: {_decode(exc.smtp_error)}",
                            retryable=exc.smtp_code < 500) from None
    except (smtplib.SMTPException, OSError) as exc:  # disconnected, refused connection, timeout
        raise DeliveryError(f"SMTP server unreachable: {type(exc).__name__}: {exc}", retryable=True) from None
    return message_id


def _decode(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class MaskedConsoleEmailBackend(ConsoleEmailBackend):
    """Demo e-mail backend: Django's console backend with addresses and numbers masked in what it prints."""

    def write_message(self, message):
        # Decoded rather than the raw MIME text: Vietnamese subjects stay readable, not =?utf-8?b?…?=.
        text = (f"From: {message.from_email}\nTo: {', '.join(message.to)}\nSubject: {message.subject}\n\n"
                f"{message.body}")
        self.stream.write(mask_text(text) + "\n" + "-" * 79 + "\n")
