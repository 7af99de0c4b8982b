# SPDX-License-Identifier: AGPL-3.0-or-later
"""Daily counters of the service index, kept up to date from dossier events (bộ đếm theo ngày).

How it works (docs/monitoring.md has the why):

1. Every DossierEvent is folded into the dossier's `Track` (`track_apply`, pure): received when, judged
   how, which files, rating, petitions, and the history of its open-ledger key (`segments`).
2. A track's contribution to the counters is a pure function of the track (`contributions`): rows of
   DailyCounter (unit, day, procedure → metrics) and OpenCounter (kind, unit, day, due day → ±1).
3. The in-transaction listener (`on_event`, registered in apps.py) loads the old track, applies the event,
   and writes only the difference new − old: a few upserts, in the transaction of the dossier's change.
4. `counters_rebuild` folds every dossier's events again from the database and rewrites the counters;
   the tests hold rebuild == incremental after random sequences of real operations.

The legal due moment after each event is read from the dossier when the event happens and kept in the
track (`dues`): the dossier row only keeps the latest one, and a rebuild needs each. Dossiers imported
from another system (no listener ran) get it from their events' data (due_before/due_after) or the final
value — see `_due_fallbacks`.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple, Protocol

from django.db import connection, connections, transaction
from django.db.models import Case, F, JSONField, Q, Sum, When
from django.utils import timezone

from motcua.dossiers.models import WAITING_STAGES, Stage
from motcua.units.models import Unit

from .facts import Facts, owners_index, scope_q, working_days_milli
from .models import (
    METRICS,
    DailyCounter,
    DossierTrack,
    MonthlyCounter,
    OpenBalance,
    OpenCounter,
    OpenKind,
    OpenMonthly,
)

WITHIN_ALWAYS = date(9999, 12, 31)  # waiting for the applicant after a timely request
LATE_ALWAYS = date(1900, 1, 1)  # more than one supplement request
ENDINGS = (Stage.DONE, Stage.RETURNED, Stage.STOPPED, Stage.WITHDRAWN)
NOT_ACCEPTED = (Stage.SUBMITTED, Stage.REFUSED, Stage.WITHDRAWN)
ATTACH_FILE = "attach_file"
PETITION_ACTIONS = ("petition", "petition_answer", "petition_rate")
# The only events whose data the fold reads (files, petitions; due moments in _due_fallbacks).
DATA_ACTIONS = (ATTACH_FILE, *PETITION_ACTIONS, "reschedule", "request_supplement", "receive_supplement")


def _local_date(moment: datetime) -> date:
    """The day of `moment` in the project's time zone (Asia/Ho_Chi_Minh). Not timezone.localdate: its
    thread-local lookup of the current zone was an eighth of a rebuild, and counters never follow a zone
    activated for one request."""
    return moment.astimezone(timezone.get_default_timezone()).date()


def _day(moment: datetime) -> str:
    return _local_date(moment).isoformat()


def _iso(moment: datetime | None) -> str | None:
    """UTC ISO text: the same moment gives the same text whether it came from a service or the database."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


def _dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


@dataclass
class Track:
    """One dossier as the counters see it (JSON in DossierTrack.state)."""

    unit: int
    procedure: int
    online: bool = False
    fee: bool = False
    identity: bool = False
    full: bool = False  # procedure full-process online when received
    stage: str = ""
    received_at: str | None = None
    finished_at: str | None = None
    outcome: str = ""
    done: bool = False  # ended with a result (status 9/10)
    wd_milli: int = 0
    paid: bool = False
    reuse: bool = False
    result_file: bool = False
    paper_file: bool = False
    rating: str = ""
    rated_day: str | None = None
    petitions: dict[str, dict] = field(default_factory=dict)
    supplements: int = 0
    waiting_since: str | None = None
    legal_due: str | None = None
    segments: list[list] = field(default_factory=list)  # [[day, due day | None (closed)], ...]
    dues: dict[str, str | None] = field(default_factory=dict)  # event id → legal due after it

    @classmethod
    def load(cls, state: dict) -> Track:
        return cls(**state)

    def dump(self) -> dict:
        # Not dataclasses.asdict: its deep copy was a tenth of a rebuild; the JSON is the same.
        return {name: getattr(self, name) for name in _TRACK_FIELDS}

    def copy(self) -> Track:
        """A copy whose mutable members can be changed without touching this one (what replace() did, faster)."""
        new = object.__new__(Track)
        new.__dict__.update(self.__dict__)
        new.petitions, new.dues = dict(self.petitions), dict(self.dues)
        return new


_TRACK_FIELDS = tuple(f.name for f in fields(Track))


class Ev(NamedTuple):
    """One DossierEvent as the fold reads it (a tuple: a rebuild makes millions of them)."""

    id: int
    action: str
    at: datetime
    from_stage: str
    to_stage: str
    data: dict


class Context(Protocol):
    """What folding an event needs beyond the event: live values (listener) or loaded ones (rebuild)."""

    def legal_due(self, ev: Ev, current: datetime | None) -> datetime | None: ...
    def full_online(self) -> bool: ...
    def outcome(self) -> str: ...
    def paid(self) -> bool: ...
    def file(self, file_id) -> tuple[str, bool] | None: ...
    def rating(self) -> tuple[str, datetime] | None: ...
    def petitions(self) -> list[dict]: ...
    def working_days_milli(self, unit_id: int, start: datetime, end: datetime) -> int: ...


# ---------------------------------------------------------------- the fold (pure but for ctx)


def _key(t: Track, ev: Ev, legal_due: datetime | None) -> date:
    """Open-ledger key of an accepted, unfinished dossier after `ev` (see OpenCounter)."""
    if t.supplements > 1:
        return LATE_ALWAYS
    if legal_due is None:
        return WITHIN_ALWAYS
    if ev.to_stage in WAITING_STAGES:
        since = _dt(t.waiting_since)
        return WITHIN_ALWAYS if since is not None and since <= legal_due else _local_date(legal_due)
    return _local_date(legal_due)


