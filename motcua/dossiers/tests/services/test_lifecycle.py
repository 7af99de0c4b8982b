# SPDX-License-Identifier: AGPL-3.0-or-later
"""The whole lifecycle through the real services, with legal time checked on real calendars.

Mon 2 Mar 2026 is an ordinary working week (Tết 2026 ended on 20 Feb)."""

from datetime import timedelta

import pytest

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.dossiers import hooks
from motcua.dossiers.models import Dossier, NationalStatus, Outcome, Stage
from motcua.dossiers.services import (
    dossier_answer_consultation,
    dossier_assign,
    dossier_confirm_fees,
    dossier_consult,
    dossier_forward,
    dossier_receive,
    dossier_receive_supplement,
    dossier_refuse,
    dossier_request_fees,
    dossier_request_supplement,
    dossier_reschedule,
    dossier_return_result,
    dossier_send_back,
    dossier_stop,
    dossier_submit_online,
    dossier_withdraw,
)
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive, through_all_steps, to_specialist

pytestmark = pytest.mark.django_db
MON = local(2026, 3, 2, 9, 0)


def test_receipt_gives_code_due_moment_and_step_deadlines(world):
    dossier = receive(world, MON)
    assert dossier.code == "000.24133.01.H66-260302-0001"
    assert (dossier.stage, dossier.status) == (Stage.RECEIVED, NationalStatus.ACCEPTED)
    assert dossier.due_at == dossier.legal_due_at == local(2026, 3, 9, 9, 0)  # 5 working days
    steps = list(dossier.steps.order_by("order"))
    assert [s.due_at for s in steps] == [
        local(2026, 3, 2, 14, 45),  # 0.5 day = 3 h 45 of office time: 09:00→11:30 is 2 h 30, then 13:30→14:45
        local(2026, 3, 5, 9, 0), local(2026, 3, 6, 9, 0), local(2026, 3, 6, 14, 45), local(2026, 3, 9, 9, 0),
        local(2026, 3, 9, 9, 0)]
    assert steps[0].finished_at == MON and dossier.current_step == steps[1]
    assert [e.action for e in dossier.events.all()] == ["receive"]
    assert receive(world, MON + timedelta(minutes=5)).code.endswith("-260302-0002")


def test_happy_path_reaches_every_national_status_in_order(world):
    dossier = to_specialist(world, MON)
    assert (dossier.status, dossier.assignee) == (NationalStatus.PROCESSING, world.specialist)
    dossier = through_all_steps(world, dossier, MON)
    assert (dossier.stage, dossier.status) == (Stage.DONE, NationalStatus.DONE)
    assert dossier.finished_at == MON + timedelta(hours=4) and dossier.outcome == Outcome.EARLY
    dossier = dossier_return_result(dossier=dossier, actor=world.receiver, at=MON + timedelta(hours=5))
    assert (dossier.stage, dossier.status) == (Stage.RETURNED, NationalStatus.RETURNED)
    assert list(dossier.events.values_list("status", flat=True)) == [2, 4, 4, 4, 4, 9, 10]
    assert all(s.finished_at for s in dossier.steps.all())


def test_finished_on_the_due_day_is_on_time_and_after_it_late(world):
    on_time = through_all_steps(world, to_specialist(world, MON), local(2026, 3, 9, 7, 30), timedelta(minutes=20))
    assert on_time.outcome == Outcome.ON_TIME
    late = through_all_steps(world, to_specialist(world, MON), local(2026, 3, 9, 9, 0), timedelta(minutes=1))
    assert late.outcome == Outcome.LATE


def test_supplement_stops_the_clock_and_restarts_it_from_zero(world):
    dossier = to_specialist(world, MON)
    dossier = dossier_request_supplement(dossier=dossier, actor=world.specialist, missing="Bản sao CCCD của bên nữ",
                                         at=local(2026, 3, 3, 10, 0))
    assert (dossier.stage, dossier.status, dossier.supplement_count) == (Stage.SUPPLEMENT, 5, 1)
    assert dossier.events.last().data["within_3_working_days"] is True
    dossier = dossier_receive_supplement(dossier=dossier, actor=world.receiver, at=local(2026, 3, 10, 14, 0))
    assert dossier.stage == Stage.PROCESSING and dossier.clock_started_at == local(2026, 3, 10, 14, 0)
    assert dossier.due_at == dossier.legal_due_at == local(2026, 3, 17, 14, 0)
    request = dossier.supplements.get()
    assert (request.due_before, request.due_after) == (local(2026, 3, 9, 9, 0), local(2026, 3, 17, 14, 0))
    # finishing after the first due moment but within the restarted time is not late (a day early here)
    dossier = through_all_steps(world, dossier, local(2026, 3, 16, 8, 0))
    assert dossier.outcome == Outcome.EARLY


