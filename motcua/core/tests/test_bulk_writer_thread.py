# SPDX-License-Identifier: AGPL-3.0-or-later
import threading

import pytest

from motcua.core.bulk import WriterThread


def test_items_are_written_in_order_by_another_thread():
    written, threads = [], set()

    def write(number):
        written.append(number)
        threads.add(threading.get_ident())

    writer = WriterThread(write, name="test-writer")
    for number in range(5):
        writer.submit(number)
    writer.join()
    assert written == [0, 1, 2, 3, 4]
    assert threads and threading.get_ident() not in threads


def test_a_failure_is_raised_once_then_every_submit_refuses_instead_of_dropping_items():
    written = []

    def write(number):
        if number == 0:
            raise ValueError("bad batch")
        written.append(number)

    writer = WriterThread(write, name="test-writer")
    writer.submit(0)
    with pytest.raises(ValueError, match="bad batch"):
        writer.submit(1)  # the first failure reaches the caller (here, or at the latest at join)
        writer.join()
    for number in (2, 3):  # a caller that carries on is refused, never silently dropped or blocked
        with pytest.raises(RuntimeError):
            writer.submit(number)
    writer.join()
    assert 2 not in written and 3 not in written