def _push(segments: list[list], day: str, key: str | None) -> list[list]:
    """Append a key change; same-day changes collapse (their +1/−1 would cancel anyway)."""
    segments = [list(s) for s in segments]
    if segments and segments[-1][0] == day:
        segments.pop()
    if (segments[-1][1] if segments else None) != key:
        segments.append([day, key])
    return segments


def _petitions_merge(old: dict[str, dict], rows: list[dict], ev: Ev) -> dict[str, dict]:
    merged = {}
    target = ev.data.get("petition") if isinstance(ev.data, dict) else None
    for row in rows:
        pid = str(row["id"])
        before = old.get(pid, {})
        rated_day = before.get("rated_day")
        if ev.action == "petition_rate" and row["satisfied"] is not None and (
                str(target) == pid if target is not None
                else rated_day is None or before.get("satisfied") != row["satisfied"]):
            rated_day = _day(ev.at)
        answered = row["answered_at"]
        merged[pid] = {
            "unit": row["unit_id"], "submitted_day": _day(row["submitted_at"]),
            "due_day": _day(row["due_at"]),
            "answered_day": _day(answered) if answered else None,
            "on_time": bool(answered and answered <= row["due_at"]),
            "satisfied": row["satisfied"], "rated_day": rated_day if row["satisfied"] is not None else None,
        }
    return merged


def track_apply(t: Track, ev: Ev, ctx: Context) -> Track:
    """The track after `ev`."""
    t = t.copy()
    if ev.action == ATTACH_FILE:
        found = ctx.file((ev.data or {}).get("file"))
        if found is not None:
            kind, reused = found
            t.result_file |= kind == "ket_qua"
            t.paper_file |= kind in ("thanh_phan", "bo_sung")
            t.reuse |= reused
    elif ev.action == "rate":
        rating = ctx.rating()
        if rating is not None:
            t.rating, t.rated_day = rating[0], _day(rating[1])
    elif ev.action in PETITION_ACTIONS:
        t.petitions = _petitions_merge(t.petitions, ctx.petitions(), ev)
    elif ev.action == "pay_online":
        t.paid = True
    t.paid |= ctx.paid()
    if ev.from_stage != ev.to_stage:
        _stage_change(t, ev, ctx)
    return t


def _stage_change(t: Track, ev: Ev, ctx: Context) -> None:
    t.stage = ev.to_stage
    if t.received_at is None and ev.to_stage not in NOT_ACCEPTED and ev.from_stage in ("", Stage.SUBMITTED):
        t.received_at = _iso(ev.at)
        t.full = ctx.full_online()
    if t.received_at is None or t.finished_at is not None:
        return
    if ev.to_stage == Stage.SUPPLEMENT and ev.from_stage != Stage.SUPPLEMENT:
        t.supplements += 1
    if ev.to_stage in WAITING_STAGES and ev.from_stage not in WAITING_STAGES:
        t.waiting_since = _iso(ev.at)
    legal_due = ctx.legal_due(ev, _dt(t.legal_due))
    if _iso(legal_due) != t.legal_due:
        t.dues[str(ev.id)] = _iso(legal_due)
        t.legal_due = _iso(legal_due)
    if ev.to_stage in ENDINGS:
        t.finished_at = _iso(ev.at)
        t.outcome = ctx.outcome()
        t.done = ev.to_stage in (Stage.DONE, Stage.RETURNED)
        t.wd_milli = ctx.working_days_milli(t.unit, _dt(t.received_at), ev.at) if t.outcome else 0
        key = None
    else:
        key = _key(t, ev, legal_due).isoformat()
    t.segments = _push(t.segments, _day(ev.at), key)


# ---------------------------------------------------------------- contribution of a track (pure)

DailyKey = tuple[int, str, int]  # unit, day, procedure
OpenKey = tuple[str, int, str, str]  # kind, unit, day, due day


def contributions(t: Track | None) -> tuple[dict[DailyKey, Counter], Counter]:
    daily: dict[DailyKey, Counter] = defaultdict(Counter)
    opened: Counter = Counter()
    if t is None:
        return daily, opened
    if t.received_at is not None:
        c = daily[(t.unit, _day(_dt(t.received_at)), t.procedure)]
        c["received"] += 1
        c["received_online"] += t.online
        c["received_full_eligible"] += t.full
        c["received_online_full"] += t.online and t.full
        c["received_with_fee"] += t.fee
        c["received_paid_online"] += t.fee and t.paid
        c["received_reuse"] += t.reuse
        c["received_identity"] += t.identity
    if t.finished_at is not None and t.outcome:
        c = daily[(t.unit, _day(_dt(t.finished_at)), t.procedure)]
        c[{"truoc_han": "finished_early", "dung_han": "finished_on_time"}.get(t.outcome, "finished_late")] += 1
        c["handling_wd_milli"] += t.wd_milli
        c["finished_done"] += t.done
        c["finished_e_result"] += t.done and t.result_file
        c["finished_digitised"] += t.done and t.result_file and t.paper_file
        c["finished_complained"] += bool(t.petitions) or t.rating == "khong_hai_long"
    if t.rated_day is not None:
        c = daily[(t.unit, t.rated_day, t.procedure)]
        c["ratings"] += 1
        c["ratings_unsatisfied"] += t.rating == "khong_hai_long"
    for p in t.petitions.values():
        daily[(p["unit"], p["submitted_day"], t.procedure)]["petitions_received"] += 1
        opened[(OpenKind.PETITION, p["unit"], p["submitted_day"], p["due_day"])] += 1
        if p["answered_day"] is not None:
            daily[(p["unit"], p["answered_day"], t.procedure)]["petitions_on_time" if p["on_time"]
                                                               else "petitions_late"] += 1
            opened[(OpenKind.PETITION, p["unit"], p["answered_day"], p["due_day"])] -= 1
        if p["rated_day"] is not None:
            c = daily[(p["unit"], p["rated_day"], t.procedure)]
            c["petitions_rated"] += 1
            c["petitions_satisfied"] += bool(p["satisfied"])
    previous = None
    for day, key in t.segments:
        if previous is not None:
            opened[(OpenKind.DOSSIER, t.unit, day, previous)] -= 1
        if key is not None:
            opened[(OpenKind.DOSSIER, t.unit, day, key)] += 1
        previous = key
    return daily, opened