def test_second_supplement_makes_the_dossier_late_even_if_finished_early(world):
    dossier = to_specialist(world, MON)
    for day in (3, 4):
        dossier = dossier_request_supplement(dossier=dossier, actor=world.specialist, missing="Thiếu giấy tờ",
                                             at=local(2026, 3, day, 8, 0))
        dossier = dossier_receive_supplement(dossier=dossier, actor=world.receiver, at=local(2026, 3, day, 9, 0))
    dossier = through_all_steps(world, dossier, local(2026, 3, 4, 10, 0))
    assert dossier.supplement_count == 2 and dossier.outcome == Outcome.LATE


def test_apology_sets_a_new_date_once_and_the_dossier_is_still_judged_late(world):
    dossier = to_specialist(world, MON)
    new_due = local(2026, 3, 11, 9, 0)
    dossier = dossier_reschedule(dossier=dossier, actor=world.specialist, new_due_at=new_due,
                                 reason="Cần xác minh thêm tại nơi cư trú", at=local(2026, 3, 5, 9, 0))
    assert dossier.due_at == new_due and dossier.legal_due_at == local(2026, 3, 9, 9, 0)
    assert dossier.events.last().data["timely_notice"] is True
    with pytest.raises(Conflict) as exc:
        dossier_reschedule(dossier=dossier, actor=world.specialist, new_due_at=new_due + timedelta(days=2),
                           reason="Lần hai", at=local(2026, 3, 6, 9, 0))
    assert exc.value.code == "already_rescheduled"
    dossier = through_all_steps(world, Dossier.objects.get(pk=dossier.pk), local(2026, 3, 10, 9, 0))
    assert dossier.outcome == Outcome.LATE


def test_apology_needs_a_later_date_and_a_reason(world):
    dossier = to_specialist(world, MON)
    with pytest.raises(ValidationFailed):
        dossier_reschedule(dossier=dossier, actor=world.specialist, new_due_at=local(2026, 3, 8, 9, 0),
                           reason="Sớm hơn", at=MON)
    with pytest.raises(ValidationFailed) as exc:
        dossier_reschedule(dossier=dossier, actor=world.specialist, new_due_at=local(2026, 3, 20, 9, 0),
                           reason="  ", at=MON)
    assert exc.value.code == "note_required"


def test_online_submission_refused_at_reception(world):
    dossier, created = dossier_submit_online(procedure=world.marriage, receiving_unit=world.bmt_center,
                                             applicant=world.applicant, owner=world.citizen, at=MON)
    assert created and (dossier.stage, dossier.status) == (Stage.SUBMITTED, NationalStatus.SUBMITTED)
    assert dossier.due_at is None  # the clock starts at acceptance
    dossier = dossier_refuse(dossier=dossier, actor=world.receiver, reason="Không thuộc thẩm quyền", at=MON)
    assert (dossier.status, dossier.outcome, dossier.closing_note) == (3, "", "Không thuộc thẩm quyền")


def test_online_submission_accepted_starts_the_clock_at_acceptance(world):
    dossier, _ = dossier_submit_online(procedure=world.marriage, receiving_unit=world.bmt_center,
                                       applicant=world.applicant, owner=world.citizen, at=local(2026, 3, 1, 20, 0))
    dossier = dossier_receive(dossier=dossier, actor=world.receiver, at=MON)
    assert dossier.received_at == dossier.clock_started_at == MON
    assert dossier.due_at == local(2026, 3, 9, 9, 0)
    assert dossier.code.endswith("-260301-0001")  # the code carries the day of submission


def test_stop_after_appraisal_ends_with_reasons(world):
    dossier = to_specialist(world, MON)
    dossier = dossier_stop(dossier=dossier, actor=world.specialist, reason="Không đủ điều kiện kết hôn",
                           at=local(2026, 3, 3, 9, 0))
    assert (dossier.stage, dossier.status, dossier.outcome) == (Stage.STOPPED, 8, Outcome.EARLY)
    with pytest.raises(Conflict):
        dossier_forward(dossier=dossier, actor=world.specialist)


def test_withdrawal_before_and_after_acceptance(world):
    pending, _ = dossier_submit_online(procedure=world.marriage, receiving_unit=world.bmt_center,
                                       applicant=world.applicant, owner=world.citizen, at=MON)
    pending = dossier_withdraw(dossier=pending, actor=world.citizen, reason="Nộp nhầm", at=MON)
    assert (pending.status, pending.outcome) == (7, "")
    accepted = to_specialist(world, MON)
    accepted = dossier_withdraw(dossier=accepted, actor=world.receiver, reason="Công dân có đơn xin rút",
                                at=local(2026, 3, 3, 9, 0))
    assert (accepted.status, accepted.finished_at, accepted.outcome) == (7, local(2026, 3, 3, 9, 0), Outcome.EARLY)


