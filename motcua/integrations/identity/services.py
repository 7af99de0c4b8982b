# SPDX-License-Identifier: AGPL-3.0-or-later
"""Login through an identity provider (đăng nhập bằng định danh điện tử, VNeID): find the citizen linked
to the provider's subject, or create one, and copy what the provider verified."""

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.accounts.services import VerifiedIdentity, citizen_apply_verified_identity
from motcua.core.errors import ValidationFailed

from .models import ExternalIdentity

SUBJECT_MAX_LENGTH = 255


def _claim(claims: Mapping, name: str) -> str:
    value = claims.get(name) if name else None
    return value.strip() if isinstance(value, str) else ""


def identity_from_claims(claims: Mapping, *, cccd_claim: str) -> VerifiedIdentity:
    """Standard claims (name, email, phone_number) plus the CCCD under the claim name the provider uses."""
    return VerifiedIdentity(full_name=_claim(claims, "name"), national_id=_claim(claims, cccd_claim),
                            phone=_claim(claims, "phone_number"), email=_claim(claims, "email"))


@transaction.atomic
def _login(provider: str, subject: str, identity: VerifiedIdentity) -> User:
    link = (ExternalIdentity.objects.select_for_update().select_related("user")
            .filter(provider=provider, subject=subject).first())
    if link is None:
        user = citizen_apply_verified_identity(identity=identity)
        link = ExternalIdentity(user=user, provider=provider, subject=subject)
    else:
        # Never a new link to an existing account: only the account this subject created is refreshed
        # (an official's account is refused inside).
        user = citizen_apply_verified_identity(identity=identity, user=link.user)
    link.last_login_at = timezone.now()
    with transaction.atomic():
        link.save()
    return user


def external_identity_login(*, provider: str, subject: str, claims: Mapping, cccd_claim: str = "cccd") -> User:
    """The citizen account for `subject` at `provider`, created on its first login. Two first logins of
    the same subject at once: the second finds the first's account."""
    subject = (subject or "").strip() if isinstance(subject, str) else ""
    if not subject or len(subject) > SUBJECT_MAX_LENGTH:
        raise ValidationFailed(_("Nhà cung cấp định danh không trả về mã định danh hợp lệ."), code="identity_subject")
    identity = identity_from_claims(claims, cccd_claim=cccd_claim)
    try:
        return _login(provider, subject, identity)
    except IntegrityError:
        return _login(provider, subject, identity)
