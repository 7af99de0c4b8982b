# SPDX-License-Identifier: AGPL-3.0-or-later
"""The shape of the assistant's evaluation set (benchmarks/assistant/*.jsonl), not the engine's accuracy
(benchmarks/assistant/run.py measures that)."""

import json
from collections import Counter
from pathlib import Path

import pytest

from motcua.assistant.answers import Intent
from motcua.catalog.demo import DEMO_FILE
from motcua.core.text import fold

SET_DIR = Path(__file__).resolve().parents[3] / "benchmarks" / "assistant"
SETS = {"questions": 150, "holdout": 40}  # file → at least this many questions
NO_PROCEDURE_INTENTS = {Intent.STATUS, Intent.HOWTO, Intent.OTHER}


def rows(name: str) -> list[dict]:
    text = (SET_DIR / f"{name}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def demo_codes() -> set[str]:
    return {p["code"] for p in json.loads(DEMO_FILE.read_text(encoding="utf-8"))["procedures"]}


@pytest.mark.parametrize(("name", "minimum"), SETS.items())
def test_every_line_is_a_labelled_question(name, minimum, demo_codes):
    questions = rows(name)
    assert len(questions) >= minimum
    for row in questions:
        assert set(row) == {"question", "code", "intent", "asker"}, row
        assert isinstance(row["question"], str) and row["question"].strip(), row
        assert row["intent"] in Intent.ALL, row
        assert row["asker"] in {"citizen", "official"}, row
        assert row["code"] is None or row["code"] in demo_codes, row
        if row["code"] is None:
            assert row["intent"] in NO_PROCEDURE_INTENTS, row


def test_no_question_is_asked_twice_in_either_set():
    everything = [fold(row["question"]).strip() for name in SETS for row in rows(name)]
    assert [q for q, n in Counter(everything).items() if n > 1] == []


def test_the_set_mixes_the_ways_people_ask():
    questions = rows("questions")
    without_diacritics = [r for r in questions if fold(r["question"]) == r["question"].lower()]
    intents = Counter(r["intent"] for r in questions)
    assert len(without_diacritics) >= 30
    assert sum(1 for r in questions if r["asker"] == "official") >= 10
    assert sum(1 for r in questions if r["code"] is None) >= 10  # status, how-to, greetings, out of scope
    assert all(intents[i] >= 3 for i in Intent.ALL), intents
    assert len({r["code"] for r in questions if r["code"]}) >= 40  # most of the 47 demo procedures
