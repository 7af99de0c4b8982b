# SPDX-License-Identifier: AGPL-3.0-or-later
"""Scoring rules: every score within [0, max] whatever the figures and weights, N/A left out of the group and
the total, rounding that adds up, bands, and the administrator's configuration (checked, then used)."""

from dataclasses import fields
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.errors import ValidationFailed
from motcua.monitoring.definitions import (
    DEFAULT_CONFIG,
    GROUP_POINTS,
    INDICATORS,
    ScoringConfig,
    config_current,
    config_forget,
    indicator_scores,
    score_of,
)
from motcua.monitoring.facts import Facts
from motcua.monitoring.index import band_for, index_compute, period_of, rank_children, result_build
from motcua.monitoring.services import index_config_save, index_config_validate
from motcua.units.models import Unit

DAY = date(2026, 7, 1)
UNIT = Unit(code="66", name="Tỉnh Đắk Lắk", path="66/")


@pytest.fixture(autouse=True)
def _fresh_config():
    config_forget()
    yield
    config_forget()  # a saved configuration must not outlive its test's rolled-back transaction


facts_strategy = st.builds(Facts, **{f.name: st.integers(0, 60) for f in fields(Facts)})
configs = st.builds(
    lambda points, thresholds: ScoringConfig(group_points=dict(GROUP_POINTS), points=points, thresholds=thresholds),
    st.fixed_dictionaries({i.id: st.floats(0, 40, allow_nan=False) for i in INDICATORS}),
    st.fixed_dictionaries({i.id: st.floats(0.01, 1, allow_nan=False) for i in INDICATORS}),
)


@given(facts=facts_strategy, config=configs)
def test_every_score_stays_within_zero_and_its_maximum(facts, config):
    # Random figures may be inconsistent (more numerator than denominator): scores must still be bounded.
    scores = indicator_scores(facts, config)
    result = result_build(unit=UNIT, start=DAY, end=DAY, scores=scores, config=config)
    for group in result.groups:
        for i in group.indicators:
            assert (i.score is None) == bool(i.na_reason)
            if i.score is not None:
                assert 0 <= i.score <= i.max and 0 <= i.ratio <= 1
        scored = [i for i in group.indicators if i.score is not None]
        assert group.max == round(sum(i.max for i in scored), 2)
        if group.score is not None:
            assert 0 <= group.score <= group.max + 1e-9
    if result.total is not None:
        assert 0 <= result.total <= result.max + 1e-9
        assert result.total == round(sum(g.score for g in result.groups if g.score is not None), 2)
        assert result.percent is None if not result.max else 0 <= result.percent <= 100


@given(ratio=st.floats(-1, 2, allow_nan=False), points=st.floats(0, 50, allow_nan=False),
       threshold=st.floats(0.01, 1, allow_nan=False))
def test_score_of_is_bounded_and_full_from_the_threshold(ratio, points, threshold):
    score = score_of(ratio, points, threshold)
    assert 0 <= score <= round(points, 2)
    if ratio >= threshold:
        assert score == round(points, 2)


def test_zero_denominators_are_not_applicable_and_left_out():
    scores = indicator_scores(Facts(), DEFAULT_CONFIG)
    result = result_build(unit=UNIT, start=DAY, end=DAY, scores=scores, config=DEFAULT_CONFIG)
    assert all(i.score is None and i.na_reason for g in result.groups for i in g.indicators)
    assert (result.total, result.max, result.percent) == (None, 0, None)
    assert band_for(score=result.total, max=result.max) == "na"
    data = result.as_dict()
    assert data["total"] is None and data["groups"][1]["indicators"][0]["score"] is None
    assert data["groups"][1]["indicators"][0]["na_reason"] == "không có số liệu để tính (mẫu số bằng 0)"


def test_the_total_counts_only_scored_indicators():
    # Two dossiers judged on time and one open overdue: 2.1 = 2 ÷ 3 × 20 = 13.33; 6.3 = 1 − 0/2 → 6;
    # everything else has no denominator. Total 19.33 of 26 → 74.35 %.
    facts = Facts(finished_on_time=2, open_total=1, open_within=0)
    result = result_build(unit=UNIT, start=DAY, end=DAY, scores=indicator_scores(facts, DEFAULT_CONFIG),
                          config=DEFAULT_CONFIG)
    assert (result.total, result.max, result.percent) == (19.33, 26.0, 74.35)
    assert [g.max for g in result.groups] == [0, 20.0, 0, 0, 0, 6.0]
    assert result.as_dict()["groups"][1]["indicators"][0] == {
        "id": "2.1", "name": "Hồ sơ giải quyết đúng hạn và đang giải quyết còn trong hạn", "numerator": 2.0,
        "denominator": 3.0, "ratio": 0.67, "score": 13.33, "max": 20.0, "na_reason": ""}


