# SPDX-License-Identifier: AGPL-3.0-or-later
"""The generator (`motcua generate`) writes what the dossier services would have written.

Three angles: (1) invariants checked on every generated dossier with the real rule functions (events replay
to the stage, moments from the calendar, outcome by `judge`, steps as `steps_build` makes them, codes and
counters); (2) a sample of generated dossiers replayed through the real services with the same moments and
officials gives the same rows; (3) the monitoring counters rebuilt after generation equal a direct
computation from the dossiers. Plus determinism, and both write paths on PostgreSQL."""

import re
from collections import defaultdict
from dataclasses import asdict, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from motcua.accounts.models import Role, User
from motcua.accounts.services import role_assign
from motcua.accounts.tests.factories import OfficialFactory
from motcua.catalog.services import catalog_import, catalog_parse
from motcua.demo import generate as gen
from motcua.documents.models import DossierFile
from motcua.dossiers import services
from motcua.dossiers.feedback import petition_due_at
from motcua.dossiers.models import (
    NATIONAL_STATUS,
    Channel,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    Petition,
    Rating,
    Stage,
    SupplementRequest,
)
from motcua.dossiers.rules import judge, step_deadlines
from motcua.dossiers.services import ApplicantData, steps_build
from motcua.dossiers.tests.conftest import STEPS_5, TAN_AN, world  # noqa: F401
from motcua.dossiers.workflow import RULES
from motcua.integrations.payments.models import Payment
from motcua.units.models import Unit
from motcua.workdays.calendars import (
    VN_TZ,
    ProcessingTime,
    clock_start,
    due_after_pause,
    due_at,
    is_working_moment,
)
from motcua.workdays.selectors import calendar_for_unit

pytestmark = pytest.mark.django_db
END = date(2026, 3, 31)
CUT = datetime(2026, 4, 1, tzinfo=VN_TZ)
# Rare fates made common so that 300 dossiers walk every path of the story.
BUSY = gen.Rates(refuse=0.05, supplement=0.2, second_supplement=0.25, supplement_abandoned=0.1,
                 supplement_withdrawn=0.1, fees=0.06, stop=0.04, withdraw=0.04, late=0.1, stuck=0.05, apology=0.8,
                 petition=0.1, rating=0.5, not_collected=0.05)
SIDE_ACTIONS = {"submit", "attach_file", "rate", "petition", "petition_answer", "petition_rate", "pay_online"}
CODE = re.compile(r"(?P<agency>[0-9A-Za-z.]+)-(?P<day>\d{6})-(?P<seq>\d{4,})")


def _steps(allowances):
    names = [s["name"] for s in STEPS_5]
    return [{**step, "name": name, "allowance": allowance}
            for step, name, allowance in zip(STEPS_5, names, allowances, strict=True)]


def _procedure(code, name, value, unit, allowances, *, fee=0, online="full"):
    return {"code": code, "name": name, "field": "HOTICH", "level": "commune", "handling_agency": "UBND cấp xã",
            "handling_agency_code": None, "processing_time": {"value": value, "unit": unit},
            "fees": [{"name": "Lệ phí", "amount": fee}], "papers": [{"name": "Tờ khai", "form": "original"}],
            "online_level": online, "partial_reason": "Cần đối chiếu bản chính" if online == "partial" else None,
            "cross_boundary": True, "steps": _steps(allowances), "popularity": 50}


