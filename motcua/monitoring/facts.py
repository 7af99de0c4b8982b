# SPDX-License-Identifier: AGPL-3.0-or-later
"""Facts (số liệu) of one unit and period: the numerators and denominators every indicator is made of.

Two ways to get them, which must agree (tests hold them equal):

- `facts_for_units`: from the daily counters (`counters.py`), O(units × days) whatever the number of
  dossiers — what the dashboard, the CLI and the reports use;
- `facts_direct`: straight from the dossiers, petitions and files, in Python — the reference the tests
  compare the counters with (O(dossiers): never used by pages).

Period: the days start..end inclusive, local time (Asia/Ho_Chi_Minh); S = start 00:00, E = end + 1 day 00:00.
Scope: the dossiers whose *handling* unit lies in the unit's subtree, or in the subtree of a unit it
succeeded (history rolls up to the successor); petitions by their unit.

Definitions (docs/monitoring.md has the same with the reasons):
- received…: accepted (received_at) in [S, E). Online = channel 2; "full eligible" = the procedure is
  full-process online (at receipt); with fee = fee_total > 0; paid online, reused paper, VNeID — facts of
  the same dossiers, whenever they happened (cohort of the receipt day).
- finished_early/on_time/late: accepted dossiers whose handling ended (finished_at) in [S, E), by their
  judged outcome. finished_done: those ended with a result (status 9/10); e_result: with a RESULT file;
  digitised: with a RESULT file and a paper (input or supplement) file; complained: with a petition or an
  unsatisfied rating.
- open_total: accepted before E and not finished before E. open_within: those still within time at E —
  at most one supplement request, and: waiting for the applicant (supplement or fees) after a request made
  by the legal due moment (a waiting dossier is judged at the request), or else legal due moment ≥ E.
- petitions: answered in [S, E) on time (answered_at ≤ due_at) or late; open_overdue: submitted before E,
  not answered before E and due before E; rated/satisfied: the applicant's verdict given in [S, E).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from motcua.catalog.models import Level, OnlineLevel, Procedure, PublicationStatus, ResultType
from motcua.units.models import COMMUNE_KINDS, PROVINCE_KINDS, Unit, UnitKind, UnitSuccession


@dataclass
class Facts:
    received: int = 0
    received_online: int = 0
    received_full_eligible: int = 0
    received_online_full: int = 0
    received_with_fee: int = 0
    received_paid_online: int = 0
    received_reuse: int = 0
    received_identity: int = 0
    finished_early: int = 0
    finished_on_time: int = 0
    finished_late: int = 0
    finished_done: int = 0
    finished_e_result: int = 0
    finished_digitised: int = 0
    finished_complained: int = 0
    handling_wd_milli: int = 0  # Σ working days receipt → end of the judged dossiers, in thousandths
    open_total: int = 0
    open_within: int = 0
    petitions_received: int = 0
    petitions_on_time: int = 0
    petitions_late: int = 0
    petitions_open_overdue: int = 0
    petitions_rated: int = 0
    petitions_satisfied: int = 0
    ratings: int = 0
    ratings_unsatisfied: int = 0
    # per procedure, over the same period
    procedures_received: int = 0  # procedures with ≥ 1 dossier received
    procedures_identity: int = 0  # … of which ≥ 1 received dossier used VNeID
    procedures_fee_received: int = 0  # procedures with ≥ 1 received dossier with a fee
    procedures_paid_online: int = 0  # … of which ≥ 1 such dossier paid online
    # catalogue (its state now: the catalogue keeps no history)
    procedures_published: int = 0
    procedures_complete: int = 0
    procedures_online_full: int = 0
    procedures_with_fee: int = 0
    procedures_fee_integrated: int = 0
    procedures_decided: int = 0  # decided (công bố) in the period, with both dates
    procedures_public_on_time: int = 0

    def add(self, other: Facts) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def period_moments(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_default_timezone()
    return (datetime.combine(start, time.min, tzinfo=tz),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))


# ---------------------------------------------------------------- scope: which handling units a unit covers


def unit_prefixes(units: list[Unit]) -> dict[int, tuple[str, ...]]:
    """Path prefixes each unit covers: its own subtree and those of the units it (transitively) succeeded.
    One query for all units (the succession table is small)."""
    edges = list(UnitSuccession.objects.values_list("predecessor__path", "successor__path"))
    result = {}
    for unit in units:
        found, frontier = {unit.path}, {unit.path}
        while frontier:
            new = {pred for pred, succ in edges if any(succ.startswith(p) for p in frontier)} - found
            found |= new
            frontier = new
        result[unit.pk] = tuple(sorted(found))
    return result


def scope_q(prefixes, field: str) -> Q:
    q = Q(pk__in=[])
    for prefix in sorted(set(prefixes)):
        q |= Q(**{f"{field}__startswith": prefix})
    return q


def owners_of(path: str, prefixes: dict[int, tuple[str, ...]]) -> list[int]:
    return [pk for pk, prefs in prefixes.items() if path.startswith(prefs)]


def owners_index(prefixes: dict[int, tuple[str, ...]]):
    """`owners_of` for many paths against the same prefixes: a path "66/24133/" can only be covered by the
    paths "66/" and "66/24133/", so look those up instead of testing every prefix (3,321 communes × 3,400
    units took seconds). Same result, in the order of `prefixes`."""
    by_prefix: dict[str, set[int]] = defaultdict(set)
    odd: dict[int, tuple[str, ...]] = {}  # a prefix that is not a whole path: tested the slow way
    for pk, prefs in prefixes.items():
        for prefix in prefs:
            if prefix.endswith("/"):
                by_prefix[prefix].add(pk)
            else:
                odd[pk] = (*odd.get(pk, ()), prefix)
    order = {pk: index for index, pk in enumerate(prefixes)}

    def owners(path: str) -> list[int]:
        found = {pk for pk, prefs in odd.items() if path.startswith(prefs)}
        end = path.find("/")
        while end != -1:
            found |= by_prefix.get(path[:end + 1], set())
            end = path.find("/", end + 1)
        return sorted(found, key=order.__getitem__)

    return owners


# ---------------------------------------------------------------- catalogue facts (both ways)


def _catalogue_kind(unit: Unit) -> str:
    if unit.kind in PROVINCE_KINDS:
        return "province"
    if unit.kind in COMMUNE_KINDS:
        return "commune"
    if unit.kind == UnitKind.DEPARTMENT:
        return "department"
    return "none"  # a service center receives, it has no procedures of its own


def _complete(p: dict) -> bool:
    """All mandatory parts published: agency, time, ≥ 1 required paper, result, legal basis."""
    return bool(p["handling_agency"].strip() and (p["processing_time_value"] > 0 or p["processing_time_note"].strip())
                and p["papers"] and (p["result_type"] == ResultType.NONE or p["result_name"].strip())
                and p["legal_basis"])


def catalogue_facts(units: list[Unit], start: date, end: date, config) -> dict[int, Facts]:
    """Indicators 1.2, 1.3, 3.2, 4.1 from the procedures in force for each unit (one query): a province
    has them all, a commune the commune-level ones, a department those it handles."""
    from motcua.workdays.calendars import DEFAULT_CALENDAR, add_working_days

    rows = list(Procedure.objects.filter(publication_status=PublicationStatus.PUBLISHED)
                .values("id", "level", "handling_unit__path", "decided_on", "published_on", "online_level",
                        "result_type", "result_name", "legal_basis", "handling_agency", "processing_time_value",
                        "processing_time_note")
                .annotate(papers=Count("papers", distinct=True),
                          fee=Count("fees", filter=Q(fees__amount__gt=0), distinct=True)).order_by())
    payments_on = bool(getattr(settings, "MOTCUA_VNPAY_ENABLED", False))
    tz = timezone.get_default_timezone()

    def facts_of(procedures: list[dict]) -> Facts:
        f = Facts()
        for p in procedures:
            f.procedures_published += 1
            f.procedures_complete += _complete(p)
            f.procedures_online_full += p["online_level"] == OnlineLevel.FULL
            if p["fee"]:
                f.procedures_with_fee += 1
                # Online payment is offered for every procedure with a fee once the gateway is switched on.
                f.procedures_fee_integrated += payments_on
            decided, published = p["decided_on"], p["published_on"]
            if decided and published and start <= decided <= end:
                f.procedures_decided += 1
                limit = add_working_days(DEFAULT_CALENDAR, datetime.combine(decided, time(12), tzinfo=tz),
                                         config.publish_days).date()
                f.procedures_public_on_time += published <= limit
        return f

    cache: dict[str, Facts] = {}
    result = {}
    for unit in units:
        kind = _catalogue_kind(unit)
        if kind in ("province", "commune") and kind in cache:
            result[unit.pk] = cache[kind]
            continue
        if kind == "province":
            chosen = rows
        elif kind == "commune":
            chosen = [p for p in rows if p["level"] == Level.COMMUNE]
        elif kind == "department":
            chosen = [p for p in rows if (p["handling_unit__path"] or "").startswith(unit.path)]
        else:
            chosen = []
        result[unit.pk] = cache.setdefault(kind, facts_of(chosen)) if kind in ("province", "commune") \
            else facts_of(chosen)
    return result


# ---------------------------------------------------------------- the counters' way (what pages use)


def facts_for_units(*, units: list[Unit], start: date, end: date, config) -> dict[int, Facts]:
    """Facts of each unit for the period: catalogue + counters (bounded queries, see counters.py)."""
    from .counters import counter_facts

    catalogue = catalogue_facts(units, start, end, config)
    counted = counter_facts(prefixes=unit_prefixes(units), start=start, end=end)
    result = {}
    for unit in units:
        f = Facts()
        f.add(catalogue[unit.pk])
        f.add(counted[unit.pk])
        result[unit.pk] = f
    return result


# ---------------------------------------------------------------- the reference: straight from the dossiers


def dossier_within_at(*, stage: str, supplement_count: int, legal_due_at, until: datetime,
                      waiting_since: datetime | None) -> bool:
    """Is an accepted dossier still open at `until` within time? (its state at `until`)."""
    from motcua.dossiers.models import WAITING_STAGES

    if supplement_count > 1:
        return False
    if legal_due_at is None:
        return True
    if stage in WAITING_STAGES:
        return waiting_since is not None and waiting_since <= legal_due_at
    return legal_due_at >= until


def working_days_milli(unit: Unit, start: datetime, end: datetime, calendars: dict) -> int:
    """Working time from `start` to `end` on the unit's calendar, in thousandths of a working day."""
    from motcua.workdays.calendars import working_time_between
    from motcua.workdays.selectors import calendar_for_unit

    if unit.pk not in calendars:
        calendars[unit.pk] = calendar_for_unit(unit=unit)
    cal = calendars[unit.pk]
    return round(working_time_between(cal, start, end) / cal.day_length * 1000)


