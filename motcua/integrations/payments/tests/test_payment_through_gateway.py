# SPDX-License-Identifier: AGPL-3.0-or-later
"""End to end against the loopback VNPAY: the citizen's browser (Django test client + requests) goes to the
gateway, the gateway calls our IPN on the live server and sends the browser back to the return page."""

from urllib.parse import urlsplit

import pytest
import requests

from motcua.core.models import AuditEvent
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.integrations.payments.models import Payment, PaymentStatus

from .conftest import submit
from .gateway import Scenario

pytestmark = pytest.mark.django_db(transaction=True)


def pay(client, dossier, gateway):
    """Click the pay button, follow the redirect to the gateway; returns the gateway's answer (302 back)."""
    client.force_login(dossier.owner)
    started = client.post(f"/thanh-toan/ho-so/{dossier.code}/")
    assert started.status_code == 302, started.content
    assert started["Location"].startswith(gateway.pay_url + "?")
    answer = requests.get(started["Location"], allow_redirects=False, timeout=10)
    assert gateway.refusals == []
    return answer


def come_back(client, answer):
    """The browser follows the gateway's redirect to our return page (same session as the payer)."""
    url = urlsplit(answer.headers["Location"])
    return client.get(f"{url.path}?{url.query}")


def pay_events(dossier):
    return DossierEvent.objects.filter(dossier=dossier, action="pay_online")


def test_paid_notice_marks_dossier_paid_online_once_and_a_repeat_answers_02(client, world, gateway):
    dossier = submit(world)
    answer = pay(client, dossier, gateway)
    assert answer.status_code == 302
    assert gateway.ipn_answers == [{"RspCode": "00", "Message": "Confirm Success"}]
    request = gateway.requests[0]
    assert (request["vnp_Amount"], request["vnp_TmnCode"], request["vnp_Locale"]) == ("5000000", "MOTCUA01", "vn")

    dossier.refresh_from_db()
    payment = Payment.objects.get(dossier=dossier)
    assert dossier.paid_online == 2
    assert (payment.status, payment.amount, payment.bank_code, payment.response_code) == (
        PaymentStatus.PAID, 50000, "NCB", "00")
    assert payment.provider_txn_no == gateway.last_notice["vnp_TransactionNo"]
    assert payment.paid_at is not None
    assert "vnp_SecureHash" not in payment.raw_notice and payment.raw_notice["vnp_TxnRef"] == payment.txn_ref
    event = pay_events(dossier).get()
    assert event.data == {"amount": 50000, "reference": payment.txn_ref, "channel": 2}

    page = come_back(client, answer)
    assert page.status_code == 200
    assert "VNPAY báo giao dịch thành công" in page.content.decode()
    assert "Hệ thống đã ghi nhận khoản thanh toán" in page.content.decode()

    # VNPAY repeats its notice (it retries until acknowledged): 02, nothing changes, no second event.
    assert gateway.resend_ipn() == {"RspCode": "02", "Message": "Order already confirmed"}
    again = Payment.objects.get(dossier=dossier)
    assert (again.status, again.notified_at, again.paid_at) == (payment.status, payment.notified_at,
                                                                payment.paid_at)
    assert pay_events(dossier).count() == 1
    assert AuditEvent.objects.filter(action="payment_paid", object_id=str(payment.pk)).count() == 1


def assert_nothing_changed(dossier):
    payment = Payment.objects.get(dossier=dossier)
    assert (payment.status, payment.notified_at, payment.raw_notice) == (PaymentStatus.PENDING, None, {})
    assert Dossier.objects.get(pk=dossier.pk).paid_online == 0
    assert not pay_events(dossier).exists()


def test_notices_failing_a_check_are_refused_and_change_nothing(client, world, gateway):
    """One dossier, one pending payment (each click reuses it), four notices: three refused, then the
    honest one still goes through — the refusals left the payment as it was."""
    dossier = submit(world)

    gateway.scenario = Scenario(forge_hash=True)
    answer = pay(client, dossier, gateway)
    assert gateway.ipn_answers[-1] == {"RspCode": "97", "Message": "Invalid signature"}
    assert_nothing_changed(dossier)
    page = come_back(client, answer)  # the browser brings the same forged result: an error
    assert page.status_code == 400 and "sai chữ ký" in page.content.decode()

    gateway.scenario = Scenario(amount="4000000")  # 40,000 đ reported for 50,000 đ asked
    pay(client, dossier, gateway)
    assert gateway.ipn_answers[-1] == {"RspCode": "04", "Message": "invalid amount"}
    assert_nothing_changed(dossier)

    gateway.scenario = Scenario(txn_ref="KHONGTONTAI123")
    pay(client, dossier, gateway)
    assert gateway.ipn_answers[-1] == {"RspCode": "01", "Message": "Order not found"}
    assert_nothing_changed(dossier)

    gateway.scenario = Scenario()
    pay(client, dossier, gateway)
    assert gateway.ipn_answers[-1] == {"RspCode": "00", "Message": "Confirm Success"}
    assert len({r["vnp_TxnRef"] for r in gateway.requests}) == 1
    assert Dossier.objects.get(pk=dossier.pk).paid_online == 2


def test_failed_payment_leaves_dossier_unpaid_and_a_new_attempt_is_possible(client, world, gateway):
    dossier = submit(world)
    gateway.scenario = Scenario(response_code="51", transaction_status="02")  # insufficient funds
    answer = pay(client, dossier, gateway)

    assert gateway.ipn_answers == [{"RspCode": "00", "Message": "Confirm Success"}]  # the notice is recorded
    failed = Payment.objects.get(dossier=dossier)
    assert (failed.status, failed.response_code, failed.paid_at) == (PaymentStatus.FAILED, "51", None)
    assert Dossier.objects.get(pk=dossier.pk).paid_online == 0
    assert not pay_events(dossier).exists()
    page = come_back(client, answer).content.decode()
    assert "Tài khoản không đủ số dư" in page

    gateway.scenario = Scenario()
    pay(client, dossier, gateway)
    second = Payment.objects.filter(dossier=dossier).exclude(pk=failed.pk).get()
    assert second.txn_ref != failed.txn_ref and second.status == PaymentStatus.PAID
    assert Dossier.objects.get(pk=dossier.pk).paid_online == 2


def test_return_page_with_a_tampered_parameter_shows_an_error(client, world, gateway):
    dossier = submit(world)
    gateway.scenario = Scenario(response_code="24", transaction_status="02",
                                tamper_return={"vnp_ResponseCode": "00"})  # cancelled, shown as paid
    answer = pay(client, dossier, gateway)

    page = come_back(client, answer)
    assert page.status_code == 400
    text = page.content.decode()
    assert "không hợp lệ" in text and "VNPAY báo giao dịch thành công" not in text
    # The IPN (untampered, server to server) recorded the cancellation.
    assert Payment.objects.get(dossier=dossier).status == PaymentStatus.CANCELLED
    assert Dossier.objects.get(pk=dossier.pk).paid_online == 0