@pytest.fixture
def gen_world(world, settings, tmp_path):  # noqa: F811
    """The dossier test world (Buôn Ma Thuột and Tân An wards, Sở Tư pháp), every step role held in every
    unit the generator will use, and procedures counted in hours and in calendar days as well."""
    settings.MEDIA_ROOT = tmp_path
    for role, code in [(Role.DEPARTMENT_LEADER, TAN_AN), (Role.SIGNING_LEADER, TAN_AN), (Role.CLERK, TAN_AN),
                       (Role.DEPARTMENT_LEADER, "66.STP"), (Role.CLERK, "66.STP")]:
        role_assign(user=OfficialFactory(), unit=Unit.objects.get(code=code), role=role)
    payload = {"format": "motcua.catalog/1", "fields": [{"code": "HOTICH", "name": "Hộ tịch"}], "procedures": [
        _procedure("T.0101", "Cấp bản sao trích lục (thử nghiệm)", 8, "hours", [1, 4, 1, 1, 1, 0], fee=8000),
        _procedure("T.0102", "Đăng ký hoạt động (thử nghiệm)", 15, "days", [1, 9, 2, 2, 1, 0], fee=100000,
                   online="partial")]}
    fields, procedures = catalog_parse(payload)
    catalog_import(fields=fields, procedures=procedures, province=world.province)
    return world


def narrowed(options: gen.Options, today=None) -> gen.World:
    """The province's world reduced to the two wards that have officials for every role."""
    w = gen.world_load(options, today=today)
    w.communes = [c for c in w.communes if c.unit.code in ("24133", TAN_AN)]
    return w


def run(options: gen.Options) -> gen.Report:
    return gen.generate(options, world=narrowed(options))


def options(count=300, **kwargs) -> gen.Options:
    values = {"province": "66", "dossiers": count, "months": 3, "seed": 5, "end": END, "batch": 100,
              "rates": BUSY}
    values.update(kwargs)
    return gen.Options(**values)


# ---------------------------------------------------------------- (1) invariants of every generated dossier


def _replay_dues(d: Dossier, events: list[DossierEvent], cal, time: ProcessingTime):
    """Clock start, legal due and shown due as the services compute them, replaying the events."""
    start = legal = shown = None
    fees_since = None
    for e in events:
        if e.action == "receive":
            start = clock_start(cal, e.at, channel_is_paper=d.channel != Channel.ONLINE)
            legal = shown = due_at(cal, start, time)
        elif e.action == "receive_supplement":
            start = clock_start(cal, e.at, channel_is_paper=True)
            legal = shown = due_at(cal, start, time)
            assert e.data["due_after"] and datetime.fromisoformat(e.data["due_after"]) == legal
        elif e.action == "request_fees":
            fees_since = e.at
        elif e.action == "confirm_fees":
            legal = due_after_pause(cal, legal, fees_since, e.at)
            shown = due_after_pause(cal, shown, fees_since, e.at)
        elif e.action == "reschedule":
            assert datetime.fromisoformat(e.data["due_before"]) == shown
            shown = datetime.fromisoformat(e.data["due_after"])
            assert shown > datetime.fromisoformat(e.data["due_before"])
    return start, legal, shown


def _check_events(d: Dossier, events: list[DossierEvent]) -> None:
    assert events, d.code
    assert events[0].from_stage == "" and events[0].action in ("submit", "receive"), d.code
    previous_stage, previous_at = "", events[0].at
    for e in events:
        assert e.at >= previous_at, (d.code, e.action)
        assert e.at < CUT, (d.code, e.action)
        assert e.from_stage == previous_stage, (d.code, e.action, e.from_stage, previous_stage)
        assert e.status == NATIONAL_STATUS[e.to_stage], (d.code, e.action)
        if e.action in SIDE_ACTIONS - {"submit"}:
            assert e.to_stage == e.from_stage, (d.code, e.action)
        elif e.from_stage:  # a workflow action: allowed from that stage by the table
            assert e.from_stage in RULES[e.action].sources, (d.code, e.action, e.from_stage)
        previous_stage, previous_at = e.to_stage, e.at
    assert previous_stage == d.stage, d.code
    assert d.status == NATIONAL_STATUS[d.stage], d.code


