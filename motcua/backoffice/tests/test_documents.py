# SPDX-License-Identifier: AGPL-3.0-or-later
"""Files on the officers' pages: the dossier page lists and uploads them; the desk receipt takes scans."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.documents.models import DossierFile
from motcua.dossiers.models import Dossier

from .helpers import MON, login, receive
from .test_receive import filled, form_url

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_dossier_page_uploads_and_lists_a_file(client, world):
    dossier = receive(world, MON)
    login(client, world.receiver)
    url = f"/can-bo/ho-so/{dossier.code}/tep/"
    response = client.post(url, {"kind": "thanh_phan", "file": SimpleUploadedFile("to-khai.pdf", PDF)})
    assert response.status_code == 302
    record = DossierFile.objects.get()
    body = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "Tệp hồ sơ" in body and "to-khai.pdf" in body and f'href="/tep/{record.pk}/"' in body


def test_a_bad_upload_shows_the_vietnamese_message(client, world, media):
    dossier = receive(world, MON)
    login(client, world.receiver)
    response = client.post(f"/can-bo/ho-so/{dossier.code}/tep/",
                           {"kind": "thanh_phan", "file": SimpleUploadedFile("x.pdf", b"plain text")})
    assert response.status_code == 400
    assert "không phải PDF, JPEG hoặc PNG" in response.content.decode()
    assert not DossierFile.objects.exists() and not any(media.rglob("*.pdf"))


def test_a_result_kind_is_not_offered_to_the_receiver(client, world):
    dossier = receive(world, MON)
    login(client, world.receiver)
    response = client.post(f"/can-bo/ho-so/{dossier.code}/tep/",
                           {"kind": "ket_qua", "file": SimpleUploadedFile("kq.pdf", PDF)})
    assert response.status_code == 400
    assert not DossierFile.objects.exists()


def test_receipt_with_scans_attaches_them_as_papers(client, world):
    login(client, world.receiver)
    data = filled(world, scans=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)])
    response = client.post(form_url(world), data)
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert sorted(dossier.files.values_list("name", "kind")) == [("a.pdf", "thanh_phan"), ("b.pdf", "thanh_phan")]


def test_receipt_with_a_bad_scan_writes_no_dossier(client, world, media):
    login(client, world.receiver)
    data = filled(world, scans=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", b"not a pdf")])
    response = client.post(form_url(world), data)
    assert response.status_code == 400
    assert "không phải PDF, JPEG hoặc PNG" in response.content.decode()
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_receipt_storage_failure_rolls_back_and_removes_files(client, world, media, settings):
    settings.MOTCUA_UPLOAD_MAX_DOSSIER_BYTES = len(PDF) + 1  # the second scan passes the form, fails the total
    login(client, world.receiver)
    data = filled(world, scans=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.pdf", PDF)])
    response = client.post(form_url(world), data)
    assert response.status_code == 400
    assert "Tổng dung lượng" in response.content.decode()
    assert not Dossier.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))