# ---------------------------------------------------------------- writing differences


def _bump(model, key: dict, deltas: dict, now: datetime) -> None:
    """Add `deltas` to the row `key`, creating it first when missing (works on SQLite and PostgreSQL, and
    under concurrency: a lost creation race is ignored and the UPDATE then finds the row)."""
    updates = {name: F(name) + value for name, value in deltas.items()}
    rows = model.objects.filter(**key)
    if not rows.update(**updates, updated_at=now):
        model.objects.bulk_create([model(**key, updated_at=now)], ignore_conflicts=True)
        rows.update(**updates, updated_at=now)


def _month(day: str) -> str:
    return day[:8] + "01"


def _write_difference(old: Track | None, new: Track) -> None:
    """Add new − old to the daily rows and, with the very same deltas, to their monthly roll-ups."""
    old_daily, old_open = contributions(old)
    new_daily, new_open = contributions(new)
    now = timezone.now()
    monthly: dict[DailyKey, Counter] = defaultdict(Counter)
    for key in sorted(set(old_daily) | set(new_daily)):  # sorted: the same lock order in every transaction
        delta = Counter(new_daily.get(key, Counter()))
        delta.subtract(old_daily.get(key, Counter()))
        delta = {name: value for name, value in delta.items() if value}
        if delta:
            unit, day, procedure = key
            _bump(DailyCounter, {"unit_id": unit, "day": day, "procedure_id": procedure}, delta, now)
            monthly[(unit, _month(day), procedure)].update(delta)
    for (unit, month, procedure), delta in sorted(monthly.items()):
        delta = {name: value for name, value in delta.items() if value}
        if delta:
            _bump(MonthlyCounter, {"unit_id": unit, "month": month, "procedure_id": procedure}, delta, now)
    open_monthly: Counter = Counter()
    for key in sorted(set(old_open) | set(new_open)):
        delta = new_open.get(key, 0) - old_open.get(key, 0)
        if delta:
            kind, unit, day, due_day = key
            _bump(OpenCounter, {"kind": kind, "unit_id": unit, "day": day, "due_day": due_day}, {"count": delta}, now)
            open_monthly[(unit, _month(day), kind, due_day)] += delta
    for (unit, month, kind, due_day), delta in sorted(open_monthly.items()):
        if delta:
            _bump(OpenMonthly, {"kind": kind, "unit_id": unit, "month": month, "due_day": due_day},
                  {"count": delta}, now)
    _balances_outdated(min((month for (_u, month, _k, _d), delta in open_monthly.items() if delta), default=None))


def _balances_outdated(first_month: str | None) -> None:
    """An open item changed on a day before this year (a back-dated event): the checkpoints after it no
    longer hold; drop them whole (a checkpoint is all units or none) until the next refresh. Events of
    this year — every live one — cost no query."""
    if first_month is not None and first_month < _today().replace(month=1, day=1).isoformat():
        OpenBalance.objects.filter(as_of__gt=first_month)._raw_delete(OpenBalance.objects.db)


# ---------------------------------------------------------------- the listener (inside the dossier's transaction)


def _ev(event) -> Ev:
    return Ev(id=event.pk, action=event.action, at=event.at, from_stage=event.from_stage or "",
              to_stage=event.to_stage, data=event.data if isinstance(event.data, dict) else {})


class LiveContext:
    """Values as they are at the moment of the event (the service's dossier object, current rows)."""

    def __init__(self, dossier):
        self.dossier = dossier

    def legal_due(self, ev: Ev, current: datetime | None) -> datetime | None:
        return self.dossier.legal_due_at

    def full_online(self) -> bool:
        return self.dossier.procedure.online_level == "full"

    def outcome(self) -> str:
        return self.dossier.outcome or ""

    def paid(self) -> bool:
        return bool(self.dossier.paid_online)

    def file(self, file_id):
        from motcua.documents.models import DossierFile

        row = DossierFile.objects.filter(pk=file_id).values_list("kind", "reused_from_id").first()
        return None if row is None else (row[0], row[1] is not None)

    def rating(self):
        from motcua.dossiers.models import Rating

        return Rating.objects.filter(dossier_id=self.dossier.pk).values_list("quick", "rated_at").first()

    def petitions(self) -> list[dict]:
        return _petition_rows([self.dossier.pk]).get(self.dossier.pk, [])

    def working_days_milli(self, unit_id: int, start: datetime, end: datetime) -> int:
        return working_days_milli(self.dossier.handling_unit, start, end, {})


def _new_track(dossier) -> Track:
    return Track(unit=dossier.handling_unit_id, procedure=dossier.procedure_id, online=dossier.channel == 2,
                 fee=dossier.fee_total > 0, identity=bool(dossier.identity_verified))


def on_event(event) -> None:
    """In-transaction listener (hooks.listen_in_transaction): fold the event into the dossier's track and
    write the difference to the counters. An error here undoes the dossier's change, as it must: the
    counters never drift silently."""
    dossier = event.dossier
    row = DossierTrack.objects.select_for_update().filter(pk=dossier.pk).first()
    if row is None:
        old = None
        track = _fold_prior(dossier, before_event=event.pk)
    else:
        old = Track.load(row.state)
        track = old
    new = track_apply(track, _ev(event), LiveContext(dossier))
    _write_difference(old, new)
    now = timezone.now()
    if row is None:
        DossierTrack.objects.create(dossier_id=dossier.pk, unit_id=new.unit, state=new.dump(), updated_at=now)
    else:
        DossierTrack.objects.filter(pk=dossier.pk).update(state=new.dump(), unit_id=new.unit, updated_at=now)


