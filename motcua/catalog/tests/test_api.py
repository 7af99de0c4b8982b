# SPDX-License-Identifier: AGPL-3.0-or-later
"""Public catalogue API: /api/v1/procedures (search) and /api/v1/procedures/<code> (whole record)."""

import pytest

from motcua.catalog.services import catalog_import, catalog_parse
from motcua.catalog.tests.factories import catalog_payload
from motcua.catalog.tests.test_search import CATALOGUE, catalogue_import, catalogue_setup, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(dak_lak):
    catalogue_setup(dak_lak)


def test_search_answers_count_and_results_in_the_documented_shape(client, catalogue):
    response = client.get("/api/v1/procedures", {"q": "so do"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 1
    assert body["results"][0] == {
        "code": "1.013978",
        "name": CATALOGUE[6]["name"],
        "field": {"code": "DATDAI", "name": "Đất đai"},
        "level": "commune",
        "processing_time": {"value": 5, "unit": "working_days"},
        "online_level": "partial",
        "fees": [{"name": "Lệ phí", "amount": 10000, "paid_when": "submission"}],
        "url": "http://testserver/thu-tuc/1.013978/",
    }


def test_blank_search_lists_by_popularity_and_pages(client, catalogue):
    body = client.get("/api/v1/procedures", {"limit": 2, "offset": 1}).json()
    assert body["count"] == len(CATALOGUE) - 1
    assert [r["code"] for r in body["results"]] == ["1.001193", "1.009999"]


def test_filters_are_passed_to_the_search(client, catalogue):
    body = client.get("/api/v1/procedures", {"q": "giấy phép xây dựng", "level": "province", "unit": "66.SXD",
                                             "online": "full"}).json()
    assert [r["code"] for r in body["results"]] == ["1.009999"]
    assert client.get("/api/v1/procedures", {"field": "KHONGCO"}).json() == {"count": 0, "results": []}
    empty = client.get("/api/v1/procedures", {"q": "", "level": "", "online": "", "limit": "", "field": ""})
    assert empty.status_code == 200 and empty.json()["count"] == len(CATALOGUE) - 1


@pytest.mark.parametrize(("params", "parameter", "words"), [
    ({"level": "xa"}, "level", "Cấp thực hiện không hợp lệ"),
    ({"online": "yes"}, "online", "Mức độ trực tuyến không hợp lệ"),
    ({"limit": 101}, "limit", "limit phải từ 1 đến 100"),
    ({"limit": 0}, "limit", "limit phải từ 1 đến 100"),
    ({"limit": "mười"}, "limit", "limit phải là số nguyên"),
    ({"offset": -1}, "offset", "offset không được âm"),
    ({"offset": "1.5"}, "offset", "offset phải là số nguyên"),
    ({"q": "x" * 201}, "q", "Từ khóa dài quá 200 ký tự"),
    ({"field": "X" * 33}, "field", "Mã lĩnh vực dài quá 32 ký tự"),
])
def test_invalid_parameters_answer_400_in_vietnamese(client, params, parameter, words):
    response = client.get("/api/v1/procedures", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_parameter" and body["parameter"] == parameter
    assert body["message"].startswith(f"Tham số {parameter} không hợp lệ: ") and words in body["message"]


@pytest.mark.parametrize("q", ['"', "*", "AND", "-hon", ":", "NEAR(a b)", "{head}: x", "a:* & !b", "%", "\\"])
def test_full_text_syntax_typed_by_a_user_is_never_an_error(client, catalogue, q):
    assert client.get("/api/v1/procedures", {"q": q}).status_code == 200


def test_search_query_count_does_not_grow_with_the_page(client, catalogue, django_assert_max_num_queries):
    more = [record(f"9.{i:06d}", f"Thủ tục đăng ký thử nghiệm số {i}", "HOTICH", i) for i in range(30)]
    catalogue_import(more)
    with django_assert_max_num_queries(5):  # synonyms, count, ids of the page, its rows, fees
        body = client.get("/api/v1/procedures", {"q": "đăng ký", "limit": 100}).json()
    assert len(body["results"]) > 30 and all(r["fees"] for r in body["results"])
    with django_assert_max_num_queries(4):  # count, ids of the page, its rows, fees
        client.get("/api/v1/procedures", {"limit": 100})


def _import_factories():
    fields, procedures = catalog_parse(catalog_payload())
    catalog_import(fields=fields, procedures=procedures)


def test_detail_has_papers_fees_steps_and_the_partial_reason(client, django_assert_max_num_queries):
    _import_factories()
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/procedures/1.009994")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "1.009994" and body["url"] == "http://testserver/thu-tuc/1.009994/"
    assert body["online_level"] == "partial"
    assert body["partial_reason"] == "Cần kiểm tra hiện trạng công trình tại thực địa."
    assert body["fees"] == [{"name": "Lệ phí cấp giấy phép xây dựng", "amount": 75000, "paid_when": "submission",
                             "note": ""}]
    assert body["papers"][0] == {"name": "Đơn đề nghị cấp giấy phép xây dựng", "form": "original", "count": 1,
                                 "template": "", "required": True}
    assert [(s["order"], s["role"], s["allowance"]) for s in body["steps"]] == [
        (1, "tiep_nhan", "1.00"), (2, "chuyen_vien", "12.00"), (3, "lanh_dao_ky", "2.00")]
    assert body["processing_time"] == {"value": 15, "unit": "days", "note": ""}
    assert body["subjects"] == ["citizen"] and body["handling_unit"] is None


def test_detail_of_birth_registration_lists_its_keywords_and_result(client):
    _import_factories()
    body = client.get("/api/v1/procedures/1.001193").json()
    assert body["result"] == {"type": "document", "name": "Giấy khai sinh"}
    assert body["keywords"] == ["giấy khai sinh", "làm giấy khai sinh cho con"]
    assert body["processing_time"]["value"] == 1 and len(body["steps"]) == 4


def test_unknown_code_answers_404_with_code_and_message(client):
    response = client.get("/api/v1/procedures/9.999999")
    assert response.status_code == 404
    assert response.json() == {"code": "procedure_not_found", "message": "Không tìm thấy thủ tục có mã 9.999999."}


def test_an_unpublished_procedure_is_not_served(client, catalogue):
    assert client.get("/api/v1/procedures/1.009000").status_code == 404


def test_openapi_schema_documents_both_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    search = schema["paths"]["/api/v1/procedures"]["get"]
    assert {p["name"] for p in search["parameters"]} == {"q", "level", "field", "unit", "online", "limit", "offset"}
    assert set(search["responses"]) == {"200", "400"}
    assert set(schema["paths"]["/api/v1/procedures/{code}"]["get"]["responses"]) == {"200", "404"}
    item = schema["components"]["schemas"]["ProcedureItem"]["properties"]
    assert set(item) == {"code", "name", "field", "level", "processing_time", "online_level", "fees", "url"}
