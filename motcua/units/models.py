# SPDX-License-Identifier: AGPL-3.0-or-later
from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", _("Tỉnh")
    CITY = "thanh_pho", _("Thành phố trực thuộc trung ương")
    COMMUNE = "xa", _("Xã")
    WARD = "phuong", _("Phường")
    SPECIAL_ZONE = "dac_khu", _("Đặc khu")
    DEPARTMENT = "so_ban", _("Sở, ban, ngành")
    SERVICE_CENTER = "trung_tam", _("Trung tâm Phục vụ hành chính công")


PROVINCE_KINDS = (UnitKind.PROVINCE, UnitKind.CITY)
COMMUNE_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE)
AGENCY_KINDS = (UnitKind.DEPARTMENT, UnitKind.SERVICE_CENTER)


class UnitQuerySet(models.QuerySet):
    def provinces(self):
        return self.filter(kind__in=PROVINCE_KINDS)

    def communes(self):
        return self.filter(kind__in=COMMUNE_KINDS)

    def agencies(self):
        return self.filter(kind__in=AGENCY_KINDS)

    def active_on(self, day: date):
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))

    def subtree_of(self, unit: "Unit"):
        return self.filter(path__startswith=unit.path)


class Unit(TimeStampedModel):
    """Unit (đơn vị): a province or commune (đơn vị hành chính), or an agency inside one —
    a department (sở, ban, ngành) or a Public Administration Service Center (Trung tâm Phục vụ
    hành chính công). One tree, so permissions, roll-ups and succession walk a single structure.
    Units are never deleted: a unit that ceases gets `valid_to` and successors."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=255, blank=True)
    kind = models.CharField(_("loại"), max_length=16, choices=UnitKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # Materialised path "66/22015/": subtree queries are one indexed prefix match.
    path = models.CharField(_("đường dẫn"), max_length=255, db_index=True, editable=False)
    agency_code = models.CharField(
        _("mã định danh cơ quan"), max_length=40, blank=True,
        help_text=_("Dùng trong mã hồ sơ, ví dụ 000.00.01.H66 (theo chuẩn mã định danh cơ quan)."),
    )
    valid_from = models.DateField(_("hiệu lực từ"), default=date(2025, 7, 1))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    from_seed = models.BooleanField(
        _("theo danh mục quốc gia"), default=False, editable=False,
        help_text=_("Đơn vị do lệnh đồng bộ danh mục quản lý; đơn vị biến mất khỏi danh mục sẽ bị đóng."),
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency_code"], condition=~Q(agency_code=""), name="unit_agency_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent_id else ''}{self.code}/"
        super().save(*args, **kwargs)

    @property
    def level(self) -> str:
        if self.kind in PROVINCE_KINDS:
            return "province"
        if self.kind in COMMUNE_KINDS:
            return "commune"
        return "agency"

    @property
    def province_code(self) -> str:
        return self.path.split("/", 1)[0]

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to and including this unit."""
        return [part for part in self.path.split("/") if part]

    def is_active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class SuccessionKind(models.TextChoices):
    MERGED = "sap_nhap", _("Sáp nhập")
    RENAMED = "doi_ten", _("Đổi tên")
    SPLIT = "chia_tach", _("Chia tách")


class UnitSuccession(models.Model):
    """Succession (kế thừa): a unit that ceased and the unit(s) that took over its data and history."""

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị cũ"), on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị kế thừa"), on_delete=models.PROTECT, related_name="predecessions"
    )
    kind = models.CharField(_("hình thức"), max_length=16, choices=SuccessionKind.choices)
    is_default = models.BooleanField(
        _("kế thừa mặc định"), default=True,
        help_text=_("Đơn vị nhận hồ sơ và số liệu cũ khi không xác định được đơn vị cụ thể."),
    )
    effective_on = models.DateField(_("có hiệu lực từ"))
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_pair_unique"),
            models.UniqueConstraint(
                fields=["predecessor"], condition=Q(is_default=True), name="succession_one_default"
            ),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="succession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()})"