def _fold_prior(dossier, *, before_event: int) -> Track:
    """A dossier the counters have not seen yet (new, or from before monitoring, or imported): fold the
    events it already has (usually none: then one query)."""
    from motcua.dossiers.models import DossierEvent

    if not DossierEvent.objects.filter(dossier_id=dossier.pk, pk__lt=before_event).exists():
        return _new_track(dossier)
    batch = _Batch.load([dossier.pk], before_event=before_event)
    return batch.fold(dossier.pk) or _new_track(dossier)


# ---------------------------------------------------------------- rebuild: the same fold from the database


def _petition_rows(dossier_ids) -> dict[int, list[dict]]:
    from motcua.dossiers.models import Petition

    rows = defaultdict(list)
    for row in Petition.objects.filter(dossier_id__in=list(dossier_ids)).order_by("id").values(
            "id", "dossier_id", "unit_id", "submitted_at", "due_at", "answered_at", "satisfied"):
        rows[row["dossier_id"]].append(row)
    return rows


def _due_fallbacks(events: list[Ev], final: datetime | None) -> dict[int, datetime | None]:
    """Legal due after each event for a dossier without a journal (imported, or from before monitoring):
    exact from the events' own data where they carry it (receive_supplement: due_after; an apology or a
    supplement request: due_before = the due moment until then), else the final value."""
    result: dict[int, datetime | None] = {}
    current = None
    for index, ev in enumerate(events):
        data = ev.data or {}
        if ev.action == "receive_supplement" and data.get("due_after"):
            current = datetime.fromisoformat(data["due_after"])
        elif current is None or ev.action == "confirm_fees":
            current = _next_anchor(events[index + 1:], final)
        result[ev.id] = current
    return result


def _next_anchor(later: list[Ev], final: datetime | None) -> datetime | None:
    for ev in later:
        data = ev.data or {}
        if ev.action in ("reschedule", "request_supplement", "receive_supplement") and data.get("due_before"):
            return datetime.fromisoformat(data["due_before"])
        if ev.action in ("receive_supplement", "confirm_fees"):
            break  # the due moment changed there without saying what it was before
    return final


class _LoadedContext:
    def __init__(self, batch: _Batch, dossier: dict, events: list[Ev], journal: dict | None):
        self.batch, self.d = batch, dossier
        self.journal = journal
        self.fallback = _due_fallbacks(events, dossier["legal_due_at"]) if journal is None else {}

    def legal_due(self, ev: Ev, current: datetime | None) -> datetime | None:
        """A tracked dossier: the journal says every change (no entry = no change); an untracked one: the
        events' own data (`_due_fallbacks`)."""
        if self.journal is None:
            return self.fallback.get(ev.id)
        if str(ev.id) in self.journal:
            return _dt(self.journal[str(ev.id)])
        return current

    def full_online(self) -> bool:
        return self.d["procedure__online_level"] == "full"

    def outcome(self) -> str:
        return self.d["outcome"] or ""

    def paid(self) -> bool:
        return bool(self.d["paid_online"])

    def file(self, file_id):
        return self.batch.files.get(file_id)

    def rating(self):
        return self.batch.ratings.get(self.d["id"])

    def petitions(self) -> list[dict]:
        return self.batch.petitions.get(self.d["id"], [])

    def working_days_milli(self, unit_id: int, start: datetime, end: datetime) -> int:
        return working_days_milli(self.batch.unit(unit_id), start, end, self.batch.calendars)


def _ids_q(ids: list[int], field: str = "dossier_id") -> Q:
    """Rows of the dossiers `ids` (sorted): a range when they are dense (an index range scan, and no list of
    thousands of parameters), else the list. Rows of other dossiers in the range are read but never used."""
    if ids and ids[-1] - ids[0] < 2 * len(ids):
        return Q(**{f"{field}__gte": ids[0], f"{field}__lte": ids[-1]})
    return Q(**{f"{field}__in": ids})


class _Batch:
    """Everything needed to fold a batch of dossiers, read in a fixed number of queries. `shared` carries the
    units and working calendars from batch to batch (a rebuild would read them again for every batch)."""

    @classmethod
    def load(cls, ids: list[int], *, before_event: int | None = None, shared: dict | None = None) -> _Batch:
        from motcua.documents.models import DossierFile
        from motcua.dossiers.models import Dossier, DossierEvent, Petition, Rating

        shared = shared if shared is not None else {}
        batch = cls()
        batch.calendars, batch.units = shared.setdefault("calendars", {}), shared.setdefault("units", {})
        ids = sorted(ids)
        batch.dossiers = {d["id"]: d for d in Dossier.objects.filter(_ids_q(ids, "id")).values(
            "id", "handling_unit_id", "procedure_id", "channel", "fee_total", "identity_verified", "paid_online",
            "legal_due_at", "outcome", "procedure__online_level").order_by()}
        events = DossierEvent.objects.filter(_ids_q(ids))
        if before_event is not None:
            events = events.filter(pk__lt=before_event)
        batch.events = defaultdict(list)
        # The data of other events is never read: not fetching it saves parsing millions of JSON texts.
        needed = Case(When(action__in=DATA_ACTIONS, then="data"), default=None, output_field=JSONField())
        for event_id, dossier_id, action, at, from_stage, to_stage, data in events.order_by("dossier_id", "id") \
                .values_list("id", "dossier_id", "action", "at", "from_stage", "to_stage", needed):
            batch.events[dossier_id].append(Ev(event_id, action, at, from_stage or "", to_stage,
                                               data if isinstance(data, dict) else {}))
        batch.files = {pk: (kind, reused is not None) for pk, kind, reused in
                       DossierFile.objects.filter(_ids_q(ids)).values_list("id", "kind", "reused_from_id")
                       .order_by()}
        batch.ratings = {dossier_id: (quick, at) for dossier_id, quick, at in
                         Rating.objects.filter(_ids_q(ids)).values_list("dossier_id", "quick", "rated_at")
                         .order_by()}
        batch.petitions = defaultdict(list)
        for row in Petition.objects.filter(_ids_q(ids)).order_by("id").values(
                "id", "dossier_id", "unit_id", "submitted_at", "due_at", "answered_at", "satisfied"):
            batch.petitions[row["dossier_id"]].append(row)
        # Only the journal of legal due moments: parsing every whole state was a fifth of a rebuild.
        batch.journals = {pk: dues or {} for pk, dues in DossierTrack.objects.filter(_ids_q(ids, "pk"))
                          .values_list("pk", "state__dues").order_by()}
        return batch

    def unit(self, unit_id: int) -> Unit:
        if unit_id not in self.units:
            self.units[unit_id] = Unit.objects.get(pk=unit_id)
        return self.units[unit_id]

    def fold(self, dossier_id: int) -> Track | None:
        d = self.dossiers.get(dossier_id)
        events = self.events.get(dossier_id, [])
        if d is None or not events:
            return None
        track = Track(unit=d["handling_unit_id"], procedure=d["procedure_id"], online=d["channel"] == 2,
                      fee=d["fee_total"] > 0, identity=bool(d["identity_verified"]))
        ctx = _LoadedContext(self, d, events, self.journals.get(dossier_id))
        for ev in events:
            track = track_apply(track, ev, ctx)
        return track