def facts_direct(*, units: list[Unit], start: date, end: date) -> dict[int, Facts]:
    """The reference computation from the dossiers as they are now (valid for a period that ends after the
    last change: state at E = state now). Used by the tests; O(dossiers)."""
    from motcua.documents.models import DossierFile, FileKind
    from motcua.dossiers.models import (
        WAITING_STAGES,
        Dossier,
        DossierEvent,
        Outcome,
        Petition,
        QuickRating,
        Rating,
        Stage,
    )

    since, until = period_moments(start, end)
    prefixes = unit_prefixes(units)
    every = [p for prefs in prefixes.values() for p in prefs]
    dossiers = list(Dossier.objects.filter(scope_q(every, "handling_unit__path"), received_at__isnull=False)
                    .select_related("handling_unit", "procedure"))
    ids = [d.pk for d in dossiers]
    files = defaultdict(set)
    for dossier_id, kind, reused in DossierFile.objects.filter(dossier_id__in=ids).values_list(
            "dossier_id", "kind", "reused_from_id"):
        files[dossier_id].add(kind)
        if reused:
            files[dossier_id].add("reused")
    ratings = {r.dossier_id: r for r in Rating.objects.filter(dossier_id__in=ids)}
    petitioned = set(Petition.objects.filter(dossier_id__in=ids).values_list("dossier_id", flat=True))
    waits = {}
    for event in DossierEvent.objects.filter(dossier_id__in=ids, to_stage__in=list(WAITING_STAGES)).order_by(
            "at", "id"):
        if event.from_stage not in WAITING_STAGES:
            waits[event.dossier_id] = event.at  # the last entry into waiting
    procs: dict[int, dict] = defaultdict(lambda: defaultdict(set))
    calendars: dict = {}
    facts = {unit.pk: Facts() for unit in units}
    for d in dossiers:
        owners = owners_of(d.handling_unit.path, prefixes)
        if not owners:
            continue
        got = files[d.pk]
        rating = ratings.get(d.pk)
        for pk in owners:
            f = facts[pk]
            if since <= d.received_at < until:
                f.received += 1
                online = d.channel == 2
                full = d.procedure.online_level == OnlineLevel.FULL
                f.received_online += online
                f.received_full_eligible += full
                f.received_online_full += online and full
                f.received_with_fee += d.fee_total > 0
                f.received_paid_online += d.fee_total > 0 and d.paid_online > 0
                f.received_reuse += "reused" in got
                f.received_identity += d.identity_verified
                procs[pk]["received"].add(d.procedure_id)
                if d.identity_verified:
                    procs[pk]["identity"].add(d.procedure_id)
                if d.fee_total > 0:
                    procs[pk]["fee"].add(d.procedure_id)
                    if d.paid_online:
                        procs[pk]["paid"].add(d.procedure_id)
            if d.finished_at is not None and since <= d.finished_at < until and d.outcome:
                f.handling_wd_milli += working_days_milli(d.handling_unit, d.received_at, d.finished_at, calendars)
                f.finished_early += d.outcome == Outcome.EARLY
                f.finished_on_time += d.outcome == Outcome.ON_TIME
                f.finished_late += d.outcome == Outcome.LATE
                done = d.stage in (Stage.DONE, Stage.RETURNED)
                f.finished_done += done
                f.finished_e_result += done and FileKind.RESULT in got
                f.finished_digitised += done and FileKind.RESULT in got and bool(
                    {FileKind.PAPER, FileKind.SUPPLEMENT} & got)
                f.finished_complained += d.pk in petitioned or (
                    rating is not None and rating.quick == QuickRating.UNSATISFIED)
            if d.received_at < until and (d.finished_at is None or d.finished_at >= until):
                f.open_total += 1
                f.open_within += dossier_within_at(stage=d.stage, supplement_count=d.supplement_count,
                                                   legal_due_at=d.legal_due_at, until=until,
                                                   waiting_since=waits.get(d.pk))
            if rating is not None and since <= rating.rated_at < until:
                f.ratings += 1
                f.ratings_unsatisfied += rating.quick == QuickRating.UNSATISFIED
    for pk, sets in procs.items():
        facts[pk].procedures_received = len(sets["received"])
        facts[pk].procedures_identity = len(sets["identity"])
        facts[pk].procedures_fee_received = len(sets["fee"])
        facts[pk].procedures_paid_online = len(sets["paid"])
    _petitions_direct(facts, prefixes, every, since, until)
    return facts


