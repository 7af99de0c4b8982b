# SPDX-License-Identifier: AGPL-3.0-or-later
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.demo import data
from motcua.dossiers.models import Dossier, Stage
from motcua.dossiers.selectors import dossier_list_visible

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)
def test_demo_gives_every_account_something_to_see_and_is_idempotent():
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "cv.bmt" in out.getvalue() and data.DEMO_PASSWORD in out.getvalue()
    assert Procedure.objects.count() >= 40
    assert Dossier.objects.count() >= 200
    assert set(Dossier.objects.values_list("stage", flat=True)) == set(Stage.values)
    for account in data.ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert dossier_list_visible(user=user).exists(), account.username
    citizen = User.objects.get(username=data.CITIZEN["phone"])
    mine = dossier_list_visible(user=citizen)
    assert mine.exists() and not mine.exclude(owner=citizen).exists()
    before = Dossier.objects.count()
    call_command("demo", stdout=io.StringIO())
    assert Dossier.objects.count() == before


def test_demo_refuses_to_run_with_debug_off():
    with override_settings(DEBUG=False), pytest.raises(CommandError) as exc:
        call_command("demo")
    assert "MOTCUA_DEBUG" in str(exc.value)