@dataclass
class RebuildReport:
    dossiers: int = 0
    daily_rows: int = 0
    open_rows: int = 0


def _scope_unit_ids(unit: Unit | None) -> tuple[set[int] | None, tuple[str, ...]]:
    if unit is None:
        return None, ()
    from .facts import unit_prefixes

    prefixes = unit_prefixes([unit])[unit.pk]
    return set(Unit.objects.filter(scope_q(prefixes, "path")).values_list("pk", flat=True)), prefixes


@dataclass(frozen=True)
class _Scope:
    """What a rebuild keeps of each contribution (picklable: worker processes receive it)."""

    unit_ids: frozenset[int] | None
    first_day: str | None
    last_day: str | None

    @property
    def everything(self) -> bool:
        return self.unit_ids is None and self.first_day is None and self.last_day is None

    def wanted(self, unit_id: int, day: str) -> bool:
        return ((self.unit_ids is None or unit_id in self.unit_ids) and (self.first_day is None or day >= self.first_day)
                and (self.last_day is None or day <= self.last_day))


@dataclass
class _Folded:
    """A batch's part: contributions kept by the scope, and the new tracks as COPY text (PostgreSQL) or rows."""

    ids: list[int]
    daily: dict
    opened: Counter
    tracks: list[tuple]
    copy_text: str = ""


def _copy_field(text: str) -> str:
    # COPY text format: JSON from json.dumps has no raw tab or newline, only backslashes to double.
    return text.replace("\\", "\\\\")


def _fold_batch(ids: list[int], scope: _Scope, shared: dict, *, as_copy: bool) -> _Folded:
    """Fold a batch of dossiers with the one fold (track_apply) and add up their contributions."""
    batch = _Batch.load(ids, shared=shared)
    now = timezone.now()
    daily: dict[DailyKey, Counter] = defaultdict(Counter)
    opened: Counter = Counter()
    tracks, lines = [], []
    wanted_cache = shared.setdefault("wanted", {})
    everything = scope.everything
    stamp = now.isoformat()
    for dossier_id in ids:
        track = batch.fold(dossier_id)
        if track is None:
            continue
        if as_copy:
            state = _copy_field(json.dumps(track.dump(), ensure_ascii=False))
            lines.append(f"{dossier_id}\t{track.unit}\t{state}\t{stamp}\n")
        else:
            tracks.append((dossier_id, track.unit, track.dump(), now))
        part_daily, part_open = contributions(track)
        for key, counts in part_daily.items():
            if not everything:
                found = wanted_cache.get(key[:2])
                if found is None:
                    found = wanted_cache[key[:2]] = scope.wanted(key[0], key[1])
                if not found:
                    continue
            daily[key].update(counts)
        for key, count in part_open.items():
            if everything or scope.wanted(key[1], key[2]):
                opened[key] += count
    return _Folded(ids=ids, daily=daily, opened=opened, tracks=tracks, copy_text="".join(lines))


_WORKER_SHARED: dict = {}
WORKERS_FROM = 20_000  # fewer dossiers: starting processes costs more than it saves


def _fold_in_worker(job: tuple[list[int], _Scope]) -> _Folded:
    ids, scope = job
    return _fold_batch(ids, scope, _WORKER_SHARED, as_copy=True)


