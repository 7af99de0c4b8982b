# SPDX-License-Identifier: AGPL-3.0-or-later
"""Query understanding shared with the assistant (catalog.synonyms): folding, spelling variants, synonym
rules as data and the services that keep them."""

import pytest

from motcua.catalog.models import SearchSynonym
from motcua.catalog.synonyms import (
    MAX_QUERY_WORDS,
    query_expand,
    search_synonym_delete,
    search_synonym_save,
    search_synonyms_load,
    spelling_variants,
    words_of,
)
from motcua.core.errors import ValidationFailed
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LAND = "giay chung nhan quyen su dung dat"


def test_words_are_folded_with_d_with_stroke_and_punctuation_dropped():
    assert words_of("Đăng ký, KẾT HÔN (đợt 2)!") == ["dang", "ky", "ket", "hon", "dot", "2"]
    assert words_of("  ") == [] and words_of("?!*") == []


@pytest.mark.parametrize(("word", "variants"), [
    ("ki", ("ki", "ky")), ("ky", ("ky", "ki")), ("ly", ("ly", "li")), ("quy", ("quy", "qui")),
    ("si", ("si", "sy")), ("kim", ("kim",)), ("y", ("y",)), ("di", ("di",)),
])
def test_i_and_y_spellings_are_both_accepted(word, variants):
    assert spelling_variants(word) == variants


def test_the_users_words_come_first_then_the_rewritings():
    alternatives = query_expand("Làm sổ đỏ ở đâu?")
    assert alternatives[0] == "lam so do o dau"
    assert set(alternatives) == {"lam so do o dau", "lam so do", f"lam {LAND} o dau", f"lam {LAND}"}


def test_abbreviations_typed_with_diacritics_are_understood():
    assert "dang ky kinh doanh" in query_expand("ĐKKD") and "can cuoc" in query_expand("cccd")


def test_a_phrase_already_said_in_full_is_not_rewritten_again():
    assert query_expand("giấy phép xây dựng") == ["giay phep xay dung"]


def test_blank_query_has_no_alternative_and_long_queries_are_cut():
    assert query_expand("   ") == []
    assert len(query_expand(" ".join(["abc"] * 50))[0].split()) == MAX_QUERY_WORDS


def test_the_default_synonyms_are_seeded_by_the_migration():
    assert SearchSynonym.objects.filter(phrase="so do", expansion=LAND).exists()
    assert SearchSynonym.objects.filter(phrase="o dau", expansion="").exists()
    assert search_synonyms_load() == []  # idempotent: everything in the file is there


def test_loading_the_file_again_restores_a_deleted_rule_only():
    SearchSynonym.objects.filter(phrase="gpxd").delete()
    created = search_synonyms_load()
    assert [(s.phrase, s.expansion) for s in created] == [("gpxd", "giay phep xay dung")]


def test_saving_a_synonym_folds_both_sides_and_is_audited():
    synonym = search_synonym_save(phrase="  Giấy HÔN thú ", expansion="Đăng ký kết hôn")
    assert (synonym.phrase, synonym.expansion) == ("giay hon thu", "dang ky ket hon")
    assert AuditEvent.objects.filter(action="catalog.search_synonym_created", object_id=str(synonym.pk)).exists()
    assert "dang ky ket hon" in query_expand("giấy hôn thú")


def test_changing_and_deleting_a_synonym():
    synonym = search_synonym_save(phrase="giấy hôn thú", expansion="kết hôn")
    search_synonym_save(synonym=synonym, phrase="giấy hôn thú", expansion="đăng ký kết hôn")
    assert SearchSynonym.objects.get(pk=synonym.pk).expansion == "dang ky ket hon"
    search_synonym_delete(synonym=synonym)
    assert query_expand("giấy hôn thú") == ["giay hon thu"]
    assert AuditEvent.objects.filter(action="catalog.search_synonym_deleted").exists()


@pytest.mark.parametrize(("phrase", "expansion", "message"), [
    ("?!", "căn cước", "Cụm từ phải có ít nhất một chữ hoặc số."),
    ("một hai ba bốn năm sáu bảy", "x", "Cụm từ dài quá 6 từ."),
    ("Căn cước", "căn cuoc", "Cụm từ và cách gọi trong danh mục trùng nhau."),
    ("Sổ Đỏ", LAND, "Từ đồng nghĩa «so do» → «giay chung nhan quyen su dung dat» đã có."),
])
def test_invalid_or_duplicate_synonyms_are_refused_in_vietnamese(phrase, expansion, message):
    with pytest.raises(ValidationFailed) as exc:
        search_synonym_save(phrase=phrase, expansion=expansion)
    assert str(exc.value.message) == message