def _check_steps(d: Dossier, steps, cal, time: ProcessingTime) -> None:
    expected = steps_build(d)
    assert [(s.order, s.name, s.role, s.unit_id, s.allowance) for s in steps] == \
        [(s.order, s.name, s.role, s.unit_id, Decimal(s.allowance)) for s in expected], d.code
    if d.received_at is None:
        assert all(s.due_at is None and s.started_at is None for s in steps), d.code
        return
    assert [s.due_at for s in steps] == step_deadlines(cal, d.clock_started_at, [s.allowance for s in steps],
                                                       time.unit), d.code
    finished = [s.finished_at for s in steps if s.finished_at is not None]
    assert finished == sorted(finished), d.code
    for s in steps:
        if s.finished_at is not None:
            assert s.started_at is not None and s.started_at <= s.finished_at, (d.code, s.order)
    if d.stage in (Stage.DONE, Stage.RETURNED):  # every working step done, at the end at the latest
        working = [s for s in steps if s.role != Role.RECEIVER or s.order == steps[0].order]
        assert all(s.finished_at is not None and s.finished_at <= d.finished_at for s in working), d.code


def _check_dossier(d: Dossier, events, steps, supplements) -> None:
    _check_events(d, events)
    cal = calendar_for_unit(unit=d.handling_unit)
    time = ProcessingTime(Decimal(d.procedure.processing_time_value), d.procedure.processing_time_unit)
    if d.channel != Channel.ONLINE:
        assert is_working_moment(calendar_for_unit(unit=d.receiving_unit), d.received_at), d.code
        assert d.submitted_at == d.received_at, d.code
    start, legal, shown = _replay_dues(d, events, cal, time)
    assert (d.clock_started_at, d.legal_due_at, d.due_at) == (start, legal, shown), d.code
    assert d.rescheduled_at == next((e.at for e in events if e.action == "reschedule"), None), d.code
    assert d.supplement_count == len(supplements) == sum(e.action == "request_supplement" for e in events)
    for request, event in zip(supplements, [e for e in events if e.action == "request_supplement"], strict=True):
        assert request.requested_at == event.at, d.code
    if d.finished_at is not None and d.received_at is not None:
        assert d.outcome == judge(end=d.finished_at, legal_due=d.legal_due_at, supplement_count=d.supplement_count,
                                  tz=VN_TZ), d.code
    else:
        assert d.outcome == "", d.code
    assert (d.finished_at is None) == (d.stage in gen.OPEN), d.code
    assert d.returned_at == next((e.at for e in events if e.action == "return_result"), None), d.code
    assert d.fee_total == sum(fee.amount for fee in d.procedure.fees.all()), d.code
    if d.paid_online:
        assert d.fee_total > 0 and any(e.action == "pay_online" for e in events), d.code
    _check_steps(d, steps, cal, time)
    if d.current_step_id is not None:
        assert d.current_step.dossier_id == d.pk, d.code


def test_every_generated_dossier_keeps_the_invariants_of_the_services(gen_world):
    report = run(options())
    assert report.written.dossiers == Dossier.objects.count() == 300
    dossiers = list(Dossier.objects.select_related("procedure", "handling_unit", "receiving_unit", "current_step")
                    .prefetch_related("procedure__fees", "procedure__processes__steps"))
    events, steps, supplements = defaultdict(list), defaultdict(list), defaultdict(list)
    for e in DossierEvent.objects.order_by("at", "id"):
        events[e.dossier_id].append(e)
    for d in dossiers:
        steps[d.pk] = list(d.steps.order_by("order"))
    for r in SupplementRequest.objects.order_by("requested_at", "id"):
        supplements[r.dossier_id].append(r)
    for d in dossiers:
        _check_dossier(d, events[d.pk], steps[d.pk], supplements[d.pk])
    # Every path walked: each stage reached (but "submitted": only a late submission on the last day is
    # still waiting for reception at the cut), each action taken.
    assert set(d.stage for d in dossiers) >= {Stage.REFUSED, Stage.PROCESSING, Stage.SUPPLEMENT,
                                               Stage.STOPPED, Stage.WITHDRAWN, Stage.DONE, Stage.RETURNED}
    actions = {e.action for es in events.values() for e in es}
    assert actions >= {"request_supplement", "receive_supplement", "request_fees", "confirm_fees", "reschedule",
                       "refuse", "stop", "withdraw", "return_result", "pay_online", "attach_file", "rate",
                       "petition", "petition_answer", "petition_rate"}
    assert {d.outcome for d in dossiers} >= {"truoc_han", "qua_han"}
    assert any(d.is_open and d.due_at < CUT and d.stage not in (Stage.SUPPLEMENT, Stage.FEES) for d in dossiers)


