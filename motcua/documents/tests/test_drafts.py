# SPDX-License-Identifier: AGPL-3.0-or-later
"""Papers staged before the dossier exists (UploadDraft), their purge, reuse of an earlier paper, and the
submission that turns them into dossier files in one transaction."""

import io
import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from motcua.accounts.tests.factories import CitizenFactory
from motcua.catalog.models import Procedure
from motcua.catalog.services import catalog_import, catalog_parse
from motcua.core.errors import NotFound, PermissionDenied, ValidationFailed
from motcua.documents import services
from motcua.documents.models import DossierFile, FileKind, UploadDraft
from motcua.documents.services import (
    PaperChoice,
    dossier_file_attach,
    dossier_file_reuse,
    dossier_submit_with_papers,
    upload_draft_create,
    upload_draft_delete,
    upload_drafts_purge,
)
from motcua.documents.uploads import SizeLimitUploadHandler
from motcua.dossiers.models import Dossier, DossierCodeCounter, DossierEvent
from motcua.dossiers.services import dossier_submit_online
from motcua.dossiers.tests.conftest import STEPS_5

from .conftest import JPEG, PDF, PNG

pytestmark = pytest.mark.django_db


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def raw_upload(name, content):
    """A file whose name is passed on as the client sent it (SimpleUploadedFile would drop the path)."""
    return File(io.BytesIO(content), name=name)


def stored_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _draft(world, owner, name="giay.pdf", content=PDF, procedure=None, **kwargs):
    procedure = procedure or world.marriage
    return upload_draft_create(owner=owner, procedure=procedure, required_paper=procedure.papers.first(),
                               uploaded_file=upload(name, content), **kwargs)


def test_a_draft_is_checked_hashed_and_stored_under_the_owner(world, media):
    owner = CitizenFactory()
    draft = _draft(world, owner, name="Giấy tờ.png", content=PNG)
    assert draft.content_type == "image/png" and draft.size == len(PNG) and draft.name == "Giấy tờ.png"
    assert draft.procedure_code == "T.0001" and len(draft.sha256) == 64
    assert draft.file.name.startswith(f"drafts/{owner.pk}/") and draft.file.name.endswith(".png")
    assert (media / draft.file.name).read_bytes() == PNG


@pytest.mark.parametrize(("name", "content", "message"), [
    ("../../etc/passwd.pdf", PDF, "không được chứa đường dẫn"),
    ("..\\..\\boot.ini.pdf", PDF, "không được chứa đường dẫn"),
    ("ten\x00an.pdf", PDF, "không được chứa đường dẫn hay ký tự điều khiển"),
    ("rong.pdf", b"", "rỗng"),
    ("trang.pdf", b"<html></html>", "không phải PDF, JPEG hoặc PNG"),
    ("anh.pdf", JPEG, r"không khớp với nội dung \(JPEG\)"),
])
def test_hostile_drafts_are_refused_and_nothing_is_stored(world, media, name, content, message):
    with pytest.raises(ValidationFailed, match=message):
        upload_draft_create(owner=CitizenFactory(), procedure=world.marriage,
                            required_paper=world.marriage.papers.first(), uploaded_file=raw_upload(name, content))
    assert not UploadDraft.objects.exists() and stored_files(media) == []


def test_only_a_logged_in_owner_and_a_paper_of_the_procedure(world, media):
    with pytest.raises(PermissionDenied):
        _draft(world, AnonymousUser())
    with pytest.raises(ValidationFailed, match="không thuộc thủ tục"):
        upload_draft_create(owner=CitizenFactory(), procedure=world.marriage,
                            required_paper=world.criminal_record.papers.first(), uploaded_file=upload("a.pdf", PDF))
    assert stored_files(media) == []


def test_a_new_draft_replaces_the_old_one_and_its_file(world, media, django_capture_on_commit_callbacks):
    owner = CitizenFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = _draft(world, owner)
        second = _draft(world, owner, name="moi.jpg", content=JPEG)
    assert list(UploadDraft.objects.all()) == [second]
    assert stored_files(media) == [second.file.name] and first.file.name != second.file.name


