# SPDX-License-Identifier: AGPL-3.0-or-later
"""Payments test world: VNPAY switched on with test credentials, a citizen's online dossier owing
50,000 đ (Đăng ký kết hôn), a procedure without fees, and the loopback VNPAY of gateway.py."""

import pytest

from motcua.catalog.models import Procedure
from motcua.catalog.services import catalog_import, catalog_parse
from motcua.dossiers.services import dossier_submit_online
from motcua.dossiers.tests.conftest import _procedure, world  # noqa: F401

from .gateway import FakeVnpay

TMN_CODE = "MOTCUA01"
HASH_SECRET = "KHOABIMATTHUNGHIEM0123456789ABCD"
RETURN_PATH = "/thanh-toan/vnpay/tra-ve/"
IPN_PATH = "/thanh-toan/vnpay/ipn/"


@pytest.fixture
def vnpay_on(settings):
    settings.MOTCUA_VNPAY_ENABLED = True
    settings.MOTCUA_VNPAY_TMN_CODE = TMN_CODE
    settings.MOTCUA_VNPAY_HASH_SECRET = HASH_SECRET
    settings.MOTCUA_VNPAY_PAY_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    settings.MOTCUA_VNPAY_RETURN_URL = "https://dichvucong.daklak.gov.vn" + RETURN_PATH
    settings.MOTCUA_VNPAY_EXPIRE_MINUTES = 15
    return settings


@pytest.fixture
def vnpay_off(settings):
    settings.MOTCUA_VNPAY_ENABLED = False
    settings.MOTCUA_VNPAY_TMN_CODE = ""
    settings.MOTCUA_VNPAY_HASH_SECRET = ""
    return settings


def submit(w, owner=None, procedure=None):
    dossier, _created = dossier_submit_online(procedure=procedure or w.marriage, receiving_unit=w.bmt_center,
                                              applicant=w.applicant, owner=owner or w.citizen)
    return dossier


@pytest.fixture
def dossier(world):  # noqa: F811
    return submit(world)


@pytest.fixture
def free_procedure(world):  # noqa: F811
    data = _procedure("T.0099", "Thủ tục không thu phí (thử nghiệm)", "commune")
    data["fees"] = []
    fields, procedures = catalog_parse({"format": "motcua.catalog/1", "fields": [{"code": "HOTICH",
                                        "name": "Hộ tịch"}], "procedures": [data]})
    catalog_import(fields=fields, procedures=procedures, province=world.province)
    return Procedure.objects.get(code="T.0099")


@pytest.fixture
def gateway(vnpay_on, live_server):
    """VNPAY on loopback; our return URL and IPN on Django's live server."""
    with FakeVnpay(tmn_code=TMN_CODE, secret=HASH_SECRET) as server:
        server.ipn_url = live_server.url + IPN_PATH
        vnpay_on.MOTCUA_VNPAY_PAY_URL = server.pay_url
        vnpay_on.MOTCUA_VNPAY_RETURN_URL = live_server.url + RETURN_PATH
        yield server