def test_codes_follow_the_circular_and_the_counters_continue_after_them(gen_world):
    center = Unit.objects.get(code="24133.TTPVHCC")
    day = date(2026, 2, 2)
    DossierCodeCounter.objects.create(unit=center, day=day, last=7)  # seven numbers taken before generating
    run(options(150))
    numbers = defaultdict(list)
    for d in Dossier.objects.select_related("receiving_unit").order_by("submitted_at", "id"):
        match = CODE.fullmatch(d.code)
        assert match and match["agency"] == d.receiving_unit.agency_code, d.code
        assert match["day"] == f"{d.submitted_at.astimezone(VN_TZ):%y%m%d}", d.code
        numbers[(d.receiving_unit_id, match["day"])].append(int(match["seq"]))
    for (unit_id, day_text), taken in numbers.items():
        first = 8 if (unit_id, day_text) == (center.pk, "260202") else 1
        assert taken == list(range(first, first + len(taken))), (unit_id, day_text)  # in submission order, no gap
        counter = DossierCodeCounter.objects.get(unit_id=unit_id, day=datetime.strptime(day_text, "%y%m%d").date())
        assert counter.last == taken[-1]
    # A real receipt after the generator takes the next number.
    from django.db import transaction

    from motcua.dossiers.codes import dossier_code_next

    with transaction.atomic():
        code = dossier_code_next(unit=center, day=day)
    assert code.endswith(f"-{len(numbers[(center.pk, '260202')]) + 8:04d}")


def test_side_records_point_where_the_services_would(gen_world):
    run(options(150))
    for rating in Rating.objects.select_related("dossier"):
        assert rating.dossier.stage in (Stage.DONE, Stage.RETURNED)
        assert rating.rated_at >= rating.dossier.finished_at
        assert set(rating.criteria) in (set(), {str(k) for k in range(1, 10)})
    for petition in Petition.objects.select_related("dossier", "unit"):
        assert petition.unit_id == petition.dossier.handling_unit_id
        assert petition.due_at == petition_due_at(unit=petition.unit, submitted_at=petition.submitted_at)
        assert (petition.answered_at is None) == (petition.answer == "")
        assert petition.satisfied is None or petition.answered_at is not None
    for event in DossierEvent.objects.filter(action="attach_file"):
        assert DossierFile.objects.filter(pk=event.data["file"], dossier_id=event.dossier_id).exists()
    for event in DossierEvent.objects.filter(action__startswith="petition"):
        assert Petition.objects.filter(pk=event.data["petition"], dossier_id=event.dossier_id).exists()
    for payment in Payment.objects.select_related("dossier"):
        assert payment.dossier.paid_online == 2 and payment.amount == payment.dossier.fee_total
        assert DossierEvent.objects.filter(dossier=payment.dossier, action="pay_online",
                                           data__reference=payment.txn_ref).exists()
    stored = {f.file.name for f in DossierFile.objects.all()}
    assert stored and all(DossierFile.objects.first().file.storage.exists(name) for name in stored)


# ---------------------------------------------------------------- (2) the same story through the real services