def _worker_count(workers: int | None, dossiers: int) -> int:
    """Worker processes only on PostgreSQL, outside any transaction (they read committed data through their
    own connections) and for enough dossiers to pay for starting them."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or dossiers < WORKERS_FROM:
        return 1
    if workers is None:
        workers = min(4, os.cpu_count() or 1)
    return max(1, workers)


def counters_rebuild(*, unit: Unit | None = None, start: date | None = None, end: date | None = None,
                     batch_size: int = 5000, workers: int | None = None, progress=None) -> RebuildReport:
    """Recompute the counters of `unit`'s scope (all units when None) for the days start..end (all when
    None) from the dossiers and their events, in one transaction; the tracks of the dossiers read are
    replaced too, and the monthly roll-ups of the months touched are summed again from the daily rows.
    Rows outside the scope or the days are left alone.

    Cost (docs/monitoring.md): the fold in Python is most of it. Reads go a batch of dossiers at a time by id
    range; the whole scope's contributions are added up in memory (keys are few: unit × day × procedure) and
    written once, with COPY on PostgreSQL. On PostgreSQL `workers` processes (default: the CPUs, at most 4)
    fold batches in parallel and hand back their sums and tracks; this process alone writes, in its one
    transaction."""
    from motcua.dossiers.models import Dossier

    unit_ids, prefixes = _scope_unit_ids(unit)
    if unit is None:
        ids = list(Dossier.objects.order_by("pk").values_list("pk", flat=True))
    else:
        dossiers = Dossier.objects.filter(scope_q(prefixes, "handling_unit__path")
                                          | scope_q(prefixes, "petitions__unit__path"))
        ids = sorted(set(dossiers.values_list("pk", flat=True)))
    scope = _Scope(unit_ids=None if unit_ids is None else frozenset(unit_ids),
                   first_day=start.isoformat() if start else None, last_day=end.isoformat() if end else None)
    chunks = [ids[first:first + batch_size] for first in range(0, len(ids), batch_size)]
    daily: dict[DailyKey, Counter] = defaultdict(Counter)
    opened: Counter = Counter()
    report = RebuildReport()
    count = _worker_count(workers, len(ids))
    as_copy = connection.vendor == "postgresql"
    pool = None
    if count > 1:
        # Forked before this process opens its transaction: no connection may be shared with the children.
        connections.close_all()
        pool = multiprocessing.get_context("fork").Pool(count)
        parts = pool.imap(_fold_in_worker, [(chunk, scope) for chunk in chunks])
    else:
        shared: dict = {}
        parts = (_fold_batch(chunk, scope, shared, as_copy=as_copy) for chunk in chunks)
    try:
        with transaction.atomic():
            for part in parts:
                for key, counts in part.daily.items():
                    daily[key].update(counts)
                opened.update(part.opened)
                # A batch at a time: the tracks of millions of dossiers would not fit in memory.
                _tracks_replace(part)
                report.dossiers += len(part.ids)
                if progress is not None:
                    progress(len(part.ids))
            _replace_rows(unit_ids, start, end, daily, opened, report)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return report


def _tracks_replace(part: _Folded) -> None:
    table = connection.ops.quote_name(DossierTrack._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # One array parameter, not thousands of placeholders.
            cursor.execute(f"DELETE FROM {table} WHERE dossier_id = ANY(%s)", [part.ids])  # noqa: S608
            if part.copy_text:
                with cursor.cursor.copy(f"COPY {table} (dossier_id, unit_id, state, updated_at) FROM STDIN") as copy:
                    copy.write(part.copy_text)
        return
    DossierTrack.objects.filter(pk__in=part.ids).delete()
    DossierTrack.objects.bulk_create([DossierTrack(dossier_id=pk, unit_id=unit, state=state, updated_at=now)
                                      for pk, unit, state, now in part.tracks], batch_size=1000)


def _copy(model, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """PostgreSQL COPY FROM STDIN (psycopg 3): an order of magnitude faster than multi-row INSERTs."""
    qn = connection.ops.quote_name
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _replace_rows(unit_ids, start, end, daily, opened, report: RebuildReport) -> None:
    now = timezone.now()
    days = Q()
    if start is not None:
        days &= Q(day__gte=start)
    if end is not None:
        days &= Q(day__lte=end)
    for model in (DailyCounter, OpenCounter):
        rows = model.objects.filter(days)
        if unit_ids is not None:
            rows = rows.filter(unit_id__in=unit_ids)
        rows._raw_delete(rows.db)  # no signals nor cascades on counters: one DELETE, no rows fetched
    new_daily = [(unit, day, procedure, now, *(counts.get(name, 0) for name in METRICS))
                 for (unit, day, procedure), counts in sorted(daily.items()) if any(counts.values())]
    new_open = [(kind, unit, day, due, count, now) for (kind, unit, day, due), count in sorted(opened.items()) if count]
    daily_columns = ("unit_id", "day", "procedure_id", "updated_at", *METRICS)
    open_columns = ("kind", "unit_id", "day", "due_day", "count", "updated_at")
    if connection.vendor == "postgresql":
        _copy(DailyCounter, daily_columns, new_daily)
        _copy(OpenCounter, open_columns, new_open)
    else:
        DailyCounter.objects.bulk_create([DailyCounter(**dict(zip(daily_columns, row, strict=True)))
                                          for row in new_daily], batch_size=1000)
        OpenCounter.objects.bulk_create([OpenCounter(**dict(zip(open_columns, row, strict=True)))
                                         for row in new_open], batch_size=1000)
    report.daily_rows, report.open_rows = len(new_daily), len(new_open)
    rollups_refresh(unit_ids=unit_ids, start=start, end=end)


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def rollups_refresh(*, unit_ids: Iterable[int] | None = None, start: date | None = None,
                    end: date | None = None) -> None:
    """Sum the monthly roll-ups (MonthlyCounter, OpenMonthly) again from the daily rows, for the units
    `unit_ids` (all when None) and the months that touch start..end (all when None). Two INSERT … SELECT:
    the roll-up equals the daily rows by construction. Called by the rebuild and the migration that created
    the roll-ups."""
    qn = connection.ops.quote_name
    month_of = ("CAST(date_trunc('month', {day}) AS date)" if connection.vendor == "postgresql"
                else "date({day}, 'start of month')")
    now = timezone.now()
    for source, target, group, sums, having in (
            (DailyCounter, MonthlyCounter, ("unit_id", "procedure_id"), METRICS, ""),
            # Open rows cancel out (+1 on opening, −1 on closing): a month keeps only what stayed open.
            (OpenCounter, OpenMonthly, ("unit_id", "kind", "due_day"), ("count",), " HAVING SUM(count) <> 0")):
        rows = target.objects.all()
        where, params = [], []
        if unit_ids is not None:
            ids = sorted(unit_ids)
            rows = rows.filter(unit_id__in=ids)
            where.append(f"unit_id IN ({', '.join(['%s'] * len(ids))})" if ids else "1 = 0")
            params += ids
        if start is not None:
            rows = rows.filter(month__gte=_month_start(start))
            where.append("day >= %s")
            params.append(_month_start(start))
        if end is not None:
            rows = rows.filter(month__lte=_month_start(end))
            where.append("day < %s")
            params.append(_month_after(end))
        rows._raw_delete(rows.db)
        columns = [*group, "month", "updated_at", *sums]
        select = [*group, month_of.format(day="day"), "%s", *(f"SUM({qn(name)})" for name in sums)]
        # Names come from the models, values go as parameters.
        sql = (f"INSERT INTO {qn(target._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
               f"SELECT {', '.join(select)} FROM {qn(source._meta.db_table)}"
               f"{' WHERE ' + ' AND '.join(where) if where else ''} "
               f"GROUP BY {', '.join([*group, month_of.format(day='day')])}{having}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [now, *params])
    balances_refresh(unit_ids=unit_ids, start=start)


def balance_checkpoints(first_day: date, today: date) -> list[date]:
    """1 January of every year after the first day with open items, up to this year's."""
    return [date(year, 1, 1) for year in range(first_day.year + 1, today.year + 1)]


