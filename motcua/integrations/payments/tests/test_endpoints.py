# SPDX-License-Identifier: AGPL-3.0-or-later
"""The IPN and return endpoints outside the happy path (the gateway flow is test_payment_through_gateway)."""

from django.test import Client

from motcua.integrations.payments.models import Payment, PaymentStatus
from motcua.integrations.payments.services import payment_start

from .conftest import HASH_SECRET, IPN_PATH, RETURN_PATH, TMN_CODE
from .gateway import php_urlencode, sign


def signed(params: dict) -> str:
    params = dict(params, vnp_SecureHash=sign(params, HASH_SECRET))
    return "&".join(f"{php_urlencode(k)}={php_urlencode(v)}" for k, v in params.items())


def notice_for(payment, **changes) -> dict:
    return {"vnp_Amount": str(payment.amount * 100), "vnp_BankCode": "NCB", "vnp_ResponseCode": "00",
            "vnp_TmnCode": TMN_CODE, "vnp_TransactionNo": "14000009", "vnp_TransactionStatus": "00",
            "vnp_TxnRef": payment.txn_ref, "vnp_PayDate": "20261123101733", **changes}


def test_ipn_answers_99_while_payments_are_off(vnpay_off, db):
    response = Client().get(IPN_PATH, {"vnp_TxnRef": "X", "vnp_SecureHash": "y"})
    assert response.json() == {"RspCode": "99", "Message": "Unknow error"}


def test_ipn_is_get_only_and_needs_no_csrf_token(vnpay_on, world, dossier):
    payment = payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4").payment
    client = Client(enforce_csrf_checks=True)
    assert client.post(IPN_PATH, {"vnp_TxnRef": payment.txn_ref}).status_code == 405
    response = client.get(f"{IPN_PATH}?{signed(notice_for(payment))}")
    assert response.json() == {"RspCode": "00", "Message": "Confirm Success"}
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PAID


def test_ipn_without_any_parameter_is_an_invalid_signature(vnpay_on, db):
    assert Client().get(IPN_PATH).json()["RspCode"] == "97"


def test_ipn_with_signed_but_malformed_amount_is_invalid_amount(vnpay_on, world, dossier):
    payment = payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4").payment
    response = Client().get(f"{IPN_PATH}?{signed(notice_for(payment, vnp_Amount='50000abc'))}")
    assert response.json()["RspCode"] == "04"
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING


def test_return_page_changes_nothing_even_when_it_says_paid(vnpay_on, world, dossier):
    payment = payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4").payment
    client = Client()
    client.force_login(world.citizen)
    page = client.get(f"{RETURN_PATH}?{signed(notice_for(payment))}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "VNPAY báo giao dịch thành công" in text and "đang chờ VNPAY xác nhận" in text
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    dossier.refresh_from_db()
    assert dossier.paid_online == 0


def test_return_page_shows_no_dossier_to_someone_else(vnpay_on, world, dossier):
    payment = payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4").payment
    page = Client().get(f"{RETURN_PATH}?{signed(notice_for(payment))}").content.decode()
    assert dossier.code not in page and "Đăng nhập để xem hồ sơ" in page


def test_return_page_while_payments_are_off_is_not_found(vnpay_off, db):
    assert Client().get(RETURN_PATH).status_code == 404
