# SPDX-License-Identifier: AGPL-3.0-or-later
"""Dossier files: checked by content before anything is stored, stored under a uuid path, served only to
those who may see the dossier."""

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import User
from motcua.accounts.tests.factories import CitizenFactory, OfficialFactory
from motcua.core.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.documents.models import DossierFile, FileKind
from motcua.documents.selectors import dossier_file_get_visible
from motcua.documents.services import dossier_file_attach
from motcua.documents.validators import display_name_clean, upload_check
from motcua.dossiers.models import DossierEvent
from motcua.dossiers.services import dossier_submit_online
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive

from .conftest import JPEG, PDF, PNG

pytestmark = pytest.mark.django_db
MON = local(2026, 3, 2, 9, 0)


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.mark.parametrize(("name", "content", "content_type", "ext"), [
    ("don.pdf", PDF, "application/pdf", ".pdf"), ("anh.PNG", PNG, "image/png", ".png"),
    ("quet.jpeg", JPEG, "image/jpeg", ".jpg"), ("khong-duoi", PDF, "application/pdf", ".pdf"),
])
def test_good_files_are_stored_with_sha256_under_a_uuid_path(world, media, name, content, content_type, ext):
    dossier = receive(world, MON)
    record = dossier_file_attach(dossier=dossier, actor=world.receiver, uploaded_file=upload(name, content),
                                 kind=FileKind.PAPER)
    record.refresh_from_db()
    assert record.content_type == content_type
    assert record.sha256 == hashlib.sha256(content).hexdigest()
    assert record.size == len(content) and record.name == name
    assert re.fullmatch(rf"dossiers/{dossier.pk}/[0-9a-f]{{32}}{re.escape(ext)}", record.file.name)
    assert (media / record.file.name).read_bytes() == content
    event = DossierEvent.objects.get(dossier=dossier, action="attach_file")
    assert event.data == {"file": record.pk, "kind": "thanh_phan", "name": name, "sha256": record.sha256}
    assert event.from_stage == event.to_stage == dossier.stage


def test_a_text_file_named_pdf_is_refused_and_nothing_is_stored(world, media):
    dossier = receive(world, MON)
    with pytest.raises(ValidationFailed, match="không phải PDF, JPEG hoặc PNG"):
        dossier_file_attach(dossier=dossier, actor=world.receiver, kind=FileKind.PAPER,
                            uploaded_file=upload("x.pdf", b"hello, not a pdf", "application/pdf"))
    assert not DossierFile.objects.exists()
    assert not DossierEvent.objects.filter(action="attach_file").exists()
    assert stored_files(media) == []


def test_an_extension_that_disagrees_with_the_content_is_refused(world, media):
    with pytest.raises(ValidationFailed, match="không khớp"):
        upload_check(upload("anh.png", PDF))
    with pytest.raises(ValidationFailed, match="rỗng"):
        upload_check(upload("rong.pdf", b""))


