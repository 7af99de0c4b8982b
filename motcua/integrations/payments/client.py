# SPDX-License-Identifier: AGPL-3.0-or-later
"""Payment gateways (cổng thanh toán): the provider interface and VNPAY's payment protocol v2.1.0.

VNPAY (sandbox.vnpayment.vn/apis/docs/thanh-toan-pay/pay.html and its reference code):
- the payment URL carries vnp_* parameters, sorted by name, each key and value URL-encoded as PHP's
  `urlencode` does (space → "+", every byte but A-Z a-z 0-9 - _ . percent-encoded in upper-case hex), joined
  with "&"; that same string is signed with HMAC-SHA512 under the merchant's hash secret → vnp_SecureHash
  (hex). Version 2.1.0 sends no vnp_SecureHashType.
- the return URL and the IPN carry the result signed the same way: every vnp_* parameter except
  vnp_SecureHash / vnp_SecureHashType.
- amounts are in đồng × 100; dates are yyyyMMddHHmmss in GMT+7.
"""

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Protocol
from urllib.parse import quote_plus
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")  # VNPAY's dates are GMT+7 whatever the server's zone
VNPAY_VERSION = "2.1.0"
# Parameters that carry the signature itself: never part of the signed data.
_HASH_KEYS = {"vnp_SecureHash", "vnp_SecureHashType"}


class PaymentsDisabled(Exception):
    """The gateway is not configured (MOTCUA_VNPAY_ENABLED off): nothing can be paid or verified."""


class SignatureInvalid(Exception):
    """The parameters are not signed with our hash secret (forged, tampered or truncated)."""


class NoticeOutcome(Enum):
    """What the gateway's notice did; each provider turns it into its own answer (VNPAY: RspCode)."""

    CONFIRMED = "confirmed"
    NOT_FOUND = "not_found"
    ALREADY_CONFIRMED = "already_confirmed"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_SIGNATURE = "invalid_signature"
    ERROR = "error"


@dataclass(frozen=True)
class VerifiedNotice:
    """A payment result whose signature checked out (from the IPN or the return URL)."""

    txn_ref: str
    amount: int | None          # đồng; None when the gateway's amount is not a whole number of đồng
    success: bool
    cancelled: bool             # the payer gave up at the gateway
    response_code: str
    transaction_status: str
    provider_txn_no: str
    bank_code: str
    paid_at: datetime | None
    raw: dict = field(default_factory=dict)  # every vnp_* parameter, the secure hash removed


class PaymentProvider(Protocol):
    """A payment gateway. `payment` is a `models.Payment` (txn_ref, amount in đồng, expires_at, dossier)."""

    name: str

    def payment_url(self, payment, *, client_ip: str, return_url: str, locale: str = "vn") -> str:
        """Where to send the payer's browser to pay `payment`."""

    def verify(self, params: Mapping[str, str]) -> VerifiedNotice:
        """Check the signature of a result (IPN or return URL); raise SignatureInvalid if it fails."""

    def notice_answer(self, outcome: NoticeOutcome) -> dict:
        """The body the gateway expects in reply to its server-to-server notice."""


# ---------------------------------------------------------------- VNPAY


def vnpay_encode(text: str) -> str:
    """PHP's urlencode, as VNPAY's reference code uses: Python's quote_plus keeps "~", PHP does not."""
    return quote_plus(text, safe="", encoding="utf-8").replace("~", "%7E")


def vnpay_sign_data(params: Mapping[str, str], *, keep_empty: bool = False) -> str:
    """The string VNPAY signs: vnp_* parameters but the hash, sorted by name, encoded, joined with "&".
    Empty values are left out (VNPAY's .NET and Java libraries do so; the PHP one keeps them)."""
    items = sorted((k, str(v)) for k, v in params.items()
                   if k.startswith("vnp_") and k not in _HASH_KEYS and (keep_empty or str(v) != ""))
    return "&".join(f"{vnpay_encode(k)}={vnpay_encode(v)}" for k, v in items)


def vnpay_hash(secret: str, data: str) -> str:
    return hmac.new(secret.encode("utf-8"), data.encode("utf-8"), hashlib.sha512).hexdigest()


