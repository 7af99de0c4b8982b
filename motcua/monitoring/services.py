# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes for monitoring: the index configuration (the counters are written by `counters`)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed

from .definitions import GROUP_POINTS, INDICATORS, config_forget
from .models import IndexConfig, IndexWeight

TOTAL_POINTS = Decimal(100)


def index_config_validate(*, band_green: Decimal, band_yellow: Decimal, weights: dict[str, tuple[Decimal, Decimal]]
                          ) -> None:
    """Refuse a configuration that cannot be right: the indicators of a group must add up to the group's
    points, the groups to 100, thresholds within (0, 100] %, and the bands ordered 0 ≤ yellow < green ≤ 100."""
    errors = []
    if not (Decimal(0) <= band_yellow < band_green <= Decimal(100)):
        errors.append(_("Ngưỡng màu phải thỏa 0 ≤ vàng < xanh ≤ 100 (đang là vàng %(yellow)s, xanh %(green)s).")
                      % {"yellow": band_yellow, "green": band_green})
    missing = [key for key in [*GROUP_POINTS, *(i.id for i in INDICATORS)] if key not in weights]
    if missing:
        errors.append(_("Thiếu điểm của: %(keys)s.") % {"keys": ", ".join(missing)})
    else:
        for group in GROUP_POINTS:
            points = weights[group][0]
            parts = sum((weights[i.id][0] for i in INDICATORS if i.group == group), Decimal(0))
            if parts != points:
                errors.append(_("Nhóm %(group)s: tổng điểm các chỉ số là %(parts)s, khác điểm của nhóm (%(points)s).")
                              % {"group": group, "parts": parts, "points": points})
        total = sum((weights[group][0] for group in GROUP_POINTS), Decimal(0))
        if total != TOTAL_POINTS:
            errors.append(_("Tổng điểm sáu nhóm là %(total)s, phải bằng 100.") % {"total": total})
    for key, (points, threshold) in weights.items():
        if points < 0 or not (Decimal(0) < threshold <= Decimal(100)):
            errors.append(_("%(key)s: điểm không được âm và ngưỡng đạt tối đa phải trong khoảng (0, 100] %%.")
                          % {"key": key})
    if errors:
        raise ValidationFailed(" ".join(errors), code="index_config_invalid", extra={"errors": errors})


@transaction.atomic
def index_config_save(*, band_green: Decimal, band_yellow: Decimal, publish_days: int,
                      weights: dict[str, tuple[Decimal, Decimal]]) -> IndexConfig:
    """Replace the index configuration (cấu hình Bộ chỉ số) after checking it; pages use it at once."""
    index_config_validate(band_green=band_green, band_yellow=band_yellow, weights=weights)
    if publish_days < 0:
        raise ValidationFailed(_("Số ngày làm việc để công khai không được âm."), code="index_config_invalid")
    config = IndexConfig.objects.select_for_update().order_by("pk").first() or IndexConfig()
    config.band_green, config.band_yellow, config.publish_days = band_green, band_yellow, publish_days
    config.save()
    config.weights.all().delete()
    IndexWeight.objects.bulk_create([IndexWeight(config=config, key=key, points=points, threshold=threshold)
                                     for key, (points, threshold) in weights.items()])
    transaction.on_commit(config_forget)
    config_forget()
    return config
