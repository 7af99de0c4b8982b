# SPDX-License-Identifier: AGPL-3.0-or-later
# ruff: noqa: F811 — `world`, `media` and `fresh_limits` are fixtures imported from other test modules
"""Online supplement (bổ sung hồ sơ): the owner uploads the missing papers; the clock restarts from zero;
a hostile file is refused in Vietnamese and nothing is stored."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.accounts.tests.factories import CitizenFactory
from motcua.documents.models import DossierFile, FileKind
from motcua.dossiers.models import DossierEvent, Stage, SupplementRequest
from motcua.dossiers.tests.conftest import world  # noqa: F401
from motcua.workdays.calendars import ProcessingTime, clock_start, due_at
from motcua.workdays.selectors import calendar_for_unit

from .tracking_helpers import PDF, PNG, login, media, owned, upload, waiting_for_supplement  # noqa: F401

pytestmark = pytest.mark.usefixtures("media")


def url(code):
    return reverse("portal:my-dossier-supplement", args=[code])


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def test_owner_sees_what_is_missing_and_the_upload_form(client, world):
    dossier = waiting_for_supplement(world, missing="Bản sao Giấy khai sinh có chứng thực.")
    body = login(client, world.citizen).get(reverse("portal:my-dossier", args=[dossier.code])).content.decode()
    assert "Bản sao Giấy khai sinh có chứng thực." in body
    assert 'enctype="multipart/form-data"' in body and "Gửi giấy tờ bổ sung" in body


def test_supplement_upload_restarts_the_clock(client, world, media):
    dossier = waiting_for_supplement(world)
    old_due = dossier.due_at
    before = timezone.now()
    response = login(client, world.citizen).post(url(dossier.code), {
        "files": [upload("giay-khai-sinh.pdf", PDF), upload("anh.png", PNG, "image/png")],
        "note": "Đã bổ sung bản sao có chứng thực."})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.stage == Stage.PROCESSING
    # The processing time (5 working days) restarts from zero at the next working moment after the upload.
    cal = calendar_for_unit(unit=world.bmt)
    assert dossier.clock_started_at == clock_start(cal, dossier.clock_started_at, channel_is_paper=False)
    assert dossier.clock_started_at >= clock_start(cal, before, channel_is_paper=False) - timedelta(seconds=1)
    assert dossier.due_at == dossier.legal_due_at == due_at(cal, dossier.clock_started_at,
                                                            ProcessingTime(Decimal(5), "working_days"))
    assert dossier.due_at > old_due
    request = SupplementRequest.objects.get(dossier=dossier)
    assert request.received_at is not None and request.due_before == old_due and request.due_after == dossier.due_at
    files = DossierFile.objects.filter(dossier=dossier, kind=FileKind.SUPPLEMENT)
    assert files.count() == 2 and {f.uploaded_by_id for f in files} == {world.citizen.pk}
    assert len(stored_files(media)) == 2
    event = DossierEvent.objects.get(dossier=dossier, action="receive_supplement")
    assert event.actor == world.citizen and event.note == "Đã bổ sung bản sao có chứng thực."
    follow = client.get(response["Location"]).content.decode()
    assert "Đã gửi giấy tờ bổ sung" in follow


HOSTILE = [
    (lambda: upload("giay-to.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
     "Tệp «giay-to.pdf» không phải PDF, JPEG hoặc PNG."),
    (lambda: upload("giay-to.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "application/pdf"),
     "Tệp «giay-to.pdf» không phải PDF, JPEG hoặc PNG."),
    # A PDF pretending to be a PNG: extension and content disagree.
    (lambda: upload("anh.png", PDF, "image/png"), "Tệp «anh.png» có phần mở rộng không khớp với nội dung (PDF)."),
    (lambda: upload("rong.pdf", b"", "application/pdf"), ""),  # refused by the form before anything is stored
]


def test_hostile_upload_is_refused_and_nothing_is_stored(client, world, media):
    dossier = waiting_for_supplement(world)
    before = (dossier.due_at, dossier.clock_started_at)
    login(client, world.citizen)
    for hostile, message in HOSTILE:
        # A good file first: it is stored, then removed again when the bad one refuses the whole batch.
        response = client.post(url(dossier.code), {"files": [upload("tot.pdf", PDF), hostile()]})
        assert response.status_code == 400, message
        body = response.content.decode()
        assert 'class="field-error"' in body and "empty" not in body and "submitted" not in body
        assert message in body
        dossier.refresh_from_db()
        assert dossier.stage == Stage.SUPPLEMENT and (dossier.due_at, dossier.clock_started_at) == before
        assert not DossierFile.objects.filter(dossier=dossier).exists()
        assert not DossierEvent.objects.filter(dossier=dossier,
                                               action__in=["attach_file", "receive_supplement"]).exists()
        assert stored_files(media) == []


def test_no_file_is_a_form_error(client, world):
    dossier = waiting_for_supplement(world)
    response = login(client, world.citizen).post(url(dossier.code), {"note": "Không có tệp"})
    assert response.status_code == 400
    assert "Cần chọn ít nhất một tệp giấy tờ bổ sung." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.stage == Stage.SUPPLEMENT


def test_supplement_when_none_is_asked_is_refused(client, world, media):
    dossier = owned(world)
    response = login(client, world.citizen).post(url(dossier.code), {"files": [upload("tot.pdf", PDF)]})
    assert response.status_code == 409
    assert "Không thể «Tiếp nhận hồ sơ bổ sung»" in response.content.decode()
    assert not DossierFile.objects.exists() and stored_files(media) == []


def test_another_citizen_cannot_supplement(client, world, media):
    dossier = waiting_for_supplement(world)
    response = login(client, CitizenFactory()).post(url(dossier.code), {"files": [upload("tot.pdf", PDF)]})
    assert response.status_code == 404
    dossier.refresh_from_db()
    assert dossier.stage == Stage.SUPPLEMENT and not DossierFile.objects.exists()


def test_supplement_needs_post_and_csrf(world):
    from django.test import Client

    dossier = waiting_for_supplement(world)
    client = login(Client(enforce_csrf_checks=True), world.citizen)
    assert client.get(url(dossier.code)).status_code == 405
    assert client.post(url(dossier.code), {"files": [upload("tot.pdf", PDF)]}).status_code == 403
