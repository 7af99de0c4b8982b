# SPDX-License-Identifier: AGPL-3.0-or-later
"""Vietnamese procedure search (tra cứu thủ tục hành chính); the why and the figures are in docs/search.md.

The query becomes alternatives (catalog.synonyms: the user's own folded words, then synonym rewritings),
which are tried in up to four tiers, each run only when the one before found nothing:

1. exact — every word of some alternative (or its kí/ký spelling) is a word of the procedure's folded
   code, name, field or keywords (Procedure.search_text), in any order;
2. tolerant — a word of 3+ letters may also be an indexed word one edit away (khai sihn → sinh, ket hom →
   hon), and a last word the index does not know is read as unfinished (ket h → hon);
3. relaxed — as 1, but an alternative of 3+ words may miss a third of them (dang ky ket hon phuong);
4. relaxed and tolerant — as 2, with the allowance of 3.

Within a tier results are ranked by relevance — 3: the words of an alternative stand together, in order, in
the code or name; 2: together in the field or keywords; 1: scattered — then by popularity, then code (tiers 3
and 4 first by fewest missing words). Matching uses the database's full-text index: FTS5 on SQLite (a table kept
by triggers), a GIN-indexed tsvector column kept by a trigger on PostgreSQL; both come from migrations 0002/0003.
All user text reaches SQL as parameters, and only words of [a-z0-9] reach an FTS5 or tsquery expression.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, IntegerField
from django.db.models.expressions import RawSQL

from .selectors import procedure_list_public
from .synonyms import WORD, query_alternatives, spelling_variants

TYPO_MIN_LENGTH = 3  # shorter words have too many neighbours one edit away (ho, hộ, họ, hồ ... all fold to ho)
PREFIX_MIN_LENGTH = 1  # "ket h" → hon: FTS5 and tsquery both index prefixes cheaply
MAX_PHRASES = 48
ALPHABET = "abcdefghijklmnopqrstuvwxyz"


@dataclass
class SearchResult:
    count: int
    results: list  # of Procedure, with field and handling_unit loaded


@dataclass(frozen=True)
class Term:
    word: str
    prefix: bool = False

    def __post_init__(self):
        # Only [a-z0-9] words reach an FTS5 or tsquery expression: no operator, quote or column filter.
        if not WORD.fullmatch(self.word):
            raise ValueError(f"not a search word: {self.word!r}")


Group = tuple[Term, ...]  # any one of these terms
Phrase = tuple[Term, ...]  # these terms side by side, in order


@dataclass(frozen=True)
class Conjunction:
    groups: tuple[Group, ...]  # all of them, or all but `may_miss`
    may_miss: int = 0


@dataclass(frozen=True)
class Tier:
    conjunctions: tuple[Conjunction, ...]  # any one of them
    phrases: tuple[Phrase, ...]  # for relevance


# --- planning (pure) ---------------------------------------------------------------------------------

def edits1(word: str) -> set[str]:
    """Words one deletion, transposition, replacement or insertion away (Damerau, as Norvig's corrector)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in ALPHABET]
    inserts = [a + c + b for a, b in splits for c in ALPHABET]
    return set(deletes + transposes + replaces + inserts) - {word, ""}


def vocabulary_probe(alternatives: list[tuple[str, ...]]) -> set[str]:
    """The words whose presence in the index the tolerant tier needs: each query word's neighbours one
    edit away, and the last words themselves (an unknown last word is read as unfinished)."""
    neighbours = {candidate for words in alternatives for word in words
                  if len(word) >= TYPO_MIN_LENGTH and not word.isdigit() for candidate in edits1(word)}
    return neighbours | {words[-1] for words in alternatives}


def _phrases(groups: tuple[Group, ...]) -> list[Phrase]:
    """The first term of every group, then the same with one group's term swapped (one typo at most)."""
    base = tuple(group[0] for group in groups)
    swapped = [base[:i] + (term,) + base[i + 1:] for i, group in enumerate(groups) for term in group[1:]]
    return [base, *swapped]


def _tier(conjunctions: list[Conjunction]) -> Tier:
    phrases = []
    for conjunction in conjunctions:
        phrases.extend(p for p in _phrases(conjunction.groups) if p not in phrases)
    return Tier(conjunctions=tuple(conjunctions), phrases=tuple(phrases[:MAX_PHRASES]))


def exact_tier(alternatives: list[tuple[str, ...]]) -> Tier:
    return _tier([Conjunction(tuple(tuple(Term(v) for v in spelling_variants(w)) for w in words))
                  for words in alternatives])


def _tolerant_group(word: str, known: set[str], last: bool) -> Group:
    terms = [Term(v) for v in spelling_variants(word)]
    if len(word) >= TYPO_MIN_LENGTH and not word.isdigit():
        # Never towards a two-letter word: ho, co, la, ... are everywhere (cho → ho would match anything).
        terms += [Term(w) for w in sorted(edits1(word) & known) if len(w) >= TYPO_MIN_LENGTH]
    if last and len(word) >= PREFIX_MIN_LENGTH and word not in known:
        terms.append(Term(word, prefix=True))
    return tuple(terms)


def tolerant_tier(alternatives: list[tuple[str, ...]], known: set[str]) -> Tier:
    return _tier([Conjunction(tuple(_tolerant_group(w, known, i == len(words) - 1) for i, w in enumerate(words)))
                  for words in alternatives])


def relaxed_tier(base: Tier) -> Tier | None:
    """The base tier where alternatives of three or more words may miss a third of them; the phrases
    that count for relevance then include each alternative less one word (lam can cuoc → can cuoc)."""
    conjunctions = [Conjunction(c.groups, may_miss=len(c.groups) // 3) for c in base.conjunctions
                    if len(c.groups) >= 3]
    if not conjunctions:
        return None
    shorter = [c.groups[:i] + c.groups[i + 1:] for c in conjunctions for i in range(len(c.groups))]
    phrases = list(base.phrases)
    phrases.extend(p for groups in shorter for p in _phrases(groups)[:1] if p not in phrases)
    return Tier(conjunctions=tuple(conjunctions), phrases=tuple(phrases[:MAX_PHRASES]))


# --- database backends ---------------------------------------------------------------------------------

# Fixed SQL; the only variable parts are %s parameters (FTS5 or tsquery expressions, numbers).
SQLITE_MATCH = ('("catalog_procedure"."id" IN '
                "(SELECT rowid FROM catalog_procedure_fts WHERE catalog_procedure_fts MATCH %s))")
SQLITE_RELEVANCE = f"CASE WHEN {SQLITE_MATCH} THEN 3 WHEN {SQLITE_MATCH} THEN 2 ELSE 1 END"
SQLITE_VOCABULARY = "SELECT term FROM catalog_procedure_fts_vocab"
VOCABULARY_TOKEN = "SELECT token FROM catalog_search_state"

# catalog_procedure.search_document: a tsvector column kept by a trigger (migration 0002_search), not known
# to the Django model; weight A = folded code + name, B = field + keywords.
PG_MATCH = """("catalog_procedure"."search_document" @@ to_tsquery('simple', %s))"""
PG_MEMBER = """("catalog_procedure"."search_document" @@ to_tsquery('simple', %s))::int"""
PG_RELEVANCE = ("""CASE WHEN "catalog_procedure"."search_document" @@ to_tsquery('simple', %s) THEN 3 """
                """WHEN "catalog_procedure"."search_document" @@ to_tsquery('simple', %s) THEN 2 ELSE 1 END""")
PG_VOCABULARY = "SELECT word FROM ts_stat('SELECT search_document FROM catalog_procedure')"


class SqliteBackend:
    """FTS5 table catalog_procedure_fts(head, tail), rowid = procedure id; fts5vocab lists its words."""

    def term(self, term: Term) -> str:
        return '"' + term.word + '"' + ("*" if term.prefix else "")

    def any_of(self, parts: list[str]) -> str:
        return "(" + " OR ".join(parts) + ")"

    def all_of(self, parts: list[str]) -> str:
        return "(" + " AND ".join(parts) + ")"

    def match(self, expression: str) -> tuple[str, list]:
        return SQLITE_MATCH, [expression]

    match_count = match  # IN gives 0 or 1 in SQLite

    def least(self, parts: list[str]) -> str:
        return parts[0] if len(parts) == 1 else "min(" + ", ".join(parts) + ")"

    def phrase(self, phrase: Phrase) -> str:
        return '"' + " ".join(t.word for t in phrase) + '"' + ("*" if phrase[-1].prefix else "")

    def relevance(self, phrases: tuple[Phrase, ...]) -> tuple[str, list]:
        together = self.any_of([self.phrase(p) for p in phrases])
        return SQLITE_RELEVANCE, ["head : " + together, together]

    vocabulary_sql = SQLITE_VOCABULARY


class PostgresBackend:
    """GIN index on the search_document tsvector; ts_stat lists its words."""

    def term(self, term: Term, weight: str = "") -> str:
        return "'" + term.word + "'" + (":*" if term.prefix else ":" if weight else "") + weight

    def any_of(self, parts: list[str]) -> str:
        return "(" + " | ".join(parts) + ")"

    def all_of(self, parts: list[str]) -> str:
        return "(" + " & ".join(parts) + ")"

    def match(self, expression: str) -> tuple[str, list]:
        return PG_MATCH, [expression]

    def match_count(self, expression: str) -> tuple[str, list]:
        return PG_MEMBER, [expression]

    def least(self, parts: list[str]) -> str:
        return parts[0] if len(parts) == 1 else "LEAST(" + ", ".join(parts) + ")"

    def phrase(self, phrase: Phrase, weight: str = "") -> str:
        return "(" + " <-> ".join(self.term(t, weight) for t in phrase) + ")"

    def relevance(self, phrases: tuple[Phrase, ...]) -> tuple[str, list]:
        in_name = self.any_of([self.phrase(p, weight="A") for p in phrases])
        return PG_RELEVANCE, [in_name, self.any_of([self.phrase(p) for p in phrases])]

    vocabulary_sql = PG_VOCABULARY


_vocabulary: dict[str, tuple[str, frozenset[str]]] = {}  # connection alias → (token, words)


def vocabulary(db) -> frozenset[str]:
    """Every word of the index (≈ 8,000 for 6,000 procedures), read again only when the token that the
    triggers renew at each change differs from the one it was read under (one tiny query otherwise)."""
    with connection.cursor() as cursor:
        cursor.execute(VOCABULARY_TOKEN)
        token = cursor.fetchone()[0]
        cached = _vocabulary.get(connection.alias)
        if cached and cached[0] == token:
            return cached[1]
        cursor.execute(db.vocabulary_sql)
        words = frozenset(row[0] for row in cursor.fetchall())
    _vocabulary[connection.alias] = (token, words)
    return words


def backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()


# --- queries -------------------------------------------------------------------------------------------

def _group_expression(db, group: Group) -> str:
    return db.any_of([db.term(term) for term in group])


def _strict(qs, db, tier: Tier):
    expression = db.any_of([db.all_of([_group_expression(db, g) for g in c.groups]) for c in tier.conjunctions])
    sql, params = db.match(expression)
    matching = RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 (fixed SQL, see above)
    return qs.filter(matching).order_by("-relevance", "-popularity", "code")


def _excess(db, tier: Tier) -> RawSQL:
    """Per row: missing words − allowance of the best alternative (≤ 0 = close enough)."""
    parts, params = [], []
    for conjunction in tier.conjunctions:
        members = [db.match_count(_group_expression(db, g)) for g in conjunction.groups]
        parts.append("(%s - (" + " + ".join(sql for sql, _ in members) + "))")
        params.append(len(members) - conjunction.may_miss)
        params.extend(p for _, member_params in members for p in member_params)
    return RawSQL(db.least(parts), params, output_field=IntegerField())  # noqa: S611 (fixed SQL)


def _necessary(db, tier: Tier) -> RawSQL:
    """An index condition every close-enough row meets: of any may_miss + 1 words of an alternative, one
    is present. The longest words are taken, as they tend to be the rarest (a smaller scan)."""
    groups = []
    for conjunction in tier.conjunctions:
        by_length = sorted(conjunction.groups, key=lambda g: (-len(g[0].word), g[0].word))
        groups.extend(g for g in by_length[:conjunction.may_miss + 1] if g not in groups)
    sql, params = db.match(db.any_of([_group_expression(db, g) for g in groups]))
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 (fixed SQL)


def _relaxed(qs, db, tier: Tier):
    """Rows where some alternative misses at most its allowance of words, fewest missing first."""
    qs = qs.filter(_necessary(db, tier)).annotate(excess=_excess(db, tier))
    return qs.filter(excess__lte=0).order_by("excess", "-relevance", "-popularity", "code")


def _matching(qs, db, tier: Tier):
    sql, params = db.relevance(tier.phrases)
    qs = qs.annotate(relevance=RawSQL(sql, params, output_field=IntegerField()))  # noqa: S611 (fixed SQL)
    if any(c.may_miss for c in tier.conjunctions):
        return _relaxed(qs, db, tier)
    return _strict(qs, db, tier)


def _tiers(alternatives: list[tuple[str, ...]], db) -> Iterator[Tier]:
    exact = exact_tier(alternatives)
    yield exact
    tolerant = tolerant_tier(alternatives, vocabulary(db) & vocabulary_probe(alternatives))
    if tolerant != exact:
        yield tolerant
    relaxed_exact = relaxed_tier(exact)
    if relaxed_exact is not None:
        yield relaxed_exact
        relaxed_tolerant = relaxed_tier(tolerant)
        if relaxed_tolerant != relaxed_exact:
            yield relaxed_tolerant


def _filtered(*, level, field, unit, online):
    qs = procedure_list_public()
    if level:
        qs = qs.filter(level=level)
    if field:
        qs = qs.filter(field__code=field)
    if unit:
        qs = qs.filter(handling_unit__code=unit)
    if online:
        qs = qs.filter(online_level=online)
    return qs


def procedure_search(*, q: str = "", level: str | None = None, field: str | None = None, unit: str | None = None,
                     online: str | None = None, limit: int = 20, offset: int = 0) -> SearchResult:
    """Search the public catalogue. `field` is a field code, `unit` a handling unit code, `online` "full"
    or "partial". A blank query (or one without letters or digits) lists by popularity. Negative
    limit/offset count as 0 (the API refuses them before)."""
    qs = _filtered(level=level, field=field, unit=unit, online=online)
    start, stop = max(0, offset), max(0, offset) + max(0, limit)
    alternatives = query_alternatives(q)
    if not alternatives:
        return _page(qs.order_by("-popularity", "code"), start, stop)
    db = backend()
    for tier in _tiers(alternatives, db):
        result = _ranked_page(_matching(qs, db, tier), start, stop)
        if result.count:
            return result
    return SearchResult(count=0, results=[])


def _page(qs, start: int, stop: int) -> SearchResult:
    """The total (through the index only), then the page."""
    count = qs.count()
    return SearchResult(count=count, results=list(qs[start:stop]) if count and stop > start else [])


def _ranked_page(qs, start: int, stop: int) -> SearchResult:
    """As _page, but the ranking sorts ids, then the page's rows are read: a sort of narrow rows is 2×
    faster on PostgreSQL for «cấp» (2,700 matches). A window count would save the count's round trip but
    makes PostgreSQL materialise every matching row (slower again)."""
    count = qs.count()
    if not count or stop <= start:
        return SearchResult(count=count, results=[])
    ids = list(qs.values_list("pk", flat=True)[start:stop])
    rows = procedure_list_public().in_bulk(ids)
    return SearchResult(count=count, results=[rows[pk] for pk in ids if pk in rows])


def search_index_rebuild() -> int:
    """Recompute the index from catalog_procedure.search_text (after a restore, or after a migration that had
    to recreate the triggers) and renew the vocabulary token. Returns the number of procedures indexed."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("UPDATE catalog_procedure SET search_text = search_text")  # the trigger recomputes
            return cursor.rowcount  # and the statement trigger renews the token
        cursor.execute("DELETE FROM catalog_procedure_fts")
        cursor.execute(
            "INSERT INTO catalog_procedure_fts(rowid, head, tail) SELECT p.id, "
            "substr(p.search_text, 1, length(p.code) + 1 + length(p.name)), "
            "substr(p.search_text, length(p.code) + length(p.name) + 2) FROM catalog_procedure p")
        indexed = cursor.rowcount
        cursor.execute("UPDATE catalog_search_state SET token = lower(hex(randomblob(8)))")
        return indexed
