# SPDX-License-Identifier: AGPL-3.0-or-later
"""Drive a dossier through the real services to a later state."""

from motcua.dossiers.services import dossier_assign, dossier_forward, dossier_receive_in_person


def receive(w, at, procedure=None, **kwargs):
    return dossier_receive_in_person(procedure=procedure or w.marriage, receiving_unit=kwargs.pop(
        "receiving_unit", w.bmt_center), applicant=w.applicant, actor=kwargs.pop("actor", w.receiver), at=at,
        **kwargs)


def to_specialist(w, at, **kwargs):
    dossier = receive(w, at, **kwargs)
    return dossier_assign(dossier=dossier, actor=w.receiver, assignee=w.specialist, at=at)


def through_all_steps(w, dossier, start_at, step=None):
    """Forward appraise → leader → sign → issue, one office hour apart from `start_at`."""
    from datetime import timedelta

    step = step or timedelta(hours=1)
    for n, actor in enumerate([w.specialist, w.leader, w.signer, w.clerk], start=1):
        dossier = dossier_forward(dossier=dossier, actor=actor, at=start_at + n * step)
    return dossier
