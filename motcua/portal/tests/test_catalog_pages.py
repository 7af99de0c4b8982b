# SPDX-License-Identifier: AGPL-3.0-or-later
"""Public catalogue pages: /thu-tuc/, /thu-tuc/<code>/, the online-submission placeholder, the home list."""

import copy
import html
import re

import pytest
from django.urls import reverse

from motcua.catalog.services import catalog_import, catalog_parse
from motcua.catalog.tests.factories import BIRTH, BUILDING, catalog_payload

pytestmark = pytest.mark.django_db

# A province-level procedure with a suffixed code, hours and a fee in the millions.
LAND = {
    "code": "1.012753.H19",
    "name": "Đăng ký biến động quyền sử dụng đất",
    "field": "DATDAI",
    "level": "province",
    "handling_agency": "Văn phòng đăng ký đất đai",
    "processing_time": {"value": 4, "unit": "hours"},
    "fees": [{"name": "Phí thẩm định hồ sơ", "amount": 1250000, "paid_when": "result", "note": "Theo nghị quyết HĐND tỉnh"},
             {"name": "Lệ phí cấp giấy chứng nhận", "amount": 50000}],
    "papers": [{"name": "Bản sao giấy chứng nhận", "form": "copy", "count": 2}],
    "online_level": "full",
    "cross_boundary": False,
    "legal_basis": ["Luật Đất đai số 31/2024/QH15"],
    "steps": [{"order": 1, "name": "Tiếp nhận", "role": "receiver", "allowance": 0.5},
              {"order": 2, "name": "Xử lý", "role": "department_leader", "allowance": 3.5}],
    "popularity": 10,
}
# Published in a field of its own as a draft: neither the procedure nor the field may show.
DRAFT = {"code": "2.000001", "name": "Thủ tục dự thảo về khoáng sản", "field": "KHOANGSAN", "level": "province",
         "handling_agency": "Sở Nông nghiệp và Môi trường", "processing_time": {"value": 5, "unit": "working_days"},
         "publication_status": "draft"}


def _import(*records, extra_fields=()):
    payload = catalog_payload(*records)
    payload["fields"] += [{"code": "DATDAI", "name": "Đất đai"}, {"code": "KHOANGSAN", "name": "Khoáng sản"},
                          *extra_fields]
    fields, procedures = catalog_parse(payload)
    catalog_import(fields=fields, procedures=procedures)


def _many(n: int) -> list[dict]:
    """n published procedures spread over two fields, each with one fee."""
    records = []
    for i in range(n):
        record = copy.deepcopy(BUILDING if i % 2 else BIRTH)
        record.update(code=f"9.{i:06d}", name=f"{record['name']} số {i}", popularity=i)
        records.append(record)
    return records


@pytest.fixture
def catalogue():
    _import(BIRTH, BUILDING, LAND, DRAFT)


