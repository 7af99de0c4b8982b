# SPDX-License-Identifier: AGPL-3.0-or-later
"""Administrator data for the working calendar: overrides of holidays.VN and office hours per unit."""

from datetime import time

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class OverrideKind(models.TextChoices):
    DAY_OFF = "nghi", _("Ngày nghỉ")
    WORKING_DAY = "lam_viec", _("Ngày làm việc")


class CalendarOverride(TimeStampedModel):
    """Calendar override (điều chỉnh lịch làm việc): a day off or a make-up working day (ngày làm bù)
    declared by an administrator — a swap announced after the holidays package was released, a local
    day off. It wins over the package. No unit: nationwide; a unit's entry also applies to the units
    below it and wins over its ancestors' and the nationwide one for the same day."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="calendar_overrides", help_text=_("Để trống nếu áp dụng trên toàn quốc."),
    )
    day = models.DateField(_("ngày"))
    kind = models.CharField(_("loại ngày"), max_length=16, choices=OverrideKind.choices)
    note = models.CharField(
        _("ghi chú"), max_length=255, blank=True, help_text=_("Ví dụ: số hiệu văn bản thông báo nghỉ, làm bù.")
    )

    class Meta:
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "day"], name="workdays_override_unit_day_unique"),
            # NULLs are distinct in a unique index: nationwide days need their own constraint.
            models.UniqueConstraint(
                fields=["day"], condition=Q(unit__isnull=True), name="workdays_override_nationwide_day_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()}"


class OfficeHours(TimeStampedModel):
    """Office hours (giờ làm việc) of a unit, morning and afternoon. Units without their own row use
    their nearest ancestor's, else the default 07:30–11:30, 13:30–17:00."""

    unit = models.OneToOneField(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="office_hours"
    )
    morning_start = models.TimeField(_("buổi sáng bắt đầu"), default=time(7, 30))
    morning_end = models.TimeField(_("buổi sáng kết thúc"), default=time(11, 30))
    afternoon_start = models.TimeField(_("buổi chiều bắt đầu"), default=time(13, 30))
    afternoon_end = models.TimeField(_("buổi chiều kết thúc"), default=time(17, 0))

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_start__lt=F("morning_end"))
                & Q(morning_end__lt=F("afternoon_start"))
                & Q(afternoon_start__lt=F("afternoon_end")),
                name="workdays_office_hours_in_order",
                violation_error_message=_("Giờ làm việc phải tăng dần: sáng bắt đầu < sáng kết thúc < chiều bắt đầu < chiều kết thúc."),
            ),
        ]

    def __str__(self) -> str:
        periods = ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in self.periods)
        return f"{self.unit}: {periods}"

    @property
    def periods(self) -> tuple[tuple[time, time], ...]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))
