# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel

from .validators import validate_cccd, validate_phone


class UserKind(models.TextChoices):
    OFFICIAL = "can_bo", _("Cán bộ, công chức")
    CITIZEN = "cong_dan", _("Công dân, tổ chức")


class User(AbstractUser):
    """User (người dùng): an official (cán bộ) holding roles in units, or a citizen/business (công dân)."""

    kind = models.CharField(_("loại tài khoản"), max_length=16, choices=UserKind.choices, default=UserKind.CITIZEN)
    full_name = models.CharField(_("họ và tên"), max_length=255, blank=True)
    national_id = models.CharField(
        _("số CCCD"), max_length=12, null=True, blank=True, unique=True, validators=[validate_cccd]
    )
    phone = models.CharField(_("số điện thoại"), max_length=15, blank=True, validators=[validate_phone])
    identity_verified = models.BooleanField(_("đã xác thực định danh điện tử"), default=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            # A citizen logs in with their e-mail: one citizen account per address, whatever its case.
            models.UniqueConstraint(
                Lower("email"), condition=Q(kind="cong_dan") & ~Q(email=""), name="citizen_email_unique_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.get_username()

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    @property
    def is_official(self) -> bool:
        return self.kind == UserKind.OFFICIAL


class Role(models.TextChoices):
    RECEIVER = "tiep_nhan", _("Cán bộ tiếp nhận (một cửa)")
    SPECIALIST = "chuyen_vien", _("Chuyên viên xử lý")
    DEPARTMENT_LEADER = "lanh_dao_phong", _("Lãnh đạo phòng")
    SIGNING_LEADER = "lanh_dao_ky", _("Lãnh đạo ký duyệt")
    CLERK = "van_thu", _("Văn thư")
    UNIT_ADMIN = "quan_tri_don_vi", _("Quản trị đơn vị")
    PROVINCE_ADMIN = "quan_tri_tinh", _("Quản trị cấp tỉnh")
    DASHBOARD_VIEWER = "theo_doi", _("Theo dõi, giám sát")


class RoleAssignment(TimeStampedModel):
    """Role assignment (phân công vai trò): an official holds a role in one unit for a period."""

    user = models.ForeignKey(User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="roles")
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    role = models.CharField(_("vai trò"), max_length=24, choices=Role.choices)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="role_assignment_unique")]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


def active_assignment_q(day) -> Q:
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
