# SPDX-License-Identifier: AGPL-3.0-or-later
"""Loading the demo: idempotent, through the real services of each app."""

from django.db import transaction

from motcua.accounts.models import User
from motcua.accounts.services import citizen_register, official_create, role_assign
from motcua.catalog.demo import catalog_load_demo
from motcua.units.models import Unit
from motcua.units.seed import seed_read
from motcua.units.selectors import unit_get
from motcua.units.services import default_agency_code, unit_create_agency, units_sync

from . import data
from .dossiers import demo_dossiers


def demo_units() -> Unit:
    if not Unit.objects.filter(code=data.PROVINCE).exists():
        units_sync(seed=seed_read())
    province = unit_get(code=data.PROVINCE)
    for index, (suffix, name) in enumerate(data.DEPARTMENTS, start=10):
        code = f"{data.PROVINCE}.{suffix}"
        if not Unit.objects.filter(code=code).exists():
            unit_create_agency(parent=province, code=code, name=name,
                               agency_code=default_agency_code(province_code=data.PROVINCE, unit_code=str(index)))
    return province


def demo_accounts() -> list[data.DemoAccount]:
    for account in data.ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = official_create(username=account.username, full_name=account.full_name,
                                   password=data.DEMO_PASSWORD, check_password=False)
        if account.role is None:
            User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        else:
            role_assign(user=user, unit=unit_get(code=account.unit_code), role=account.role)
    if not User.objects.filter(username=data.CITIZEN["phone"]).exists():
        citizen_register(password=data.DEMO_PASSWORD, **data.CITIZEN)
    return data.ACCOUNTS


@transaction.atomic
def demo_load() -> list[data.DemoAccount]:
    province = demo_units()
    catalog_load_demo(province=province)  # after the departments: agency codes resolve to them
    accounts = demo_accounts()
    demo_dossiers()
    return accounts
