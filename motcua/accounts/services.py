# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes to accounts: officials, citizens, role assignments."""

import logging
import secrets
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.core.masking import mask_text
from motcua.core.services import audit_record
from motcua.units.models import Unit

from .models import Role, RoleAssignment, User, UserKind
from .selectors import email_in_use, national_id_in_use, phone_in_use
from .validators import (
    normalize_email,
    normalize_phone,
    validate_cccd,
    validate_email_address,
    validate_phone,
)

logger = logging.getLogger(__name__)
NAME_MAX_LENGTH = 255


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


def _clean_name(full_name: str) -> str:
    name = " ".join((full_name or "").split())
    if not name:
        raise ValidationFailed(_("Vui lòng nhập họ và tên."), code="name_required")
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationFailed(_("Họ và tên dài quá %(max)s ký tự.") % {"max": NAME_MAX_LENGTH}, code="name_too_long")
    return name


def _new_citizen_username() -> str:
    """An opaque login name for accounts without a phone number: it carries no personal data and can
    never be mistaken for someone's phone or e-mail (which the login also accepts)."""
    while True:
        username = f"cd-{secrets.token_hex(5)}"
        if not User.objects.filter(username=username).exists():
            return username


def _save_new(user: User) -> None:
    """Insert; a concurrent registration that took the same phone, e-mail or CCCD first is refused
    clearly (the checks before cannot see an uncommitted row)."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationFailed(
            _("Số điện thoại, e-mail hoặc số CCCD này vừa được dùng cho một tài khoản khác."), code="account_taken"
        ) from None


@transaction.atomic
def citizen_register(
    *, full_name: str, password: str, phone: str = "", email: str = "", national_id: str = "", actor=None
) -> User:
    """Register a citizen (đăng ký tài khoản công dân) with a phone number or an e-mail address (at least
    one), optionally the CCCD. With a phone number, that number (normal form) is the username; without,
    an opaque one is made. A phone, e-mail or CCCD already used by any account is refused."""
    full_name = _clean_name(full_name)
    phone, email, national_id = (phone or "").strip(), normalize_email(email), (national_id or "").strip()
    if not phone and not email:
        raise ValidationFailed(_("Vui lòng nhập số điện thoại hoặc địa chỉ e-mail."), code="contact_required")
    if national_id:
        _check(validate_cccd, national_id)
        if national_id_in_use(national_id):
            raise ValidationFailed(_("Số CCCD này đã có tài khoản."), code="cccd_taken")
    if phone:
        _check(validate_phone, phone)
        phone = normalize_phone(phone)
        if phone_in_use(phone):
            raise ValidationFailed(_("Số điện thoại này đã có tài khoản."), code="phone_taken")
    if email:
        _check(validate_email_address, email)
        if email_in_use(email):
            raise ValidationFailed(_("Địa chỉ e-mail này đã có tài khoản."), code="email_taken")
    user = User(username=phone or _new_citizen_username(), full_name=full_name, national_id=national_id or None,
                phone=phone, email=email, kind=UserKind.CITIZEN)
    _check_password(password, user)
    user.set_password(password)
    _save_new(user)
    audit_record(action="accounts.citizen_registered", obj=user, actor=actor,
                 data={"with_phone": bool(phone), "with_email": bool(email), "with_cccd": bool(national_id)})
    return user


@dataclass(frozen=True)
class VerifiedIdentity:
    """What an identity provider (VNeID) asserts about a person; empty strings where it said nothing."""

    full_name: str = ""
    national_id: str = ""
    phone: str = ""
    email: str = ""


def _verified_value(validator, value: str, taken, user: User | None, what: str) -> str:
    """A claim worth storing: valid and not held by another account (never taken from one), else ''."""
    if not value:
        return ""
    try:
        validator(value)
    except ValidationError:
        logger.warning("Identity provider sent an invalid %s: %s", what, mask_text(value))
        return ""
    if taken(value, exclude=user):
        logger.warning("Identity provider %s %s already belongs to another account: not copied",
                       what, mask_text(value))
        return ""
    return value


@transaction.atomic
def citizen_apply_verified_identity(*, identity: VerifiedIdentity, user: User | None = None, actor=None) -> User:
    """Create (user=None) or refresh a citizen account from an identity the provider verified (định danh
    điện tử): name, CCCD, phone and e-mail copied when valid and not another account's; the account is
    marked identity_verified. An official's account is never touched: they do not log in this way."""
    if user is not None and user.kind != UserKind.CITIZEN:
        raise PermissionDenied(_("Tài khoản cán bộ không đăng nhập bằng định danh điện tử của công dân."),
                               code="identity_official")
    national_id = _verified_value(validate_cccd, identity.national_id.strip(), national_id_in_use, user, "CCCD")
    phone = _verified_value(validate_phone, normalize_phone(identity.phone), phone_in_use, user, "phone")
    email = _verified_value(validate_email_address, normalize_email(identity.email), email_in_use, user, "e-mail")
    name = " ".join(identity.full_name.split())[:NAME_MAX_LENGTH]
    created = user is None
    if created:
        user = User(username=_new_citizen_username(), kind=UserKind.CITIZEN)
        user.set_unusable_password()
    user.full_name = name or user.full_name
    user.national_id = national_id or user.national_id
    user.phone = phone or user.phone
    user.email = email or user.email
    user.identity_verified = True
    if created:
        _save_new(user)
    else:
        user.save()
    audit_record(action="accounts.citizen_verified_created" if created else "accounts.citizen_verified_updated",
                 obj=user, actor=actor, data={"with_cccd": bool(user.national_id)})
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
