# SPDX-License-Identifier: AGPL-3.0-or-later
"""The dossier page: what it shows, which actions it offers, and each action performed through it."""

from datetime import timedelta

import pytest

from motcua.dossiers.models import Dossier, DossierEvent, Stage
from motcua.dossiers.services import dossier_reschedule

from .helpers import MON, at_leader, login, receive, submitted, to_specialist

pytestmark = pytest.mark.django_db


def page(client, dossier):
    return client.get(f"/can-bo/ho-so/{dossier.code}/")


def act(client, dossier, action, **fields):
    return client.post(f"/can-bo/ho-so/{dossier.code}/thao-tac/{action}/",
                       {f"{action}-{name}": value for name, value in fields.items()})


def offered(response) -> set[str]:
    return {form.action for form in response.context["action_forms"]}


def test_the_page_shows_data_steps_papers_timeline_due_moment_and_print_links(client, world):
    dossier = to_specialist(world, MON)
    response = page(login(client, world.specialist), dossier)
    assert response.status_code == 200
    body = response.content.decode()
    assert dossier.code in body and "Đăng ký kết hôn (thử nghiệm)" in body
    assert "066090000123" in body and "0912345678" in body  # the handling official needs the full data
    for step in ("Tiếp nhận hồ sơ", "Thẩm định hồ sơ", "Lãnh đạo phòng xem xét", "Văn thư phát hành", "Trả kết quả"):
        assert step in body
    assert 'aria-current="step"' in body and "Trễ hạn bước" in body  # March 2026: the appraisal is late
    assert "Tờ khai" in body and "bản cập nhật sau" in body
    assert "Tiếp nhận hồ sơ" in body and "Chuyển xử lý" in body  # events: receive, assign
    assert "09:00 09/03/2026" in body and "Quá hạn" in body
    for number in ("01", "05"):
        assert f'href="/can-bo/ho-so/{dossier.code}/mau/{number}.pdf"' in body
    assert "mau/04.pdf" not in body  # no apology yet


def test_another_units_dossier_is_not_found(client, world):
    dossier = to_specialist(world, MON)
    response = page(login(client, world.tan_an_specialist), dossier)
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ" in response.content.decode()
    assert act(client, dossier, "stop", note="x").status_code == 404
    assert client.get("/can-bo/ho-so/khong-co-ho-so-nay/").status_code == 404


def test_only_the_actions_allowed_now_are_offered(client, world):
    received = receive(world, MON)
    assert offered(page(login(client, world.receiver), received)) == {"assign", "withdraw"}
    assert offered(page(login(client, world.specialist), received)) == {"reschedule"}
    processing = to_specialist(world, MON)
    assert offered(page(login(client, world.specialist), processing)) == {
        "forward", "request_supplement", "request_fees", "consult", "stop", "reschedule"}  # no send-back: first step
    assert offered(page(login(client, world.specialist2), processing)) == set()  # given to a colleague
    assert offered(page(login(client, world.leader), processing)) == {"reassign", "stop", "reschedule"}
    body = page(login(client, world.receiver), processing).content.decode()
    assert "thao-tac/forward/" not in body and "Bạn không có thao tác nào" not in body  # withdraw only
    assert offered(page(client, submitted(world))) == {"receive", "refuse", "withdraw"}


def test_the_assignee_list_holds_only_officials_of_the_steps_role_and_unit(client, world):
    response = page(login(client, world.receiver), receive(world, MON))
    form = next(f for f in response.context["action_forms"] if f.action == "assign")
    assert set(form.fields["assignee"].queryset) == {world.specialist, world.specialist2}


def test_assign_through_the_page(client, world):
    dossier = receive(world, MON)
    response = act(login(client, world.receiver), dossier, "assign", assignee=world.specialist.pk, note="Ưu tiên")
    assert response.status_code == 302 and response["Location"] == f"/can-bo/ho-so/{dossier.code}/"
    dossier.refresh_from_db()
    assert (dossier.stage, dossier.assignee) == (Stage.PROCESSING, world.specialist)
    event = dossier.events.last()
    assert (event.action, event.actor, event.note) == ("assign", world.receiver, "Ưu tiên")
    assert "Đã thực hiện «Chuyển xử lý» đối với hồ sơ" in client.get(response["Location"]).content.decode()


