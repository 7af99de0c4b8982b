# SPDX-License-Identifier: AGPL-3.0-or-later
"""VNPAY's signature on a fixed parameter set, computed by hand (the string written out, its HMAC-SHA512
computed here with hmac and once with `openssl dgst -sha512 -hmac`)."""

import hashlib
import hmac
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest

from motcua.dossiers.models import Dossier
from motcua.integrations.payments.client import (
    SignatureInvalid,
    VnpayProvider,
    order_info,
    vnpay_encode,
    vnpay_sign_data,
)
from motcua.integrations.payments.models import Payment

from .gateway import sign

SECRET = "KHOABIMATTHUNGHIEM0123456789ABCD"
RETURN_URL = "https://dichvucong.daklak.gov.vn/thanh-toan/vnpay/tra-ve/"
SIGNED = (
    "vnp_Amount=5000000&vnp_Command=pay&vnp_CreateDate=20261123101500&vnp_CurrCode=VND"
    "&vnp_ExpireDate=20261123103000&vnp_IpAddr=203.113.130.5&vnp_Locale=vn"
    "&vnp_OrderInfo=Thanh+toan+phi+le+phi+ho+so+000.00.01.H66-261123-0001&vnp_OrderType=other"
    "&vnp_ReturnUrl=https%3A%2F%2Fdichvucong.daklak.gov.vn%2Fthanh-toan%2Fvnpay%2Ftra-ve%2F"
    "&vnp_TmnCode=MOTCUA01&vnp_TxnRef=261123101500A1B2C3D4E5&vnp_Version=2.1.0"
)
# printf '%s' "$SIGNED" | openssl dgst -sha512 -hmac KHOABIMATTHUNGHIEM0123456789ABCD
OPENSSL_HASH = ("a09d858cc3564a9df5cf77deaa66fe89d82f867dd8577caea0ffcf1a35927daa"
                "a64990fe1eae256d66ad29875709809781b03cbca5678479a773aaa2b9116954")


def provider() -> VnpayProvider:
    return VnpayProvider(tmn_code="MOTCUA01", hash_secret=SECRET,
                         pay_url="https://sandbox.vnpayment.vn/paymentv2/vpcpay.html")


