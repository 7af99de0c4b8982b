# SPDX-License-Identifier: AGPL-3.0-or-later
"""The index of Phường Buôn Ma Thuột for July 2026 on a small history made through the real services, every
figure worked out by hand from the rules (domain.md §5, docs/monitoring.md) in the comments.

The world's marriage procedure (T.0001): commune level, 5 working days, fee 50,000 đ, full-process online.
July 2026 has no holiday; Wed 1 Jul. Due moments: receipt + 5 working days, same clock time.
"""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.documents.services import dossier_file_attach
from motcua.dossiers.models import Outcome
from motcua.dossiers.services import (
    dossier_mark_paid_online,
    dossier_receive,
    dossier_request_supplement,
    dossier_return_result,
    dossier_submit_online,
)
from motcua.dossiers.tests.conftest import local, world  # noqa: F401
from motcua.dossiers.tests.helpers import receive, through_all_steps, to_specialist
from motcua.monitoring.definitions import config_current
from motcua.monitoring.facts import facts_direct, facts_for_units
from motcua.monitoring.index import band_for, index_compute, index_compute_many
from motcua.units.models import Unit

from .index_support import pdf, petition, petition_answer, petition_rate, rate

pytestmark = pytest.mark.django_db
JULY = (date(2026, 7, 1), date(2026, 7, 31))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def history(world):  # noqa: F811
    return make_history(world)


def make_history(w):
    # G: received Thu 25 Jun 10:00 (due Thu 2 Jul 10:00), finished Tue 30 Jun → early, in June: not July's.
    g = to_specialist(w, local(2026, 6, 25, 10, 0), owner=w.citizen)
    through_all_steps(w, g, local(2026, 6, 30, 9, 0))
    # F: received Thu 25 Jun 09:00 (due Thu 2 Jul 09:00), finished Thu 2 Jul 08:30 → on time, carried over.
    f = to_specialist(w, local(2026, 6, 25, 9, 0), owner=w.citizen)
    f = through_all_steps(w, f, local(2026, 7, 2, 7, 30), step=local(2026, 1, 1, 0, 15) - local(2026, 1, 1))
    # E: received Wed 1 Jul 09:00 (due Wed 8 Jul 09:00), still being appraised on 31 Jul → overdue.
    e = to_specialist(w, local(2026, 7, 1, 9, 0), owner=w.citizen)
    # A: received Mon 6 Jul 09:00, finished the same day 14:00 → early; result and paper files; rated happy.
    a = through_all_steps(w, to_specialist(w, local(2026, 7, 6, 9, 0), owner=w.citizen), local(2026, 7, 6, 10, 0))
    dossier_file_attach(dossier=a, actor=w.clerk, uploaded_file=pdf("giay-chung-nhan.pdf"), kind="ket_qua")
    dossier_file_attach(dossier=a, actor=w.clerk, uploaded_file=pdf("to-khai.pdf"), kind="thanh_phan")
    a = dossier_return_result(dossier=a, actor=w.receiver, at=local(2026, 7, 7, 9, 0))
    rate(w, a, "hai_long", local(2026, 7, 7, 10, 0))
    # B: received Mon 6 Jul 10:00 (due Mon 13 Jul 10:00), finished Tue 14 Jul 13:00 → late; a petition on
    # Wed 15 Jul (due in 10 working days: Wed 29 Jul), answered Mon 20 Jul (on time), rated satisfied Tue 21.
    b = through_all_steps(w, to_specialist(w, local(2026, 7, 6, 10, 0), owner=w.citizen), local(2026, 7, 14, 9, 0))
    p = petition(w, b, local(2026, 7, 15, 9, 0))
    petition_answer(w, p, local(2026, 7, 20, 9, 0))
    petition_rate(w, p, True, local(2026, 7, 21, 9, 0))
    # D: received Mon 6 Jul 11:00, supplement asked Tue 7 Jul 09:00 (before its due moment), still waiting
    # at the end of July → within time (a waiting dossier is judged at the request).
    d = to_specialist(w, local(2026, 7, 6, 11, 0), owner=w.citizen)
    dossier_request_supplement(dossier=d, actor=w.specialist, missing="Bản sao CCCD", at=local(2026, 7, 7, 9, 0))
    # A petition about E on Fri 10 Jul, due Fri 24 Jul (10 working days), never answered → overdue at the
    # end of July.
    assert petition(w, e, local(2026, 7, 10, 9, 0)).due_at == local(2026, 7, 24, 9, 0)
    # C: submitted online Tue 28 Jul 08:00 by a VNeID-verified account, accepted 09:00 (due Tue 4 Aug
    # 09:00: within time on 31 Jul), paid online.
    c, _created = dossier_submit_online(procedure=w.marriage, receiving_unit=w.bmt_center, applicant=w.applicant,
                                        owner=w.citizen, identity_verified=True, at=local(2026, 7, 28, 8, 0))
    c = dossier_receive(dossier=c, actor=w.receiver, at=local(2026, 7, 28, 9, 0))
    dossier_mark_paid_online(dossier=c, amount=50000, at=local(2026, 7, 28, 10, 0))
    # H: in Phường Tân An, received Fri 10 Jul (due Fri 17 Jul), open → overdue; only the province sees it.
    h = receive(w, local(2026, 7, 10, 9, 0), receiving_unit=w.tan_an_center, actor=w.tan_an_receiver)
    for dossier, outcome in ((g, Outcome.EARLY), (f, Outcome.ON_TIME), (a, Outcome.EARLY), (b, Outcome.LATE)):
        dossier.refresh_from_db()
        assert dossier.outcome == outcome, dossier
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h}