def _services_replay(d: Dossier, events: list[DossierEvent], users: dict) -> Dossier:
    """Play `d`'s workflow events through dossiers.services with the same moments and officials."""
    applicant = ApplicantData(name=d.applicant_name, kind=d.applicant_kind, id_number=d.applicant_id_number,
                              phone=d.applicant_phone, address=d.applicant_address)
    steps = {s.order: s for s in d.steps.all()}
    replay = None
    for e in events:
        actor = users.get(e.actor_id)
        if e.action == "submit":
            replay, _created = services.dossier_submit_online(
                procedure=d.procedure, receiving_unit=d.receiving_unit, handling_unit=d.handling_unit,
                applicant=applicant, result_delivery=d.result_delivery, at=e.at)
        elif e.action == "receive" and replay is None:
            replay = services.dossier_receive_in_person(
                procedure=d.procedure, receiving_unit=d.receiving_unit, handling_unit=d.handling_unit,
                applicant=applicant, actor=actor, channel=d.channel, result_delivery=d.result_delivery, at=e.at)
        elif e.action == "receive":
            replay = services.dossier_receive(dossier=replay, actor=actor, at=e.at)
        elif e.action == "assign":
            replay = services.dossier_assign(dossier=replay, actor=actor, assignee=users[e.data["assignee"]], at=e.at)
        elif e.action == "forward":
            following = steps.get(e.data["from_step"] + 1)
            assignee = users.get(following.assignee_id) if following is not None and following.role != Role.RECEIVER \
                else None
            replay = services.dossier_forward(dossier=replay, actor=actor, assignee=assignee, at=e.at)
        elif e.action == "reschedule":
            replay = services.dossier_reschedule(dossier=replay, actor=actor, reason=e.note, at=e.at,
                                                 new_due_at=datetime.fromisoformat(e.data["due_after"]))
        elif e.action == "pay_online":
            replay = services.dossier_mark_paid_online(dossier=replay, amount=e.data["amount"], at=e.at,
                                                       channel=e.data["channel"], reference=e.data["reference"])
        elif e.action in SIDE_ACTIONS:
            continue  # files, ratings, petitions: their own apps' services, checked apart
        else:
            call = {"refuse": "dossier_refuse", "stop": "dossier_stop", "withdraw": "dossier_withdraw",
                    "request_supplement": "dossier_request_supplement", "request_fees": "dossier_request_fees",
                    "receive_supplement": "dossier_receive_supplement", "confirm_fees": "dossier_confirm_fees",
                    "return_result": "dossier_return_result"}[e.action]
            text = {"refuse": "reason", "stop": "reason", "withdraw": "reason", "request_supplement": "missing",
                    "request_fees": "note"}.get(e.action)
            replay = getattr(services, call)(dossier=replay, actor=actor, at=e.at, **({text: e.note} if text else {}))
    return Dossier.objects.get(pk=replay.pk)


DOSSIER_FIELDS = ["procedure_id", "channel", "applicant_name", "result_delivery", "receiving_unit_id",
                  "handling_unit_id", "return_unit_id", "stage", "status", "assignee_id", "submitted_at",
                  "received_at", "clock_started_at", "due_at", "legal_due_at", "rescheduled_at", "finished_at",
                  "returned_at", "supplement_count", "outcome", "fee_total", "paid_online", "closing_note"]


def _picture(d: Dossier) -> dict:
    """What must agree between a generated dossier and its replay (not ids, code nor side records)."""
    return {
        "dossier": {name: getattr(d, name) for name in DOSSIER_FIELDS},
        "current": d.current_step.order if d.current_step_id else None,
        "steps": [(s.order, s.unit_id, s.due_at, s.started_at, s.finished_at, s.assignee_id)
                  for s in d.steps.order_by("order")],
        "events": [(e.action, e.at, e.actor_id, e.from_stage, e.to_stage, e.status, e.step_order, e.note,
                    {k: v for k, v in e.data.items() if k != "reference"})
                   for e in d.events.order_by("at", "id") if e.action not in SIDE_ACTIONS - {"submit", "pay_online"}],
        "supplements": [(r.requested_at, r.requested_by_id, r.missing, r.due_before, r.received_at, r.due_after)
                        for r in d.supplements.order_by("requested_at")],
    }


