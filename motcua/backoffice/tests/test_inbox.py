# SPDX-License-Identifier: AGPL-3.0-or-later
"""The inbox: which tabs each role sees, their counts, rows, search, paging, and a bounded query count."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from motcua.backoffice.display import Badge, due_badge, working_duration
from motcua.dossiers.inbox import dossier_due_state, inbox_calendar, inbox_dossiers, inbox_tabs
from motcua.dossiers.services import dossier_assign, dossier_request_supplement
from motcua.dossiers.tests.conftest import local

from .helpers import MON, at_clerk, at_leader, at_signer, done, login, receive, submitted, to_specialist

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(world):
    """One dossier in each state of the BMT ward (received in March 2026: every open one is overdue now)."""
    other = receive(world, MON)
    other = dossier_assign(dossier=other, actor=world.receiver, assignee=world.specialist2, at=MON)
    waiting = dossier_request_supplement(dossier=to_specialist(world, MON), actor=world.specialist,
                                         missing="Bản sao giấy xác nhận tình trạng hôn nhân",
                                         at=MON + timedelta(hours=1))
    return SimpleNamespace(
        submitted=submitted(world), received=receive(world, MON), mine=to_specialist(world, MON), other=other,
        leader=at_leader(world), signer=at_signer(world), clerk=at_clerk(world), done=done(world), waiting=waiting)


def badge(dossier, **kwargs) -> Badge:
    return due_badge(dossier_due_state(dossier, **kwargs))


def counts(user, **kwargs):
    return {tab.key: tab.count for tab in inbox_tabs(user=user, **kwargs)}


def test_each_role_sees_its_own_tabs_and_counts(world, desk):
    assert counts(world.receiver) == {"cho-tiep-nhan": 1, "cho-phan-cong": 1, "cho-bo-sung": 1, "sap-den-han": 0,
                                      "qua-han": 6, "cho-tra-ket-qua": 1}
    assert counts(world.specialist) == {"cho-toi-xu-ly": 1, "cho-bo-sung": 1, "sap-den-han": 0, "qua-han": 6}
    assert counts(world.specialist2)["cho-toi-xu-ly"] == 1
    assert counts(world.leader) == {"cho-phan-cong": 1, "cho-phe-duyet": 1, "sap-den-han": 0, "qua-han": 6}
    assert counts(world.signer) == {"cho-ky": 1, "sap-den-han": 0, "qua-han": 6}
    assert counts(world.clerk) == {"cho-phat-hanh": 1, "sap-den-han": 0, "qua-han": 6}


def test_another_ward_sees_none_of_these_and_the_province_admin_only_watches_deadlines(world, desk):
    assert counts(world.tan_an_specialist) == {"cho-toi-xu-ly": 0, "cho-bo-sung": 0, "sap-den-han": 0, "qua-han": 0}
    assert counts(world.tan_an_receiver)["cho-tiep-nhan"] == 0
    assert counts(world.province_admin) == {"sap-den-han": 0, "qua-han": 6}


def test_my_tab_lists_what_is_mine_or_nobodys_never_a_colleagues(world, desk):
    mine = {d.code for d in inbox_dossiers(user=world.specialist, tab="cho-toi-xu-ly")}
    assert mine == {desk.mine.code}
    assert {d.code for d in inbox_dossiers(user=world.specialist2, tab="cho-toi-xu-ly")} == {desk.other.code}
    # the leader step was forwarded to no one in particular: any department leader of the ward takes it
    assert [d.code for d in inbox_dossiers(user=world.leader, tab="cho-phe-duyet")] == [desk.leader.code]
    assert not inbox_dossiers(user=world.specialist, tab="cho-ky").exists()  # a tab not held lists nothing


def test_due_soon_means_at_most_one_working_day_left(world):
    dossier = to_specialist(world, MON)  # due Mon 9 Mar 09:00
    cal = inbox_calendar()
    thursday, friday, monday = local(2026, 3, 5, 10, 0), local(2026, 3, 6, 10, 0), local(2026, 3, 9, 10, 0)
    assert counts(world.specialist, now=thursday)["sap-den-han"] == 0
    assert counts(world.specialist, now=friday)["sap-den-han"] == 1
    assert counts(world.specialist, now=friday)["qua-han"] == 0
    assert counts(world.specialist, now=monday) | {} == {"cho-toi-xu-ly": 1, "cho-bo-sung": 0, "sap-den-han": 0,
                                                          "qua-han": 1}
    assert badge(dossier, now=thursday, cal=cal) == Badge("ok", "Còn 1 ngày 6 giờ làm việc")
    assert badge(dossier, now=friday, cal=cal) == Badge("soon", "Còn 6 giờ 30 phút làm việc")
    assert badge(dossier, now=monday, cal=cal) == Badge("late", "Quá hạn", "quá 1 giờ làm việc")


def test_badges_of_paused_and_finished_dossiers(world, desk):
    cal, now = inbox_calendar(), MON + timedelta(days=1)
    assert badge(desk.waiting, now=now, cal=cal) == Badge("paused", "Tạm dừng tính thời hạn", "chờ công dân")
    assert badge(desk.done, now=now, cal=cal) == Badge("truoc_han", "Trước hạn")
    assert badge(desk.submitted, now=now, cal=cal) == Badge("none", "Chưa tiếp nhận")


def test_the_page_shows_only_the_tabs_the_role_allows(client, world, desk):
    body = login(client, world.specialist).get("/can-bo/").content.decode()
    assert "?tab=cho-toi-xu-ly" in body and "?tab=qua-han" in body
    for hidden in ("cho-tiep-nhan", "cho-phan-cong", "cho-phe-duyet", "cho-ky", "cho-phat-hanh", "cho-tra-ket-qua"):
        assert f"?tab={hidden}" not in body


def test_rows_show_code_procedure_name_and_a_masked_phone(client, world, desk):
    body = login(client, world.receiver).get("/can-bo/?tab=cho-phan-cong").content.decode()
    assert desk.received.code in body and desk.mine.code not in body
    assert "Đăng ký kết hôn (thử nghiệm)" in body and "Nguyễn Văn An" in body
    assert "091****678" in body and "0912345678" not in body
    assert "066090000123" not in body
    assert "Quá hạn" in body


def test_the_first_tab_with_work_opens_by_default(client, world, desk):
    response = login(client, world.signer).get("/can-bo/")
    assert response.context["current"].key == "cho-ky"
    assert desk.signer.code in response.content.decode()


def test_search_by_code_phone_cccd_and_name_within_what_the_user_may_see(client, world, desk):
    login(client, world.receiver)
    by_code = client.get("/can-bo/", {"q": desk.leader.code})
    assert [row.dossier.code for row in by_code.context["rows"]] == [desk.leader.code]
    assert by_code.context["page"].paginator.count == 1
    assert client.get("/can-bo/", {"q": "0912 345 678"}).context["page"].paginator.count == 9
    assert client.get("/can-bo/", {"q": "066090000123"}).context["page"].paginator.count == 9
    assert client.get("/can-bo/", {"q": "văn an"}).context["page"].paginator.count == 9
    other = login(client, world.tan_an_receiver).get("/can-bo/", {"q": "0912345678"})
    assert other.context["page"].paginator.count == 0
    assert "Không có hồ sơ nào khớp trong phạm vi của bạn." in other.content.decode()


def test_an_official_without_roles_is_told_so(client, world):
    from motcua.accounts.tests.factories import OfficialFactory

    body = login(client, OfficialFactory()).get("/can-bo/").content.decode()
    assert "Bạn chưa được phân công vai trò xử lý hồ sơ nào" in body


def test_pages_of_twenty(client, world):
    for n in range(23):
        receive(world, MON + timedelta(minutes=n))
    login(client, world.receiver)
    first = client.get("/can-bo/?tab=cho-phan-cong")
    assert len(first.context["rows"]) == 20
    assert "page=2" in first.content.decode()
    assert len(client.get("/can-bo/?tab=cho-phan-cong&page=2").context["rows"]) == 3


QUERY_BOUND = 15  # session, user, calendar (3), roles, visibility (2 × 3 succession look-ups), counts, page


@pytest.mark.parametrize("tab", ["cho-phan-cong", "qua-han"])
def test_inbox_query_count_does_not_grow_with_the_dossiers(client, world, django_assert_max_num_queries, tab):
    for n in range(3):
        receive(world, MON + timedelta(minutes=n))
    login(client, world.receiver)
    with django_assert_max_num_queries(QUERY_BOUND):
        assert len(client.get(f"/can-bo/?tab={tab}").context["rows"]) == 3
    for n in range(3, 30):
        receive(world, MON + timedelta(minutes=n))
    with django_assert_max_num_queries(QUERY_BOUND):
        assert len(client.get(f"/can-bo/?tab={tab}").context["rows"]) == 20


@pytest.mark.parametrize(("minutes", "text"), [(0, "dưới 1 phút"), (20, "20 phút"), (90, "1 giờ 30 phút"),
                                               (450, "1 ngày"), (450 + 185, "1 ngày 3 giờ")])
def test_working_durations_in_words(minutes, text):
    assert working_duration(timedelta(minutes=minutes), timedelta(hours=7, minutes=30)) == text


def test_the_inbox_in_english_when_chosen(client, world, desk):
    client = login(client, world.specialist)
    client.cookies["django_language"] = "en"
    body = client.get("/can-bo/").content.decode()
    assert 'lang="en"' in body
    assert "Waiting for me" in body and "Overdue" in body and "Sign out" in body
    assert "of working time over" in body
