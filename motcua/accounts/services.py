# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes to accounts: officials, citizens, role assignments."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.core.services import audit_record
from motcua.units.models import Unit

from .models import Role, RoleAssignment, User, UserKind
from .validators import normalize_phone, validate_cccd, validate_phone


def _check(validator, value) -> None:
    try:
        validator(value)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages[0], code=exc.code or "invalid") from None


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), code="password_weak") from None


@transaction.atomic
def official_create(
    *, username: str, full_name: str, password: str, email: str = "", phone: str = "",
    check_password: bool = True, actor=None,
) -> User:
    """Create an official (cán bộ, công chức) account; roles are assigned separately."""
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(_("Tên đăng nhập %(username)s đã được dùng.") % {"username": username},
                               code="username_taken")
    if phone:
        _check(validate_phone, phone)
    user = User(username=username, full_name=full_name, email=email, phone=normalize_phone(phone),
                kind=UserKind.OFFICIAL, is_staff=False)
    if check_password:
        _check_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(action="accounts.official_created", obj=user, actor=actor)
    return user


@transaction.atomic
def citizen_register(
    *, full_name: str, national_id: str, phone: str, password: str, email: str = "", actor=None
) -> User:
    """Register a citizen (công dân): CCCD and phone validated, the phone number is the login name."""
    _check(validate_cccd, national_id)
    _check(validate_phone, phone)
    phone = normalize_phone(phone)
    if User.objects.filter(national_id=national_id).exists():
        raise ValidationFailed(_("Số CCCD này đã có tài khoản."), code="cccd_taken")
    if User.objects.filter(username=phone).exists():
        raise ValidationFailed(_("Số điện thoại này đã có tài khoản."), code="phone_taken")
    user = User(username=phone, full_name=full_name.strip(), national_id=national_id, phone=phone, email=email,
                kind=UserKind.CITIZEN)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    audit_record(action="accounts.citizen_registered", obj=user, actor=actor)
    return user


@transaction.atomic
def role_assign(*, user: User, unit: Unit, role: str, actor=None) -> RoleAssignment:
    """Give an official a role in a unit (idempotent: assigning the same role twice keeps one row)."""
    if user.kind != UserKind.OFFICIAL:
        raise ValidationFailed(_("Chỉ cán bộ, công chức mới được phân vai trò."), code="role_not_official")
    if role not in Role.values:
        raise ValidationFailed(_("Vai trò %(role)s không tồn tại.") % {"role": role}, code="role_unknown")
    if role == Role.PROVINCE_ADMIN and unit.level != "province":
        raise ValidationFailed(_("Vai trò quản trị cấp tỉnh chỉ gán tại tỉnh, thành phố."), code="role_wrong_level")
    if unit.valid_to is not None:
        raise ValidationFailed(_("Đơn vị %(name)s đã hết hiệu lực.") % {"name": unit.name}, code="unit_closed")
    assignment, created = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    if created:
        audit_record(action="accounts.role_assigned", obj=assignment, actor=actor,
                     data={"role": role, "unit": unit.code, "user": user.pk})
    user.__dict__.pop("_motcua_assignments", None)
    return assignment