def balances_refresh(*, unit_ids: Iterable[int] | None = None, start: date | None = None,
                     today: date | None = None) -> None:
    """Sum the yearly checkpoints (OpenBalance) again from the monthly open rows: one INSERT … SELECT each.
    The monthly rows must be up to date (rollups_refresh calls this after them).

    Without `unit_ids`: every checkpoint up to `today`'s year (a new year's appears). With `unit_ids`
    (a partial rebuild, an import): only the checkpoints that already exist, after `start`, for those
    units — a checkpoint is read as complete for every unit, so a partial refresh never creates one."""
    from django.db.models import Min

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A back-dated listener write between the read below and the commit would be lost: hold them.
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(OpenMonthly._meta.db_table)} IN SHARE MODE")
        rows = OpenBalance.objects.all()
        where, params = "", []
        if unit_ids is not None:
            ids = sorted(unit_ids)
            points = sorted(set(OpenBalance.objects.values_list("as_of", flat=True)))
            rows = rows.filter(unit_id__in=ids)
            where = f" AND unit_id IN ({', '.join(['%s'] * len(ids))})" if ids else " AND 1 = 0"
            params = ids
        else:
            first = OpenMonthly.objects.aggregate(first=Min("month"))["first"]
            points = balance_checkpoints(first, today or _today()) if first is not None else []
        if start is not None:
            rows = rows.filter(as_of__gt=start)
            points = [as_of for as_of in points if as_of > start]
        rows._raw_delete(rows.db)
        qn = connection.ops.quote_name
        now = timezone.now()
        due = "CASE WHEN due_day < %s THEN %s ELSE due_day END"
        for as_of in points:
            # Names come from the models, values go as parameters.
            sql = (f"INSERT INTO {qn(OpenBalance._meta.db_table)} (kind, unit_id, as_of, due_day, count, updated_at) "  # noqa: S608
                   f"SELECT kind, unit_id, %s, {due}, SUM(count), %s FROM {qn(OpenMonthly._meta.db_table)} "
                   f"WHERE month < %s{where} GROUP BY kind, unit_id, 4 HAVING SUM(count) <> 0")
            with connection.cursor() as cursor:
                cursor.execute(sql, [as_of, as_of, as_of - timedelta(days=1), now, as_of, *params])


def _today() -> date:
    """Today in the project's zone (not a zone a request may have activated)."""
    return timezone.localdate(timezone=timezone.get_default_timezone())


def counters_snapshot(*, unit_ids: Iterable[int] | None = None) -> tuple[dict, dict, dict, dict]:
    """The non-zero content of the counters and of their monthly roll-ups: (daily, open, monthly, open
    monthly), for comparing incremental with rebuilt ones."""
    def rows(model):
        found = model.objects.all()
        return found if unit_ids is None else found.filter(unit_id__in=list(unit_ids))

    def metrics(model, period: str) -> dict:
        result = {}
        for row in rows(model).values("unit_id", period, "procedure_id", *METRICS):
            values = {name: row[name] for name in METRICS if row[name]}
            if values:
                result[(row["unit_id"], row[period].isoformat(), row["procedure_id"])] = values
        return result

    opened = {(k, u, d.isoformat(), due.isoformat()): c for k, u, d, due, c in
              rows(OpenCounter).values_list("kind", "unit_id", "day", "due_day", "count") if c}
    open_monthly = {(k, u, m.isoformat(), due.isoformat()): c for k, u, m, due, c in
                    rows(OpenMonthly).values_list("kind", "unit_id", "month", "due_day", "count") if c}
    return metrics(DailyCounter, "day"), opened, metrics(MonthlyCounter, "month"), open_monthly


# ---------------------------------------------------------------- reading: facts of units and periods


ROLLUPS = True  # False: read the daily rows only (how the index was read before the roll-ups; benchmarks)


def period_split(start: date, end: date) -> tuple[list[tuple[date, date]], tuple[date, date] | None]:
    """The days start..end as daily ranges (the partial months at the edges) and one range of whole months
    (first and last month, as first days) read from the roll-up; None when no month is whole."""
    if not ROLLUPS:
        return [(start, end)], None
    first_month = start if start.day == 1 else _month_after(start)
    after_last = _month_after(end) if _month_after(end) - timedelta(days=1) == end else end.replace(day=1)
    if first_month >= after_last:
        return [(start, end)], None
    edges = []
    if start < first_month:
        edges.append((start, first_month - timedelta(days=1)))
    if after_last <= end:
        edges.append((after_last, end))
    last_month = (after_last - timedelta(days=1)).replace(day=1)
    return edges, (first_month, last_month)


def _union(parts: list):
    return parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)


