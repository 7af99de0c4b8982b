# SPDX-License-Identifier: AGPL-3.0-or-later
"""Which events are told to the applicant, and how long a failed message waits."""

from datetime import timedelta

import pytest

from motcua.dossiers.models import Outcome, Stage
from motcua.integrations.notifications.models import Kind
from motcua.integrations.notifications.rules import kind_for, retry_delay


@pytest.mark.parametrize(("action", "to_stage", "outcome", "kind"), [
    ("receive", Stage.RECEIVED, "", Kind.RECEIVED),
    ("request_supplement", Stage.SUPPLEMENT, "", Kind.SUPPLEMENT_REQUESTED),
    ("reschedule", Stage.PROCESSING, "", Kind.RESCHEDULED),
    ("forward", Stage.DONE, Outcome.EARLY, Kind.EARLY_RESULT),
    ("forward", Stage.DONE, Outcome.ON_TIME, Kind.RESULT_READY),
    ("forward", Stage.DONE, Outcome.LATE, Kind.RESULT_READY),
    ("forward", Stage.PROCESSING, "", None),
    ("submit", Stage.SUBMITTED, "", None),
    ("assign", Stage.PROCESSING, "", None),
    ("return_result", Stage.RETURNED, Outcome.EARLY, None),
    ("pay_online", Stage.PROCESSING, "", None),
])
def test_kind_for(action, to_stage, outcome, kind):
    assert kind_for(action=action, to_stage=to_stage, outcome=outcome) == kind


def test_imported_history_is_never_notified():
    assert kind_for(action="receive", to_stage=Stage.RECEIVED, imported=True) is None


def test_retry_delays_grow_then_repeat_the_last():
    assert [retry_delay(n, [1, 5, 30]) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(minutes=30)]
