# SPDX-License-Identifier: AGPL-3.0-or-later
"""Dossiers in the state each form needs, made through the real services (the `world` fixture comes
from motcua/dossiers/tests/conftest.py). Mon 2 Mar 2026 09:00 is an ordinary working week."""

import shutil
import subprocess
from datetime import timedelta

import pytest

from motcua.dossiers.services import (
    dossier_forward,
    dossier_refuse,
    dossier_request_supplement,
    dossier_reschedule,
    dossier_return_result,
    dossier_submit_online,
)
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive, to_specialist

MON = local(2026, 3, 2, 9, 0)
MISSING = "Bản sao Giấy xác nhận tình trạng hôn nhân của bên nữ\nTờ khai đăng ký kết hôn có đủ chữ ký của hai bên"
REFUSAL = "Hồ sơ không thuộc thẩm quyền giải quyết của phường Buôn Ma Thuột"
APOLOGY = "Cần xác minh thêm thông tin cư trú của bên nam tại địa phương khác"
NEW_DUE = local(2026, 3, 11, 9, 0)

PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None,
    reason="pdftotext (Debian package poppler-utils) is not installed; it is needed to check the Vietnamese text "
           "of the PDF forms",
)


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as poppler extracts it, white space collapsed (lines wrap where the layout says)."""
    result = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True,
                            timeout=60)
    return " ".join(result.stdout.decode("utf-8").split())


@pytest.fixture
def received(world):
    """Received at the desk of the Buôn Ma Thuột center, owned by `world.citizen`."""
    return receive(world, MON, owner=world.citizen)


@pytest.fixture
def with_supplement(world):
    dossier = to_specialist(world, MON, owner=world.citizen)
    return dossier_request_supplement(dossier=dossier, actor=world.specialist, missing=MISSING,
                                      at=local(2026, 3, 3, 10, 0))


@pytest.fixture
def refused(world):
    dossier, _ = dossier_submit_online(procedure=world.marriage, receiving_unit=world.bmt_center,
                                       applicant=world.applicant, owner=world.citizen, at=MON)
    return dossier_refuse(dossier=dossier, actor=world.receiver, reason=REFUSAL, at=MON + timedelta(hours=2))


@pytest.fixture
def apologised(world):
    dossier = to_specialist(world, MON, owner=world.citizen)
    return dossier_reschedule(dossier=dossier, actor=world.specialist, new_due_at=NEW_DUE, reason=APOLOGY,
                              at=local(2026, 3, 5, 9, 0))


@pytest.fixture
def returned(world):
    """Through every step, some early, some on time, some late, and returned (for Form 05)."""
    dossier = to_specialist(world, MON, owner=world.citizen)
    for actor, at in [(world.specialist, MON + timedelta(hours=1)),   # due Thu 5 Mar 09:00: early
                      (world.leader, local(2026, 3, 6, 9, 0)),          # due Fri 6 Mar 09:00: on time
                      (world.signer, local(2026, 3, 9, 8, 0)),          # due Fri 6 Mar 14:45: late
                      (world.clerk, local(2026, 3, 9, 8, 30))]:         # due Mon 9 Mar 09:00: on time
        dossier = dossier_forward(dossier=dossier, actor=actor, at=at)
    return dossier_return_result(dossier=dossier, actor=world.receiver, at=local(2026, 3, 9, 10, 0))  # late


STATES = {"01": "received", "02": "with_supplement", "03": "refused", "04": "apologised", "05": "returned"}


@pytest.fixture(params=sorted(STATES))
def form_case(request):
    """(number, dossier in the state that form needs) for each of forms 01–05."""
    return request.param, request.getfixturevalue(STATES[request.param])
