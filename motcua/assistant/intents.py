# SPDX-License-Identifier: AGPL-3.0-or-later
"""Intent detection (nhận biết ý định câu hỏi) of the virtual assistant: rules over folded words.

The cue phrases are data (data/intents.json, data/howto.json; an administrator may extend them, see
docs/assistant.md), folded like the catalogue search folds queries (no diacritics, đ → d, lower case) and
matched on whole words. Pure functions, no database access.
"""

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from motcua.catalog.synonyms import words_of

from .answers import Intent

DATA_DIR = Path(__file__).resolve().parent / "data"
INTENTS_FILE = DATA_DIR / "intents.json"
HOWTO_FILE = DATA_DIR / "howto.json"

# A dossier code as printed on the receipt: <agency identifier>-YYMMDD-NNNN (dossiers/codes.py), e.g.
# 000.24133.01.H66-260302-0001. The agency identifier is set by administrators, so any dotted word goes.
DOSSIER_CODE = re.compile(r"(?<![\w.])([0-9A-Za-z][0-9A-Za-z.]{1,40}-\d{6}-\d{4,6})(?![\w])")
# Phone, CCCD and tax numbers written any way (0912 345 678, +84.912.345.678) and e-mail addresses: personal
# data, never words of a procedure, so never passed to retrieval (nor stored in the log).
# 8+ digits with separators a person types between them: phones «(091) 234 5678», CCCD, dates «12/03/2026».
LONG_DIGITS = re.compile(r"(?<!\w)\+?\(?\d(?:[\s.\-/()]{1,2}\d|\d){7,}(?!\w)")
EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
# Procedure intents, in the order their sections are given when a question asks several things.
PROCEDURE_INTENTS = (Intent.PAPERS, Intent.TIME, Intent.FEE, Intent.PLACE, Intent.ONLINE, Intent.STEPS,
                     Intent.LEGAL)
# Words that make a question English when they are half of it (answered with English labels).
_ENGLISH = frozenset("what how where which when who documents document papers fee fees cost need needed register "
                     "registration certificate birth marriage status application apply take takes please".split())
# Not: do, the, is, my, long, online — folded Vietnamese has them too (đỏ, thẻ, lòng; «online» is used as is).


def _phrases(values) -> tuple[tuple[str, ...], ...]:
    folded = {tuple(words_of(value)) for value in values}
    return tuple(sorted((p for p in folded if p), key=lambda p: (-len(p), p)))


@dataclass(frozen=True)
class Cues:
    intents: dict  # intent → folded phrases, longest first
    filler: tuple
    exceptions: tuple  # phrases in which cue words do not count (đất phi nông nghiệp is not a fee)


@dataclass(frozen=True)
class Howto:
    key: str
    audience: str  # staff | citizen
    title: str
    cues: tuple
    steps: tuple
    url: str


@lru_cache(maxsize=4)
def _load_cues(path: str) -> Cues:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return Cues(intents={name: _phrases(values) for name, values in raw["intents"].items()},
                filler=_phrases(raw.get("filler", [])), exceptions=_phrases(raw.get("exceptions", [])))


@lru_cache(maxsize=4)
def _load_howtos(path: str) -> tuple[Howto, ...]:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(Howto(key=row["key"], audience=row["audience"], title=row["title"], cues=_phrases(row["cues"]),
                       steps=tuple(row["steps"]), url=row.get("url", "")) for row in raw["howtos"])


def cues() -> Cues:
    return _load_cues(str(getattr(settings, "MOTCUA_ASSISTANT_INTENTS_FILE", "") or INTENTS_FILE))


def howtos() -> tuple[Howto, ...]:
    return _load_howtos(str(getattr(settings, "MOTCUA_ASSISTANT_HOWTO_FILE", "") or HOWTO_FILE))


def _find(words: list[str], phrase: tuple[str, ...]) -> list[int]:
    n = len(phrase)
    return [i for i in range(len(words) - n + 1) if tuple(words[i:i + n]) == phrase]


