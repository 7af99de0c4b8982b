# SPDX-License-Identifier: AGPL-3.0-or-later
"""The panel on the citizen's dossier page, rendered as that page includes it: only `dossier`, `user` and
`request` in the context."""

import re

from django.template import engines
from django.test import Client, RequestFactory

from motcua.accounts.tests.factories import CitizenFactory
from motcua.dossiers.services import dossier_mark_paid_online, dossier_withdraw
from motcua.integrations.payments.models import Payment, PaymentStatus
from motcua.integrations.payments.services import payment_start

from .conftest import submit

PAGE = '{% include "payments/_pay_panel.html" with dossier=dossier %}'


def render(dossier, user) -> str:
    request = RequestFactory().get("/ho-so-cua-toi/x/")
    request.user = user
    return engines["django"].from_string(PAGE).render({"dossier": dossier, "user": user}, request)


def test_owner_sees_fees_and_a_post_form_with_csrf(vnpay_on, world, dossier):
    html = render(dossier, world.citizen)
    assert "50.000 đ" in html and "Chưa thanh toán" in html
    form = re.search(r'<form method="post" action="([^"]+)"', html)
    assert form and form.group(1) == f"/thanh-toan/ho-so/{dossier.code}/"
    assert 'name="csrfmiddlewaretoken"' in html
    assert "<button type=\"submit\">Thanh toán 50.000 đ qua VNPAY</button>" in html


def test_without_configuration_the_button_is_hidden_with_an_explanation(vnpay_off, world, dossier):
    html = render(dossier, world.citizen)
    assert "<form" not in html
    assert "Thanh toán trực tuyến chưa được bật" in html and "50.000 đ" in html


def test_paid_dossier_shows_paid_and_no_button(vnpay_on, world, dossier):
    dossier_mark_paid_online(dossier=dossier, amount=50000, reference="X")
    dossier.refresh_from_db()
    html = render(dossier, world.citizen)
    assert "Đã thanh toán trực tuyến" in html and "<form" not in html


def test_dossier_without_fees_says_so(vnpay_on, world, free_procedure):
    html = render(submit(world, procedure=free_procedure), world.citizen)
    assert "không phải nộp phí" in html and "<form" not in html


def test_closed_dossier_has_no_button(vnpay_on, world, dossier):
    dossier_withdraw(dossier=dossier, actor=world.citizen, reason="Nộp nhầm")
    dossier.refresh_from_db()
    html = render(dossier, world.citizen)
    assert "đã kết thúc" in html and "<form" not in html


def test_someone_else_gets_no_button(vnpay_on, world, dossier):
    assert "<form" not in render(dossier, CitizenFactory())


def test_after_a_failed_attempt_the_owner_is_told_and_may_pay_again(vnpay_on, world, dossier):
    payment = payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4").payment
    Payment.objects.filter(pk=payment.pk).update(status=PaymentStatus.FAILED)
    html = render(dossier, world.citizen)
    assert "Lần thanh toán trước chưa thành công" in html and "<form" in html


def test_a_pending_attempt_warns_against_paying_twice(vnpay_on, world, dossier):
    payment_start(dossier=dossier, actor=world.citizen, client_ip="1.2.3.4")
    assert "đừng thanh toán lần nữa" in render(dossier, world.citizen)


def test_the_citizens_dossier_page_carries_the_panel(vnpay_on, world, dossier):
    client = Client()
    client.force_login(world.citizen)
    html = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert f'action="/thanh-toan/ho-so/{dossier.code}/"' in html and "Phí, lệ phí" in html
