# SPDX-License-Identifier: AGPL-3.0-or-later
"""Notifications (thông báo) to applicants: outbox rows from committed dossier events, and their sending.

- `notification_create_for_event(event_id)`: the dossier hook (after commit) → 0–2 pending rows, texts
  rendered now. UNIQUE (event, channel) makes a second call, or a racing worker, a no-op.
- `notification_send(notification_id)` / `notifications_send_due()`: claim a row, deliver it, record the
  outcome; a retryable failure waits 1, 5, 30 minutes (MOTCUA_NOTIFY_RETRY_MINUTES), and after
  MOTCUA_NOTIFY_MAX_ATTEMPTS the row is failed. A claim is atomic: `select_for_update(skip_locked)` on
  PostgreSQL, a conditional UPDATE elsewhere, so two senders never send the same row at once.
- `notifications_retry()`: an administrator puts failed rows back in the queue.
- `notifications_catch_up()`: rows for recent events whose after-commit hook was lost (process killed
  between commit and hook): the worker runs it each pass.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from motcua.core.masking import mask_email, mask_phone
from motcua.core.services import audit_record
from motcua.dossiers.models import Dossier, DossierEvent

from . import client, texts
from .models import Notification, NotificationChannel, Status
from .rules import kind_for, notifiable_events_q, retry_delay

logger = logging.getLogger(__name__)

# A claimed row is not due again before this: longer than any send may take (timeouts are ~10 s).
CLAIM_LEASE = timedelta(minutes=5)


# ---------------------------------------------------------------- creating rows


def recipients_for(dossier: Dossier) -> dict[str, str]:
    """The applicant's e-mail and phone as given on the dossier, else those of the owner's account."""
    owner = dossier.owner
    email = (dossier.applicant_email or (owner.email if owner else "") or "").strip()
    phone = "".join((dossier.applicant_phone or (owner.phone if owner else "") or "").split())
    found = {NotificationChannel.EMAIL: email, NotificationChannel.SMS: phone}
    return {channel: value for channel, value in found.items() if value}


def _is_history(event: DossierEvent, now: datetime) -> bool:
    """A back-dated event (demo data, a late import) is history: nobody is told about it now."""
    hours = settings.MOTCUA_NOTIFY_MAX_AGE_HOURS
    return bool(hours) and event.at < now - timedelta(hours=hours)


def notification_create_for_event(*, event_id: int, now: datetime | None = None) -> list[int]:
    """Pending outbox rows for one committed dossier event; returns the ids still waiting to be sent.

    Nothing when notifications are off, the event tells the applicant nothing, it is history, or the
    applicant left neither e-mail nor phone. Safe to call twice (or from two processes) for one event.
    """
    if not settings.MOTCUA_NOTIFY_ENABLED:
        return []
    event = (DossierEvent.objects
             .select_related("dossier__procedure", "dossier__owner", "dossier__receiving_unit",
                             "dossier__handling_unit", "dossier__return_unit")
             .filter(pk=event_id).first())
    if event is None:
        return []
    dossier = event.dossier
    kind = kind_for(action=event.action, to_stage=event.to_stage, outcome=dossier.outcome,
                    imported=bool((event.data or {}).get("imported")))
    if kind is None or _is_history(event, now or timezone.now()):
        return []
    recipients = recipients_for(dossier)
    if not recipients:
        return []
    context = texts.context_for(event, dossier)
    rows = []
    for channel, recipient in recipients.items():
        subject, body = texts.render(kind, channel, context)
        rows.append(Notification(event=event, dossier=dossier, kind=kind, channel=channel, recipient=recipient,
                                 subject=subject, body=body))
    # One statement; a row that already exists for (event, channel) is left as it is.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return list(Notification.objects.filter(event=event, status=Status.PENDING).values_list("pk", flat=True))


def on_dossier_event(event_id: int) -> None:
    """The hook registered with `dossiers.hooks.listen`: create the rows, hand them to the sender."""
    ids = notification_create_for_event(event_id=event_id)
    if ids and settings.MOTCUA_NOTIFY_SYNC_THREAD:
        from .sender import background

        background.submit(ids)


def notifications_catch_up(*, now: datetime | None = None, limit: int = 500) -> int:
    """Create the rows of recent notifiable events that have none (their hook never ran). Returns how
    many events got rows. The window is MOTCUA_NOTIFY_MAX_AGE_HOURS (48 h when that is 0)."""
    if not settings.MOTCUA_NOTIFY_ENABLED:
        return 0
    now = now or timezone.now()
    since = now - timedelta(hours=settings.MOTCUA_NOTIFY_MAX_AGE_HOURS or 48)
    missing = (DossierEvent.objects.filter(notifiable_events_q(), at__gte=since, at__lte=now)
               .exclude(Exists(Notification.objects.filter(event=OuterRef("pk"))))
               # No contact at all: nothing to catch up, and they must not crowd the window out of `limit`.
               .exclude(dossier__applicant_email="", dossier__applicant_phone="", dossier__owner__isnull=True)
               .order_by("at", "id").values_list("pk", flat=True)[:limit])
    return sum(1 for event_id in missing if notification_create_for_event(event_id=event_id, now=now))


# ---------------------------------------------------------------- claiming


def _db_retry(fn, attempts: int = 6):
    """Run a short write again when the database is momentarily busy (SQLite's single writer, a
    lock timeout): the sender must not drop a row it already delivered for want of one UPDATE."""
    for attempt in range(attempts):
        try:
            return fn()
        except OperationalError:
            if attempt == attempts - 1 or connection.in_atomic_block:
                raise
            time.sleep(0.05 * 2**attempt)


def _due(now: datetime):
    return Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)


def _claim(now: datetime, pk: int | None = None) -> Notification | None:
    """Take one due row for this sender: its attempt is counted and it is leased for CLAIM_LEASE."""
    try:
        return _db_retry(lambda: _claim_once(now, pk))
    except OperationalError:  # still busy: the row stays due for the next pass
        logger.warning("notification claim skipped: database busy", exc_info=True)
        return None


def _claim_once(now: datetime, pk: int | None) -> Notification | None:
    due = _due(now) if pk is None else _due(now).filter(pk=pk)
    take = {"attempts": F("attempts") + 1, "next_attempt_at": now + CLAIM_LEASE, "updated_at": timezone.now()}
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            row = due.select_for_update(skip_locked=True).order_by("next_attempt_at", "id").first()
            if row is None:
                return None
            Notification.objects.filter(pk=row.pk).update(**take)
        return Notification.objects.get(pk=row.pk)
    # SQLite writes one at a time: the UPDATE's WHERE re-checks "still due" atomically.
    for candidate in due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:20]:
        if _due(now).filter(pk=candidate).update(**take) == 1:
            return Notification.objects.get(pk=candidate)
    return None


# ---------------------------------------------------------------- sending


def _deliver(notification: Notification) -> str:
    if notification.channel == NotificationChannel.EMAIL:
        return client.email_send(to=notification.recipient, subject=notification.subject, body=notification.body)
    return client.sms_provider().send(notification.recipient, notification.body)


def _masked(notification: Notification) -> str:
    if notification.channel == NotificationChannel.EMAIL:
        return mask_email(notification.recipient)
    return mask_phone(notification.recipient)


def _record(notification: Notification, *, now: datetime, provider_id: str = "",
            error: client.DeliveryError | None = None) -> str:
    row = Notification.objects.filter(pk=notification.pk)
    if error is None:
        _db_retry(lambda: row.update(status=Status.SENT, sent_at=now, provider_id=provider_id, last_error="",
                                     updated_at=timezone.now()))
        logger.info("notification %s (%s, %s) sent to %s", notification.pk, notification.kind,
                    notification.channel, _masked(notification))
        return Status.SENT
    exhausted = notification.attempts >= settings.MOTCUA_NOTIFY_MAX_ATTEMPTS
    status = Status.PENDING if error.retryable and not exhausted else Status.FAILED
    next_at = now + retry_delay(notification.attempts, settings.MOTCUA_NOTIFY_RETRY_MINUTES)
    _db_retry(lambda: row.update(status=status, last_error=str(error)[:500], updated_at=timezone.now(),
                                 next_attempt_at=next_at if status == Status.PENDING else now))
    logger.warning("notification %s (%s) to %s: attempt %s failed (%s)%s", notification.pk, notification.channel,
                   _masked(notification), notification.attempts, error,
                   f", next at {next_at:%H:%M}" if status == Status.PENDING else ", given up")
    return status


def _send_claimed(notification: Notification, now: datetime | None) -> str:
    try:
        provider_id = _deliver(notification)
    except client.DeliveryError as exc:
        return _record(notification, now=now or timezone.now(), error=exc)
    except Exception as exc:  # noqa: BLE001 — a bug in one message must not stop the queue; it is retried
        logger.exception("notification %s: unexpected error while sending", notification.pk)
        return _record(notification, now=now or timezone.now(),
                       error=client.DeliveryError(f"{type(exc).__name__}: {exc}", retryable=True))
    return _record(notification, now=now or timezone.now(), provider_id=provider_id)


def notification_send(*, notification_id: int, now: datetime | None = None) -> str | None:
    """Send one row if it is due and nobody else holds it; returns its new status, None if not taken."""
    notification = _claim(now or timezone.now(), pk=notification_id)
    return None if notification is None else _send_claimed(notification, now)


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.sent + self.retrying + self.failed


def notifications_send_due(*, now: datetime | None = None, limit: int = 100) -> SendReport:
    """Send up to `limit` due rows, one claim at a time (a slow gateway never holds a batch hostage)."""
    report = SendReport()
    while report.total < limit:
        notification = _claim(now or timezone.now())
        if notification is None:
            break
        status = _send_claimed(notification, now)
        report.ids.append(notification.pk)
        if status == Status.SENT:
            report.sent += 1
        elif status == Status.PENDING:
            report.retrying += 1
        else:
            report.failed += 1
    return report


# ---------------------------------------------------------------- administration


@transaction.atomic
def notifications_retry(*, ids: list[int], actor, now: datetime | None = None) -> list[int]:
    """Put failed (or due, unclaimed) rows back in the queue, due now, with a fresh count of attempts. A sent
    row is never sent again, nor a row a sender holds now (its lease runs into the future). Returns the ids
    queued; one audit row each."""
    now = now or timezone.now()
    retryable = Q(status=Status.FAILED) | Q(status=Status.PENDING, next_attempt_at__lte=now)
    queued = list(Notification.objects.filter(retryable, pk__in=ids).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=queued).update(status=Status.PENDING, attempts=0, next_attempt_at=now,
                                                      updated_at=timezone.now())
    for pk in queued:
        audit_record(action="notifications.retried", object_type="notifications.notification", object_id=str(pk),
                     actor=actor)
    if queued and settings.MOTCUA_NOTIFY_SYNC_THREAD:
        from .sender import background

        transaction.on_commit(lambda: background.submit(queued))
    return queued