def test_someone_elses_citizen_account_cannot_withdraw(world):
    from motcua.accounts.tests.factories import CitizenFactory

    dossier, _ = dossier_submit_online(procedure=world.marriage, receiving_unit=world.bmt_center,
                                       applicant=world.applicant, owner=world.citizen, at=MON)
    with pytest.raises(PermissionDenied):
        dossier_withdraw(dossier=dossier, actor=CitizenFactory(), reason="Không phải của tôi")


def test_fee_waiting_time_is_not_counted(world):
    dossier = to_specialist(world, MON)
    dossier = dossier_request_fees(dossier=dossier, actor=world.specialist, note="Nộp lệ phí trước bạ",
                                   at=local(2026, 3, 3, 9, 0))
    assert dossier.status == NationalStatus.FEES
    dossier = dossier_confirm_fees(dossier=dossier, actor=world.receiver, at=local(2026, 3, 5, 9, 0))
    assert dossier.legal_due_at == dossier.due_at == local(2026, 3, 11, 9, 0)  # + the 2 working days waited


def test_consultation_has_its_own_deadline(world):
    dossier = to_specialist(world, MON)
    consultation = dossier_consult(dossier=dossier, actor=world.specialist, unit=world.stp,
                                   question="Xác minh lý lịch", days=2, at=MON)
    assert consultation.due_at == local(2026, 3, 4, 9, 0)
    assert Dossier.objects.get(pk=dossier.pk).stage == Stage.CONSULTING
    dossier = dossier_answer_consultation(dossier=dossier, actor=world.specialist, answer="Không có tiền án",
                                          at=local(2026, 3, 3, 9, 0))
    assert dossier.stage == Stage.PROCESSING and dossier.consultations.get().answer == "Không có tiền án"


def test_leader_sends_back_to_the_specialist_who_appraised(world):
    dossier = to_specialist(world, MON)
    dossier = dossier_forward(dossier=dossier, actor=world.specialist, at=MON + timedelta(hours=1))
    assert dossier.current_step.role == "lanh_dao_phong"
    dossier = dossier_send_back(dossier=dossier, actor=world.leader, reason="Bổ sung ý kiến thẩm định",
                                at=MON + timedelta(hours=2))
    assert dossier.current_step.order == 2 and dossier.assignee == world.specialist
    with pytest.raises(PermissionDenied):  # the step now belongs to its assignee
        dossier_forward(dossier=dossier, actor=world.specialist2)


def test_only_the_step_holder_in_that_unit_may_act(world):
    dossier = to_specialist(world, MON)
    with pytest.raises(PermissionDenied) as exc:
        dossier_forward(dossier=dossier, actor=world.tan_an_specialist)
    assert exc.value.code == "transition_forbidden" and dossier.code in str(exc.value.message)
    with pytest.raises(PermissionDenied):
        dossier_forward(dossier=dossier, actor=world.leader)  # a leader is not the appraising specialist
    with pytest.raises(Conflict) as exc:
        dossier_return_result(dossier=dossier, actor=world.receiver)
    assert exc.value.code == "transition_not_allowed"


def test_assignee_must_hold_the_step_role(world):
    dossier = receive(world, MON)
    with pytest.raises(ValidationFailed) as exc:
        dossier_assign(dossier=dossier, actor=world.receiver, assignee=world.tan_an_specialist, at=MON)
    assert exc.value.code == "assignee_not_eligible"
    assert Dossier.objects.get(pk=dossier.pk).stage == Stage.RECEIVED


def test_overdue_is_found_by_moving_the_clock(world):
    dossier = to_specialist(world, MON)
    assert dossier not in Dossier.objects.overdue(local(2026, 3, 9, 8, 59))
    assert dossier in Dossier.objects.overdue(local(2026, 3, 9, 9, 1))
    waiting = dossier_request_supplement(dossier=to_specialist(world, MON), actor=world.specialist, missing="X",
                                         at=MON + timedelta(hours=1))
    assert waiting not in Dossier.objects.overdue(local(2026, 4, 1, 9, 0))  # waiting for the citizen


