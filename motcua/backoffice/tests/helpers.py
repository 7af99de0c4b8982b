# SPDX-License-Identifier: AGPL-3.0-or-later
"""Sign officials in and build dossiers in given states through the real services."""

from datetime import timedelta

from motcua.accounts.models import User
from motcua.dossiers.services import dossier_forward, dossier_submit_online
from motcua.dossiers.tests.conftest import local
from motcua.dossiers.tests.helpers import receive, to_specialist

MON = local(2026, 3, 2, 9, 0)  # an ordinary working Monday


def login(client, user):
    """Sign `user` in as stored (the factories keep the password hash on the instance only)."""
    client.force_login(User.objects.get(pk=user.pk))
    return client


def submitted(w, at=MON, **kwargs):
    dossier, _ = dossier_submit_online(procedure=w.marriage, receiving_unit=kwargs.pop("receiving_unit", w.bmt_center),
                                       applicant=w.applicant, owner=w.citizen, at=at, **kwargs)
    return dossier


def at_leader(w, at=MON):
    return dossier_forward(dossier=to_specialist(w, at), actor=w.specialist, at=at + timedelta(hours=1))


def at_signer(w, at=MON):
    return dossier_forward(dossier=at_leader(w, at), actor=w.leader, at=at + timedelta(hours=2))


def at_clerk(w, at=MON):
    return dossier_forward(dossier=at_signer(w, at), actor=w.signer, at=at + timedelta(hours=3))


def done(w, at=MON):
    return dossier_forward(dossier=at_clerk(w, at), actor=w.clerk, at=at + timedelta(hours=4))


__all__ = ["MON", "at_clerk", "at_leader", "at_signer", "done", "login", "receive", "submitted", "to_specialist"]