def vnpay_date(moment: datetime) -> str:
    return moment.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def _parse_vnpay_date(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
    except (TypeError, ValueError):
        return None


def order_info(text: str) -> str:
    """vnp_OrderInfo: VNPAY asks for Vietnamese without diacritics and no special characters."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(re.sub(r"[^A-Za-z0-9.\-]", " ", text).split())[:255]


def _amount(value: str) -> int | None:
    """vnp_Amount (đồng × 100) → đồng; None when it is not a whole number of đồng."""
    if not value.isdigit() or int(value) % 100:
        return None
    return int(value) // 100


class VnpayProvider:
    """VNPAY payment gateway, protocol 2.1.0 (vnp_Command=pay)."""

    name = "vnpay"
    _ANSWERS = {
        NoticeOutcome.CONFIRMED: ("00", "Confirm Success"),
        NoticeOutcome.NOT_FOUND: ("01", "Order not found"),
        NoticeOutcome.ALREADY_CONFIRMED: ("02", "Order already confirmed"),
        NoticeOutcome.INVALID_AMOUNT: ("04", "invalid amount"),
        NoticeOutcome.INVALID_SIGNATURE: ("97", "Invalid signature"),
        NoticeOutcome.ERROR: ("99", "Unknow error"),  # sic: VNPAY's own wording
    }

    def __init__(self, *, tmn_code: str, hash_secret: str, pay_url: str, order_type: str = "other"):
        if not (tmn_code and hash_secret):
            raise PaymentsDisabled("VNPAY needs a terminal code and a hash secret.")
        self.tmn_code, self.hash_secret, self.pay_url, self.order_type = tmn_code, hash_secret, pay_url, order_type

    def payment_params(self, payment, *, client_ip: str, return_url: str, locale: str = "vn",
                       now: datetime | None = None) -> dict[str, str]:
        return {
            "vnp_Version": VNPAY_VERSION,
            "vnp_Command": "pay",
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": str(payment.amount * 100),
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": payment.txn_ref,
            "vnp_OrderInfo": order_info(f"Thanh toan phi le phi ho so {payment.dossier.code}"),
            "vnp_OrderType": self.order_type,
            "vnp_Locale": "en" if locale == "en" else "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": vnpay_date(now or timezone.now()),
            "vnp_ExpireDate": vnpay_date(payment.expires_at),
        }

    def sign(self, params: Mapping[str, str]) -> str:
        return vnpay_hash(self.hash_secret, vnpay_sign_data(params))

    def payment_url(self, payment, *, client_ip: str, return_url: str, locale: str = "vn",
                    now: datetime | None = None) -> str:
        params = self.payment_params(payment, client_ip=client_ip, return_url=return_url, locale=locale, now=now)
        data = vnpay_sign_data(params)  # the query string is the signed string itself
        separator = "&" if "?" in self.pay_url else "?"
        return f"{self.pay_url}{separator}{data}&vnp_SecureHash={vnpay_hash(self.hash_secret, data)}"

    def _signature_ok(self, params: Mapping[str, str]) -> bool:
        given = str(params.get("vnp_SecureHash", "")).lower()
        if not given:
            return False
        forms = [vnpay_sign_data(params)]
        if any(str(v) == "" for k, v in params.items() if k.startswith("vnp_") and k not in _HASH_KEYS):
            forms.append(vnpay_sign_data(params, keep_empty=True))  # PHP-style signers keep empty values
        return any(hmac.compare_digest(vnpay_hash(self.hash_secret, data), given) for data in forms)

    def verify(self, params: Mapping[str, str]) -> VerifiedNotice:
        if not self._signature_ok(params):
            raise SignatureInvalid("vnp_SecureHash does not match")
        raw = {k: str(v) for k, v in params.items() if k.startswith("vnp_") and k not in _HASH_KEYS}
        response, status = raw.get("vnp_ResponseCode", ""), raw.get("vnp_TransactionStatus", "")
        return VerifiedNotice(
            txn_ref=raw.get("vnp_TxnRef", ""),
            amount=_amount(raw.get("vnp_Amount", "")),
            # VNPAY's reference IPN: paid only when both the response and the transaction status say 00.
            success=response == "00" and status == "00",
            cancelled=response == "24",
            response_code=response,
            transaction_status=status,
            provider_txn_no=raw.get("vnp_TransactionNo", ""),
            bank_code=raw.get("vnp_BankCode", ""),
            paid_at=_parse_vnpay_date(raw.get("vnp_PayDate", "")),
            raw=raw,
        )

    def notice_answer(self, outcome: NoticeOutcome) -> dict:
        code, message = self._ANSWERS[outcome]
        return {"RspCode": code, "Message": message}


def provider_get() -> PaymentProvider:
    """The configured gateway; PaymentsDisabled when none is switched on."""
    if not getattr(settings, "MOTCUA_VNPAY_ENABLED", False):
        raise PaymentsDisabled("MOTCUA_VNPAY_ENABLED is off.")
    return VnpayProvider(tmn_code=settings.MOTCUA_VNPAY_TMN_CODE, hash_secret=settings.MOTCUA_VNPAY_HASH_SECRET,
                         pay_url=settings.MOTCUA_VNPAY_PAY_URL,
                         order_type=getattr(settings, "MOTCUA_VNPAY_ORDER_TYPE", "other"))


def payments_enabled() -> bool:
    return bool(getattr(settings, "MOTCUA_VNPAY_ENABLED", False))


def return_url_get() -> str:
    """Where the gateway sends the payer back: MOTCUA_VNPAY_RETURN_URL, else the public address + our path."""
    configured = getattr(settings, "MOTCUA_VNPAY_RETURN_URL", "")
    if configured:
        return configured
    base = getattr(settings, "MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("payments:vnpay-return")
