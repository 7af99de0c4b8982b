# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest

from motcua.accounts.models import User, UserKind
from motcua.accounts.services import citizen_register
from motcua.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db

GOOD = {"full_name": "Trần Thị Bình", "national_id": "066190000456", "phone": "+84 935 111 222",
        "password": "Hoso-rat-an-toan-1"}


def test_citizen_registers_with_phone_as_login():
    user = citizen_register(**GOOD)
    assert user.kind == UserKind.CITIZEN
    assert user.username == "0935111222" == user.phone
    assert user.check_password(GOOD["password"])


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("national_id", "12345", "cccd_format"), ("national_id", "999190000456", "cccd_province"),
     ("phone", "12345", "phone_format"), ("password", "123", "password_weak")],
)
def test_bad_input_is_refused_and_nothing_is_written(field, value, code):
    before = User.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        citizen_register(**{**GOOD, field: value})
    assert exc.value.code == code
    assert User.objects.count() == before


def test_same_cccd_cannot_register_twice():
    citizen_register(**GOOD)
    with pytest.raises(ValidationFailed) as exc:
        citizen_register(**{**GOOD, "phone": "0935111333"})
    assert exc.value.code == "cccd_taken"
    assert "CCCD" in str(exc.value.message)


def test_factory_officials_can_log_in(client):
    from motcua.accounts.tests.factories import TEST_PASSWORD, OfficialFactory

    user = OfficialFactory()
    assert client.login(username=user.username, password=TEST_PASSWORD)
