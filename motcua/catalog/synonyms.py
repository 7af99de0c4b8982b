# SPDX-License-Identifier: AGPL-3.0-or-later
"""Query understanding (hiểu câu tìm kiếm), shared by the catalogue search and the virtual assistant.

A query is folded (no diacritics, đ → d, lower case) and cut into words of letters and digits. Synonyms
and abbreviations are data (SearchSynonym, seeded from data/synonyms.json): each rule whose phrase occurs
in the query adds an alternative where the phrase is replaced by its expansion («so do» → «giay chung
nhan quyen su dung dat»); an empty expansion drops a filler phrase («o dau»). Spelling variants of the
i/y kind (kí/ký, lí/lý) are a fixed rule of Vietnamese orthography, not data.
"""

import json
import re
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.errors import ValidationFailed
from motcua.core.services import audit_record
from motcua.core.text import fold

from .models import SearchSynonym

WORD = re.compile(r"[a-z0-9]+")
MAX_QUERY_WORDS = 12  # a pasted paragraph is cut: the first words carry the intent
MAX_PHRASE_WORDS = 6
MAX_ALTERNATIVES = 8
DATA_FILE = Path(__file__).resolve().parent / "data" / "synonyms.json"
# Both spellings are in use after the 1980s reforms: kí/ký, lí/lý, mĩ/mỹ, sĩ/sỹ, tỉ/tỷ, hi/hy, qui/quy.
_I_Y = re.compile(r"^(h|k|l|m|s|t|qu)([iy])$")


def words_of(text: str) -> list[str]:
    """Folded words of a text: 'Đăng ký, kết hôn!' → ['dang', 'ky', 'ket', 'hon']."""
    return WORD.findall(fold(text or ""))


def phrase_normalize(text: str) -> str:
    """The stored form of a synonym phrase or expansion: folded words joined by one space."""
    return " ".join(words_of(text))


def spelling_variants(word: str) -> tuple[str, ...]:
    """The word and its other accepted spelling: 'ki' → ('ki', 'ky')."""
    match = _I_Y.match(word)
    if not match:
        return (word,)
    other = "y" if match.group(2) == "i" else "i"
    return (word, match.group(1) + other)


def _ngrams(words: list[str]) -> set[str]:
    return {" ".join(words[i:j]) for i in range(len(words))
            for j in range(i + 1, min(len(words), i + MAX_PHRASE_WORDS) + 1)}


def synonym_rules(words: list[str]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """The (phrase, expansion) rules whose phrase occurs in the words, longest phrase first. One query."""
    rows = SearchSynonym.objects.filter(phrase__in=_ngrams(words)).values_list("phrase", "expansion")
    rules = {(tuple(phrase.split()), tuple(expansion.split())) for phrase, expansion in rows}
    return sorted(rules, key=lambda rule: (-len(rule[0]), rule))


def _replace(words: tuple[str, ...], phrase: tuple[str, ...], expansion: tuple[str, ...]) -> tuple[str, ...] | None:
    """Every occurrence of phrase replaced by expansion, or None when the phrase does not occur."""
    out, i, found, n = [], 0, False, len(phrase)
    while i < len(words):
        if words[i:i + n] == phrase:
            out.extend(expansion)
            i, found = i + n, True
        else:
            out.append(words[i])
            i += 1
    return tuple(out) if found else None


def query_alternatives(q: str) -> list[tuple[str, ...]]:
    """The query's own words first, then the rewritings by synonym rules (each rule applied to every
    alternative found so far, longest phrases first, at most MAX_ALTERNATIVES)."""
    words = words_of(q)[:MAX_QUERY_WORDS]
    if not words:
        return []
    alternatives = [tuple(words)]
    for phrase, expansion in synonym_rules(words):
        for alternative in list(alternatives):
            if expansion and _replace(alternative, expansion, expansion):
                continue  # already said in full: «giay phep xay dung» is not rewritten by «phep xay dung»
            rewritten = _replace(alternative, phrase, expansion)
            if rewritten and rewritten not in alternatives and len(alternatives) < MAX_ALTERNATIVES:
                alternatives.append(rewritten)
    return alternatives


def query_expand(q: str) -> list[str]:
    """Folded alternatives of a query: query_expand('Làm sổ đỏ ở đâu?') →
    ['lam so do o dau', 'lam giay chung nhan quyen su dung dat o dau', 'lam so do', ...]."""
    return [" ".join(alternative) for alternative in query_alternatives(q)]


def search_synonym_check(*, phrase: str, expansion: str, synonym: SearchSynonym | None = None) -> tuple[str, str]:
    """Folded (phrase, expansion), or ValidationFailed in Vietnamese (for the admin form's clean())."""
    folded_phrase, folded_expansion = phrase_normalize(phrase), phrase_normalize(expansion)
    if not folded_phrase:
        raise ValidationFailed(_("Cụm từ phải có ít nhất một chữ hoặc số."), code="synonym_invalid")
    if len(folded_phrase.split()) > MAX_PHRASE_WORDS:
        raise ValidationFailed(_("Cụm từ dài quá %(max)s từ.") % {"max": MAX_PHRASE_WORDS}, code="synonym_invalid")
    if folded_phrase == folded_expansion:
        raise ValidationFailed(_("Cụm từ và cách gọi trong danh mục trùng nhau."), code="synonym_invalid")
    others = SearchSynonym.objects.filter(phrase=folded_phrase, expansion=folded_expansion)
    if synonym is not None and synonym.pk:
        others = others.exclude(pk=synonym.pk)
    if others.exists():
        raise ValidationFailed(_("Từ đồng nghĩa «%(phrase)s» → «%(expansion)s» đã có.")
                               % {"phrase": folded_phrase, "expansion": folded_expansion}, code="synonym_exists")
    return folded_phrase, folded_expansion


@transaction.atomic
def search_synonym_save(*, phrase: str, expansion: str, synonym: SearchSynonym | None = None,
                        actor=None) -> SearchSynonym:
    """Create (synonym=None or unsaved) or change a synonym; both sides are stored folded."""
    synonym = synonym if synonym is not None else SearchSynonym()
    created = synonym.pk is None
    synonym.phrase, synonym.expansion = search_synonym_check(phrase=phrase, expansion=expansion, synonym=synonym)
    synonym.save()
    audit_record(action="catalog.search_synonym_created" if created else "catalog.search_synonym_updated",
                 obj=synonym, actor=actor, data={"phrase": synonym.phrase, "expansion": synonym.expansion})
    return synonym


@transaction.atomic
def search_synonym_delete(*, synonym: SearchSynonym, actor=None) -> None:
    audit_record(action="catalog.search_synonym_deleted", obj=synonym, actor=actor,
                 data={"phrase": synonym.phrase, "expansion": synonym.expansion})
    synonym.delete()


@transaction.atomic
def search_synonyms_load(*, path: Path = DATA_FILE, actor=None) -> list[SearchSynonym]:
    """Add the rules of a synonyms file that are missing (idempotent; existing rows are left alone, so
    a rule an administrator deleted comes back only if this is run again)."""
    rows = json.loads(Path(path).read_text(encoding="utf-8"))["synonyms"]
    created = []
    for row in rows:
        pair = (phrase_normalize(row["phrase"]), phrase_normalize(row.get("expansion", "")))
        if pair[0] and not SearchSynonym.objects.filter(phrase=pair[0], expansion=pair[1]).exists():
            created.append(search_synonym_save(phrase=pair[0], expansion=pair[1], actor=actor))
    return created
