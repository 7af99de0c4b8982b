# SPDX-License-Identifier: AGPL-3.0-or-later
"""Shared set-up of the tracking and "my dossiers" tests: dossiers owned by `world.citizen` in given states,
made through the real services, and uploaded files stored in a temporary folder."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.documents.models import FileKind
from motcua.documents.services import dossier_file_attach
from motcua.dossiers.services import dossier_request_supplement
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import through_all_steps, to_specialist

MON = local(2026, 3, 2, 9, 0)  # an ordinary working Monday
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def fresh_limits():
    """Rate-limit counters live in the process cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def login(client, user):
    client.force_login(User.objects.get(pk=user.pk))
    return client


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def owned(w, at=MON, **kwargs):
    """Received at the desk for `w.citizen` (applicant: Nguyễn Văn An, 0912345678, CCCD 066090000123) and
    assigned to the specialist."""
    return to_specialist(w, at, owner=kwargs.pop("owner", w.citizen), **kwargs)


def waiting_for_supplement(w, at=MON, missing="Bản sao Giấy khai sinh có chứng thực."):
    return dossier_request_supplement(dossier=owned(w, at), actor=w.specialist, missing=missing,
                                      at=at + timedelta(hours=1))


def done(w, at=MON, *, result: bool = True):
    """Through every step to DONE; with an electronic result attached by the clerk."""
    dossier = through_all_steps(w, owned(w, at), at)
    if result:
        dossier_file_attach(dossier=dossier, actor=w.clerk, uploaded_file=upload("ket-qua.pdf", PDF),
                            kind=FileKind.RESULT)
    return dossier