def _metric_rows(ids: list[int], start: date, end: date, group: tuple[str, ...], sums: dict, having: Q | None = None):
    """One query: the sums of the daily rows of the edge days and of the monthly rows of the whole months."""
    edges, months = period_split(start, end)
    parts = []
    if edges:
        days = Q(pk__in=[])
        for first, last in edges:
            days |= Q(day__gte=first, day__lte=last)
        parts.append(DailyCounter.objects.filter(days, unit_id__in=ids).values(*group).annotate(**sums))
    if months is not None:
        parts.append(MonthlyCounter.objects.filter(unit_id__in=ids, month__gte=months[0], month__lte=months[1])
                     .values(*group).annotate(**sums))
    if having is not None:
        parts = [part.filter(having) for part in parts]
    return _union([part.order_by() for part in parts])


def counter_facts(*, prefixes: dict[int, tuple[str, ...]], start: date, end: date) -> dict[int, Facts]:
    """Facts of each unit (given by its path prefixes) for start..end from the counters: one query for the
    units in scope, then three grouped queries on the counters by unit id (indexed), whatever the number of
    units and dossiers. Whole months come from the monthly roll-ups, the days of partial months from the
    daily rows (each query a UNION ALL of both), so a year reads 12 rows per key instead of 365."""
    every = sorted({p for prefs in prefixes.values() for p in prefs})
    # Many prefixes (every commune of the country): one LIKE each is slower than reading every unit's path.
    units = Unit.objects.all() if len(every) > 200 else Unit.objects.filter(scope_q(every, "path"))
    owners_for = owners_index(prefixes)
    owners = {pk: owners_for(path) for pk, path in units.values_list("pk", "path")}
    owners = {pk: found for pk, found in owners.items() if found}
    facts = {pk: Facts() for pk in prefixes}
    ids = sorted(owners)
    totals: dict[int, list[int]] = {}
    for row in _metric_rows(ids, start, end, ("unit_id",), {name: Sum(name) for name in METRICS}):
        found = totals.setdefault(row["unit_id"], [0] * len(METRICS))
        for index, name in enumerate(METRICS):
            found[index] += row[name] or 0
    for unit_id, values in totals.items():
        for pk in owners[unit_id]:
            f = facts[pk]
            for name, value in zip(METRICS, values, strict=True):
                setattr(f, name, getattr(f, name) + value)
    _procedure_facts(facts, owners, ids, start, end)
    _open_facts(facts, owners, ids, end)
    return facts


def _procedure_facts(facts, owners, ids, start, end) -> None:
    sets: dict[int, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    # When every unit counts for the same units (one province, one commune), the distinct procedures are
    # the same whichever unit received them: group by procedure alone (≈ 200 rows instead of ≈ 8,000).
    shared = {tuple(found) for found in owners.values()}
    group = ("procedure_id",) if len(shared) == 1 else ("unit_id", "procedure_id")
    # Rows where all four sums are 0 add nothing: HAVING drops them in SQL;
    # tuples, not dicts (thousands of unit × procedure rows).
    rows = _metric_rows(ids, start, end, group,
                        {"r": Sum("received"), "i": Sum("received_identity"), "f": Sum("received_with_fee"),
                         "p": Sum("received_paid_online")},
                        having=Q(r__gt=0) | Q(i__gt=0) | Q(f__gt=0) | Q(p__gt=0))
    if len(group) == 1:
        every = list(next(iter(shared)))
        rows = ((None, *row) for row in rows.values_list("procedure_id", "r", "i", "f", "p"))
    else:
        rows = rows.values_list("unit_id", "procedure_id", "r", "i", "f", "p")
    for unit_id, procedure_id, *values in rows:
        for pk in (every if unit_id is None else owners[unit_id]):
            for name, value in zip(("received", "identity", "fee", "paid"), values, strict=True):
                if value:
                    sets[pk][name].add(procedure_id)
    for pk, found in sets.items():
        facts[pk].procedures_received = len(found["received"])
        facts[pk].procedures_identity = len(found["identity"])
        facts[pk].procedures_fee_received = len(found["fee"])
        facts[pk].procedures_paid_online = len(found["paid"])


def _open_facts(facts, owners, ids, end: date) -> None:
    """Open at the end of `end`: the monthly roll-ups of the months before `end`'s month (the whole of it
    when `end` is its last day), then the daily rows of the rest of the days up to `end`."""
    sums = {"total": Sum("count", filter=Q(kind=OpenKind.DOSSIER)),
            "within": Sum("count", filter=Q(kind=OpenKind.DOSSIER, due_day__gt=end)),
            "overdue_petitions": Sum("count", filter=Q(kind=OpenKind.PETITION, due_day__lte=end))}
    whole = _month_after(end) - timedelta(days=1) == end
    month = end.replace(day=1)
    parts = []
    if ROLLUPS:
        # The latest yearly checkpoint at or before the month (none: from the first month on). Asked apart
        # (one index probe) so that the planner sees the dates: as a subquery it misjudged the rows.
        checkpoint = (OpenBalance.objects.filter(as_of__lte=month).order_by("-as_of")
                      .values_list("as_of", flat=True).first())
        if checkpoint is not None:
            parts.append(OpenBalance.objects.filter(unit_id__in=ids, as_of=checkpoint)
                         .values("unit_id").annotate(**sums).order_by())
        parts.append(OpenMonthly.objects.filter(unit_id__in=ids, month__gte=checkpoint or date(1, 1, 1),
                                                **({"month__lte": month} if whole else {"month__lt": month}))
                     .values("unit_id").annotate(**sums).order_by())
    if not ROLLUPS:
        parts.append(OpenCounter.objects.filter(unit_id__in=ids, day__lte=end).values("unit_id").annotate(**sums)
                     .order_by())
    elif not whole:
        parts.append(OpenCounter.objects.filter(unit_id__in=ids, day__gte=month, day__lte=end).values("unit_id")
                     .annotate(**sums).order_by())
    for row in _union(parts):
        for pk in owners[row["unit_id"]]:
            facts[pk].open_total += row["total"] or 0
            facts[pk].open_within += row["within"] or 0
            facts[pk].petitions_open_overdue += row["overdue_petitions"] or 0
