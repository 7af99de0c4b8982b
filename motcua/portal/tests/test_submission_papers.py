# SPDX-License-Identifier: AGPL-3.0-or-later
"""Step 3 of the wizard: uploading each paper, hostile uploads refused with nothing stored, reuse of a paper
from an earlier dossier (no new bytes), the dossier's size limit, and the CSRF check that survives the
per-view upload handler."""

import pytest
from django.test import Client

from motcua.accounts.tests.factories import CitizenFactory
from motcua.documents.models import DossierFile, FileKind, UploadDraft
from motcua.documents.services import dossier_file_attach
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import dossier_submit_online

from .test_submission_support import (
    JPEG,
    PDF,
    PNG,
    media,
    stored_files,
    sub,
    submit,
    text,
    upload,
    url,
    walk_to_papers,
    walk_to_review,
    world,
)

pytestmark = pytest.mark.django_db
FIXTURES = (media, sub, world)  # pytest finds fixtures by name in this module


def _papers(sub, procedure=None):
    procedure = procedure or sub.birth
    walk_to_papers(sub.client, procedure)
    return [paper.pk for paper in procedure.papers.order_by("order", "id")]


def test_upload_is_staged_shown_and_replaced(sub, media, django_capture_on_commit_callbacks):
    required, optional = _papers(sub)
    response = sub.client.post(url(sub.birth.code, "papers"), {f"file_{required}": upload("chung-sinh.png", PNG),
                                                              "action": "save"})
    assert response.status_code == 302 and response["Location"] == url(sub.birth.code, "papers")
    draft = UploadDraft.objects.get()
    assert draft.owner == sub.me and draft.required_paper_id == required and draft.content_type == "image/png"
    assert draft.file.name.startswith(f"drafts/{sub.me.pk}/") and draft.file.name.endswith(".png")
    page = sub.client.get(url(sub.birth.code, "papers"))
    assert "Đã tải lên: chung-sinh.png" in text(page)
    viewed = sub.client.get(f"/nop-ho-so/{sub.birth.code}/giay-to/tep/{draft.pk}/")
    assert viewed.status_code == 200 and b"".join(viewed.streaming_content) == PNG
    assert viewed["X-Content-Type-Options"] == "nosniff"
    # another citizen cannot look at it
    other = Client()
    other.force_login(CitizenFactory())
    assert other.get(f"/nop-ho-so/{sub.birth.code}/giay-to/tep/{draft.pk}/").status_code == 404
    # a second upload for the same paper replaces the first, on disk too
    with django_capture_on_commit_callbacks(execute=True):
        sub.client.post(url(sub.birth.code, "papers"), {f"file_{required}": upload("chung-sinh.jpg", JPEG)})
    assert list(UploadDraft.objects.values_list("name", flat=True)) == ["chung-sinh.jpg"]
    assert stored_files(media) == [UploadDraft.objects.get().file.name]
    # "Bỏ tệp" removes it
    with django_capture_on_commit_callbacks(execute=True):
        sub.client.post(url(sub.birth.code, "papers"), {"remove": str(required)})
    assert not UploadDraft.objects.exists() and stored_files(media) == []


def test_next_needs_every_required_paper_but_not_the_optional_ones(sub):
    required, optional = _papers(sub)
    response = sub.client.post(url(sub.birth.code, "papers"), {f"file_{optional}": upload("uy-quyen.pdf", PDF),
                                                              "action": "next"})
    assert response.status_code == 400
    assert "Còn thiếu giấy tờ bắt buộc: Giấy chứng sinh" in text(response)
    assert UploadDraft.objects.count() == 1  # what was valid is kept
    assert sub.client.get(url(sub.birth.code, "delivery"))["Location"] == url(sub.birth.code, "papers")
    response = sub.client.post(url(sub.birth.code, "papers"), {f"file_{required}": upload("cs.pdf", PDF),
                                                              "action": "next"})
    assert response["Location"] == url(sub.birth.code, "delivery")


