# SPDX-License-Identifier: AGPL-3.0-or-later
"""Which dossier events the applicant is told about (pure: no database).

Decree 61/2018 as carried into 118/2025 and Circular 01/2018: the applicant learns of the receipt and its
appointment date (Form 01), a supplement request (Form 02), an apology with a new date (Form 04, "by
SMS/e-mail"), and the result — announced as early when it comes before the appointment.
"""

from datetime import timedelta

from django.db.models import Q

from motcua.dossiers.models import Outcome, Stage
from motcua.dossiers.workflow import Action

from .models import Kind

# Retry delays after failed attempt 1, 2, 3…; the last one repeats if more attempts are allowed.
DEFAULT_BACKOFF = (1, 5, 30)


def kind_for(*, action: str, to_stage: str, outcome: str = "", imported: bool = False) -> str | None:
    """The notification kind of an event, or None when the applicant is not told about it.

    Imported history (an older system's dossiers) is never notified: those applicants were told then.
    """
    if imported:
        return None
    if action == Action.RECEIVE:
        return Kind.RECEIVED
    if action == Action.REQUEST_SUPPLEMENT:
        return Kind.SUPPLEMENT_REQUESTED
    if action == Action.RESCHEDULE:
        return Kind.RESCHEDULED
    if action == Action.FORWARD and to_stage == Stage.DONE:
        return Kind.EARLY_RESULT if outcome == Outcome.EARLY else Kind.RESULT_READY
    return None


def event_may_notify(event) -> bool:
    """Whether the event's action can tell the applicant anything (the `when` of the dossier hook): the
    rest never reach the outbox, not even for a query."""
    return kind_for(action=event.action, to_stage=event.to_stage) is not None


def notifiable_events_q() -> Q:
    """The actions of `kind_for`, as a filter on DossierEvent (for the catch-up of lost events); imported
    history is left to `kind_for`, a JSON test being unreliable across databases."""
    return (Q(action__in=[Action.RECEIVE, Action.REQUEST_SUPPLEMENT, Action.RESCHEDULE])
            | Q(action=Action.FORWARD, to_stage=Stage.DONE))


def retry_delay(attempts: int, backoff: list[int] | tuple[int, ...]) -> timedelta:
    """Wait after the `attempts`-th failed attempt (1-based): 1, 5, 30 minutes by default."""
    minutes = backoff or DEFAULT_BACKOFF
    return timedelta(minutes=minutes[min(max(attempts, 1), len(minutes)) - 1])