def test_forward_to_a_chosen_leader_through_the_page(client, world):
    dossier = to_specialist(world, MON)
    response = act(login(client, world.specialist), dossier, "forward", assignee=world.leader.pk, note="Đủ điều kiện")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.current_step.role, dossier.assignee) == ("lanh_dao_phong", world.leader)
    assert dossier.events.last().action == "forward"


def test_request_supplement_through_the_page(client, world):
    dossier = to_specialist(world, MON)
    act(login(client, world.specialist), dossier, "request_supplement", note="Bản sao trích lục khai sinh")
    dossier.refresh_from_db()
    assert (dossier.stage, dossier.supplement_count) == (Stage.SUPPLEMENT, 1)
    assert dossier.events.last().note == "Bản sao trích lục khai sinh"
    assert "mau/02.pdf" in page(client, dossier).content.decode()


def test_stop_through_the_page(client, world):
    dossier = at_leader(world)
    response = act(login(client, world.leader), dossier, "stop", note="Không đủ điều kiện kết hôn")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.stage, dossier.closing_note) == (Stage.STOPPED, "Không đủ điều kiện kết hôn")
    assert dossier.events.last().action == "stop"


def test_a_missing_reason_is_asked_for_and_nothing_is_written(client, world):
    dossier = to_specialist(world, MON)
    events = DossierEvent.objects.count()
    response = act(login(client, world.specialist), dossier, "stop", note="  ")
    assert response.status_code == 400
    assert "Cần nêu rõ lý do hoặc nội dung." in response.content.decode()
    assert 'id="thao-tac-stop" open' in response.content.decode()
    assert DossierEvent.objects.count() == events


def test_a_refused_action_shows_the_workflows_message(client, world):
    dossier = to_specialist(world, MON)
    events = DossierEvent.objects.count()
    response = act(login(client, world.receiver), dossier, "forward")
    assert response.status_code == 403
    assert "Bạn không có quyền «Chuyển bước tiếp theo» đối với hồ sơ" in response.content.decode()
    assert DossierEvent.objects.count() == events
    assert Dossier.objects.get(pk=dossier.pk).current_step.role == "chuyen_vien"


def test_an_apology_is_refused_the_second_time_with_its_message(client, world):
    dossier = to_specialist(world, MON)
    dossier_reschedule(dossier=dossier, actor=world.specialist, new_due_at=dossier.due_at + timedelta(days=3),
                       reason="Chờ xác minh", at=MON + timedelta(hours=2))
    response = act(login(client, world.specialist), dossier, "reschedule", new_date="2026-03-20", new_time="",
                   note="Lần nữa")
    assert response.status_code == 409
    assert "đã được hẹn lại một lần" in response.content.decode()


def test_reschedule_keeps_the_due_clock_time_when_none_is_given(client, world):
    dossier = to_specialist(world, MON)
    act(login(client, world.specialist), dossier, "reschedule", new_date="2026-12-15", note="Chờ xác minh thực địa")
    dossier.refresh_from_db()
    assert dossier.due_at.isoformat() == "2026-12-15T02:00:00+00:00"  # 09:00 in Hà Nội, like the old due moment


def test_consult_through_the_page(client, world):
    dossier = to_specialist(world, MON)
    act(login(client, world.specialist), dossier, "consult", unit=world.stp.pk, days=3,
        note="Xin ý kiến về lý lịch")
    dossier.refresh_from_db()
    assert dossier.stage == Stage.CONSULTING
    assert dossier.consultations.get().unit == world.stp


def test_actions_are_posts_only(client, world):
    dossier = to_specialist(world, MON)
    assert login(client, world.specialist).get(f"/can-bo/ho-so/{dossier.code}/thao-tac/stop/").status_code == 405
    assert act(client, dossier, "no_such_action").status_code == 404


def test_a_refused_submission_links_form_03(client, world):
    dossier = submitted(world)
    act(login(client, world.receiver), dossier, "refuse", note="Hồ sơ không thuộc thẩm quyền")
    body = page(client, dossier).content.decode()
    assert "mau/03.pdf" in body and "mau/01.pdf" not in body
    assert "Hồ sơ không thuộc thẩm quyền" in body
