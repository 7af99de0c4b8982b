# SPDX-License-Identifier: AGPL-3.0-or-later
"""The end of the wizard: a double or replayed submit gives one dossier, a failed attach leaves nothing,
the receipt's QR code holds the tracking URL, Form 01 is served to the owner only."""

import copy
import re

import pytest
import segno
from django.test import Client

from motcua.accounts.tests.factories import CitizenFactory
from motcua.documents.models import DossierFile, UploadDraft
from motcua.dossiers.models import Dossier, DossierCodeCounter, SubmissionKey
from motcua.dossiers.services import dossier_receive

from .test_submission_support import (
    media,
    stored_files,
    sub,
    submit,
    text,
    walk_to_papers,
    walk_to_review,
    world,
)

pytestmark = pytest.mark.django_db
FIXTURES = (media, sub, world)  # pytest finds fixtures by name in this module


def _ready(sub, procedure=None):
    procedure = procedure or sub.marriage
    walk_to_papers(sub.client, procedure)
    walk_to_review(sub.client, procedure)
    return procedure


def _restore(client, state):
    session = client.session
    session["motcua_submission"] = state
    session.save()


def test_a_replayed_submit_returns_the_same_dossier_and_attaches_nothing_twice(sub, django_capture_on_commit_callbacks):
    procedure = _ready(sub)
    before = copy.deepcopy(sub.client.session["motcua_submission"])
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(sub.client, procedure)
    # the same POST again, as a double click sends it before the first answer arrives (the session still
    # holds the unfinished wizard; its staged files were consumed by the first request)
    _restore(sub.client, before)
    second = submit(sub.client, procedure)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Dossier.objects.count() == 1 and SubmissionKey.objects.count() == 1
    assert DossierFile.objects.count() == 1
    assert sub.client.session["motcua_submission"][procedure.code] == {"done": Dossier.objects.get().code}


def test_the_same_wizard_with_other_content_is_not_submitted_again(sub):
    procedure = _ready(sub)
    before = copy.deepcopy(sub.client.session["motcua_submission"])
    submit(sub.client, procedure)
    before[procedure.code]["applicant"]["name"] = "Trần Thị Bình"
    _restore(sub.client, before)
    response = submit(sub.client, procedure)
    assert response.status_code == 409
    assert "đã được nộp trước đó với nội dung khác" in text(response)
    assert Dossier.objects.count() == 1


def test_a_failing_attach_leaves_no_dossier_no_code_and_no_file(sub, media):
    procedure = _ready(sub)
    draft = UploadDraft.objects.get()
    (media / draft.file.name).unlink()  # the staged bytes vanished from the disk before submission
    response = submit(sub.client, procedure)
    assert response.status_code == 400
    assert "không còn trên máy chủ; hãy tải lên lại" in text(response)
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()
    assert not DossierCodeCounter.objects.filter(last__gt=0).exists()
    assert stored_files(media) == []
    assert "done" not in sub.client.session["motcua_submission"][procedure.code]


def _qr_matrix(svg: str) -> list[list[bool]]:
    """Read back the modules segno drew: `M x y` / `m dx dy` moves and `h n` dark runs, quiet zone 4."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    x = y = 0.0
    dark = set()
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", re.search(r'<path stroke="#000" d="([^"]+)"', svg).group(1)):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(float(a))):
                dark.add((int(y), int(x) + i))
            x += float(a)
    inner = size - 8
    return [[(row + 4, col + 4) in dark for col in range(inner)] for row in range(inner)]


def test_receipt_shows_the_code_and_a_qr_code_of_the_tracking_url(sub):
    procedure = _ready(sub)
    receipt = sub.client.get(submit(sub.client, procedure)["Location"])
    dossier = Dossier.objects.get()
    assert receipt.status_code == 200
    page = text(receipt)
    assert dossier.code in page and "Đã nộp hồ sơ" in page
    assert "hồ sơ nộp trực tuyến được hẹn ngày trả khi Trung tâm Phục vụ hành chính công tiếp nhận" in page
    assert "Mẫu số 01 có khi Trung tâm tiếp nhận hồ sơ" in page
    body = receipt.content.decode()
    expected = f"http://testserver/tra-cuu/?ma={dossier.code}"
    assert f'href="{expected}"' in body
    svg = re.search(r"<svg.*?</svg>", body, re.S).group(0)
    assert 'role="img"' in svg and f"Mã QR tra cứu hồ sơ {dossier.code}" in svg
    reference = segno.make_qr(expected, error="m", boost_error=False)
    assert _qr_matrix(svg) == [[bool(module) for module in row] for row in reference.matrix]
    # and it is not the QR code of something else
    assert _qr_matrix(svg) != [[bool(m) for m in row] for row in segno.make_qr(expected + "x", error="m").matrix]


def test_receipt_is_for_its_owner_only(sub):
    procedure = _ready(sub)
    location = submit(sub.client, procedure)["Location"]
    other = Client()
    other.force_login(CitizenFactory())
    assert other.get(location).status_code == 404
    assert Client().get(location).status_code == 302  # to the login page


def test_form_01_pdf_is_served_to_the_owner_once_received_and_404_to_anyone_else(sub):
    procedure = _ready(sub)
    submit(sub.client, procedure)
    dossier = Dossier.objects.get()
    pdf_url = f"/ho-so-cua-toi/{dossier.code}/mau-01.pdf"
    early = sub.client.get(pdf_url)
    assert early.status_code == 409
    assert "nộp trực tuyến chưa được tiếp nhận nên chưa có Mẫu số 01" in text(early)
    dossier_receive(dossier=dossier, actor=sub.receiver)
    response = sub.client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith(f'inline; filename="{dossier.code}-mau-01.pdf"')
    receipt = text(sub.client.get(f"/ho-so-cua-toi/{dossier.code}/bien-nhan/"))
    assert "Tải Mẫu số 01 (PDF)" in receipt and "Ngày hẹn trả kết quả" in receipt
    stranger = Client()
    stranger.force_login(CitizenFactory())
    assert stranger.get(pdf_url).status_code == 404
    official = Client()
    official.force_login(sub.receiver)  # sees it in the back office, not as "my dossier"
    assert official.get(pdf_url).status_code == 403
    assert Client().get(pdf_url).status_code == 302