def test_oversized_files_are_refused(world, media, settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 1024
    dossier = receive(world, MON)
    with pytest.raises(ValidationFailed, match="vượt quá 0.0009765625 MB|vượt quá"):
        dossier_file_attach(dossier=dossier, actor=world.receiver, kind=FileKind.PAPER,
                            uploaded_file=upload("lon.pdf", PDF + b"0" * 2000))
    assert stored_files(media) == [] and not DossierFile.objects.exists()


def test_default_limit_message_says_10_mb(world, settings):
    class Big:
        name, size = "lon.pdf", 10 * 1024 * 1024 + 1
    with pytest.raises(ValidationFailed, match="vượt quá 10 MB"):
        upload_check(Big())


def test_dossier_total_limit(world, media, settings):
    settings.MOTCUA_UPLOAD_MAX_DOSSIER_BYTES = len(PDF) + 10
    dossier = receive(world, MON)
    dossier_file_attach(dossier=dossier, actor=world.receiver, uploaded_file=upload("a.pdf", PDF), kind="thanh_phan")
    with pytest.raises(ValidationFailed, match="Tổng dung lượng"):
        dossier_file_attach(dossier=dossier, actor=world.receiver, uploaded_file=upload("b.pdf", PDF),
                            kind="thanh_phan")
    assert len(stored_files(media)) == 1


def test_path_traversal_name_is_stored_safely(world, media):
    dossier = receive(world, MON)
    record = dossier_file_attach(dossier=dossier, actor=world.receiver, kind=FileKind.PAPER,
                                 uploaded_file=upload("../../etc/passwd.pdf", PDF))
    assert record.name == "passwd.pdf"
    assert ".." not in record.file.name and "passwd" not in record.file.name
    assert (media / record.file.name).resolve().is_relative_to(media.resolve())


def test_display_name_is_cleaned():
    assert display_name_clean("C:\\Users\\an\\t\u202eo\x00khai.pdf") == "tokhai.pdf"
    assert display_name_clean("To\u0302\u0300 khai.pdf") == "Tồ khai.pdf"  # NFC
    assert display_name_clean("..") == "tệp"
    long = display_name_clean("a" * 300 + ".pdf")
    assert len(long) == 255 and long.endswith(".pdf")


def test_a_failed_database_write_removes_the_stored_file(world, media, monkeypatch):
    dossier = receive(world, MON)

    def boom(*args, **kwargs):
        raise RuntimeError("db down")

    monkeypatch.setattr(DossierEvent.objects, "create", boom)
    with pytest.raises(RuntimeError):
        dossier_file_attach(dossier=dossier, actor=world.receiver, uploaded_file=upload("a.pdf", PDF),
                            kind=FileKind.PAPER)
    assert stored_files(media) == [] and not DossierFile.objects.exists()


def test_owner_attaches_a_supplement_to_an_open_dossier_but_not_a_result(world):
    dossier, _ = dossier_submit_online(procedure=world.marriage, receiving_unit=world.bmt_center,
                                       applicant=world.applicant, owner=world.citizen, at=MON)
    owner = User.objects.get(pk=world.citizen.pk)
    record = dossier_file_attach(dossier=dossier, actor=owner, uploaded_file=upload("bo-sung.png", PNG),
                                 kind=FileKind.SUPPLEMENT)
    assert record.uploaded_by == owner
    with pytest.raises(PermissionDenied):
        dossier_file_attach(dossier=dossier, actor=owner, uploaded_file=upload("kq.pdf", PDF), kind=FileKind.RESULT)


def test_results_only_by_clerk_or_signing_leader_of_the_handling_unit(world):
    dossier = receive(world, MON)
    with pytest.raises(PermissionDenied):
        dossier_file_attach(dossier=dossier, actor=world.receiver, uploaded_file=upload("kq.pdf", PDF),
                            kind=FileKind.RESULT)
    for actor in (world.clerk, world.signer):
        dossier_file_attach(dossier=dossier, actor=actor, uploaded_file=upload("kq.pdf", PDF), kind=FileKind.RESULT)
    assert DossierFile.objects.filter(kind=FileKind.RESULT).count() == 2


def test_strangers_cannot_attach_or_see(world):
    dossier = receive(world, MON)
    record = dossier_file_attach(dossier=dossier, actor=world.receiver, uploaded_file=upload("a.pdf", PDF),
                                 kind=FileKind.PAPER)
    for stranger in (world.tan_an_specialist, CitizenFactory()):
        with pytest.raises(NotFound):
            dossier_file_get_visible(user=stranger, file_id=record.pk)
        with pytest.raises(PermissionDenied):
            dossier_file_attach(dossier=dossier, actor=stranger, uploaded_file=upload("b.pdf", PDF),
                                kind=FileKind.PAPER)
    assert dossier_file_get_visible(user=world.specialist, file_id=record.pk) == record


def _client_for(client, user):
    client.force_login(User.objects.get(pk=user.pk))
    return client


def test_download_streams_inline_with_safe_headers(client, world):
    dossier = receive(world, MON)
    record = dossier_file_attach(dossier=dossier, actor=world.receiver, kind=FileKind.PAPER,
                                 uploaded_file=upload("Tờ khai đăng ký.pdf", PDF))
    response = _client_for(client, world.specialist).get(f"/tep/{record.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="To khai dang ky.pdf"; ')
    assert "filename*=UTF-8''T%E1%BB%9D%20khai%20%C4%91%C4%83ng%20k%C3%BD.pdf" in disposition


def test_download_is_404_for_strangers_and_login_required(client, world):
    dossier = receive(world, MON)
    record = dossier_file_attach(dossier=dossier, actor=world.receiver, uploaded_file=upload("a.pdf", PDF),
                                 kind=FileKind.PAPER)
    assert client.get(f"/tep/{record.pk}/").status_code == 302
    for stranger in (world.tan_an_specialist, CitizenFactory(), OfficialFactory()):
        assert _client_for(client, stranger).get(f"/tep/{record.pk}/").status_code == 404
    assert _client_for(client, world.specialist).get("/tep/999999/").status_code == 404


def test_the_applicant_gets_the_result_file_only_once_it_is_issued(client, world):
    from datetime import timedelta

    from motcua.dossiers.services import dossier_forward
    from motcua.dossiers.tests.helpers import to_specialist

    dossier = to_specialist(world, MON, owner=world.citizen)
    for n, actor in enumerate([world.specialist, world.leader, world.signer], start=1):
        dossier = dossier_forward(dossier=dossier, actor=actor, at=MON + timedelta(hours=n))
    record = dossier_file_attach(dossier=dossier, actor=world.clerk, uploaded_file=upload("kq.pdf", PDF),
                                 kind=FileKind.RESULT)
    assert _client_for(client, world.citizen).get(f"/tep/{record.pk}/").status_code == 404
    assert _client_for(client, world.clerk).get(f"/tep/{record.pk}/").status_code == 200
    dossier_forward(dossier=dossier, actor=world.clerk, at=MON + timedelta(hours=5))
    assert _client_for(client, world.citizen).get(f"/tep/{record.pk}/").status_code == 200


def test_the_applicant_list_leaves_out_a_result_not_yet_issued(world):
    from datetime import timedelta

    from motcua.documents.selectors import dossier_files_for_applicant
    from motcua.dossiers.services import dossier_forward
    from motcua.dossiers.tests.helpers import to_specialist

    dossier = to_specialist(world, MON, owner=world.citizen)
    for n, actor in enumerate([world.specialist, world.leader, world.signer], start=1):
        dossier = dossier_forward(dossier=dossier, actor=actor, at=MON + timedelta(hours=n))
    paper = dossier_file_attach(dossier=dossier, actor=world.clerk, uploaded_file=upload("a.pdf", PDF),
                                kind=FileKind.PAPER)
    result = dossier_file_attach(dossier=dossier, actor=world.clerk, uploaded_file=upload("kq.pdf", PDF),
                                 kind=FileKind.RESULT)
    assert dossier_files_for_applicant(dossier=dossier) == [paper]
    dossier = dossier_forward(dossier=dossier, actor=world.clerk, at=MON + timedelta(hours=5))
    assert dossier_files_for_applicant(dossier=dossier) == [paper, result]
