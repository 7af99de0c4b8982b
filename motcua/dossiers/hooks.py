# SPDX-License-Identifier: AGPL-3.0-or-later
"""Side effects of dossier events (mail, national-portal sync, index counters) run after commit.

Apps register a listener with `listen(fn)`; `fn(event_id)` runs once the transaction that wrote the
event has committed, never for a rolled-back change. A failing listener is logged, it never breaks the
officer's action (the listener owns its own retries). `listen(fn, when=test)`: `test(event)` is asked
while the event is written (the object in memory, no query), and `fn` runs only for the events it
accepts — a listener interested in a few actions costs the others nothing.

`listen_in_transaction(fn)`: `fn(event)` runs inside the transaction that writes the event, so what it
writes (the index counters) commits or rolls back with the dossier; an error there undoes the action.
"""

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)
_listeners: dict[Callable[[int], None], Callable | None] = {}
_in_transaction: list[Callable] = []


def listen(fn: Callable[[int], None], *, when: Callable | None = None) -> Callable[[int], None]:
    _listeners[fn] = when
    return fn


def unlisten(fn: Callable[[int], None]) -> None:
    _listeners.pop(fn, None)


def _dispatch(event_id: int, listeners: list[Callable[[int], None]]) -> None:
    for fn in listeners:
        try:
            fn(event_id)
        except Exception:  # noqa: BLE001 — a side effect must not undo or fail a committed change
            logger.exception("dossier event listener %s failed for event %s", getattr(fn, "__name__", fn), event_id)


def event_committed_later(event_id: int, event=None) -> None:
    """Run the listeners after commit; given the event, only those whose `when` accepts it."""
    listeners = [fn for fn, when in _listeners.items() if when is None or event is None or _accepts(when, event)]
    if listeners:
        transaction.on_commit(lambda: _dispatch(event_id, listeners))


def _accepts(when: Callable, event) -> bool:
    # Asked inside the officer's transaction: a failing test must not undo the action; the listener runs.
    try:
        return bool(when(event))
    except Exception:  # noqa: BLE001
        logger.exception("dossier event listener test %s failed for event %s", getattr(when, "__name__", when),
                         event.pk)
        return True


def listen_in_transaction(fn: Callable) -> Callable:
    if fn not in _in_transaction:
        _in_transaction.append(fn)
    return fn


def unlisten_in_transaction(fn: Callable) -> None:
    if fn in _in_transaction:
        _in_transaction.remove(fn)


def event_written(event) -> None:
    """Called by `dossiers.services` right after a DossierEvent is saved, inside its transaction."""
    for fn in list(_in_transaction):
        fn(event)
    event_committed_later(event.pk, event)
