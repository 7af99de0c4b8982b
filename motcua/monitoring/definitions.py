# SPDX-License-Identifier: AGPL-3.0-or-later
"""The six groups and their indicators (domain.md §5), the configuration they are scored with, and the pure
scoring: facts in, indicator results out. No database here except `config_current`.

Each indicator = ratio × its points; with a threshold t < 100 % it gets full points at ratio ≥ t and
ratio ÷ t × points below. Denominator 0, or a source motcua does not have, → N/A with a Vietnamese reason.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .facts import Facts
    from .index import IndicatorResult

GROUPS = [
    ("1", _("Công khai, minh bạch")),
    ("2", _("Tiến độ giải quyết")),
    ("3", _("Dịch vụ công trực tuyến")),
    ("4", _("Thanh toán trực tuyến")),
    ("5", _("Số hóa hồ sơ")),
    ("6", _("Mức độ hài lòng")),
]
GROUP_POINTS = {"1": 18, "2": 20, "3": 12, "4": 10, "5": 22, "6": 18}


@dataclass(frozen=True)
class Indicator:
    id: str
    group: str
    name: object  # lazy translation
    points: float  # default weight
    threshold: float = 1.0  # default: full points at 100 %


INDICATORS = [
    Indicator("1.1", "1", _("Thủ tục hành chính được công bố đúng hạn"), 6),
    Indicator("1.2", "1", _("Thủ tục hành chính được công khai đúng hạn"), 4),
    Indicator("1.3", "1", _("Thủ tục hành chính được công khai đầy đủ các bộ phận bắt buộc"), 2),
    Indicator("1.4", "1", _("Hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia"), 6),
    Indicator("2.1", "2", _("Hồ sơ giải quyết đúng hạn và đang giải quyết còn trong hạn"), 20),
    Indicator("3.1", "3", _("Hồ sơ trực tuyến toàn trình trên hồ sơ của thủ tục đủ điều kiện toàn trình"), 12),
    Indicator("3.2", "3", _("Thủ tục cung cấp dịch vụ công trực tuyến toàn trình (tham khảo)"), 0, 0.8),
    Indicator("3.3", "3", _("Hồ sơ nộp trực tuyến (tham khảo)"), 0, 0.5),
    Indicator("4.1", "4", _("Thủ tục có phí, lệ phí được tích hợp thanh toán trực tuyến"), 2, 0.8),
    Indicator("4.2", "4", _("Thủ tục có phát sinh thanh toán trực tuyến"), 2),
    Indicator("4.3", "4", _("Hồ sơ thanh toán trực tuyến trên hồ sơ có phí, lệ phí"), 6),
    Indicator("5.1", "5", _("Hồ sơ có kết quả điện tử"), 6),
    Indicator("5.2", "5", _("Hồ sơ được số hóa thành phần và kết quả"), 4, 0.8),
    Indicator("5.3", "5", _("Chứng thực bản sao điện tử từ bản chính"), 2),
    Indicator("5.4", "5", _("Hồ sơ tái sử dụng dữ liệu đã số hóa"), 2, 0.8),
    Indicator("5.5", "5", _("Hồ sơ sử dụng kho dữ liệu điện tử của tổ chức, cá nhân"), 4),
    Indicator("5.6", "5", _("Thủ tục có hồ sơ sử dụng dữ liệu dân cư"), 2),
    Indicator("5.7", "5", _("Hồ sơ sử dụng dữ liệu dân cư (tài khoản xác thực VNeID)"), 2),
    Indicator("6.1", "6", _("Phản ánh, kiến nghị được xử lý đúng hạn"), 6),
    Indicator("6.2", "6", _("Hài lòng với việc xử lý phản ánh, kiến nghị"), 6),
    Indicator("6.3", "6", _("Hài lòng trong giải quyết thủ tục hành chính"), 6, 0.9),
]
INDICATOR_IDS = [i.id for i in INDICATORS]

# Indicators whose source does not exist in motcua: always N/A with this reason (never a made-up value).
NO_SOURCE = {
    "1.1": _("chưa có dữ liệu ngày có hiệu lực của văn bản quy định thủ tục để xét công bố đúng hạn"),
    "1.4": _("chưa có kết nối đồng bộ với Cổng Dịch vụ công quốc gia"),
    "5.3": _("chưa có chức năng chứng thực bản sao điện tử từ bản chính"),
    "5.5": _("chưa có kết nối kho dữ liệu điện tử của tổ chức, cá nhân trên Cổng Dịch vụ công quốc gia"),
}


@dataclass(frozen=True)
class ScoringConfig:
    """What an administrator may change (models.IndexConfig and its weights, in the admin): points, thresholds, bands."""

    group_points: dict[str, float]
    points: dict[str, float]
    thresholds: dict[str, float]  # 0..1
    band_green: float = 0.9  # share of the maximum
    band_yellow: float = 0.7
    publish_days: int = 5  # working days from the decision to making a procedure public (indicator 1.2)


DEFAULT_CONFIG = ScoringConfig(
    group_points=dict(GROUP_POINTS),
    points={i.id: float(i.points) for i in INDICATORS},
    thresholds={i.id: i.threshold for i in INDICATORS},
)

_cache_lock = threading.Lock()
_cache: dict = {}


def config_current() -> ScoringConfig:
    """The configuration in force (the database's, else the defaults), cached a few seconds per process;
    `config_forget()` (called by the service that saves it) drops the cache at once."""
    with _cache_lock:
        hit = _cache.get("config")
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
    from .selectors import index_config_read

    config = index_config_read()
    with _cache_lock:
        seconds = getattr(settings, "MOTCUA_INDEX_CONFIG_CACHE_SECONDS", 30)
        _cache["config"] = (time.monotonic() + seconds, config)
    return config


def config_forget() -> None:
    with _cache_lock:
        _cache.clear()


# ---------------------------------------------------------------- scoring (pure)


def score_of(ratio: float, points: float, threshold: float) -> float:
    """ratio × points, or full points from `threshold` on; always within [0, points], 2 decimals."""
    ratio = min(max(ratio, 0.0), 1.0)
    share = 1.0 if threshold <= 0 else min(1.0, ratio / threshold)
    return round(min(points, max(0.0, share * points)), 2)


def indicator_result(indicator: Indicator, config: ScoringConfig, numerator, denominator, *, ratio=None,
                     na_reason: str = "") -> IndicatorResult:
    from .index import IndicatorResult

    points = round(config.points[indicator.id], 2)
    threshold = config.thresholds[indicator.id]
    result = IndicatorResult(id=indicator.id, name=indicator.name, max=points, threshold=threshold)
    if indicator.id in NO_SOURCE:
        result.na_reason = NO_SOURCE[indicator.id]
        return result
    if na_reason:
        result.na_reason = na_reason
        return result
    result.numerator, result.denominator = numerator, denominator
    if not denominator:
        result.na_reason = _("không có số liệu để tính (mẫu số bằng 0)")
        return result
    if ratio is None:
        ratio = numerator / denominator
    result.ratio = min(max(float(ratio), 0.0), 1.0)
    result.score = score_of(result.ratio, points, threshold)
    return result


def indicator_scores(facts: Facts, config: ScoringConfig) -> dict[str, IndicatorResult]:
    """Every indicator of one unit and period from its facts (see facts.Facts for each figure's meaning)."""
    f = facts
    judged = f.finished_early + f.finished_on_time + f.finished_late
    progress_denominator = judged + f.open_total
    unhappy = f.finished_late + f.finished_complained
    pairs = {
        "1.1": (0, 0),
        "1.2": (f.procedures_public_on_time, f.procedures_decided),
        "1.3": (f.procedures_complete, f.procedures_published),
        "1.4": (0, 0),
        "2.1": (f.finished_early + f.finished_on_time + f.open_within, progress_denominator),
        "3.1": (f.received_online_full, f.received_full_eligible),
        "3.2": (f.procedures_online_full, f.procedures_published),
        "3.3": (f.received_online, f.received),
        "4.1": (f.procedures_fee_integrated, f.procedures_with_fee),
        "4.2": (f.procedures_paid_online, f.procedures_fee_received),
        "4.3": (f.received_paid_online, f.received_with_fee),
        "5.1": (f.finished_e_result, f.finished_done),
        "5.2": (f.finished_digitised, f.finished_done),
        "5.3": (0, 0),
        "5.4": (f.received_reuse, f.received),
        "5.5": (0, 0),
        "5.6": (f.procedures_identity, f.procedures_received),
        "5.7": (f.received_identity, f.received),
        "6.1": (f.petitions_on_time, f.petitions_on_time + f.petitions_late + f.petitions_open_overdue),
        "6.2": (f.petitions_satisfied, f.petitions_rated),
        "6.3": (judged - min(unhappy, judged), judged),
    }
    results = {}
    for indicator in INDICATORS:
        numerator, denominator = pairs[indicator.id]
        ratio = None
        if indicator.id == "6.3" and judged:
            # 100 % − (late rate + rate of dossiers with a complaint or a negative rating), never below 0
            ratio = max(0.0, 1 - unhappy / judged)
        results[indicator.id] = indicator_result(indicator, config, numerator, denominator, ratio=ratio)
    return results