def test_side_effects_run_only_after_commit(world, django_capture_on_commit_callbacks):
    seen = []
    hooks.listen(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            dossier = receive(world, MON)
        assert seen == [] and len(callbacks) == 1
        callbacks[0]()
        assert seen == [dossier.events.get().pk]
    finally:
        hooks.unlisten(seen.append)


def test_a_listener_runs_only_for_the_events_its_test_accepts(world, django_capture_on_commit_callbacks):
    seen, asked = [], []

    def only_receipts(event):
        asked.append(event.action)
        return event.action == "receive"

    hooks.listen(seen.append, when=only_receipts)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            dossier = receive(world, MON)
        with django_capture_on_commit_callbacks(execute=True):
            dossier_assign(dossier=dossier, actor=world.receiver, assignee=world.specialist, at=MON)
        assert asked == ["receive", "assign"]
        assert seen == [dossier.events.get(action="receive").pk]
    finally:
        hooks.unlisten(seen.append)


def test_a_failing_listener_test_neither_undoes_the_action_nor_skips_the_listener(
        world, django_capture_on_commit_callbacks):
    seen = []

    def broken(event):
        raise ValueError("bug in a listener's test")

    hooks.listen(seen.append, when=broken)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            dossier = receive(world, MON)
        assert seen == [dossier.events.get().pk]
    finally:
        hooks.unlisten(seen.append)


def test_failed_service_writes_no_event_and_no_change(world):
    dossier = to_specialist(world, MON)
    before = dossier.events.count()
    with pytest.raises(ValidationFailed):
        dossier_request_supplement(dossier=dossier, actor=world.specialist, missing="", at=MON)
    assert dossier.events.count() == before and Dossier.objects.get(pk=dossier.pk).stage == Stage.PROCESSING


def test_cross_boundary_receipt_handling_and_return_at_another_center(world):
    dossier = receive(world, MON, receiving_unit=world.tan_an_center, actor=world.tan_an_receiver,
                      handling_unit=world.bmt)
    assert dossier.code.startswith("000.24163.01.H66-") and dossier.return_unit == world.tan_an_center
    steps = list(dossier.steps.order_by("order"))
    assert (steps[0].unit, steps[1].unit, steps[-1].unit) == (world.tan_an_center, world.bmt, world.tan_an_center)
    dossier = dossier_assign(dossier=dossier, actor=world.tan_an_receiver, assignee=world.specialist, at=MON)
    dossier = through_all_steps(world, dossier, MON)
    with pytest.raises(PermissionDenied):  # the result waits at Tân An, not at BMT
        dossier_return_result(dossier=dossier, actor=world.receiver)
    dossier = dossier_return_result(dossier=dossier, actor=world.tan_an_receiver, at=MON + timedelta(hours=6))
    assert dossier.status == NationalStatus.RETURNED


def test_province_procedure_received_at_a_commune_center_goes_to_the_department(world):
    dossier = receive(world, MON, procedure=world.criminal_record)
    assert dossier.handling_unit == world.stp and dossier.receiving_unit == world.bmt_center
    dossier = dossier_assign(dossier=dossier, actor=world.receiver, assignee=world.stp_specialist, at=MON)
    assert dossier.current_step.unit == world.stp


def test_procedure_not_received_across_boundaries_is_refused_elsewhere(world):
    with pytest.raises(ValidationFailed) as exc:
        receive(world, MON, procedure=world.local_only, receiving_unit=world.tan_an_center,
                actor=world.tan_an_receiver, handling_unit=world.bmt)
    assert exc.value.code == "not_cross_boundary"
    assert not Dossier.objects.exists()
    assert receive(world, MON, procedure=world.local_only).handling_unit == world.bmt


def test_receipt_needs_a_receiver_of_that_center(world):
    with pytest.raises(PermissionDenied):
        receive(world, MON, actor=world.tan_an_receiver)
    with pytest.raises(PermissionDenied):
        receive(world, MON, actor=world.specialist)
    assert not Dossier.objects.exists()


def test_step_deadlines_in_calendar_days_round_up_fractions():
    from decimal import Decimal

    from motcua.dossiers.rules import step_deadlines
    from motcua.workdays.calendars import DEFAULT_CALENDAR

    start = local(2026, 3, 2, 9, 0)
    deadlines = step_deadlines(DEFAULT_CALENDAR, start, [Decimal("0.5"), Decimal("13.5"), Decimal("1")], "days")
    assert deadlines == [local(2026, 3, 3, 9, 0), local(2026, 3, 16, 9, 0), local(2026, 3, 17, 9, 0)]


def test_send_back_is_not_offered_at_the_first_working_step(world):
    from motcua.dossiers.workflow import Action, actions_available

    dossier = to_specialist(world, MON)
    assert Action.SEND_BACK not in actions_available(dossier, world.specialist)
    dossier = dossier_forward(dossier=dossier, actor=world.specialist, at=MON + timedelta(hours=1))
    assert Action.SEND_BACK in actions_available(dossier, world.leader)
