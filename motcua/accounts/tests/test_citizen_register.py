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


def test_citizen_registers_with_email_only_and_gets_an_opaque_username():
    user = citizen_register(full_name="  Lê   Văn  Cường ", email="Cuong.Le@Example.VN", password=GOOD["password"])
    assert user.email == "Cuong.Le@example.vn"
    assert user.username.startswith("cd-") and "@" not in user.username
    assert user.full_name == "Lê Văn Cường"
    assert user.national_id is None and user.phone == ""


def test_a_phone_or_an_email_is_needed():
    with pytest.raises(ValidationFailed) as exc:
        citizen_register(full_name="Lê Văn Cường", password=GOOD["password"])
    assert exc.value.code == "contact_required"
    assert "số điện thoại hoặc địa chỉ e-mail" in str(exc.value.message)


def test_cccd_is_optional():
    user = citizen_register(full_name="Lê Văn Cường", phone="0935111444", password=GOOD["password"])
    assert user.national_id is None


@pytest.mark.parametrize("other_spelling", ["0935.111.222", "84935111222", "+84935111222"])
def test_the_same_phone_in_another_spelling_is_refused(other_spelling):
    citizen_register(**GOOD)
    with pytest.raises(ValidationFailed) as exc:
        citizen_register(full_name="Người khác", phone=other_spelling, password=GOOD["password"])
    assert exc.value.code == "phone_taken"
    assert User.objects.filter(phone="0935111222").count() == 1


def test_the_same_email_in_another_case_is_refused():
    citizen_register(full_name="Lê Văn Cường", email="cuong@example.vn", password=GOOD["password"])
    with pytest.raises(ValidationFailed) as exc:
        citizen_register(full_name="Người khác", email="  CUONG@EXAMPLE.VN ", password=GOOD["password"])
    assert exc.value.code == "email_taken"
    assert "e-mail" in str(exc.value.message)


def test_a_phone_held_by_another_account_is_refused_even_if_not_its_login():
    from motcua.accounts.tests.factories import CitizenFactory

    CitizenFactory(username="cd-khac", phone="0935999888")
    with pytest.raises(ValidationFailed) as exc:
        citizen_register(full_name="Người khác", phone="0935 999 888", password=GOOD["password"])
    assert exc.value.code == "phone_taken"


@pytest.mark.parametrize(
    ("changes", "code"),
    [({"email": "khong-phai-email"}, "email_format"), ({"full_name": "   "}, "name_required"),
     ({"full_name": "A" * 256}, "name_too_long")],
)
def test_more_bad_input_is_refused_in_vietnamese(changes, code):
    with pytest.raises(ValidationFailed) as exc:
        citizen_register(**{**GOOD, **changes})
    assert exc.value.code == code
    assert not User.objects.filter(username="0935111222").exists()


def test_a_password_like_the_phone_number_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        citizen_register(**{**GOOD, "password": "0935111222"})
    assert exc.value.code == "password_weak"


def test_registration_is_audited_without_personal_data():
    from motcua.core.models import AuditEvent

    user = citizen_register(**GOOD)
    event = AuditEvent.objects.get(action="accounts.citizen_registered", object_id=str(user.pk))
    assert event.data == {"with_phone": True, "with_email": False, "with_cccd": True}
