# SPDX-License-Identifier: AGPL-3.0-or-later
# ruff: noqa: F811 — `world`, `media` and `fresh_limits` are fixtures imported from other test modules
"""Rating and petitions from the owner's dossier page."""

import pytest
from django.urls import reverse

from motcua.accounts.tests.factories import CitizenFactory
from motcua.dossiers.feedback import petition_answer
from motcua.dossiers.models import Petition, QuickRating, Rating
from motcua.dossiers.tests.conftest import world  # noqa: F401

from .tracking_helpers import done, login, media, owned  # noqa: F401

pytestmark = pytest.mark.usefixtures("media")
NINE = {f"c{n}": "2" for n in range(1, 10)}


def rate_url(dossier):
    return reverse("portal:my-dossier-rate", args=[dossier.code])


def petition_url(dossier):
    return reverse("portal:my-dossier-petition", args=[dossier.code])


def test_quick_rating_with_nine_criteria_through_the_page(client, world):
    dossier = done(world)
    response = login(client, world.citizen).post(rate_url(dossier), {
        "quick": QuickRating.SATISFIED, **NINE, "c7": "1", "comment": "Cán bộ hướng dẫn tận tình."})
    assert response.status_code == 302
    rating = Rating.objects.get(dossier=dossier)
    assert rating.criteria == {**{str(n): 2 for n in range(1, 10)}, "7": 1}
    page = client.get(response["Location"]).content.decode()
    assert "Cảm ơn bạn đã đánh giá" in page and "Bạn đã đánh giá «Hài lòng»" in page
    assert "Gửi đánh giá" not in page


def test_partial_criteria_are_refused_with_what_is_missing(client, world):
    dossier = done(world)
    response = login(client, world.citizen).post(rate_url(dossier), {
        "quick": QuickRating.NEUTRAL, "c1": "2", "c2": "1"})
    assert response.status_code == 400
    assert "Cần chấm đủ 9 tiêu chí hoặc bỏ trống cả 9; còn thiếu tiêu chí 3, 4, 5, 6, 7, 8, 9." in \
        response.content.decode()
    assert not Rating.objects.exists()


def test_a_score_outside_0_1_2_is_refused_by_the_form(client, world):
    dossier = done(world)
    response = login(client, world.citizen).post(rate_url(dossier), {"quick": QuickRating.NEUTRAL, **NINE, "c4": "5"})
    assert response.status_code == 400 and not Rating.objects.exists()


def test_a_second_rating_is_refused(client, world):
    dossier = done(world)
    login(client, world.citizen)
    assert client.post(rate_url(dossier), {"quick": QuickRating.SATISFIED}).status_code == 302
    second = client.post(rate_url(dossier), {"quick": QuickRating.UNSATISFIED})
    assert second.status_code == 409
    assert "mỗi hồ sơ chỉ đánh giá một lần" in second.content.decode()
    assert Rating.objects.get(dossier=dossier).quick == QuickRating.SATISFIED


def test_rating_before_the_result_is_refused(client, world):
    dossier = owned(world)
    response = login(client, world.citizen).post(rate_url(dossier), {"quick": QuickRating.SATISFIED})
    assert response.status_code == 409 and not Rating.objects.exists()


def test_another_citizen_cannot_rate_or_petition(client, world):
    dossier = done(world)
    login(client, CitizenFactory())
    assert client.post(rate_url(dossier), {"quick": QuickRating.UNSATISFIED}).status_code == 404
    assert client.post(petition_url(dossier), {"kind": "phan_anh", "content": "Nội dung phản ánh giả mạo."}
                       ).status_code == 404
    assert not Rating.objects.exists() and not Petition.objects.exists()


def test_petition_flow_on_the_page(client, world):
    dossier = owned(world)
    login(client, world.citizen)
    response = client.post(petition_url(dossier), {"kind": "kien_nghi", "content": "Đề nghị cho biết tiến độ xử lý."})
    assert response.status_code == 302
    petition = Petition.objects.get(dossier=dossier)
    page = client.get(response["Location"]).content.decode()
    assert "Đề nghị cho biết tiến độ xử lý." in page and "Đang chờ Phường Buôn Ma Thuột trả lời" in page
    assert "Bạn có thể gửi phản ánh, kiến nghị mới sau khi" in page  # one pending at a time
    again = client.post(petition_url(dossier), {"kind": "phan_anh", "content": "Gửi thêm một phản ánh nữa."})
    assert again.status_code == 409 and Petition.objects.count() == 1

    petition_answer(petition=petition, actor=world.specialist, answer="Hồ sơ đang ở bước thẩm định.")
    page = client.get(reverse("portal:my-dossier", args=[dossier.code])).content.decode()
    assert "Hồ sơ đang ở bước thẩm định." in page and "Bạn có hài lòng với câu trả lời không?" in page
    assert world.specialist.full_name not in page
    rate = reverse("portal:my-dossier-petition-rate", args=[dossier.code, petition.pk])
    assert client.post(rate, {}).status_code == 400
    assert client.post(rate, {"satisfied": "1"}).status_code == 302
    petition.refresh_from_db()
    assert petition.satisfied is True
    assert client.post(rate, {"satisfied": "0"}).status_code == 409


def test_short_petition_is_refused_in_vietnamese(client, world):
    dossier = owned(world)
    response = login(client, world.citizen).post(petition_url(dossier), {"kind": "phan_anh", "content": "chậm"})
    assert response.status_code == 400
    assert "Nội dung phản ánh, kiến nghị cần ít nhất 10 ký tự." in response.content.decode()