HOSTILE = [
    ("oversized", "to.pdf", PDF + b"0" * 5000, "Tệp «to.pdf» vượt quá"),
    ("empty", "rong.pdf", b"", "Tệp «rong.pdf» rỗng."),
    ("html named pdf", "hoa-don.pdf", b"<html><script>alert(1)</script></html>", "không phải PDF, JPEG hoặc PNG"),
    ("exe named jpg", "anh.jpg", b"MZ\x90\x00" + b"\x00" * 64, "không phải PDF, JPEG hoặc PNG"),
    ("svg named png", "anh.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "không phải PDF, JPEG hoặc PNG"),
    ("png named pdf", "giay.pdf", PNG, "phần mở rộng không khớp với nội dung (PNG)"),
]


@pytest.mark.parametrize(("case", "name", "content", "message"), HOSTILE, ids=[case[0] for case in HOSTILE])
def test_hostile_uploads_are_refused_in_vietnamese_and_nothing_is_stored(sub, media, settings, case, name, content,
                                                                        message):
    settings.MOTCUA_UPLOAD_MAX_BYTES = 4096
    required, _optional = _papers(sub)
    response = sub.client.post(url(sub.birth.code, "papers"), {f"file_{required}": upload(name, content),
                                                              "action": "next"})
    assert response.status_code == 400
    page = text(response)
    assert message in page and "Giấy chứng sinh" in page
    assert f'aria-describedby="file_{required}_errors"' in response.content.decode()
    assert not UploadDraft.objects.exists()
    assert stored_files(media) == []


def test_oversized_upload_at_the_default_limit_says_10_mb(sub, media):
    required, _optional = _papers(sub)
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = sub.client.post(url(sub.birth.code, "papers"), {f"file_{required}": upload("quet.pdf", big)})
    assert "Tệp «quet.pdf» vượt quá 10 MB." in text(response)
    assert stored_files(media) == []


def test_a_request_larger_than_a_whole_dossier_is_refused_unread(sub, media, settings):
    settings.MOTCUA_UPLOAD_MAX_DOSSIER_BYTES = 1024 * 1024
    required, _optional = _papers(sub)
    response = sub.client.post(url(sub.birth.code, "papers"), {
        f"file_{required}": upload("qua-lon.pdf", PDF + b"0" * (2 * 1024 * 1024 + 10))})
    assert response.status_code == 413
    assert "Một lần tải lên không được vượt quá 1 MB" in text(response)
    assert not UploadDraft.objects.exists() and stored_files(media) == []


def test_a_path_in_the_file_name_never_reaches_the_disk(sub, media):
    required, _optional = _papers(sub)
    sub.client.post(url(sub.birth.code, "papers"), {f"file_{required}": upload("../../../etc/passwd.pdf", PDF)})
    draft = UploadDraft.objects.get()
    assert draft.name == "passwd.pdf" and ".." not in draft.file.name and "passwd" not in draft.file.name
    assert all(path.startswith(f"drafts/{sub.me.pk}/") for path in stored_files(media))
    assert (media / draft.file.name).resolve().is_relative_to(media.resolve())


def test_the_dossier_total_is_checked_before_storing(sub, media, settings):
    settings.MOTCUA_UPLOAD_MAX_DOSSIER_BYTES = len(PDF) + 10
    required, optional = _papers(sub)
    sub.client.post(url(sub.birth.code, "papers"), {f"file_{required}": upload("a.pdf", PDF)})
    response = sub.client.post(url(sub.birth.code, "papers"), {f"file_{optional}": upload("b.pdf", PDF)})
    assert "Tổng dung lượng tệp của hồ sơ vượt quá" in text(response)
    assert UploadDraft.objects.count() == 1 and len(stored_files(media)) == 1


def test_choosing_both_a_file_and_a_reuse_is_refused(sub):
    earlier = _earlier_dossier_with_file(sub)
    required, _optional = _papers(sub)
    response = sub.client.post(url(sub.birth.code, "papers"), {
        f"file_{required}": upload("a.pdf", PDF), f"reuse_{required}": str(earlier.pk)})
    assert "Chỉ chọn một cách: tải lên tệp mới hoặc dùng lại giấy tờ đã nộp." in text(response)
    assert not UploadDraft.objects.exists()


def _earlier_dossier_with_file(sub, owner=None, paper_name="Giấy chứng sinh"):
    """An earlier online dossier of `owner` (default: the logged-in citizen) with one stored paper."""
    owner = owner or sub.me
    dossier, _ = dossier_submit_online(procedure=sub.birth, receiving_unit=sub.bmt_center, applicant=sub.applicant,
                                       owner=owner)
    paper = sub.birth.papers.get(name=paper_name)
    return dossier_file_attach(dossier=dossier, actor=owner, uploaded_file=upload("giay-chung-sinh-cu.pdf", PDF),
                               kind=FileKind.PAPER, required_paper=paper)


def test_reusing_an_earlier_paper_records_it_and_stores_no_new_bytes(sub, media, django_capture_on_commit_callbacks):
    earlier = _earlier_dossier_with_file(sub)
    before = stored_files(media)
    required, _optional = _papers(sub)
    page = sub.client.get(url(sub.birth.code, "papers"))
    body = page.content.decode()
    assert '<optgroup label="Cùng loại giấy tờ">' in body
    assert f'<option value="{earlier.pk}">giay-chung-sinh-cu.pdf — hồ sơ {earlier.dossier.code}' in body
    response = sub.client.post(url(sub.birth.code, "papers"), {f"reuse_{required}": str(earlier.pk),
                                                              "action": "next"})
    assert response.status_code == 302
    walk_to_review(sub.client, sub.birth, files={})
    assert f"Dùng lại: giay-chung-sinh-cu.pdf (hồ sơ {earlier.dossier.code})" in text(
        sub.client.get(url(sub.birth.code, "review")))
    with django_capture_on_commit_callbacks(execute=True):
        submit(sub.client, sub.birth)
    dossier = Dossier.objects.exclude(pk=earlier.dossier_id).get()
    reused = DossierFile.objects.get(dossier=dossier)
    assert reused.reused_from == earlier and reused.file.name == earlier.file.name
    assert reused.sha256 == earlier.sha256 and reused.required_paper.name == "Giấy chứng sinh"
    assert stored_files(media) == before  # not one new byte on disk
    event = DossierEvent.objects.get(dossier=dossier, action="attach_file")
    assert event.data["reused_from"] == earlier.pk and event.actor == sub.me


def test_someone_elses_file_cannot_be_reused(sub):
    stranger_file = _earlier_dossier_with_file(sub, owner=CitizenFactory())
    required, _optional = _papers(sub)
    page = sub.client.get(url(sub.birth.code, "papers")).content.decode()
    assert f'value="{stranger_file.pk}"' not in page
    response = sub.client.post(url(sub.birth.code, "papers"), {f"reuse_{required}": str(stranger_file.pk),
                                                              "action": "next"})
    assert response.status_code == 400
    assert "Không tìm thấy giấy tờ đã nộp trước đây." in text(response)


def test_csrf_is_still_checked_on_the_upload_step(sub, settings):
    _papers(sub)
    csrf_client = Client(enforce_csrf_checks=True)  # the same session, but CSRF enforced as in a browser
    csrf_client.cookies[settings.SESSION_COOKIE_NAME] = sub.client.cookies[settings.SESSION_COOKIE_NAME].value
    required = sub.birth.papers.get(required=True).pk
    refused = csrf_client.post(url(sub.birth.code, "papers"), {f"file_{required}": upload("a.pdf", PDF)})
    assert refused.status_code == 403
    assert not UploadDraft.objects.exists()
    assert csrf_client.get(url(sub.birth.code, "papers")).status_code == 200
    token = csrf_client.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = csrf_client.post(url(sub.birth.code, "papers"), {f"file_{required}": upload("a.pdf", PDF),
                                                               "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302 and UploadDraft.objects.count() == 1