def figures(indicator):
    return indicator.numerator, indicator.denominator, indicator.score, indicator.max


def test_every_group_of_the_ward_for_july(world, history):  # noqa: F811
    result = index_compute(unit=world.bmt, start=JULY[0], end=JULY[1])
    g1, g2, g3, g4, g5, g6 = result.groups
    # 1: 1.1 and 1.4 have no source; 1.2: no procedure was decided in July → N/A; 1.3: the two commune
    # procedures of the test catalogue have no legal basis → 0 complete of 2 → 0 / 2.
    assert result.indicator("1.1").score is None and "hiệu lực" in str(result.indicator("1.1").na_reason)
    assert result.indicator("1.4").na_reason == "chưa có kết nối đồng bộ với Cổng Dịch vụ công quốc gia"
    assert result.indicator("1.2").score is None and result.indicator("1.2").denominator == 0
    assert figures(result.indicator("1.3")) == (0, 2, 0.0, 2)
    assert (g1.score, g1.max) == (0.0, 2.0)
    # 2: judged in July A early, F on time, B late (3); open at the end C within, D within (waiting after a
    # timely request), E overdue (3) → (1 + 1 + 2) ÷ 6 × 20 = 13.33.
    assert figures(result.indicator("2.1")) == (4, 6, 13.33, 20)
    # 3: received in July A, B, C, D, E (5), all full-process eligible, C online → 1 ÷ 5 × 12 = 2.4;
    # informative: 2 of 2 commune procedures full online; 1 of 5 dossiers online (0 points each).
    assert figures(result.indicator("3.1")) == (1, 5, 2.4, 12)
    assert figures(result.indicator("3.2")) == (2, 2, 0.0, 0)
    assert figures(result.indicator("3.3")) == (1, 5, 0.0, 0)
    assert (g3.score, g3.max) == (2.4, 12.0)
    # 4: 4.1 the gateway is off → 0 of 2 procedures with fees; 4.2 T.0001 had fee dossiers and C paid
    # online → 1 ÷ 1 × 2; 4.3 1 of 5 fee dossiers paid online → 0.2 × 6 = 1.2. Total 3.2.
    assert figures(result.indicator("4.1")) == (0, 2, 0.0, 2)
    assert figures(result.indicator("4.2")) == (1, 1, 2.0, 2)
    assert figures(result.indicator("4.3")) == (1, 5, 1.2, 6)
    assert (g4.score, g4.max) == (3.2, 10.0)
    # 5: ended with a result in July A, B, F (3); A has an electronic result → 6 ÷ 3 = 2.0; A digitised
    # (paper + result) → (1/3) ÷ 0.8 × 4 = 1.67; no reuse 0 ÷ 5; 5.6 T.0001 had a VNeID dossier → 1 ÷ 1 × 2;
    # 5.7 C of 5 → 0.4. 5.3 and 5.5 N/A. Total 2 + 1.67 + 0 + 2 + 0.4 = 6.07 of 6 + 4 + 2 + 2 + 2 = 16.
    assert figures(result.indicator("5.1")) == (1, 3, 2.0, 6)
    assert figures(result.indicator("5.2")) == (1, 3, 1.67, 4)
    assert figures(result.indicator("5.4")) == (0, 5, 0.0, 2)
    assert result.indicator("5.3").score is None and result.indicator("5.5").score is None
    assert figures(result.indicator("5.6")) == (1, 1, 2.0, 2)
    assert figures(result.indicator("5.7")) == (1, 5, 0.4, 2)
    assert (g5.score, g5.max) == (6.07, 16.0)
    # 6: petitions: B's answered on time, E's overdue unanswered → 1 ÷ 2 × 6 = 3; rated 1, satisfied 1 → 6;
    # dossiers: 3 judged, 1 late (B), 1 with a complaint (B) → 1 − 2/3 = 0.333 ÷ 0.9 × 6 = 2.22.
    assert figures(result.indicator("6.1")) == (1, 2, 3.0, 6)
    assert figures(result.indicator("6.2")) == (1, 1, 6.0, 6)
    assert figures(result.indicator("6.3")) == (1, 3, 2.22, 6)
    assert (g6.score, g6.max) == (11.22, 18.0)
    # Total 0 + 13.33 + 2.4 + 3.2 + 6.07 + 11.22 = 36.22 of 2 + 20 + 12 + 10 + 16 + 18 = 78 → 46.44 %.
    assert (result.total, result.max, result.percent) == (36.22, 78.0, 46.44)
    assert band_for(score=result.total, max=result.max) == "red"
    assert (g2.score, g2.max) == (13.33, 20.0)


