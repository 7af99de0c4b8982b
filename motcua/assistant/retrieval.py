# SPDX-License-Identifier: AGPL-3.0-or-later
"""Retrieval for the virtual assistant (tìm thủ tục cho câu hỏi): which published procedures a question is
about, best first, each with a score in [0, 1]. See docs/assistant.md (Evaluation) for the figures.

A question is longer and chattier than a search-box query, so before anything else:

1. its filler phrases are dropped — the SearchSynonym rules with an empty expansion («cho em hỏi», «ạ»,
   «cần giấy tờ gì», «mất bao lâu»; data an administrator extends), longest first, never inside a longer
   phrase that has a real expansion («chứng minh thư» keeps its «minh»);
2. the rest (the *core*) is read as the catalogue search reads a query (catalog.synonyms: folding, đ → d,
   synonym alternatives; catalog.search: i/y spellings, typos one edit away from an indexed word);
3. every published procedure that contains a word of it is a candidate, and the 20 of best coverage are
   scored:
   - *coverage*: the share of the core's information (IDF-weighted words, best synonym alternative) that
     the procedure's folded text contains. A word the catalogue does not know weighs less than a known one
     (chatter such as «tuần trước» should not sink a good match, yet a question made only of unknown words
     scores 0); a word matched only through a typo correction earns half its weight;
   - *name fit*: how wholly the question says the procedure's name or one of its everyday names (keywords),
     words and word order, so that «đăng ký kết hôn» prefers «Đăng ký kết hôn» to «Đăng ký kết hôn có yếu
     tố nước ngoài», which contains the same words;
   - score = coverage × (1 − NAME_FIT_SHARE + NAME_FIT_SHARE × name fit), in [0, 1]; equal scores are
     ordered as the catalogue search orders equally good matches (the question's words together in the
     name, then in an everyday name), then by the weight of the fitting name said, then by popularity.

The tiered catalogue search (procedure_search) itself is not called: its tiers ask for all the words (or all
but a third), which a chatty question rarely satisfies, so it mostly fell through to its slowest tier, and
as a tie-breaker it cost 55 % of the time on 6,000 procedures (p95 445 → 105 ms without it). Its
relevance order is reproduced in memory instead (_relevance), from the names already cached.

The word statistics (document frequency per word, the words of each procedure) are kept in memory per
process and database, and read again when the vocabulary token of catalog_search_state changes (the
catalogue's triggers renew it at every change of a procedure's search text).
"""

import heapq
import math
import threading
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection

from motcua.catalog.models import Procedure, SearchSynonym
from motcua.catalog.search import TYPO_MIN_LENGTH, VOCABULARY_TOKEN, edits1
from motcua.catalog.selectors import procedure_list_public
from motcua.catalog.synonyms import MAX_PHRASE_WORDS, query_alternatives, spelling_variants, words_of

MAX_QUESTION_WORDS = 40  # a pasted letter is cut: the first sentences carry the question
POOL = 20  # procedures of the best coverage that are scored
UNKNOWN_WEIGHT = 0.35  # weight of a word the catalogue does not know, as a share of the rarest word's
MIN_SCORE = 0.3  # below this share of the question's information nothing is said to fit
TYPO_CREDIT = 0.5  # a word matched only through a typo correction counts half: chatter has many neighbours
NAME_FIT_SHARE = 0.5  # part of the score that rewards a name or everyday name wholly said in the question
# «cho em hỏi» is a filler for a question but not a SearchSynonym row: the catalogue's tests use it as the
# example of a filler an administrator adds, so it stays out of synonyms.json.
QUESTION_FILLERS = (("cho", "em", "hoi"), ("cho", "e", "hoi"))


@dataclass(frozen=True)
class Candidate:
    """A procedure the question may be about, with the share of the question it explains (0..1)."""
    procedure: Procedure
    score: float


# --- understanding the question --------------------------------------------------------------------------

def _rules(words: list[str]) -> dict[tuple[str, ...], bool]:
    """The synonym phrases that occur in the words → whether the rule is a filler (empty expansion)."""
    grams = {" ".join(words[i:j]) for i in range(len(words))
             for j in range(i + 1, min(len(words), i + MAX_PHRASE_WORDS) + 1)}
    rules: dict[tuple[str, ...], bool] = {}
    for phrase, expansion in SearchSynonym.objects.filter(phrase__in=grams).values_list("phrase", "expansion"):
        key = tuple(phrase.split())
        rules[key] = rules.get(key, True) and not expansion  # a phrase with any real expansion is kept
    for phrase in QUESTION_FILLERS:
        if " ".join(phrase) in grams:
            rules.setdefault(phrase, True)
    return rules


