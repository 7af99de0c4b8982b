# SPDX-License-Identifier: AGPL-3.0-or-later
# ruff: noqa: F811 — `world`, `media` and `fresh_limits` are fixtures imported from other test modules
"""My dossiers (hồ sơ của tôi): the owner's list and dossier page; nobody else's."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from motcua.accounts.tests.factories import CitizenFactory
from motcua.dossiers.services import dossier_reschedule, dossier_submit_online
from motcua.dossiers.tests.conftest import local, world  # noqa: F401

from .tracking_helpers import MON, done, login, media, owned, waiting_for_supplement  # noqa: F401

pytestmark = pytest.mark.usefixtures("media")
LIST = reverse("portal:my-dossiers")


def page(code):
    return reverse("portal:my-dossier", args=[code])


def test_anonymous_visitor_is_sent_to_log_in(client, world):
    dossier = owned(world)
    for url in (LIST, page(dossier.code)):
        response = client.get(url)
        assert response.status_code == 302 and "next=" in response["Location"]


def test_list_shows_only_my_dossiers(client, world):
    mine = owned(world)
    other = owned(world, owner=CitizenFactory())
    body = login(client, world.citizen).get(LIST).content.decode()
    assert mine.code in body and other.code not in body
    assert "Hồ sơ của tôi" in body and world.marriage.name in body


def test_status_filter_narrows_the_list_and_counts_each_state(client, world):
    processing = owned(world)
    waiting = waiting_for_supplement(world, at=MON + timedelta(days=1))
    login(client, world.citizen)
    body = client.get(LIST, {"trang_thai": "can-bo-sung"}).content.decode()
    assert waiting.code in body and processing.code not in body
    assert "Cần bạn bổ sung <span class=\"count\">(1)</span>" in body
    assert "Tất cả <span class=\"count\">(2)</span>" in body
    body = client.get(LIST, {"trang_thai": "dang-xu-ly"}).content.decode()
    assert processing.code in body and waiting.code not in body
    # An unknown filter is ignored rather than an error.
    assert client.get(LIST, {"trang_thai": "<script>"}).status_code == 200


def test_list_is_paginated_by_twenty_in_constant_queries(client, world):
    for n in range(21):
        dossier_submit_online(procedure=world.marriage, receiving_unit=world.bmt_center, applicant=world.applicant,
                              owner=world.citizen, at=MON + timedelta(minutes=n))
    login(client, world.citizen)
    client.get(LIST)  # warm the session and the user
    with CaptureQueriesContext(connection) as queries:
        first = client.get(LIST)
    assert first.status_code == 200
    assert first.content.decode().count('class="card"') == 20
    assert len(queries) <= 8
    second = client.get(LIST, {"page": 2}).content.decode()
    assert second.count('class="card"') == 1 and "trang 2/2" in second
    assert client.get(LIST, {"page": "abc"}).status_code == 200


def test_citizen_b_cannot_see_citizen_a_dossier(client, world):
    dossier = owned(world)
    response = login(client, CitizenFactory()).get(page(dossier.code))
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy hồ sơ" in body and world.marriage.name not in body and "Nguyễn Văn An" not in body


def test_an_official_of_the_unit_is_not_the_owner_here_either(client, world):
    dossier = owned(world)
    assert login(client, world.specialist).get(page(dossier.code)).status_code == 404


def test_owner_page_has_the_full_timeline_with_notes_addressed_to_the_applicant(client, world):
    dossier = dossier_reschedule(dossier=owned(world), actor=world.leader, new_due_at=local(2026, 3, 20, 16, 0),
                                 reason="Cần xác minh thêm tại nơi cư trú.", at=MON + timedelta(hours=2))
    body = login(client, world.citizen).get(page(dossier.code)).content.decode()
    assert "Nguyễn Văn An" in body  # the owner sees their own name unmasked
    assert "Xin lỗi và hẹn lại ngày trả kết quả" in body and "Cần xác minh thêm tại nơi cư trú." in body
    assert "16:00 20/03/2026" in body
    assert world.leader.full_name not in body and world.receiver.full_name not in body
    assert "mau-01.pdf" in body  # link to Form 01 (served by the submission pages)


def test_owner_page_without_result_offers_no_rating_yet(client, world):
    body = login(client, world.citizen).get(page(owned(world).code)).content.decode()
    assert "Bạn có thể đánh giá khi hồ sơ đã có kết quả." in body
    assert 'action="/ho-so-cua-toi/' in body and "phan-anh/" in body  # a petition may be filed any time


def test_owner_page_of_a_done_dossier_offers_rating_with_suggested_scores(client, world):
    dossier = done(world)
    body = login(client, world.citizen).get(page(dossier.code)).content.decode()
    assert "Gửi đánh giá" in body and "Đánh giá chi tiết theo 9 tiêu chí" in body
    assert 'name="c1" value="2"' in body and 'name="c1" value="2" required' not in body  # criteria are optional
    # Finished early and never asked for papers: hints for criteria 1 and 3, nothing pre-checked (a quick
    # rating alone must stay possible).
    assert body.count("Theo quá trình xử lý hồ sơ: 2 điểm.") == 2
    assert not re.search(r'name="c\d" value="\d"[^>]*checked', body)
    assert "Kết quả đã sẵn sàng tại" in body