def test_a_sample_replayed_through_the_services_gives_the_same_rows(gen_world):
    run(options(240, seed=9))
    generated = list(Dossier.objects.select_related("procedure", "receiving_unit", "handling_unit")
                     .order_by("code"))
    # One dossier of each shape (final stage, supplement, fees, apology, payment), at most 16.
    shapes, sample = set(), []
    for d in generated:
        actions = frozenset(d.events.exclude(action__in=SIDE_ACTIONS - {"pay_online"}).values_list("action", flat=True))
        shape = (d.stage, d.channel == Channel.ONLINE, actions)
        if shape not in shapes and len(sample) < 16:
            shapes.add(shape)
            sample.append(d)
    assert len(sample) >= 10
    users = User.objects.in_bulk()
    for d in sample:
        events = list(d.events.order_by("at", "id"))
        replay = _services_replay(d, events, users)
        assert _picture(replay) == _picture(d), d.code


# ---------------------------------------------------------------- (3) monitoring counters


COUNTED = ["received", "received_online", "received_full_eligible", "received_online_full", "received_with_fee",
           "received_paid_online", "received_reuse", "received_identity", "finished_early", "finished_on_time",
           "finished_late", "finished_done", "finished_e_result", "finished_digitised", "finished_complained",
           "open_total", "open_within", "petitions_received", "petitions_on_time", "petitions_late",
           "petitions_open_overdue", "petitions_rated", "petitions_satisfied", "ratings", "ratings_unsatisfied",
           "procedures_received", "procedures_fee_received", "procedures_paid_online"]


def test_rebuilt_counters_equal_the_direct_computation_from_the_dossiers(gen_world):
    counters = pytest.importorskip("motcua.monitoring.counters", reason="the monitoring counters are not there yet")
    from motcua.monitoring.facts import facts_direct, unit_prefixes
    from motcua.monitoring.reports import report_totals, report_totals_from_facts

    report = run(options(150, seed=3))
    assert report.index_rebuilt
    units = [gen_world.province, gen_world.bmt, gen_world.tan_an, gen_world.stp]
    prefixes = unit_prefixes(units)
    for start in (report.first_day, date(2026, 2, 1), date(2026, 3, 16)):
        counted = counters.counter_facts(prefixes=prefixes, start=start, end=END)
        direct = facts_direct(units=units, start=start, end=END)
        for unit in units:
            a = {k: v for k, v in asdict(counted[unit.pk]).items() if k in COUNTED}
            b = {k: v for k, v in asdict(direct[unit.pk]).items() if k in COUNTED}
            assert a == b, (unit.code, start)
            assert (report_totals_from_facts(counted[unit.pk]).figures
                    == report_totals(unit=unit, start=start, end=END).figures), (unit.code, start)
    assert asdict(counters.counter_facts(prefixes=prefixes, start=report.first_day, end=END)[gen_world.province.pk]
                  )["received"] > 120


# ---------------------------------------------------------------- determinism, plan and write paths


def _snapshot() -> list:
    return [(d.code, d.stage, d.procedure_id, d.handling_unit_id, d.submitted_at, d.due_at, d.legal_due_at,
             d.finished_at, d.outcome, d.paid_online,
             tuple(d.events.order_by("at", "id").values_list("action", "at", "to_stage")))
            for d in Dossier.objects.order_by("code")]


def _forget_generated() -> None:
    Payment.objects.all().delete()
    Dossier.objects.all().delete()
    DossierCodeCounter.objects.all().delete()


def test_the_same_seed_gives_the_same_dossiers_and_another_seed_others(gen_world):
    run(options(100, batch=100))
    first = _snapshot()
    _forget_generated()
    run(options(100, batch=250))  # the batch size changes nothing
    assert _snapshot() == first
    _forget_generated()
    run(options(100, seed=6))
    assert _snapshot() != first


def test_planning_writes_nothing_and_is_pure(gen_world):
    def plan():
        w = narrowed(options(80))
        return [(s.code, s.stage, s.submitted_at, s.due_at, [e[:4] for e in s.events])
                for _day, stories in gen.plan_days(w, total=80, seed=4) for s in stories]

    assert plan() == plan()
    assert not Dossier.objects.exists()


def test_written_columns_are_the_models_columns():
    assert gen.columns_check() == []