def test_the_dossier_limit_counts_reused_papers_and_the_account_quota_counts_all_drafts(world, media, settings):
    settings.MOTCUA_UPLOAD_MAX_DOSSIER_BYTES = len(PDF) * 2
    owner = CitizenFactory()
    with pytest.raises(ValidationFailed, match="Tổng dung lượng tệp của hồ sơ"):
        _draft(world, owner, reserved=len(PDF) + 1)
    _draft(world, owner, procedure=world.marriage)
    _draft(world, owner, procedure=world.criminal_record)
    _draft(world, owner, procedure=world.local_only)
    _draft(world, owner, procedure=world.local_only)  # a replacement does not count twice
    assert UploadDraft.objects.count() == 3
    settings.MOTCUA_UPLOAD_MAX_DOSSIER_BYTES = len(PDF) + len(PDF) // 2  # quota 3 × PDF
    with pytest.raises(ValidationFailed, match="chưa nộp"):
        _draft(world, owner, procedure=_fourth(world))
    assert UploadDraft.objects.count() == 3


def _fourth(world):
    fields, procedures = catalog_parse({"format": "motcua.catalog/1", "fields": [{"code": "HOTICH", "name": "Hộ tịch"}],
                                        "procedures": [{"code": "T.0004", "name": "Thủ tục thứ tư", "field": "HOTICH",
                                                        "level": "commune", "handling_agency": "UBND cấp xã",
                                                        "processing_time": {"value": 5, "unit": "working_days"},
                                                        "steps": STEPS_5, "papers": [{"name": "Đơn"}]}]})
    catalog_import(fields=fields, procedures=procedures, province=world.province)
    return Procedure.objects.get(code="T.0004")


def test_nobody_else_can_delete_a_draft(world):
    draft = _draft(world, CitizenFactory())
    with pytest.raises(NotFound):
        upload_draft_delete(owner=CitizenFactory(), draft_id=draft.pk)
    assert UploadDraft.objects.filter(pk=draft.pk).exists()