def _petitions_direct(facts, prefixes, every, since, until) -> None:
    from motcua.dossiers.models import DossierEvent, Petition

    petitions = list(Petition.objects.filter(scope_q(every, "unit__path")).select_related("unit"))
    rated_at = {}
    for event in DossierEvent.objects.filter(action="petition_rate", dossier_id__in={p.dossier_id for p in petitions}
                                             ).order_by("at", "id"):
        key = event.data.get("petition") if isinstance(event.data, dict) else None
        rated_at[(event.dossier_id, key)] = event.at
    for p in petitions:
        for pk in owners_of(p.unit.path, prefixes):
            f = facts[pk]
            f.petitions_received += since <= p.submitted_at < until
            if p.answered_at is not None and since <= p.answered_at < until:
                if p.answered_at <= p.due_at:
                    f.petitions_on_time += 1
                else:
                    f.petitions_late += 1
            if p.submitted_at < until and (p.answered_at is None or p.answered_at >= until) and p.due_at < until:
                f.petitions_open_overdue += 1
            at = rated_at.get((p.dossier_id, p.pk)) or rated_at.get((p.dossier_id, None))
            if p.satisfied is not None and at is not None and since <= at < until:
                f.petitions_rated += 1
                f.petitions_satisfied += bool(p.satisfied)
