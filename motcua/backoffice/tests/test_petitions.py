# SPDX-License-Identifier: AGPL-3.0-or-later
"""Back office: petitions (phản ánh, kiến nghị) listed by unit and answered by the handling unit only."""

from datetime import timedelta

import pytest
from django.urls import reverse

from motcua.dossiers.feedback import petition_submit
from motcua.dossiers.models import DossierEvent

from .helpers import MON, login, to_specialist

LIST = reverse("backoffice:petitions")
TEXT = "Hồ sơ đã quá hẹn mà chưa có thông báo cho tôi."


@pytest.fixture
def petition(world):
    """Filed on Mon 2 March 2026: long past its deadline by the wall clock."""
    dossier = to_specialist(world, MON, owner=world.citizen)
    return petition_submit(dossier=dossier, actor=world.citizen, content=TEXT, at=MON + timedelta(hours=1))


@pytest.fixture
def fresh(world):
    """Filed just now: within its deadline."""
    dossier = to_specialist(world, MON, owner=world.citizen)
    return petition_submit(dossier=dossier, actor=world.citizen, content=TEXT)


def detail(petition):
    return reverse("backoffice:petition", args=[petition.pk])


def test_officials_of_the_unit_see_the_petition_with_its_deadline(client, world, petition):
    response = login(client, world.specialist).get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert petition.dossier.code in body and "Hồ sơ đã quá hẹn" in body
    assert "10:00 16/03/2026" in body  # 10 working days after Mon 2/3 10:00
    assert 'href="/can-bo/phan-anh/"' in body  # the navigation link
    log = client.get(reverse("backoffice:dossier", args=[petition.dossier.code])).content.decode()
    assert "Công dân gửi phản ánh, kiến nghị" in log  # the dossier's history names the event in Vietnamese


def test_officials_of_another_unit_see_nothing(client, world, petition):
    login(client, world.tan_an_specialist)
    assert petition.dossier.code not in client.get(LIST).content.decode()
    assert client.get(detail(petition)).status_code == 404


def test_answer_through_the_form(client, world, fresh):
    petition = fresh
    login(client, world.leader)
    page = client.get(detail(petition)).content.decode()
    assert "Trả lời phản ánh, kiến nghị" in page and "csrfmiddlewaretoken" in page
    response = client.post(detail(petition), {"answer": "Hồ sơ sẽ được trả kết quả trong tuần này."})
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.answered_by == world.leader and petition.answer.startswith("Hồ sơ sẽ được trả")
    assert DossierEvent.objects.filter(action="petition_answer", actor=world.leader).exists()
    page = client.get(detail(petition)).content.decode()
    assert "Đã trả lời phản ánh, kiến nghị" in page and "đúng hạn" in page
    assert "Đã trả lời đúng hạn" in client.get(LIST, {"trang_thai": "da_tra_loi"}).content.decode()


def test_empty_answer_is_refused_in_vietnamese(client, world, petition):
    response = login(client, world.specialist).post(detail(petition), {"answer": "  "})
    assert response.status_code == 400
    assert "Cần ghi nội dung trả lời." in response.content.decode()
    petition.refresh_from_db()
    assert petition.answered_at is None


def test_officer_of_another_unit_cannot_answer(client, world, petition):
    response = login(client, world.tan_an_specialist).post(detail(petition), {"answer": "Trả lời thay."})
    assert response.status_code == 404
    petition.refresh_from_db()
    assert petition.answered_at is None


def test_seeing_is_not_answering(client, world, petition):
    """The clerk of the same ward sees the petition but does not hold a role that answers it."""
    login(client, world.clerk)
    page = client.get(detail(petition)).content.decode()
    assert "Chỉ chuyên viên, lãnh đạo hoặc quản trị của Phường Buôn Ma Thuột" in page
    response = client.post(detail(petition), {"answer": "Văn thư trả lời."})
    assert response.status_code == 403
    assert "Chỉ cán bộ xử lý của Phường Buôn Ma Thuột" in response.content.decode()
    petition.refresh_from_db()
    assert petition.answered_at is None


def test_citizens_and_anonymous_are_kept_out(client, world, petition):
    assert client.get(LIST).status_code == 302
    login(client, world.citizen)
    assert client.get(LIST).status_code == 403
    assert client.post(detail(petition), {"answer": "Tự trả lời."}).status_code == 403


def test_overdue_petitions_have_their_tab_and_a_late_answer_is_marked(client, world, petition, fresh):
    login(client, world.specialist)
    overdue = client.get(LIST, {"trang_thai": "qua_han"}).content.decode()
    assert detail(petition) in overdue and detail(fresh) not in overdue and "Quá hạn" in overdue
    open_tab = client.get(LIST).content.decode()
    assert detail(petition) in open_tab and detail(fresh) in open_tab
    assert open_tab.index(detail(petition)) < open_tab.index(detail(fresh))  # most urgent first
    client.post(detail(petition), {"answer": "Xin lỗi vì trả lời chậm."})
    assert "Đã trả lời quá hạn" in client.get(LIST, {"trang_thai": "da_tra_loi"}).content.decode()