def _spans(words: list[str], phrases) -> list[tuple[int, int]]:
    """Where the phrases occur, longest first, without overlapping an earlier (longer) match."""
    taken: set[int] = set()
    spans = []
    for phrase in phrases:
        for start in _find(words, phrase):
            positions = set(range(start, start + len(phrase)))
            if not positions & taken:
                taken |= positions
                spans.append((start, start + len(phrase)))
    return spans


def personal_data_strip(text: str) -> str:
    """The text without dossier codes, e-mail addresses and long numbers (phones, ID numbers)."""
    return LONG_DIGITS.sub(" ", EMAIL.sub(" ", DOSSIER_CODE.sub(" ", text or "")))


def dossier_code_find(text: str) -> str:
    """The first dossier code written in a text, or ""."""
    match = DOSSIER_CODE.search(text or "")
    return match.group(1) if match else ""


@dataclass
class Detection:
    intent: str  # the main intent (Intent.*)
    intents: list[str] = field(default_factory=list)  # every procedure intent asked, in PROCEDURE_INTENTS order
    retrieval_text: str = ""  # the question minus cue phrases, filler words and dossier codes (folded)
    dossier_code: str = ""
    greeting: bool = False
    thanks: bool = False
    howto: Howto | None = None  # best matching how-to for the asker's audience
    howto_asked: bool = False  # a generic "how do I" phrase was used
    english: bool = False
    cue_positions: dict = field(default_factory=dict)  # intent → first word index (which was asked first)


def howto_match(words: list[str], *, staff: bool) -> Howto | None:
    """The how-to whose longest cue occurs in the words; officials' entries first for officials."""
    best, best_len = None, 0
    for entry in howtos():
        if entry.audience == "staff" and not staff:
            continue
        for phrase in entry.cues:
            if len(phrase) > best_len and _find(words, phrase):
                # An official's entry wins a tie over the citizen's (same words, the back-office side).
                best, best_len = entry, len(phrase)
            elif staff and len(phrase) == best_len and best is not None and best.audience == "citizen" \
                    and entry.audience == "staff" and _find(words, phrase):
                best = entry
    return best


def intent_detect(question: str, *, staff: bool = False, dossier_code: str = "") -> Detection:
    """Read what the question asks. `staff`: the asker is a logged-in official (back-office how-tos)."""
    code = dossier_code or dossier_code_find(question)
    words = words_of(personal_data_strip(question))
    data = cues()
    masked = list(words)
    for start, end in _spans(words, data.exceptions):
        for i in range(start, end):
            masked[i] = "\x00"  # never matches a cue, kept for retrieval
    found: dict[str, list[tuple[int, int]]] = {}
    for name, phrases in data.intents.items():
        spans = _spans(masked, phrases)
        if spans:
            found[name] = spans
    detection = Detection(intent=Intent.OTHER, dossier_code=code)
    detection.cue_positions = {name: min(s for s, _ in spans) for name, spans in found.items()}
    detection.greeting = "greeting" in found
    detection.thanks = "thanks" in found
    detection.howto_asked = "howto" in found
    detection.english = bool(words) and sum(w in _ENGLISH for w in words) * 2 >= len(words)
    detection.intents = [name for name in PROCEDURE_INTENTS if name in found]
    detection.howto = howto_match(words, staff=staff)

    # What to pass to retrieval: the words that are not cues, fillers or greetings.
    removed: set[int] = set()
    for spans in found.values():
        for start, end in spans:
            removed |= set(range(start, end))
    for start, end in _spans(words, data.filler):
        removed |= set(range(start, end))
    detection.retrieval_text = " ".join(w for i, w in enumerate(words) if i not in removed)

    if code or "status" in found and not detection.intents:
        detection.intent = Intent.STATUS
    elif detection.howto is not None and (detection.howto_asked or not detection.retrieval_text):
        detection.intent = Intent.HOWTO
    elif detection.intents:
        # The intent asked first leads; the others are answered after it.
        detection.intents.sort(key=lambda name: detection.cue_positions[name])
        detection.intent = detection.intents[0]
    return detection
