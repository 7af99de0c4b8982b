# SPDX-License-Identifier: AGPL-3.0-or-later
"""Vietnamese search of the catalogue (catalog.search.procedure_search), on SQLite and PostgreSQL alike."""

import pytest

from motcua.catalog.models import SearchSynonym
from motcua.catalog.search import Term, edits1, procedure_search
from motcua.catalog.services import catalog_import, catalog_parse
from motcua.catalog.synonyms import search_synonym_save
from motcua.units.services import unit_create_agency

pytestmark = pytest.mark.django_db

FIELDS = [
    {"code": "HOTICH", "name": "Hộ tịch"},
    {"code": "DATDAI", "name": "Đất đai"},
    {"code": "CUTRU", "name": "Đăng ký, quản lý cư trú"},
    {"code": "HKD", "name": "Thành lập và hoạt động của hộ kinh doanh"},
    {"code": "XAYDUNG", "name": "Hoạt động xây dựng"},
    {"code": "CHUNGTHUC", "name": "Chứng thực"},
]


def record(code, name, field, popularity, **extra) -> dict:
    data = {"code": code, "name": name, "field": field, "level": "commune", "handling_agency": "UBND cấp xã",
            "processing_time": {"value": 5, "unit": "working_days"}, "popularity": popularity,
            "fees": [{"name": "Lệ phí", "amount": 10000}]}
    if extra.get("online_level") == "partial":
        extra.setdefault("partial_reason", "Cần đối chiếu bản chính tại cơ quan.")
    return {**data, **extra}


