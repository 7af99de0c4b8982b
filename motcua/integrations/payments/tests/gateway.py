# SPDX-License-Identifier: AGPL-3.0-or-later
"""A loopback server playing VNPAY (http.server in a thread), written from VNPAY's integration guide and
NOT from our client: it checks the payment URL's signature as VNPAY would, then "pays" — calls our IPN URL
with a signed notice and sends the browser back to vnp_ReturnUrl.

Signing per the guide: the vnp_* parameters except vnp_SecureHash(Type), sorted by name, each key and value
URL-encoded like PHP's urlencode (unreserved = A-Z a-z 0-9 - _ . ; space = "+"; other bytes %XX upper
case), joined by "&", HMAC-SHA512 under the hash secret, hex.
"""

import hashlib
import hmac
import json
import threading
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

PAY_PATH = "/paymentv2/vpcpay.html"
GMT7 = ZoneInfo("Asia/Ho_Chi_Minh")
_UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
REQUIRED = ["vnp_Version", "vnp_Command", "vnp_TmnCode", "vnp_Amount", "vnp_CurrCode", "vnp_TxnRef",
            "vnp_OrderInfo", "vnp_OrderType", "vnp_Locale", "vnp_ReturnUrl", "vnp_IpAddr", "vnp_CreateDate",
            "vnp_ExpireDate"]


def php_urlencode(text: str) -> str:
    out = []
    for byte in text.encode("utf-8"):
        if byte in _UNRESERVED:
            out.append(chr(byte))
        elif byte == 0x20:
            out.append("+")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def signed_string(params: dict) -> str:
    keys = sorted(k for k in params if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType")
                  and params[k] != "")
    return "&".join(php_urlencode(k) + "=" + php_urlencode(params[k]) for k in keys)


def sign(params: dict, secret: str) -> str:
    return hmac.new(secret.encode(), signed_string(params).encode(), hashlib.sha512).hexdigest()


def signed_query(params: dict, secret: str) -> str:
    return signed_string(params) + "&vnp_SecureHash=" + sign(params, secret)


@dataclass
class Scenario:
    """How the next payment goes. Defaults: paid in full, everything honest."""

    response_code: str = "00"
    transaction_status: str = "00"
    amount: str | None = None        # vnp_Amount to report instead of the one asked
    txn_ref: str | None = None       # vnp_TxnRef to report instead of the one asked
    forge_hash: bool = False         # sign with another secret
    tamper_return: dict = field(default_factory=dict)  # changed in the return URL after signing


class FakeVnpay(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *, tmn_code: str, secret: str):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.tmn_code, self.secret = tmn_code, secret
        self.ipn_url = ""
        self.scenario = Scenario()
        self.requests: list[dict] = []        # payment requests received (params)
        self.refusals: list[str] = []         # why a payment request was refused
        self.ipn_answers: list[dict] = []     # our IPN's JSON answers
        self.last_notice: dict = {}
        self.next_transaction_no = 14000001

    @property
    def pay_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{PAY_PATH}"

    # -- VNPAY's checks on a payment request
    def check_request(self, params: dict) -> str:
        missing = [k for k in REQUIRED if not params.get(k)]
        if missing:
            return "missing " + ",".join(missing)
        if not hmac.compare_digest(sign(params, self.secret), params.get("vnp_SecureHash", "").lower()):
            return "invalid signature"
        if params["vnp_Version"] != "2.1.0" or params["vnp_Command"] != "pay" or params["vnp_CurrCode"] != "VND":
            return "bad version/command/currency"
        if params["vnp_TmnCode"] != self.tmn_code:
            return "unknown terminal"
        if not params["vnp_Amount"].isdigit():
            return "bad amount"
        now = datetime.now(GMT7).replace(tzinfo=None)
        created = datetime.strptime(params["vnp_CreateDate"], "%Y%m%d%H%M%S")
        expires = datetime.strptime(params["vnp_ExpireDate"], "%Y%m%d%H%M%S")
        if abs(created - now) > timedelta(minutes=5) or expires <= now:
            return "dates not in GMT+7 or expired"
        return ""

    # -- the payment's outcome, signed
    def notice_for(self, params: dict) -> dict:
        s = self.scenario
        notice = {
            "vnp_Amount": s.amount if s.amount is not None else params["vnp_Amount"],
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": "VNP" + str(self.next_transaction_no),
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": params["vnp_OrderInfo"],
            "vnp_PayDate": datetime.now(GMT7).strftime("%Y%m%d%H%M%S"),
            "vnp_ResponseCode": s.response_code,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionNo": str(self.next_transaction_no),
            "vnp_TransactionStatus": s.transaction_status,
            "vnp_TxnRef": s.txn_ref if s.txn_ref is not None else params["vnp_TxnRef"],
        }
        self.next_transaction_no += 1
        notice["vnp_SecureHash"] = sign(notice, "not-the-secret" if s.forge_hash else self.secret)
        return notice

    def send_ipn(self, notice: dict) -> dict:
        """GET our IPN URL as VNPAY does; the JSON answer is kept and returned."""
        query = "&".join(php_urlencode(k) + "=" + php_urlencode(v) for k, v in notice.items())
        with urllib.request.urlopen(f"{self.ipn_url}?{query}", timeout=10) as response:  # noqa: S310
            answer = json.loads(response.read())
        self.ipn_answers.append(answer)
        return answer

    def resend_ipn(self) -> dict:
        """VNPAY retries a notice: the very same parameters again."""
        return self.send_ipn(self.last_notice)

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: FakeVnpay

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path != PAY_PATH:
            self.send_error(404)
            return
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        self.server.requests.append(params)
        refusal = self.server.check_request(params)
        if refusal:
            self.server.refusals.append(refusal)
            self.send_response(400)
            self.end_headers()
            self.wfile.write(refusal.encode())
            return
        notice = self.server.notice_for(params)
        self.server.last_notice = notice
        self.server.send_ipn(notice)
        back = dict(notice, **self.server.scenario.tamper_return)
        query = "&".join(php_urlencode(k) + "=" + php_urlencode(v) for k, v in back.items())
        self.send_response(302)
        self.send_header("Location", f"{params['vnp_ReturnUrl']}?{query}")
        self.end_headers()
