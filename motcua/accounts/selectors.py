# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of accounts: who a login name points to, whether a phone number or e-mail is already used."""

from django.core.exceptions import ValidationError
from django.db.models import Q

from .models import User
from .validators import normalize_email, normalize_phone, validate_phone


def phone_or_none(value: str) -> str | None:
    """The normal form of `value` when it is a valid Vietnamese phone number, else None."""
    try:
        validate_phone(value)
    except ValidationError:
        return None
    return normalize_phone(value)


def login_identifier(value: str) -> str:
    """The key one person's login attempts are counted under: '+84 935 111 222' and '0935111222' are
    the same phone, 'An@Example.vn' and 'an@example.vn' the same e-mail; a username stays as typed."""
    value = (value or "").strip()
    if "@" in value:
        return value.lower()
    return phone_or_none(value) or value


def user_for_login(identifier: str) -> User | None:
    """The account a login name (tên đăng nhập) means: a username first, else the one account with a
    password whose e-mail (any case) or phone number it is. Two such accounts: None — the person must
    use their username; a password is never tried against several accounts."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    exact = User.objects.filter(username=identifier).first()
    if exact is not None:
        return exact
    if "@" in identifier:
        match = Q(email__iexact=normalize_email(identifier))
    else:
        phone = phone_or_none(identifier)
        if phone is None:
            return None
        match = Q(username=phone) | Q(phone=phone)
    # Accounts without a usable password (VNeID-only) cannot log in with one: leave them out, so that
    # they never make a password account's phone or e-mail ambiguous.
    candidates = list(User.objects.filter(match).exclude(password__startswith="!")[:2])
    return candidates[0] if len(candidates) == 1 else None


def phone_in_use(phone: str, *, exclude: User | None = None) -> bool:
    """Is this (normalised) phone number already the login name or the phone of an account?"""
    users = User.objects.filter(Q(username=phone) | Q(phone=phone))
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


def email_in_use(email: str, *, exclude: User | None = None) -> bool:
    users = User.objects.filter(email__iexact=normalize_email(email))
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()


def national_id_in_use(national_id: str, *, exclude: User | None = None) -> bool:
    users = User.objects.filter(national_id=national_id)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return users.exists()