def fixed_payment() -> Payment:
    """Unsaved rows: the URL needs only the reference, the amount, the expiry and the dossier's code."""
    return Payment(txn_ref="261123101500A1B2C3D4E5", amount=50000,
                   expires_at=datetime(2026, 11, 23, 10, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
                   dossier=Dossier(code="000.00.01.H66-261123-0001"))


def fixed_url() -> str:
    # 03:15 UTC is 10:15 in GMT+7: the dates must come out in Vietnamese time whatever the input zone.
    now = datetime(2026, 11, 23, 3, 15, tzinfo=ZoneInfo("UTC"))
    return provider().payment_url(fixed_payment(), client_ip="203.113.130.5", return_url=RETURN_URL, now=now)


def test_hand_computed_hmac_matches_openssl():
    by_hand = hmac.new(SECRET.encode(), SIGNED.encode(), hashlib.sha512).hexdigest()
    assert by_hand == OPENSSL_HASH


def test_payment_url_is_the_sorted_encoded_string_and_its_hmac_sha512():
    url = fixed_url()
    base, _sep, query = url.partition("?")
    assert base == "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    assert query == SIGNED + "&vnp_SecureHash=" + OPENSSL_HASH


def test_payment_url_carries_every_field_vnpay_requires():
    params = dict(parse_qsl(urlsplit(fixed_url()).query))
    assert params["vnp_Amount"] == "5000000"  # 50,000 đ × 100
    assert (params["vnp_Version"], params["vnp_Command"], params["vnp_CurrCode"]) == ("2.1.0", "pay", "VND")
    assert (params["vnp_CreateDate"], params["vnp_ExpireDate"]) == ("20261123101500", "20261123103000")
    assert params["vnp_ReturnUrl"] == RETURN_URL and "vnp_SecureHashType" not in params


def test_english_locale_is_en_anything_else_vn():
    p = provider()
    assert p.payment_params(fixed_payment(), client_ip="1.2.3.4", return_url=RETURN_URL, locale="en")[
        "vnp_Locale"] == "en"
    assert p.payment_params(fixed_payment(), client_ip="1.2.3.4", return_url=RETURN_URL, locale="vi")[
        "vnp_Locale"] == "vn"


def test_encoding_follows_php_urlencode():
    # PHP: space → "+", "~" encoded, UTF-8 bytes in upper-case hex, "-_." kept.
    assert vnpay_encode("Lệ phí ~ hộ tịch/1-2_3.4") == "L%E1%BB%87+ph%C3%AD+%7E+h%E1%BB%99+t%E1%BB%8Bch%2F1-2_3.4"
    assert vnpay_sign_data({"vnp_B": "2", "vnp_A": "a b", "other": "x", "vnp_SecureHash": "h", "vnp_C": ""}) == (
        "vnp_A=a+b&vnp_B=2")


def test_order_info_has_no_diacritics_nor_special_characters():
    assert order_info("Đăng ký kết hôn: hồ sơ #12 (Đắk Lắk)") == "Dang ky ket hon ho so 12 Dak Lak"


def notice(**changes) -> dict:
    params = {"vnp_Amount": "5000000", "vnp_BankCode": "NCB", "vnp_OrderInfo": "Thanh toan phi le phi",
              "vnp_PayDate": "20261123101733", "vnp_ResponseCode": "00", "vnp_TmnCode": "MOTCUA01",
              "vnp_TransactionNo": "14000001", "vnp_TransactionStatus": "00", "vnp_TxnRef": "261123101500A1B2C3D4E5"}
    params["vnp_SecureHash"] = sign(params, SECRET)  # the test gateway's own implementation
    params.update(changes)
    return params


def test_verify_accepts_a_notice_signed_by_the_gateway():
    verified = provider().verify(notice())
    assert (verified.txn_ref, verified.amount, verified.success, verified.bank_code) == (
        "261123101500A1B2C3D4E5", 50000, True, "NCB")
    assert verified.paid_at.isoformat() == "2026-11-23T10:17:33+07:00"
    assert "vnp_SecureHash" not in verified.raw


@pytest.mark.parametrize("change", [
    {"vnp_Amount": "500000000"}, {"vnp_ResponseCode": "24"}, {"vnp_TxnRef": "X"},
    {"vnp_SecureHash": "0" * 128}, {"vnp_SecureHash": ""},
])
def test_verify_refuses_any_change_after_signing(change):
    with pytest.raises(SignatureInvalid):
        provider().verify(notice(**change))


def test_verify_accepts_upper_case_hash_and_ignores_foreign_parameters():
    params = notice()
    params["vnp_SecureHash"] = params["vnp_SecureHash"].upper()
    params["utm_source"] = "zalo"
    assert provider().verify(params).success


def test_verify_accepts_a_php_style_signature_over_empty_values():
    params = {"vnp_Amount": "5000000", "vnp_BankTranNo": "", "vnp_ResponseCode": "24",
              "vnp_TransactionStatus": "02", "vnp_TxnRef": "R1"}
    data = "vnp_Amount=5000000&vnp_BankTranNo=&vnp_ResponseCode=24&vnp_TransactionStatus=02&vnp_TxnRef=R1"
    params["vnp_SecureHash"] = hmac.new(SECRET.encode(), data.encode(), hashlib.sha512).hexdigest()
    verified = provider().verify(params)
    assert (verified.success, verified.cancelled) == (False, True)


@pytest.mark.parametrize(("response", "status", "success"), [("00", "00", True), ("00", "02", False),
                                                             ("51", "02", False), ("07", "07", False)])
def test_paid_only_when_response_and_transaction_status_are_00(response, status, success):
    params = notice()
    del params["vnp_SecureHash"]
    params.update(vnp_ResponseCode=response, vnp_TransactionStatus=status)
    params["vnp_SecureHash"] = sign(params, SECRET)
    assert provider().verify(params).success is success


def test_amount_not_in_whole_dong_is_no_amount():
    params = notice()
    del params["vnp_SecureHash"]
    params["vnp_Amount"] = "5000050"
    params["vnp_SecureHash"] = sign(params, SECRET)
    assert provider().verify(params).amount is None