def test_purge_removes_drafts_older_than_a_day_with_their_files(world, media, django_capture_on_commit_callbacks):
    draft = _draft(world, CitizenFactory())
    with django_capture_on_commit_callbacks(execute=True):
        assert upload_drafts_purge(now=timezone.now() + timedelta(hours=23)) == 0
    assert UploadDraft.objects.count() == 1 and len(stored_files(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert upload_drafts_purge(now=draft.created_at + timedelta(hours=24, seconds=1)) == 1
    assert not UploadDraft.objects.exists() and stored_files(media) == []


def test_purge_command(world, media, django_capture_on_commit_callbacks):
    _draft(world, CitizenFactory())
    out = io.StringIO()
    call_command("documents", "purge-drafts", stdout=out)
    assert "Đã xóa 0 tệp nộp tạm." in out.getvalue()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("documents", "purge-drafts", "--hours", "0", stdout=out)
    assert "Đã xóa 1 tệp nộp tạm." in out.getvalue() and stored_files(media) == []
    with pytest.raises(CommandError) as refused:
        call_command("documents", "purge-drafts", "--hours", "-1")
    assert refused.value.returncode == 2


def _earlier_file(world, owner):
    dossier, _ = dossier_submit_online(procedure=world.marriage, receiving_unit=world.bmt_center,
                                       applicant=world.applicant, owner=owner)
    return dossier_file_attach(dossier=dossier, actor=owner, uploaded_file=upload("cu.pdf", PDF),
                               kind=FileKind.PAPER, required_paper=world.marriage.papers.first())


def _new_dossier(world, owner):
    dossier, _ = dossier_submit_online(procedure=world.marriage, receiving_unit=world.bmt_center,
                                       applicant=world.applicant, owner=owner)
    return dossier


def test_reuse_points_to_the_same_stored_file_and_to_the_original(world, media):
    owner = CitizenFactory()
    original = _earlier_file(world, owner)
    files_before = stored_files(media)
    second = dossier_file_reuse(dossier=_new_dossier(world, owner), actor=owner, source=original,
                                required_paper=world.marriage.papers.first())
    third = dossier_file_reuse(dossier=_new_dossier(world, owner), actor=owner, source=second)
    assert second.file.name == third.file.name == original.file.name
    assert second.reused_from == original and third.reused_from == original  # never a chain
    assert stored_files(media) == files_before
    event = DossierEvent.objects.get(dossier=third.dossier, action="attach_file")
    assert event.data["reused_from"] == original.pk and event.data["sha256"] == original.sha256


def test_reuse_of_someone_elses_paper_is_refused(world):
    owner, stranger = CitizenFactory(), CitizenFactory()
    theirs = _earlier_file(world, stranger)
    with pytest.raises(PermissionDenied, match="của chính bạn"):
        dossier_file_reuse(dossier=_new_dossier(world, owner), actor=owner, source=theirs)
    assert DossierFile.objects.count() == 1


def test_submission_with_papers_is_all_or_nothing(world, media):
    owner = CitizenFactory()
    paper = world.marriage.papers.first()
    with pytest.raises(ValidationFailed, match="Còn thiếu giấy tờ bắt buộc: Tờ khai"):
        dossier_submit_with_papers(procedure=world.marriage, receiving_unit=world.bmt_center,
                                   applicant=world.applicant, owner=owner, papers=[])
    draft = _draft(world, owner)
    (media / draft.file.name).unlink()
    with pytest.raises(ValidationFailed, match="không còn trên máy chủ"):
        dossier_submit_with_papers(procedure=world.marriage, receiving_unit=world.bmt_center,
                                   applicant=world.applicant, owner=owner,
                                   papers=[PaperChoice(required_paper=paper, draft=draft)])
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()
    assert not DossierCodeCounter.objects.filter(last__gt=0).exists() and stored_files(media) == []
    with pytest.raises(PermissionDenied, match="tài khoản công dân"):
        dossier_submit_with_papers(procedure=world.marriage, receiving_unit=world.bmt_center,
                                   applicant=world.applicant, owner=world.receiver, papers=[])


def test_a_failure_after_a_file_was_stored_removes_it(world, media, monkeypatch):
    owner = CitizenFactory()
    paper = world.marriage.papers.first()
    draft = _draft(world, owner)

    def refuse(**kwargs):
        raise ValidationFailed("lỗi giả lập sau khi lưu tệp", code="boom")

    monkeypatch.setattr(services, "_draft_delete", lambda draft: refuse())
    with pytest.raises(ValidationFailed, match="lỗi giả lập"):
        dossier_submit_with_papers(procedure=world.marriage, receiving_unit=world.bmt_center,
                                   applicant=world.applicant, owner=owner,
                                   papers=[PaperChoice(required_paper=paper, draft=draft)])
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()
    assert stored_files(media) == [draft.file.name]  # only the staged copy is left, for a retry


def test_the_upload_handler_skips_a_file_past_the_limit(settings):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 100
    request = RequestFactory().post("/", {"file_1": upload("lon.pdf", PDF + b"0" * 200),
                                          "file_2": upload("nho.pdf", PDF)})
    handler = SizeLimitUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    assert set(request.FILES) == {"file_2"}
    assert handler.too_large == [("file_1", "lon.pdf")]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_click_from_two_connections_gives_one_dossier(world, media):
    if connection.vendor != "postgresql":
        pytest.skip("two concurrent transactions need a server database (PostgreSQL); SQLite's test DB is in memory")
    owner = CitizenFactory()
    draft = _draft(world, owner)
    paper = world.marriage.papers.first()
    barrier, results, errors = threading.Barrier(2), [], []

    def click():
        try:
            barrier.wait()
            results.append(dossier_submit_with_papers(
                procedure=world.marriage, receiving_unit=world.bmt_center, applicant=world.applicant, owner=owner,
                papers=[PaperChoice(required_paper=paper, draft=draft)], idempotency_key="k1", fingerprint="f1"))
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(created for _dossier, created in results) == [False, True]
    assert results[0][0].pk == results[1][0].pk
    assert Dossier.objects.count() == 1 and DossierFile.objects.count() == 1