def question_core(question: str) -> list[str]:
    """The folded words of a question without its filler phrases: 'Cho em hỏi làm sổ đỏ ở đâu ạ?' →
    ['lam', 'so', 'do']. At each position the longest known phrase wins; a filler is dropped, any other
    phrase kept whole (so a filler never cuts a phrase that has a meaning)."""
    words = words_of(question)[:MAX_QUESTION_WORDS]
    if not words:
        return []
    rules = _rules(words)
    if not rules:
        return words
    longest = max(len(phrase) for phrase in rules)
    core, i = [], 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            phrase = tuple(words[i:i + n])
            if phrase in rules:
                if not rules[phrase]:
                    core.extend(phrase)
                i += n
                break
        else:
            core.append(words[i])
            i += 1
    return core


# --- word statistics over the published catalogue (cached per catalogue version) -----------------------

@dataclass(frozen=True)
class _Index:
    token: str
    size: int
    postings: dict[str, frozenset[int]]  # folded word → ids of the procedures whose text has it
    phrases: dict[int, tuple[tuple[str, ...], ...]]  # procedure id → words of its name, of each everyday name
    popularity: dict[int, int]

    def idf(self, df: int) -> float:
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))


_indexes: dict[str, _Index] = {}
_lock = threading.Lock()


def _token() -> str:
    with connection.cursor() as cursor:
        cursor.execute(VOCABULARY_TOKEN)
        return cursor.fetchone()[0]


def _name_words(name: str) -> tuple[str, ...]:
    words = words_of(name)
    if words[:2] == ["thu", "tuc"]:  # «Thủ tục đăng ký khai sinh»: the first two words say nothing
        words = words[2:]
    return tuple(words)


def _index() -> _Index:
    """The statistics for the catalogue version of the vocabulary token (built in ≈ 1 ms per 100
    procedures). A publication change that does not touch any search text keeps the token: the ids are
    filtered again through procedure_list_public() when the rows are read, so such a procedure is never
    returned, it only weighs on the statistics until the next change."""
    token = _token()
    cached = _indexes.get(connection.alias)
    if cached is not None and cached.token == token:
        return cached
    postings: dict[str, set[int]] = defaultdict(set)
    phrases, popularity = {}, {}
    rows = procedure_list_public().values_list("pk", "search_text", "name", "keywords", "popularity")
    for pk, text, name, keywords, popular in rows:
        popularity[pk] = popular
        for word in set(words_of(text)):
            postings[word].add(pk)
        everyday = dict.fromkeys(tuple(words_of(k)) for k in keywords if isinstance(k, str))
        phrases[pk] = tuple(p for p in (_name_words(name), *everyday) if p)
    index = _Index(token=token, size=max(1, len(phrases)),
                   postings={w: frozenset(ids) for w, ids in postings.items()}, phrases=phrases,
                   popularity=popularity)
    with _lock:
        _indexes[connection.alias] = index
    return index


# --- scoring ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Word:
    forms: frozenset[str]  # the catalogue's words it stands for: itself, its i/y variant or its typo neighbours
    ids: frozenset[int]  # procedures that contain one of them
    weight: float  # its share of the question's information
    credit: float  # the part of the weight a procedure containing it earns (less through a typo)


def _word(index: _Index, word: str) -> _Word:
    forms, credit = [w for w in spelling_variants(word) if w in index.postings], 1.0
    if not forms and len(word) >= TYPO_MIN_LENGTH and not word.isdigit():
        # Never towards a short word: «cho» must not become «ho», which is everywhere.
        forms = [w for w in sorted(edits1(word)) if len(w) >= TYPO_MIN_LENGTH and w in index.postings]
        credit = TYPO_CREDIT
    ids = frozenset().union(*(index.postings[w] for w in forms)) if forms else frozenset()
    if not ids:
        return _Word(forms=frozenset(), ids=ids, weight=UNKNOWN_WEIGHT * index.idf(0), credit=0.0)
    return _Word(forms=frozenset(forms), ids=ids, weight=index.idf(len(ids)), credit=credit)


def _coverages(words_by_alternative: list[list[_Word]]) -> dict[int, float]:
    """Procedure id → best share, over the alternatives, of the alternative's word weight it contains."""
    best: dict[int, float] = {}
    for words in words_by_alternative:
        total = sum(w.weight for w in words)
        if not total:
            continue
        gained: dict[int, float] = defaultdict(float)
        for word in words:
            earned = word.weight * word.credit / total
            for pk in word.ids:  # the hot loop: thousands of ids for a common word in a large catalogue
                gained[pk] += earned
        for pk, share in gained.items():
            if share > best.get(pk, 0.0):
                best[pk] = share
    return best