def test_satisfaction_subtracts_late_and_complaints_and_never_goes_below_zero():
    # 10 judged, 1 late, 1 complaint → 1 − 0.2 = 0.8; full at 90 % → 0.8 ÷ 0.9 × 6 = 5.33
    ok = indicator_scores(Facts(finished_on_time=9, finished_late=1, finished_complained=1), DEFAULT_CONFIG)["6.3"]
    assert (ok.ratio, ok.score) == (0.8, 5.33)
    # 2 judged, both late and both complained about → 1 − 4/2 < 0 → 0
    bad = indicator_scores(Facts(finished_late=2, finished_complained=2), DEFAULT_CONFIG)["6.3"]
    assert (bad.ratio, bad.score) == (0.0, 0.0)


@pytest.mark.parametrize(("score", "expected"), [(90, "green"), (89.99, "yellow"), (70, "yellow"), (69.99, "red"),
                                                 (0, "red"), (None, "na")])
@pytest.mark.django_db
def test_default_bands(score, expected):
    assert band_for(score=score, max=100) == expected
    assert band_for(score=score if score is None else score / 5, max=20) == expected


def test_periods_and_ranks():
    assert period_of(kind="quarter", on=date(2026, 8, 15)) == (date(2026, 7, 1), date(2026, 9, 30))
    assert period_of(kind="month", on=date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))
    assert period_of(kind="year", on=date(2026, 2, 3)) == (date(2026, 1, 1), date(2026, 12, 31))
    assert period_of(kind="day", on=DAY) == (DAY, DAY)
    with pytest.raises(ValidationFailed):
        period_of(kind="week", on=DAY)

    def res(code, total, max_):
        from motcua.monitoring.index import IndexResult

        return IndexResult(unit=Unit(code=code, name=code, path=f"66/{code}/"), start=DAY, end=DAY, total=total,
                           max=max_)
    ranked = rank_children([res("b", 40, 50), res("a", 80, 100), res("c", 10, 20), res("d", None, 0)])
    # b and a both 80 % → both first; c (50 %) third; d unscored, no rank.
    assert [(rank, r.unit.code) for rank, r in ranked] == [(1, "a"), (1, "b"), (3, "c"), (None, "d")]


# ---------------------------------------------------------------- configuration


def _weights(**changes):
    weights = {key: (Decimal(points), Decimal(100)) for key, points in GROUP_POINTS.items()}
    weights |= {i.id: (Decimal(str(i.points)), Decimal(str(i.threshold * 100))) for i in INDICATORS}
    return weights | changes


def test_configuration_is_checked():
    index_config_validate(band_green=Decimal(90), band_yellow=Decimal(70), weights=_weights())
    with pytest.raises(ValidationFailed, match="Nhóm 2: tổng điểm các chỉ số là 25"):
        index_config_validate(band_green=Decimal(90), band_yellow=Decimal(70),
                              weights=_weights(**{"2.1": (Decimal(25), Decimal(100))}))
    with pytest.raises(ValidationFailed, match="phải bằng 100"):
        index_config_validate(band_green=Decimal(90), band_yellow=Decimal(70),
                              weights=_weights(**{"2": (Decimal(25), Decimal(100)), "2.1": (Decimal(25), Decimal(100))}))
    with pytest.raises(ValidationFailed, match="vàng < xanh"):
        index_config_validate(band_green=Decimal(70), band_yellow=Decimal(90), weights=_weights())
    with pytest.raises(ValidationFailed, match="6.3"):
        index_config_validate(band_green=Decimal(90), band_yellow=Decimal(70),
                              weights=_weights(**{"6.3": (Decimal(6), Decimal(0))}))


@pytest.mark.django_db
def test_the_stored_defaults_are_domain_facts_and_a_saved_configuration_is_used(dak_lak):
    assert config_current() == DEFAULT_CONFIG  # the data migration wrote exactly the defaults
    # Give progress 30 points (taken from publication) and colour green from 80 %.
    weights = _weights(**{"1": (Decimal(8), Decimal(100)), "1.4": (Decimal(0), Decimal(100)),
                          "1.2": (Decimal(0), Decimal(100)), "2": (Decimal(30), Decimal(100)),
                          "2.1": (Decimal(30), Decimal(100))})
    index_config_save(band_green=Decimal(80), band_yellow=Decimal(60), publish_days=5, weights=weights)
    assert config_current().points["2.1"] == 30.0
    assert band_for(score=85, max=100) == "green"
    result = index_compute(unit=dak_lak, start=DAY, end=DAY)
    assert result.group("2").points == 30.0 and result.indicator("2.1").max == 30.0
    with pytest.raises(ValidationFailed):
        index_config_save(band_green=Decimal(80), band_yellow=Decimal(60), publish_days=5,
                          weights=_weights(**{"3.1": (Decimal(1), Decimal(100))}))
    assert config_current().points["3.1"] == 12.0  # the refused one changed nothing