def test_precomputed_step_times_give_the_rules_step_deadlines():
    cal = calendar_for_unit(unit=None)
    allowances = [Decimal("0.5"), Decimal("2.5"), Decimal("1"), Decimal("0.5"), Decimal("0.5"), Decimal("0")]
    for unit in ("hours", "days", "working_days", "months"):
        times = gen.step_times(allowances, unit)
        for start in (datetime(2026, 1, 30, 16, 59, tzinfo=VN_TZ), datetime(2026, 2, 13, 8, tzinfo=VN_TZ),
                      datetime(2026, 4, 29, 21, 5, tzinfo=VN_TZ)):
            assert [due_at(cal, start, t) for t in times] == step_deadlines(cal, start, allowances, unit)


def test_day_counts_sum_to_the_total_and_follow_the_calendar(gen_world):
    w = narrowed(options(1000))
    counts = dict(gen.day_counts(w, 1000))
    assert sum(counts.values()) == 1000
    assert counts[date(2026, 3, 2)] > counts[date(2026, 3, 1)] > 0  # a Monday against a Sunday (online only)


def test_a_cut_today_keeps_every_moment_in_the_past(gen_world, settings):
    from django.utils import timezone

    today = timezone.localdate()
    opts = options(60, end=None, months=1)
    w = narrowed(opts, today=today)
    assert w.cut <= timezone.now()
    gen.generate(opts, world=w)
    assert not DossierEvent.objects.filter(at__gt=timezone.now()).exists()


def test_copy_and_bulk_create_write_the_same_rows(gen_world):
    if connection.vendor != "postgresql":
        with pytest.raises(gen.ValidationFailed):
            gen.options_check(replace(options(), writer="copy"))
        pytest.skip("COPY is PostgreSQL's; on SQLite only bulk_create is used (checked above)")
    report = run(options(100, writer="copy", index=False))
    assert report.writer == "copy"
    by_copy = _snapshot()
    _forget_generated()
    report = run(options(100, writer="orm", index=False))
    assert report.writer == "orm"
    assert _snapshot() == by_copy


pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the background writer is PostgreSQL's")


@pytest.mark.postgres
@pg_only
@pytest.mark.django_db(transaction=True)
def test_the_background_writer_commits_every_batch(settings, tmp_path):
    """Outside a transaction, batches are written by a second thread with its own connection."""
    from motcua.catalog.demo import catalog_load_demo
    from motcua.demo.services import demo_units

    settings.MEDIA_ROOT = tmp_path
    catalog_load_demo(province=demo_units())
    report = gen.generate(gen.Options(province="66", dossiers=600, months=2, seed=1, end=END, batch=200))
    assert report.overlapped and report.writer == "copy"
    assert Dossier.objects.count() == report.written.dossiers == 600
    assert DossierEvent.objects.count() == report.written.events


def test_a_failing_batch_leaves_nothing_half_written(gen_world, monkeypatch):
    calls = {"n": 0}
    real = gen.batch_write

    def failing(stories, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            original = gen.TABLES[3]
            gen.TABLES[3] = ("event", None, ())  # the events of the second batch cannot be written
            try:
                return real(stories, **kwargs)
            finally:
                gen.TABLES[3] = original
        return real(stories, **kwargs)

    monkeypatch.setattr(gen, "batch_write", failing)
    with pytest.raises(AttributeError):
        run(options(220, batch=100))
    written = Dossier.objects.count()
    assert 100 <= written < 220
    assert DossierEvent.objects.values("dossier").distinct().count() == written  # whole batches only
    assert max(DossierCodeCounter.objects.values_list("last", flat=True)) >= 1


def test_narrowed_world_still_uses_the_real_catalogue_and_units(gen_world):
    w = narrowed(options(10))
    assert {c.unit.code for c in w.communes} == {"24133", TAN_AN}
    assert {p.obj.code for p in w.procedures} >= {"T.0001", "T.0002", "T.0101", "T.0102"}
    assert "T.0003" in {p.obj.code for p in w.procedures}  # received only at home: still generated
    assert w.holder(Role.RECEIVER, gen_world.bmt_center.pk) == gen_world.receiver.pk
    assert timedelta(0) < w.calendar(gen_world.bmt).day_length
