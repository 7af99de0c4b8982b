# SPDX-License-Identifier: AGPL-3.0-or-later
"""The five kinds of notification come from real dossier services, after commit, once per channel."""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import transaction

from motcua.dossiers.models import Outcome
from motcua.dossiers.services import (
    dossier_receive,
    dossier_request_supplement,
    dossier_reschedule,
    dossier_submit_online,
)
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive, through_all_steps, to_specialist
from motcua.integrations.notifications.models import Kind, Notification, NotificationChannel, Status
from motcua.integrations.notifications.services import notification_create_for_event, on_dossier_event

from .conftest import PUBLIC_URL

MON = local(2026, 3, 2, 9, 0)  # due 5 working days later: Mon 9 March 2026, 09:00


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a service as a request would: its after-commit hooks (ours among them) run when it returns."""
    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)
    return run


def rows(dossier, kind=None):
    qs = Notification.objects.filter(dossier=dossier).order_by("channel")
    return list(qs.filter(kind=kind) if kind else qs)


def by_channel(dossier, kind):
    return {n.channel: n for n in rows(dossier, kind)}


def test_receipt_notifies_by_email_and_sms_with_code_procedure_due_date_and_link(world, committed):
    dossier = committed(receive, world, MON)
    sent = by_channel(dossier, Kind.RECEIVED)
    assert set(sent) == {NotificationChannel.EMAIL, NotificationChannel.SMS}
    email, sms = sent[NotificationChannel.EMAIL], sent[NotificationChannel.SMS]
    assert email.recipient == "an@example.vn" and sms.recipient == "0912345678"
    assert email.subject == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    link = f"{PUBLIC_URL}/tra-cuu/?ma={dossier.code}"
    for body in (email.body, sms.body):
        assert dossier.code in body and link in body
    assert "Ngày hẹn trả kết quả: 09:00 ngày 09/03/2026." in email.body and "hẹn trả 09:00 09/03/2026" in sms.body
    assert "Kính gửi ông/bà Nguyễn Văn An," in email.body
    assert "«Đăng ký kết hôn (thử nghiệm)»" in email.body and "09:00 ngày 02/03/2026" in email.body
    assert "Đăng ký kết hôn (thử nghiệm)" in sms.body and "\n" not in sms.body
    assert {n.status for n in sent.values()} == {Status.PENDING} and email.event.action == "receive"


def test_accepting_an_online_submission_notifies_but_the_submission_itself_does_not(world, committed):
    dossier, _ = committed(dossier_submit_online, procedure=world.marriage, receiving_unit=world.bmt_center,
                           applicant=world.applicant, owner=world.citizen, at=MON)
    assert rows(dossier) == []
    committed(dossier_receive, dossier=dossier, actor=world.receiver, at=MON + timedelta(hours=1))
    assert {n.kind for n in rows(dossier)} == {Kind.RECEIVED}


def test_supplement_request_tells_which_papers_are_missing(world, committed):
    dossier = to_specialist(world, MON)
    committed(dossier_request_supplement, dossier=dossier, actor=world.specialist,
              missing="Bản sao Giấy khai sinh của bên nữ", at=MON + timedelta(hours=2))
    sent = by_channel(dossier, Kind.SUPPLEMENT_REQUESTED)
    assert set(sent) == {NotificationChannel.EMAIL, NotificationChannel.SMS}
    assert sent[NotificationChannel.EMAIL].subject == f"Hồ sơ {dossier.code} cần bổ sung giấy tờ"
    for n in sent.values():
        assert "Bản sao Giấy khai sinh của bên nữ" in n.body and dossier.code in n.body
    assert "tính lại từ đầu" in sent[NotificationChannel.EMAIL].body


def test_apology_gives_the_old_and_the_new_date_and_the_reason(world, committed):
    dossier = to_specialist(world, MON)
    committed(dossier_reschedule, dossier=dossier, actor=world.specialist, new_due_at=local(2026, 3, 13, 16, 0),
              reason="Cần xác minh thêm tại nơi cư trú", at=MON + timedelta(days=1))
    sent = by_channel(dossier, Kind.RESCHEDULED)
    assert set(sent) == {NotificationChannel.EMAIL, NotificationChannel.SMS}
    email, sms = sent[NotificationChannel.EMAIL], sent[NotificationChannel.SMS]
    assert "đúng ngày hẹn 09:00 ngày 09/03/2026" in email.body and "mới: 16:00 ngày 13/03/2026" in email.body
    assert "đúng hẹn 09:00 09/03/2026, hẹn lại 16:00 13/03/2026" in sms.body
    for n in sent.values():
        assert "Cần xác minh thêm tại nơi cư trú" in n.body
    assert "xin lỗi" in email.body


def test_result_finished_on_the_due_day_is_announced_as_ready(world, committed):
    dossier = to_specialist(world, MON)
    dossier = committed(through_all_steps, world, dossier, local(2026, 3, 9, 7, 40), timedelta(minutes=5))
    assert dossier.outcome == Outcome.ON_TIME
    sent = by_channel(dossier, Kind.RESULT_READY)
    assert set(sent) == {NotificationChannel.EMAIL, NotificationChannel.SMS}
    assert sent[NotificationChannel.EMAIL].subject == f"Hồ sơ {dossier.code} đã có kết quả"
    assert "Trung tâm Phục vụ hành chính công" in sent[NotificationChannel.EMAIL].body  # where to collect it
    assert not rows(dossier, Kind.EARLY_RESULT)


def test_late_result_is_announced_as_ready_too(world, committed):
    dossier = to_specialist(world, MON)
    dossier = committed(through_all_steps, world, dossier, local(2026, 3, 10, 9, 0))
    assert dossier.outcome == Outcome.LATE
    assert {n.kind for n in rows(dossier)} == {Kind.RESULT_READY}


def test_result_before_the_due_day_is_announced_as_early(world, committed):
    dossier = to_specialist(world, MON)
    dossier = committed(through_all_steps, world, dossier, MON + timedelta(hours=1))
    assert dossier.outcome == Outcome.EARLY
    sent = by_channel(dossier, Kind.EARLY_RESULT)
    assert set(sent) == {NotificationChannel.EMAIL, NotificationChannel.SMS}
    assert sent[NotificationChannel.EMAIL].subject == f"Hồ sơ {dossier.code} đã có kết quả trước hạn"
    assert "trước ngày hẹn trả 09:00 ngày 09/03/2026" in sent[NotificationChannel.EMAIL].body
    assert "trước hẹn 09:00 09/03/2026" in sent[NotificationChannel.SMS].body


def test_steps_inside_the_office_tell_the_applicant_nothing(world, committed):
    dossier = committed(to_specialist, world, MON)  # receive + assign
    dossier = committed(through_all_steps, world, dossier, local(2026, 3, 9, 7, 40), timedelta(minutes=5))
    kinds = sorted(n.kind for n in rows(dossier))
    assert kinds == sorted([Kind.RECEIVED, Kind.RECEIVED, Kind.RESULT_READY, Kind.RESULT_READY])


def test_the_same_event_is_notified_once_even_when_the_listener_runs_twice(world, committed):
    dossier = committed(receive, world, MON)
    event = dossier.events.get(action="receive")
    on_dossier_event(event.pk)
    assert notification_create_for_event(event_id=event.pk) != []  # still pending: same rows, no new ones
    assert Notification.objects.filter(event=event).count() == 2
    assert Notification.objects.filter(dossier=dossier).count() == 2


def test_no_notification_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    class Undo(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Undo), transaction.atomic():
            receive(world, MON)
            raise Undo
    assert callbacks == [] and not Notification.objects.exists()


def test_nothing_is_sent_when_the_applicant_left_neither_email_nor_phone(world, committed):
    world.applicant = replace(world.applicant, email="", phone="")
    dossier = committed(receive, world, MON)
    assert dossier.events.filter(action="receive").exists() and rows(dossier) == []


def test_the_owner_account_phone_is_used_when_the_dossier_has_none(world, committed):
    world.applicant = replace(world.applicant, email="", phone="")
    dossier = committed(receive, world, MON, owner=world.citizen)
    assert [(n.channel, n.recipient) for n in rows(dossier)] == [(NotificationChannel.SMS, world.citizen.phone)]


def test_switched_off_or_back_dated_events_are_not_notified(world, committed, settings):
    settings.MOTCUA_NOTIFY_ENABLED = False
    assert rows(committed(receive, world, MON)) == []
    settings.MOTCUA_NOTIFY_ENABLED, settings.MOTCUA_NOTIFY_MAX_AGE_HOURS = True, 48
    assert rows(committed(receive, world, MON)) == []  # March 2026 is history for the clock of this test run
