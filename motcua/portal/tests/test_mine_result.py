# SPDX-License-Identifier: AGPL-3.0-or-later
# ruff: noqa: F811 — `world`, `media` and `fresh_limits` are fixtures imported from other test modules
"""The electronic result (kết quả điện tử): downloadable by the owner only, and only once issued."""

import pytest
from django.urls import reverse

from motcua.accounts.tests.factories import CitizenFactory
from motcua.documents.models import DossierFile, FileKind
from motcua.documents.services import dossier_file_attach
from motcua.dossiers.models import ResultDelivery
from motcua.dossiers.tests.conftest import world  # noqa: F401

from .tracking_helpers import PDF, done, login, media, owned, upload  # noqa: F401

pytestmark = pytest.mark.usefixtures("media")


def file_url(dossier, record):
    return reverse("portal:my-dossier-file", args=[dossier.code, record.pk])


def result_of(dossier):
    return DossierFile.objects.get(dossier=dossier, kind=FileKind.RESULT)


def test_owner_downloads_the_result_once_done(client, world):
    dossier = done(world)
    page = login(client, world.citizen).get(reverse("portal:my-dossier", args=[dossier.code])).content.decode()
    record = result_of(dossier)
    assert "Tải kết quả điện tử" in page and file_url(dossier, record) in page
    assert "Đính kèm tệp: Kết quả giải quyết" in page  # in the owner's timeline, without who attached it
    response = client.get(file_url(dossier, record))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    assert 'filename="ket-qua.pdf"' in response["Content-Disposition"]


def test_another_citizen_cannot_download_the_result(client, world):
    dossier = done(world)
    record = result_of(dossier)
    intruder = login(client, CitizenFactory())
    assert intruder.get(file_url(dossier, record)).status_code == 404
    assert intruder.get(reverse("documents:file", args=[record.pk])).status_code == 404


def test_anonymous_cannot_download_the_result(client, world):
    dossier = done(world)
    response = client.get(file_url(dossier, result_of(dossier)))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_a_file_id_of_another_dossier_is_not_served_under_mine(client, world):
    mine = done(world)
    other = owned(world, owner=CitizenFactory())
    foreign = dossier_file_attach(dossier=other, actor=world.receiver, uploaded_file=upload("cua-nguoi-khac.pdf", PDF),
                                  kind=FileKind.PAPER)
    assert login(client, world.citizen).get(file_url(mine, foreign)).status_code == 404


def test_a_result_attached_before_issue_stays_hidden_from_the_owner(client, world):
    dossier = owned(world)
    record = dossier_file_attach(dossier=dossier, actor=world.clerk, uploaded_file=upload("du-thao.pdf", PDF),
                                 kind=FileKind.RESULT)
    login(client, world.citizen)
    assert client.get(file_url(dossier, record)).status_code == 404
    page = client.get(reverse("portal:my-dossier", args=[dossier.code])).content.decode()
    assert "du-thao.pdf" not in page


def test_papers_of_my_dossier_are_listed_and_served(client, world):
    dossier = owned(world)
    paper = dossier_file_attach(dossier=dossier, actor=world.receiver, uploaded_file=upload("to-khai.pdf", PDF),
                                kind=FileKind.PAPER)
    login(client, world.citizen)
    page = client.get(reverse("portal:my-dossier", args=[dossier.code])).content.decode()
    assert "to-khai.pdf" in page and file_url(dossier, paper) in page
    assert client.get(file_url(dossier, paper)).status_code == 200


def test_notice_says_where_the_result_is(client, world):
    dossier = done(world, result=False)
    login(client, world.citizen)
    for delivery, text in ((ResultDelivery.AT_CENTER, "Kết quả đã sẵn sàng tại Trung tâm Phục vụ hành chính công"),
                           (ResultDelivery.POST, "sẽ được gửi qua dịch vụ bưu chính công ích"),
                           (ResultDelivery.ONLINE, "Kết quả điện tử đã sẵn sàng")):
        dossier.result_delivery = delivery  # chosen at submission; set directly here to show each notice
        dossier.save(update_fields=["result_delivery"])
        assert text in client.get(reverse("portal:my-dossier", args=[dossier.code])).content.decode()
