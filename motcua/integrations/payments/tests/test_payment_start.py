# SPDX-License-Identifier: AGPL-3.0-or-later
"""Starting a payment: only the owner, only an open dossier that owes fees and is not paid yet."""

import logging
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.tests.factories import CitizenFactory
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.core.masking import mask_text
from motcua.dossiers.services import dossier_mark_paid_online, dossier_withdraw
from motcua.integrations.payments.models import Payment, PaymentStatus
from motcua.integrations.payments.services import payment_start

from .conftest import submit


def test_owner_gets_a_pending_payment_for_the_fees_due(vnpay_on, world, dossier, caplog):
    caplog.set_level(logging.INFO, logger="motcua.integrations.payments")
    started = payment_start(dossier=dossier, actor=world.citizen, client_ip="203.113.130.5")
    payment = started.payment
    assert (payment.amount, payment.status, payment.provider, payment.started_by) == (
        50000, PaymentStatus.PENDING, "vnpay", world.citizen)
    assert payment.txn_ref.isalnum() and len(payment.txn_ref) <= 34
    params = dict(parse_qsl(urlsplit(started.redirect_url).query))
    assert (params["vnp_TxnRef"], params["vnp_Amount"], params["vnp_IpAddr"]) == (
        payment.txn_ref, "5000000", "203.113.130.5")
    assert params["vnp_ReturnUrl"] == "https://dichvucong.daklak.gov.vn/thanh-toan/vnpay/tra-ve/"
    # The reference stays readable in logs that go through the personal-data mask.
    assert any(payment.txn_ref in mask_text(r.getMessage()) for r in caplog.records)


def test_second_click_reuses_the_pending_payment(vnpay_on, world, dossier):
    first = payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4").payment
    second = payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4").payment
    assert second.pk == first.pk and Payment.objects.count() == 1


def test_expired_pending_payment_is_not_reused(vnpay_on, world, dossier):
    first = payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4").payment
    Payment.objects.filter(pk=first.pk).update(expires_at=timezone.now() + timedelta(seconds=30))
    second = payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4").payment
    assert second.pk != first.pk and second.txn_ref != first.txn_ref


def test_another_citizen_cannot_start_payment_for_my_dossier(vnpay_on, world, dossier):
    stranger = CitizenFactory()
    with pytest.raises(PermissionDenied) as refused:
        payment_start(dossier=dossier, actor=stranger, client_ip="1.2.3.4")
    assert refused.value.code == "payment_not_owner"
    # Through the page: my dossier does not exist for them (404, no oracle), nothing is created.
    client = Client()
    client.force_login(stranger)
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/")
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ" in response.content.decode()
    assert not Payment.objects.exists()


def test_an_official_who_sees_the_dossier_cannot_pay_for_the_citizen(vnpay_on, world, dossier):
    client = Client()
    client.force_login(world.receiver)
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/")
    assert response.status_code == 403
    assert "Chỉ chủ hồ sơ" in response.content.decode()
    assert not Payment.objects.exists()


def test_dossier_without_fees_is_refused(vnpay_on, world, free_procedure):
    dossier = submit(world, procedure=free_procedure)
    assert dossier.fee_total == 0
    with pytest.raises(ValidationFailed) as refused:
        payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4")
    assert refused.value.code == "payment_no_fee"
    client = Client()
    client.force_login(world.citizen)
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/")
    assert response.status_code == 400
    assert "không phải nộp phí" in response.content.decode()
    assert not Payment.objects.exists()


def test_closed_dossier_is_refused(vnpay_on, world, dossier):
    dossier_withdraw(dossier=dossier, actor=world.citizen, reason="Nộp nhầm thủ tục")
    with pytest.raises(Conflict) as refused:
        payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4")
    assert refused.value.code == "payment_dossier_closed"


def test_paid_dossier_is_refused(vnpay_on, world, dossier):
    dossier_mark_paid_online(dossier=dossier, amount=50000, channel=1, reference="DVCQG-1")
    with pytest.raises(Conflict) as refused:
        payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4")
    assert refused.value.code == "payment_already_paid"
    assert not Payment.objects.exists()


def test_nothing_starts_while_payments_are_off(vnpay_off, world, dossier):
    with pytest.raises(Conflict) as refused:
        payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4")
    assert refused.value.code == "payment_disabled"
    client = Client()
    client.force_login(world.citizen)
    assert client.post(f"/thanh-toan/ho-so/{dossier.code}/").status_code == 409
    assert not Payment.objects.exists()


def test_start_page_redirects_the_owner_to_the_gateway(vnpay_on, world, dossier):
    client = Client()
    client.force_login(world.citizen)
    client.cookies["django_language"] = "en"  # the language switch's cookie
    response = client.post(f"/thanh-toan/ho-so/{dossier.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?")
    assert dict(parse_qsl(urlsplit(response["Location"]).query))["vnp_Locale"] == "en"


def test_start_needs_post_with_a_csrf_token(vnpay_on, world, dossier):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.citizen)
    assert client.get(f"/thanh-toan/ho-so/{dossier.code}/").status_code == 405
    assert client.post(f"/thanh-toan/ho-so/{dossier.code}/").status_code == 403
    assert not Payment.objects.exists()


def test_anonymous_visitor_is_sent_to_log_in(vnpay_on, world, dossier):
    response = Client().post(f"/thanh-toan/ho-so/{dossier.code}/")
    assert response.status_code == 302
    assert "dang-nhap" in response["Location"] and "next=" in response["Location"]
    assert not Payment.objects.exists()