def _text(response) -> str:
    """The page as a reader sees it: tags removed, entities decoded, white space collapsed."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _card_codes(response) -> list[str]:
    return [p.code for p in response.context["procedures"]]


# --- list ------------------------------------------------------------------------------------------------

def test_list_shows_published_procedures_as_cards_with_count(client, catalogue):
    response = client.get(reverse("portal:procedure-list"))
    assert response.status_code == 200
    text = _text(response)
    assert "Tìm thấy 3 thủ tục" in text
    assert _card_codes(response) == ["1.001193", "1.009994", "1.012753.H19"]  # by popularity
    assert "Thủ tục dự thảo" not in text
    assert 'href="/thu-tuc/1.012753.H19/"' in response.content.decode()


def test_cards_show_time_with_unit_fee_summary_and_online_badge(client, catalogue):
    text = _text(client.get(reverse("portal:procedure-list")))
    assert "1 ngày làm việc" in text
    assert "15 ngày" in text
    assert "4 giờ làm việc" in text
    assert "Miễn phí" in text  # birth registration: a 0 đ fee
    assert "75.000 đ" in text
    assert "Nhiều mức, 50.000 đ – 1.250.000 đ" in text
    assert text.count("Trực tuyến toàn trình") == 2 and text.count("Trực tuyến một phần") == 1


def test_search_by_code_finds_the_procedure(client, catalogue):
    # The search box's hint promises search by code.
    assert _card_codes(client.get("/thu-tuc/", {"q": "1.009994"})) == ["1.009994"]


def test_search_without_diacritics_finds_the_procedure(client, catalogue):
    response = client.get(reverse("portal:procedure-list"), {"q": "dang ky khai sinh"})
    assert _card_codes(response) == ["1.001193"]
    assert "Tìm thấy 1 thủ tục" in _text(response)


@pytest.mark.parametrize(("params", "codes"), [
    ({"level": "province"}, ["1.012753.H19"]),
    ({"level": "commune"}, ["1.001193", "1.009994"]),
    ({"field": "XAYDUNG"}, ["1.009994"]),
    ({"online": "partial"}, ["1.009994"]),
    ({"online": "full", "level": "commune"}, ["1.001193"]),
])
def test_filters_narrow_the_results(client, catalogue, params, codes):
    response = client.get(reverse("portal:procedure-list"), params)
    assert _card_codes(response) == codes
    assert response.context["count"] == len(codes)


def test_field_filter_lists_only_fields_with_published_procedures(client, catalogue):
    body = client.get(reverse("portal:procedure-list")).content.decode()
    select = re.search(r'<select name="field".*?</select>', body, flags=re.S).group(0)
    # Alphabetical the Vietnamese way (Đất đai before Hộ tịch); the draft-only field is left out.
    assert re.findall(r'value="([^"]*)"', select) == ["", "DATDAI", "HOTICH", "XAYDUNG"]


def test_chosen_filters_stay_selected_in_the_form(client, catalogue):
    body = client.get(reverse("portal:procedure-list"), {"level": "commune", "field": "HOTICH"}).content.decode()
    assert re.search(r'<option value="commune" selected>', body)
    assert re.search(r'<option value="HOTICH" selected>', body)


@pytest.mark.parametrize("query", [
    "level=abc&page=-1&page=xyz",
    "field=KHONGCO&online=tat-ca&page=0",
    "page=99999999999999999999",
    "q=" + "x" * 5000,
    "q=%00%ff&level=",
])
def test_bad_parameters_are_ignored_not_an_error(client, catalogue, query):
    response = client.get(f"/thu-tuc/?{query}")
    assert response.status_code == 200
    assert 'aria-invalid' not in response.content.decode()
    if "q=" not in query:
        assert response.context["count"] == 3  # every invalid filter dropped, page 1


def test_page_past_the_end_shows_the_last_page(client):
    _import(*_many(25))
    response = client.get("/thu-tuc/?page=7")
    assert response.status_code == 200
    assert response.context["page"] == 2 and len(response.context["procedures"]) == 5


def test_pagination_shows_twenty_and_links_keep_the_query_and_filters(client):
    _import(*_many(45))
    response = client.get("/thu-tuc/", {"q": "khai sinh", "level": "commune"})
    assert response.context["count"] == 23  # the birth copies (even indexes of 45)
    assert len(response.context["procedures"]) == 20
    body = response.content.decode()
    assert 'href="?q=khai+sinh&amp;level=commune&amp;page=2"' in body
    page_two = client.get("/thu-tuc/", {"q": "khai sinh", "level": "commune", "page": 2})
    assert len(page_two.context["procedures"]) == 3
    assert not set(_card_codes(page_two)) & set(_card_codes(response))
    assert 'href="?q=khai+sinh&amp;level=commune&amp;page=1"' in page_two.content.decode()


def test_no_result_suggests_other_words_and_popular_procedures(client, catalogue):
    response = client.get("/thu-tuc/", {"q": "giay phep lai tau vu tru", "level": "province"})
    text = _text(response)
    assert "Không tìm thấy thủ tục nào" in text
    assert "Thử từ khác hoặc ngắn hơn" in text
    assert "Bỏ bộ lọc và tìm lại" in text
    assert "Thủ tục đăng ký khai sinh" in text  # the most used one, suggested


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_does_not_grow_with_the_catalogue(client, django_assert_max_num_queries, n):
    _import(*_many(n))
    with django_assert_max_num_queries(4):  # fields, count, page, fees
        response = client.get("/thu-tuc/")
    assert len(response.context["procedures"]) == min(n, 20)


# --- detail ----------------------------------------------------------------------------------------------

def test_detail_shows_the_procedure_facts_papers_and_fees(client, catalogue):
    response = client.get(reverse("portal:procedure-detail", args=["1.001193"]))
    assert response.status_code == 200
    text = _text(response)
    assert "Thủ tục đăng ký khai sinh" in text
    assert "Hộ tịch" in text and "Cấp xã" in text and "UBND cấp xã" in text
    assert "1 ngày làm việc" in text
    assert "Tờ khai đăng ký khai sinh" in text and "Giấy chứng sinh" in text
    assert "Bản chính · Số lượng: 1 · Mẫu: Tờ khai đăng ký khai sinh" in text
    assert "Lệ phí đăng ký khai sinh : Miễn phí" in text
    assert "Miễn lệ phí khi đăng ký đúng hạn" in text
    assert "Giấy khai sinh" in text
    assert "UBND/Trung tâm PVHCC cấp xã — tiếp nhận không phụ thuộc địa giới hành chính" in text


def test_detail_formats_fees_in_dong(client, catalogue):
    text = _text(client.get("/thu-tuc/1.009994/"))
    assert "Lệ phí cấp giấy phép xây dựng : 75.000 đ" in text
    assert "Thời điểm nộp: Khi nộp hồ sơ" in text
    land = _text(client.get("/thu-tuc/1.012753.H19/"))
    assert "1.250.000 đ" in land and "Thời điểm nộp: Khi nhận kết quả" in land
    assert "Bản sao · Số lượng: 2" in land
    assert "Luật Đất đai số 31/2024/QH15" in land
    assert "tiếp nhận không phụ thuộc địa giới hành chính" not in land  # cross_boundary off


def test_detail_lists_process_steps_with_role_labels_and_allowance(client, catalogue):
    text = _text(client.get("/thu-tuc/1.001193/"))
    steps = text[text.index("Quy trình xử lý nội bộ"):text.index("Kết quả")]
    assert re.search(r"Bước 1: Tiếp nhận hồ sơ Cán bộ tiếp nhận \(một cửa\) · 0,25 ngày làm việc", steps)
    assert "Bước 2: Thẩm định hồ sơ Chuyên viên xử lý · 0,5 ngày làm việc" in steps
    assert "Bước 3: Ký duyệt Lãnh đạo ký duyệt · 0,25 ngày làm việc" in steps
    assert "Bước 4: Trả kết quả Cán bộ tiếp nhận (một cửa) · 0 ngày làm việc" in steps
    assert "tiep_nhan" not in text


def test_detail_of_partial_procedure_publishes_its_reason(client, catalogue):
    text = _text(client.get("/thu-tuc/1.009994/"))
    assert "Trực tuyến một phần" in text
    assert "Lý do chỉ trực tuyến một phần: Cần kiểm tra hiện trạng công trình tại thực địa." in text
    assert "Lý do chỉ trực tuyến một phần" not in _text(client.get("/thu-tuc/1.001193/"))


def test_detail_links_to_the_submission_page(client, catalogue):
    body = client.get("/thu-tuc/1.001193/").content.decode()
    assert re.search(r'<a class="button" href="/nop-ho-so/1.001193/">\s*Nộp trực tuyến', body)


@pytest.mark.parametrize("path", ["/thu-tuc/9.999999/", "/thu-tuc/2.000001/", "/nop-ho-so/9.999999/"])
def test_unknown_or_unpublished_code_is_a_vietnamese_404(client, catalogue, path):
    response = client.get(path)
    assert response.status_code == 404
    text = _text(response)
    assert "Không tìm thấy trang" in text
    assert f"Không tìm thấy thủ tục có mã {path.split('/')[2]}." in text
    assert 'lang="vi"' in response.content.decode()


def test_unknown_page_uses_the_site_404_template(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Trang bạn tìm không có hoặc đã được chuyển đi." in _text(response)


# --- submission placeholder, home ------------------------------------------------------------------------

def test_submission_entry_asks_an_anonymous_visitor_to_log_in(client, catalogue):
    # The placeholder became the online submission wizard's entry (tests: test_submission*.py).
    response = client.get(reverse("portal:submit-placeholder", args=["1.009994"]))
    assert response.status_code == 200
    text = _text(response)
    assert "Đăng nhập để nộp hồ sơ" in text
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in text
    assert "Phí, lệ phí: 75.000 đ." in text
    assert "<form" not in response.content.decode().split("</header>")[1]  # nothing to submit before logging in


def test_home_has_a_search_box_and_the_eight_most_used_procedures(client):
    _import(*_many(10))
    response = client.get("/")
    body = response.content.decode()
    assert re.search(r'<form class="search" role="search" method="get" action="/thu-tuc/">', body)
    assert re.search(r'<label for="home-q">', body) and 'id="home-q" name="q"' in body
    listed = re.findall(r'href="/thu-tuc/([^"]+)/"', body.split('id="popular-heading"')[1])
    assert listed == [f"9.{i:06d}" for i in range(9, 1, -1)]


def test_catalogue_pages_in_english_when_chosen(client, catalogue):
    client.cookies["django_language"] = "en"
    response = client.get("/thu-tuc/")
    text = _text(response)
    assert 'lang="en"' in response.content.decode()
    assert "Find administrative procedures" in text and "Found 3 procedures" in text
    assert "Several rates, 50,000 VND – 1,250,000 VND" in text  # English number format too
    assert "Found 1 procedure " in _text(client.get("/thu-tuc/?q=1.001193"))
    detail = _text(client.get("/thu-tuc/1.001193/"))
    assert "Required papers" in detail and "Apply online" in detail