PROVINCIAL = {"level": "province", "handling_agency": "Sở", "handling_agency_code": "SXD"}
CATALOGUE = [
    record("1.001193", "Thủ tục đăng ký khai sinh", "HOTICH", 95),
    record("1.000894", "Thủ tục đăng ký kết hôn", "HOTICH", 70),
    record("1.000656", "Thủ tục đăng ký khai tử", "HOTICH", 55),
    record("2.000528", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài", "HOTICH", 6),
    record("1.004884", "Thủ tục đăng ký lại khai sinh", "HOTICH", 20),
    record("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", "HOTICH", 65,
           keywords=["xác nhận chưa kết hôn"]),
    record("1.013978", "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, "
           "quyền sở hữu tài sản gắn liền với đất lần đầu", "DATDAI", 55, online_level="partial"),
    record("1.116410", "Cấp thẻ căn cước", "CUTRU", 70),
    record("1.004194", "Đăng ký tạm trú", "CUTRU", 78),
    record("1.001612", "Đăng ký thành lập hộ kinh doanh", "HKD", 65),
    record("2.000720", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "HKD", 30),
    record("1.013225", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "XAYDUNG", 45, online_level="partial"),
    record("1.009999", "Cấp giấy phép hoạt động xây dựng cho nhà thầu nước ngoài", "XAYDUNG", 90, **PROVINCIAL),
    record("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "CHUNGTHUC", 100),
    record("1.009000", "Thủ tục đăng ký khai sinh lưu động", "HOTICH", 99, publication_status="draft"),
]


def catalogue_import(records=CATALOGUE, province=None):
    fields, procedures = catalog_parse({"format": "motcua.catalog/1", "fields": FIELDS, "procedures": records})
    return catalog_import(fields=fields, procedures=procedures, province=province)


def catalogue_setup(province) -> None:
    """CATALOGUE, with 1.009999 handled by the province's department of construction (66.SXD)."""
    unit_create_agency(parent=province, code="66.SXD", name="Sở Xây dựng")
    catalogue_import(province=province)


@pytest.fixture
def catalogue(dak_lak):
    catalogue_setup(dak_lak)


def codes(q="", **kwargs) -> list[str]:
    return [p.code for p in procedure_search(q=q, **kwargs).results]


def first(q, **kwargs) -> str | None:
    return (codes(q, **kwargs) or [None])[0]


# --- the way people type --------------------------------------------------------------------------------

@pytest.mark.parametrize("q", ["dang ky ket hon", "Đăng ký kết hôn", "ĐĂNG KÝ KẾT HÔN", "đăng ky ket hôn",
                               "  dang   ky, ket hon!  ", "ket hon dang ky", "hôn kết"])
def test_marriage_is_found_with_or_without_diacritics_in_any_word_order(catalogue, q):
    assert first(q) == "1.000894"


def test_d_with_stroke_folds_to_d(catalogue):
    assert first("Đất đai lần đầu") == first("dat dai lan dau") == "1.013978"


@pytest.mark.parametrize(("q", "code"), [
    ("sổ đỏ", "1.013978"), ("so do", "1.013978"), ("làm sổ đỏ ở đâu", "1.013978"), ("bìa đỏ", "1.013978"),
    ("CCCD", "1.116410"), ("làm cccd", "1.116410"), ("CMND", "1.116410"),
    ("giấy khai sinh", "1.001193"), ("hộ kinh doanh", "1.001612"), ("HKD", "1.001612"),
    ("GPXD", "1.013225"), ("ĐKKD", "2.000720"), ("tạm trú", "1.004194"), ("KT3", "1.004194"),
    ("đăng kí kết hôn", "1.000894"), ("dang ki tam tru", "1.004194"),
])
def test_abbreviations_and_everyday_names(catalogue, q, code):
    assert first(q) == code


@pytest.mark.parametrize(("q", "code"), [
    ("dang ky ket hom", "1.000894"), ("khai sihn", "1.001193"), ("dang ky khai snh", "1.001193"),
    ("can cươc", "1.116410"), ("dang ky ket h", "1.000894"), ("tam tr", "1.004194"),
])
def test_one_typo_or_an_unfinished_last_word_is_tolerated(catalogue, q, code):
    assert first(q) == code


def test_an_extra_word_not_in_the_catalogue_does_not_empty_the_results(catalogue):
    assert first("đăng ký kết hôn ở phường") == "1.000894"
    assert first("thủ tục đăng ký khai tử cho bố") == "1.000656"


def test_nonsense_finds_nothing(catalogue):
    assert procedure_search(q="xyzzy qwerty").count == 0


# --- ranking --------------------------------------------------------------------------------------------

def test_words_together_in_the_name_beat_a_more_popular_scattered_match(catalogue):
    found = codes("giấy phép xây dựng")
    assert found.index("1.013225") < found.index("1.009999")  # popularity 45 before 90


def test_words_together_in_the_keywords_rank_between_name_and_scattered(catalogue):
    found = codes("kết hôn")
    assert found[:2] == ["1.000894", "1.004873"]


def test_equally_relevant_matches_are_ordered_by_popularity(catalogue):
    assert codes("khai sinh") == ["1.001193", "1.004884", "2.000528"]  # 95, 20, 6


def test_blank_query_lists_published_procedures_by_popularity(catalogue):
    result = procedure_search(q="  ")
    assert result.count == len(CATALOGUE) - 1  # the draft is never shown
    assert [p.code for p in result.results[:3]] == ["2.000815", "1.001193", "1.009999"]
    assert codes("?!") == [p.code for p in result.results]


def test_unpublished_procedures_are_never_found(catalogue):
    assert "1.009000" not in codes("khai sinh lưu động") + codes("")


# --- filters and paging ---------------------------------------------------------------------------------

def test_filters_combine_with_the_query(catalogue):
    assert codes("đăng ký", field="CUTRU") == ["1.004194", "1.116410"]  # in the name, in the field name
    assert set(codes(online="partial")) == {"1.013978", "1.013225"}
    assert codes("giấy phép xây dựng", level="province") == ["1.009999"]
    assert codes(unit="66.SXD") == ["1.009999"]
    assert codes("giấy phép xây dựng", level="commune", online="full") == []


def test_limit_and_offset_page_through_the_ranking(catalogue):
    everything = codes("đăng ký", limit=100)
    result = procedure_search(q="đăng ký", limit=3, offset=2)
    assert result.count == len(everything)
    assert [p.code for p in result.results] == everything[2:5]
    assert procedure_search(q="đăng ký", limit=-1, offset=-5).results == []


def test_results_carry_field_and_handling_unit_without_further_queries(catalogue, django_assert_num_queries):
    with django_assert_num_queries(4):  # synonyms, count, ids of the page, its rows
        result = procedure_search(q="giấy phép xây dựng")
        assert [(p.field.code, p.handling_unit and p.handling_unit.code) for p in result.results][-1] == \
            ("XAYDUNG", "66.SXD")


# --- user input never breaks the full-text syntax --------------------------------------------------------

@pytest.mark.parametrize("q", ['"', '"dang ky', "ket*", "*", "AND", "dang AND ky", "OR hon", "NOT hon", "-hon",
                               "dang -ky", "head:dang", ":", "tail : x", "{head}: dang", "NEAR(dang ky)",
                               "^dang", "dang + ky", "'", "''", "\\", "%", "_", "(", ")", "dang ) ky (",
                               "a:* & !b | c <-> d", "1.001193", "2.000", "🙂 ký", "dấu \x00 null"])
def test_special_characters_are_plain_text(catalogue, q):
    result = procedure_search(q=q)
    assert result.count >= 0


def test_only_plain_words_can_reach_a_full_text_expression():
    for word in ['a"b', "a*", "a b", "", "Đ", "a:b"]:
        with pytest.raises(ValueError):
            Term(word)


def test_neighbours_one_edit_away():
    assert {"sinh", "sin", "sihnn", "ihn"} <= edits1("sihn") and "sihn" not in edits1("sihn")
    assert {"hon", "ho", "ohm", "homm"} <= edits1("hom") and all(abs(len(w) - 3) == 1 or len(w) == 3
                                                                  for w in edits1("hom"))


def test_a_procedure_code_finds_that_procedure(catalogue):
    assert codes("1.001193")[0] == "1.001193"
    assert first("1.0011") == "1.001193"


# --- synonyms are data ----------------------------------------------------------------------------------

def test_a_synonym_added_by_an_administrator_makes_a_new_phrase_findable(catalogue):
    assert first("giấy hôn thú") != "1.000894"
    search_synonym_save(phrase="Giấy hôn thú", expansion="Đăng ký kết hôn")
    assert first("giấy hôn thú") == "1.000894"
    assert first("giay hon thu") == "1.000894"


def test_a_filler_synonym_lets_a_phrase_be_dropped(catalogue):
    assert codes("cho em hỏi khai tử") != ["1.000656"]
    search_synonym_save(phrase="cho em hỏi", expansion="")
    assert SearchSynonym.objects.filter(phrase="cho em hoi", expansion="").exists()
    assert codes("cho em hỏi khai tử") == ["1.000656"]


# --- the index follows every write ----------------------------------------------------------------------

def test_a_renamed_procedure_is_found_by_its_new_name_only(catalogue):
    renamed = [dict(r, name="Thủ tục đăng ký việc nuôi con nuôi") if r["code"] == "1.000656" else r
               for r in CATALOGUE]
    catalogue_import(renamed)
    assert first("nuôi con nuôi") == "1.000656"
    assert "1.000656" not in codes("khai tử")


def test_a_deleted_procedure_leaves_the_index(catalogue):
    from motcua.catalog.models import Procedure

    Procedure.objects.filter(code="1.000656").delete()
    assert "1.000656" not in codes("khai tu")
    assert procedure_search(q="khai tu").count == 0
