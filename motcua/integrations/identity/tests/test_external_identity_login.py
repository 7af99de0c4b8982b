# SPDX-License-Identifier: AGPL-3.0-or-later
"""Finding or creating the citizen for a provider's subject, and what is copied from the claims."""

import pytest

from motcua.accounts.models import UserKind
from motcua.accounts.services import citizen_register
from motcua.accounts.tests.factories import CitizenFactory, OfficialFactory
from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.integrations.identity.models import ExternalIdentity
from motcua.integrations.identity.services import external_identity_login

pytestmark = pytest.mark.django_db

HOA = {"sub": "cong-dan-1", "name": "Nguyễn  Thị Hoa", "email": "Hoa.Nguyen@Example.VN",
       "phone_number": "+84 935 222 333", "cccd": "066190000789"}


def _login(claims=HOA, **kwargs):
    return external_identity_login(provider="vneid", subject=claims["sub"], claims=claims, **kwargs)


def test_a_first_login_creates_a_verified_citizen_from_the_claims():
    user = _login()
    assert user.kind == UserKind.CITIZEN and user.identity_verified
    assert user.full_name == "Nguyễn Thị Hoa" and user.national_id == "066190000789"
    assert user.phone == "0935222333" and user.email == "Hoa.Nguyen@example.vn"
    assert not user.has_usable_password()
    assert user.username.startswith("cd-")
    link = ExternalIdentity.objects.get(provider="vneid", subject="cong-dan-1")
    assert link.user == user and link.last_login_at is not None


def test_the_next_login_finds_the_same_account_and_refreshes_it():
    first = _login()
    again = _login({**HOA, "name": "Nguyễn Thị Hoa Mai", "phone_number": "0935222444"})
    assert again.pk == first.pk
    assert again.full_name == "Nguyễn Thị Hoa Mai" and again.phone == "0935222444"
    assert ExternalIdentity.objects.count() == 1


def test_the_cccd_claim_name_is_configurable():
    user = _login({"sub": "x1", "name": "Lê Văn Em", "so_dinh_danh": "066090000321"}, cccd_claim="so_dinh_danh")
    assert user.national_id == "066090000321"


def test_a_subject_never_merges_into_an_existing_account_with_the_same_data():
    password_account = citizen_register(full_name="Nguyễn Thị Hoa", phone="0935222333",
                                        email="hoa.nguyen@example.vn", national_id="066190000789",
                                        password="Hoso-rat-an-toan-1")
    official = OfficialFactory(email="hoa.nguyen2@example.vn")
    user = _login()
    assert user.pk not in {password_account.pk, official.pk}
    # What already belongs to another account is not copied (nor taken from it).
    assert user.national_id is None and user.phone == "" and user.email == ""
    password_account.refresh_from_db()
    assert password_account.national_id == "066190000789" and not password_account.identity_verified


def test_invalid_claims_are_left_out_not_fatal():
    user = _login({"sub": "x2", "name": "Lê Văn Em", "cccd": "123", "phone_number": "12", "email": "khong-hop-le",
                   })
    assert user.identity_verified and user.national_id is None and user.phone == "" and user.email == ""


def test_an_official_linked_by_hand_is_refused():
    official = OfficialFactory()
    ExternalIdentity.objects.create(user=official, provider="vneid", subject="can-bo-1")
    with pytest.raises(PermissionDenied) as exc:
        _login({**HOA, "sub": "can-bo-1"})
    assert exc.value.code == "identity_official"
    official.refresh_from_db()
    assert not official.identity_verified and official.national_id is None


@pytest.mark.parametrize("subject", ["", "   ", "x" * 256, None])
def test_a_missing_or_oversized_subject_is_refused(subject):
    with pytest.raises(ValidationFailed) as exc:
        external_identity_login(provider="vneid", subject=subject, claims={})
    assert exc.value.code == "identity_subject"


def test_the_same_subject_at_another_provider_is_another_person():
    assert _login().pk != external_identity_login(provider="khac", subject="cong-dan-1", claims={}).pk


def test_an_existing_citizen_factory_account_is_unaffected():
    other = CitizenFactory()
    _login()
    other.refresh_from_db()
    assert not other.identity_verified
