# SPDX-License-Identifier: AGPL-3.0-or-later
import factory
from factory.django import DjangoModelFactory

from motcua.accounts.models import Role, RoleAssignment, User, UserKind

TEST_PASSWORD = "mat-khau-thu-nghiem"


class OfficialFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    kind = UserKind.OFFICIAL
    password = factory.django.Password(TEST_PASSWORD)


class CitizenFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"09{n:08d}")
    phone = factory.SelfAttribute("username")
    full_name = factory.Faker("name", locale="vi_VN")
    national_id = factory.Sequence(lambda n: f"0661{n % 100:02d}{n:06d}")
    kind = UserKind.CITIZEN
    password = factory.django.Password(TEST_PASSWORD)


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(OfficialFactory)
    role = Role.SPECIALIST
