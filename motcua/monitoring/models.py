# SPDX-License-Identifier: AGPL-3.0-or-later
"""Monitoring data: the index configuration an administrator edits, and the counters the index reads.

Counters are derived data: `motcua index rebuild` can always recompute them from the dossiers and their
events (docs/monitoring.md). They are written only by `monitoring.counters`.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


class IndexConfig(models.Model):
    """Index configuration (cấu hình Bộ chỉ số 766): one row, with its weights (IndexWeight). Defaults from
    domain.md §5; the heat-map bands are a local choice (no official bands are published)."""

    band_green = models.DecimalField(_("ngưỡng màu xanh (% điểm tối đa)"), max_digits=5, decimal_places=2,
                                     default=Decimal(90), validators=PERCENT)
    band_yellow = models.DecimalField(_("ngưỡng màu vàng (% điểm tối đa)"), max_digits=5, decimal_places=2,
                                      default=Decimal(70), validators=PERCENT)
    publish_days = models.PositiveSmallIntegerField(
        _("số ngày làm việc để công khai thủ tục"), default=5,
        help_text=_("Chỉ số 1.2: thủ tục được công khai đúng hạn khi ngày công khai không quá số ngày làm việc "
                    "này kể từ ngày quyết định công bố."))
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("cấu hình Bộ chỉ số")
        verbose_name_plural = _("cấu hình Bộ chỉ số")

    def __str__(self) -> str:
        return str(_("Cấu hình Bộ chỉ số phục vụ người dân, doanh nghiệp"))


class IndexWeight(models.Model):
    """Points of a group ("2") or of an indicator ("2.1") and, for an indicator, the ratio from which it gets
    full points (ngưỡng đạt điểm tối đa)."""

    config = models.ForeignKey(IndexConfig, on_delete=models.CASCADE, related_name="weights")
    key = models.CharField(_("nhóm / chỉ số"), max_length=8)
    points = models.DecimalField(_("điểm"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    threshold = models.DecimalField(_("đạt tối đa khi tỷ lệ từ (%)"), max_digits=5, decimal_places=2,
                                    default=Decimal(100), validators=[MinValueValidator(Decimal("0.01")),
                                                                      MaxValueValidator(Decimal(100))])

    class Meta:
        verbose_name = _("điểm của nhóm, chỉ số")
        verbose_name_plural = _("điểm của nhóm, chỉ số")
        ordering = ["config", "key"]
        constraints = [models.UniqueConstraint(fields=["config", "key"], name="index_weight_unique")]

    def __str__(self) -> str:
        return f"{self.key}: {self.points}"


class CounterMetrics(models.Model):
    """The 23 metrics shared by the daily counters and their monthly roll-up (meanings: facts.Facts)."""

    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    received_full_eligible = models.IntegerField(default=0)
    received_online_full = models.IntegerField(default=0)
    received_with_fee = models.IntegerField(default=0)
    received_paid_online = models.IntegerField(default=0)
    received_reuse = models.IntegerField(default=0)
    received_identity = models.IntegerField(default=0)
    finished_early = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)
    finished_late = models.IntegerField(default=0)
    finished_done = models.IntegerField(default=0)
    finished_e_result = models.IntegerField(default=0)
    finished_digitised = models.IntegerField(default=0)
    finished_complained = models.IntegerField(default=0)
    handling_wd_milli = models.BigIntegerField(default=0)
    petitions_received = models.IntegerField(default=0)
    petitions_on_time = models.IntegerField(default=0)
    petitions_late = models.IntegerField(default=0)
    petitions_rated = models.IntegerField(default=0)
    petitions_satisfied = models.IntegerField(default=0)
    ratings = models.IntegerField(default=0)
    ratings_unsatisfied = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyCounter(CounterMetrics):
    """Per handling unit, day and procedure: how many dossiers had each fact that day (đếm theo ngày).

    A fact counts on its own day in the local time zone (received on the receipt day, judged on the day
    handling ended, ...); facts about a dossier's cohort (paid online, reused paper, electronic result,
    complaint) count on the day of the fact they qualify. Meanings: facts.Facts."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("bộ đếm theo ngày")
        verbose_name_plural = _("bộ đếm theo ngày")
        constraints = [models.UniqueConstraint(fields=["unit", "day", "procedure"], name="daily_counter_unique")]
        indexes = [models.Index(fields=["day", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.procedure_id}"


class MonthlyCounter(CounterMetrics):
    """Roll-up of DailyCounter by calendar month (cộng dồn theo tháng): `month` is the month's first day and
    each metric the sum of the month's daily rows. Written with the daily rows by the same code (listener:
    the same deltas; rebuild: summed from the daily rows), so a year reads 12 rows per key, not 365."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("bộ đếm theo tháng")
        verbose_name_plural = _("bộ đếm theo tháng")
        constraints = [models.UniqueConstraint(fields=["unit", "month", "procedure"],
                                               name="monthly_counter_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m} {self.procedure_id}"


METRICS = [f.name for f in DailyCounter._meta.local_fields
           if isinstance(f, models.IntegerField) and not f.primary_key and not f.is_relation]


class OpenKind(models.TextChoices):
    DOSSIER = "ho_so", _("Hồ sơ đang giải quyết")
    PETITION = "pakn", _("Phản ánh, kiến nghị chưa trả lời")


class OpenLedger(models.Model):
    """What every table of the open ledger holds (daily, monthly, yearly checkpoint): a count of open items
    of a kind at a unit, by due day; each adds its own date column."""

    kind = models.CharField(max_length=8, choices=OpenKind.choices)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    due_day = models.DateField()
    count = models.IntegerField(default=0)
    updated_at = models.DateTimeField()

    class Meta:
        abstract = True


class OpenCounter(OpenLedger):
    """Open items by the day they changed and their due day (sổ theo dõi hồ sơ đang mở): +1 when a dossier
    (petition) opens with due day `due_day`, −1 when it closes or its due day changes, on `day`.

    Open at the end of day T = Σ count over day ≤ T; still within time = the same over due_day > T.
    `due_day` holds two markers: WITHIN_ALWAYS (waiting for the applicant after a timely request: judged
    at that request) and LATE_ALWAYS (more than one supplement request: late whatever the dates)."""

    day = models.DateField()

    class Meta:
        verbose_name = _("sổ theo dõi hồ sơ đang mở")
        verbose_name_plural = _("sổ theo dõi hồ sơ đang mở")
        constraints = [models.UniqueConstraint(fields=["kind", "unit", "day", "due_day"], name="open_counter_unique")]
        indexes = [models.Index(fields=["unit", "day"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.unit_id} {self.day} → {self.due_day}: {self.count}"


class OpenMonthly(OpenLedger):
    """Roll-up of OpenCounter by calendar month of `day` (sổ theo dõi cộng dồn theo tháng): the sum of the
    month's rows per kind, unit and due day. Open at the end of day T = the monthly rows of the months
    before T's month + the daily rows of T's month up to T."""

    month = models.DateField()

    class Meta:
        verbose_name = _("sổ theo dõi hồ sơ đang mở theo tháng")
        verbose_name_plural = _("sổ theo dõi hồ sơ đang mở theo tháng")
        constraints = [models.UniqueConstraint(fields=["unit", "month", "kind", "due_day"],
                                               name="open_monthly_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.unit_id} {self.month:%Y-%m} → {self.due_day}: {self.count}"


class OpenBalance(OpenLedger):
    """Open items carried over the start of a year (sổ theo dõi chuyển năm): at the checkpoint `as_of`
    (1 January), the sum of every OpenCounter row of the days before it, per kind, unit and due day; due
    days before `as_of` are merged into `as_of` − 1 (for any day from `as_of` on they are simply past), and
    zero sums are left out. Open at the end of day T = the balance of the latest checkpoint ≤ T's month +
    the monthly rows from it + the daily rows of T's month: a bounded read whatever the years of history.
    Written only by `counters.balances_refresh` (the roll-ups' refresh, `motcua index checkpoints`); a
    checkpoint with no row at all reads as absent (the monthly rows are then summed from the beginning), so
    an empty table is always right, only slower."""

    as_of = models.DateField()

    class Meta:
        verbose_name = _("sổ theo dõi hồ sơ đang mở chuyển năm")
        verbose_name_plural = _("sổ theo dõi hồ sơ đang mở chuyển năm")
        constraints = [models.UniqueConstraint(fields=["as_of", "unit", "kind", "due_day"],
                                               name="open_balance_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.unit_id} {self.as_of} → {self.due_day}: {self.count}"


class DossierTrack(models.Model):
    """What the counters hold about one dossier (its contribution), so that the next event adds only the
    difference. `state` is counters.Track as JSON; it also keeps the legal due moments seen at each event
    (the dossier row keeps only the latest) so that a rebuild replays history exactly."""

    dossier = models.OneToOneField("dossiers.Dossier", primary_key=True, on_delete=models.CASCADE,
                                   related_name="+")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    state = models.JSONField(default=dict)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("đóng góp của hồ sơ vào bộ đếm")
        verbose_name_plural = _("đóng góp của hồ sơ vào bộ đếm")

    def __str__(self) -> str:
        return str(self.dossier_id)
