# SPDX-License-Identifier: AGPL-3.0-or-later
"""A month of dossiers for the report and dashboard tests, made through the real services (`world` from
motcua/dossiers/tests/conftest.py). March 2026; Marriage (T.0001) takes 5 working days.

| dossier | received | what happens | March report (Buôn Ma Thuột) |
|---|---|---|---|
| A | Mon 2 Feb, in person | finished the same day | not counted (finished before March) |
| B | Mon 23 Feb, in person | still at the specialist (due Mon 2 Mar) | carried over, in progress, overdue |
| C | Tue 24 Feb, in person | finished Mon 9 Mar (due Tue 3 Mar) | carried over, finished late |
| D | Mon 2 Mar, in person | finished the same day | received, finished early |
| E | Mon 30 Mar, in person | at the specialist (due Mon 6 Apr) | received, in progress, within time |
| F | Tue 10 Mar, online, accepted 10:00 | finished Tue 17 Mar 09:00 (due 10:00) | received, finished on time |
| G | Tue 3 Mar at the ward's center, handled by Sở Tư pháp | open (due Tue 10 Mar) | only in the province: overdue |
| H | Wed 1 Apr | — | not counted (after March) |
| I | Wed 4 Mar, online, refused at reception | — | not counted (never accepted) |
"""

from contextlib import contextmanager
from datetime import date, timedelta
from types import SimpleNamespace

from motcua.dossiers.services import dossier_assign, dossier_receive, dossier_refuse, dossier_submit_online
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive, through_all_steps, to_specialist

MARCH = (date(2026, 3, 1), date(2026, 3, 31))

# Figures written by hand from the table above (early + on time + within time = 3 of 5: 60 %).
BMT_MARCH = {"received": 3, "carried_over": 2, "total": 5, "finished": 3, "early": 1, "on_time": 1, "late": 1,
             "in_progress": 2, "in_time": 1, "overdue": 1}
# The province adds G (received in March, open, overdue): 3 of 6 = 50 %.
PROVINCE_MARCH = {"received": 4, "carried_over": 2, "total": 6, "finished": 3, "early": 1, "on_time": 1, "late": 1,
                  "in_progress": 3, "in_time": 1, "overdue": 2}


def march_dossiers(w) -> SimpleNamespace:
    a = through_all_steps(w, to_specialist(w, local(2026, 2, 2, 9, 0)), local(2026, 2, 2, 9, 0))
    b = to_specialist(w, local(2026, 2, 23, 9, 0))
    c = through_all_steps(w, to_specialist(w, local(2026, 2, 24, 9, 0)), local(2026, 3, 9, 9, 0))
    d = through_all_steps(w, to_specialist(w, local(2026, 3, 2, 9, 0)), local(2026, 3, 2, 9, 0))
    e = to_specialist(w, local(2026, 3, 30, 9, 0))
    f, _created = dossier_submit_online(procedure=w.marriage, receiving_unit=w.bmt_center, applicant=w.applicant,
                                        owner=w.citizen, at=local(2026, 3, 10, 9, 0))
    f = dossier_receive(dossier=f, actor=w.receiver, at=local(2026, 3, 10, 10, 0))
    f = dossier_assign(dossier=f, actor=w.receiver, assignee=w.specialist, at=local(2026, 3, 10, 10, 0))
    f = through_all_steps(w, f, local(2026, 3, 17, 8, 0), step=timedelta(minutes=15))
    g = receive(w, local(2026, 3, 3, 9, 0), procedure=w.criminal_record)
    h = to_specialist(w, local(2026, 4, 1, 9, 0))
    i, _created = dossier_submit_online(procedure=w.marriage, receiving_unit=w.bmt_center, applicant=w.applicant,
                                        owner=w.citizen, at=local(2026, 3, 4, 9, 0))
    i = dossier_refuse(dossier=i, actor=w.receiver, reason="Hồ sơ không đúng thẩm quyền", at=local(2026, 3, 4, 10, 0))
    return SimpleNamespace(a=a, b=b, c=c, d=d, e=e, f=f, g=g, h=h, i=i)


def dashboard_viewer(unit, username: str = "ld.test"):
    """An official with the dashboard role (theo dõi, giám sát) in `unit`."""
    from motcua.accounts.models import Role
    from motcua.accounts.services import role_assign
    from motcua.accounts.tests.factories import OfficialFactory

    user = OfficialFactory(username=username)
    role_assign(user=user, unit=unit, role=Role.DASHBOARD_VIEWER)
    return user


MARCH_QUERY = "kieu=thang&thang=2026-03"


# ---------------------------------------------------------------- one world per test module
# Building the world and the March dossiers through the real services takes seconds; most tests only read
# them. `shared_world` builds them once per module inside a transaction rolled back when the module ends;
# each test still runs in its own savepoint (pytest-django's `db`), so what a test writes is undone after it.


@contextmanager
def shared_world(django_db_blocker, *, with_march: bool):
    from django.db import transaction
    from django.test.utils import override_settings

    from motcua.dossiers.tests.conftest import world as world_fixture

    build = world_fixture._get_wrapped_function()  # the fixture's body, called once for the module
    with django_db_blocker.unblock(), override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]), transaction.atomic():
        w = build(None)
        yield w, (march_dossiers(w) if with_march else None)
        transaction.set_rollback(True)