def _name_fit(index: _Index, pk: int, said: set[str], pairs: set[tuple[str, str]]) -> tuple[float, float]:
    """How wholly the question says the procedure's name or one of its everyday names, best phrase: the
    IDF-weighted share of the phrase's words that the question contains, averaged with the share of its
    word pairs that stand side by side in the question (1 for «sổ đỏ» in «phí làm sổ đỏ»; «cấp đổi sổ đỏ»
    fits «Cấp đổi …» better than «cấp sổ đỏ»). Second: the weight of the question's words in the best
    fitting phrase, which prefers «đổi sổ hồng» to «sổ hồng» when both are said wholly."""
    best = carried = 0.0
    for phrase in index.phrases.get(pk, ()):
        weights = {w: index.idf(len(index.postings.get(w, ()))) for w in phrase}
        total = sum(weights.values())
        if not total:
            continue
        in_question = sum(v for w, v in weights.items() if w in said)
        fit = in_question / total
        if len(phrase) > 1:
            adjacent = list(zip(phrase, phrase[1:], strict=False))
            fit = (fit + sum(1 for pair in adjacent if pair in pairs) / len(adjacent)) / 2
        if fit > best + 1e-9:
            best, carried = fit, in_question
        elif fit > best - 1e-9:
            carried = max(carried, in_question)
    return best, carried


def _contains(phrase: tuple[str, ...], words: tuple[str, ...]) -> bool:
    n = len(words)
    return any(phrase[i:i + n] == words for i in range(len(phrase) - n + 1))


def _relevance(index: _Index, pk: int, alternatives: list[tuple[str, ...]]) -> int:
    """The catalogue search's relevance, for equal scores: the words of an alternative stand together, in
    order, in the name (4) or an everyday name (3); the same with one word left out (2, 1); else 0."""
    phrases = index.phrases.get(pk, ())
    if not phrases:
        return 0
    shorter = [a[:i] + a[i + 1:] for a in alternatives if len(a) >= 3 for i in range(len(a))]
    for level, candidates in ((4, alternatives), (2, shorter)):
        if any(_contains(phrases[0], words) for words in candidates):
            return level
        if any(_contains(phrase, words) for phrase in phrases[1:] for words in candidates):
            return level - 1
    return 0


def procedures_retrieve(question: str, *, limit: int = 3) -> list[Candidate]:
    """The published procedures a question is about, best first, at most `limit`, each scored in [0, 1];
    empty when nothing reaches MIN_SCORE. Never raises on any text.

    score = coverage × (1 − NAME_FIT_SHARE + NAME_FIT_SHARE × name fit): the share of the question's
    informative words the procedure contains, lowered when no name or everyday name of the procedure is
    wholly in the question. 1 means every informative word of the question is in the procedure and one of
    its names is said whole; docs/assistant.md gives the thresholds measured for «sure» and «unsure»."""
    if limit <= 0:
        return []
    core = question_core(question)
    if not core:
        return []
    text = " ".join(core)
    index = _index()
    cache: dict[str, _Word] = {}
    alternatives = query_alternatives(text)
    by_alternative = [[cache.setdefault(w, _word(index, w)) for w in dict.fromkeys(alternative)]
                      for alternative in alternatives]
    coverage = _coverages(by_alternative)
    if not coverage or max(coverage.values()) < MIN_SCORE:
        return []
    # For the name fit the whole question counts, fillers included: «làm khai sinh online» says the
    # everyday name «làm khai sinh online» even though «online» does not count as information.
    spoken = words_of(question)[:MAX_QUESTION_WORDS]
    said = {form for word in cache.values() for form in word.forms} | set(spoken)
    pairs = {(a, b) for words in by_alternative for left, right in zip(words, words[1:], strict=False)
             for a in left.forms for b in right.forms} | set(zip(spoken, spoken[1:], strict=False))
    pool = heapq.nlargest(POOL, coverage, key=coverage.__getitem__)  # not a full sort: thousands may match
    scores, carried = {}, {}
    for pk in pool:
        fit, carried[pk] = _name_fit(index, pk, said, pairs)
        scores[pk] = min(1.0, coverage[pk] * (1 - NAME_FIT_SHARE + NAME_FIT_SHARE * fit))
    # Equal scores: the catalogue search's relevance, then the procedure whose fitting name says more, then
    # the more popular.
    ranked = sorted((pk for pk in pool if scores[pk] >= MIN_SCORE),
                    key=lambda pk: (-round(scores[pk], 6), -_relevance(index, pk, alternatives), -round(carried[pk], 6),
                                    -index.popularity[pk], pk))
    ranked = ranked[:limit]
    rows = procedure_list_public().in_bulk(ranked)
    return [Candidate(procedure=rows[pk], score=round(scores[pk], 4)) for pk in ranked if pk in rows]