def test_june_and_the_province(world, history):  # noqa: F811
    june = index_compute(unit=world.bmt, start=date(2026, 6, 1), end=date(2026, 6, 30))
    # June: G judged early; F open at the end of June, due 2 Jul → within. 2 ÷ 2 → 20.
    assert figures(june.indicator("2.1")) == (2, 2, 20.0, 20)
    assert band_for(score=june.group("2").score, max=june.group("2").max) == "green"
    province = index_compute(unit=world.province, start=JULY[0], end=JULY[1])
    # The province adds H (Tân An, open and overdue): 4 ÷ 7 × 20 = 11.43; received 6, online 1.
    assert figures(province.indicator("2.1")) == (4, 7, 11.43, 20)
    assert figures(province.indicator("3.1")) == (1, 6, 2.0, 12)
    tan_an = index_compute(unit=world.tan_an, start=JULY[0], end=JULY[1])
    assert figures(tan_an.indicator("2.1")) == (0, 1, 0.0, 20)
    # A day: on Tue 14 Jul B was judged late and nothing else; open at its end: C not yet, D within, E
    # overdue → 1 ÷ 3 (D) → 6.67.
    day = index_compute(unit=world.bmt, start=date(2026, 7, 14), end=date(2026, 7, 14))
    assert figures(day.indicator("2.1")) == (1, 3, 6.67, 20)


def test_counters_and_the_dossiers_agree(world, history):  # noqa: F811
    units = [world.province, world.bmt, world.tan_an]
    counted = facts_for_units(units=units, start=JULY[0], end=JULY[1], config=config_current())
    direct = facts_direct(units=units, start=JULY[0], end=JULY[1])
    for unit in units:
        for name in ("received", "open_total", "open_within", "finished_late", "finished_e_result",
                     "handling_wd_milli", "petitions_open_overdue", "petitions_satisfied", "procedures_paid_online"):
            assert getattr(counted[unit.pk], name) == getattr(direct[unit.pk], name), (unit.code, name)


def test_many_units_cost_the_same_queries_with_or_without_dossiers(world):  # noqa: F811
    communes = list(Unit.objects.filter(parent=world.province).communes())
    assert len(communes) == 102
    config_current()  # cached: the configuration is not read again per call
    with CaptureQueriesContext(connection) as empty:
        index_compute_many(units=communes, start=JULY[0], end=JULY[1])
    make_history(world)
    # The cache lasts 30 s; on a loaded machine make_history can outlast it: warm it again (not counted).
    config_current()
    with CaptureQueriesContext(connection) as full:
        many = index_compute_many(units=communes, start=JULY[0], end=JULY[1])
    assert len(full) == len(empty) <= 8
    assert many[world.bmt.pk].total == 36.22
