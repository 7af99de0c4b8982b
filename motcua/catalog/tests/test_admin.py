# SPDX-License-Identifier: AGPL-3.0-or-later
from decimal import Decimal

import pytest

from motcua.accounts.models import User
from motcua.catalog.exchange import catalog_load
from motcua.catalog.models import Procedure, Process, ProcessStep
from motcua.catalog.selectors import procedure_get
from motcua.catalog.tests.factories import catalog_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("quantri", "qt@example.vn", "mat-khau-quan-tri"))
    return client


@pytest.fixture
def catalogue():
    catalog_load(payload=catalog_payload())
    return procedure_get(code="1.001193")


def _form_data(response) -> dict:
    """What the browser would post back unchanged: the main form, then every inline formset."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = "on" if value is True else value
    return data


def _allowances(process) -> list[Decimal]:
    return list(ProcessStep.objects.filter(process=process).order_by("order").values_list("allowance", flat=True))


def _steps(data: dict) -> list[str]:
    return sorted(k for k in data if k.startswith("steps-") and k.endswith("-allowance"))


@pytest.mark.parametrize("path", ["/admin/catalog/procedure/", "/admin/catalog/process/", "/admin/catalog/field/",
                                  "/admin/catalog/procedure/add/", "/admin/catalog/process/add/"])
def test_catalogue_admin_pages_open_in_vietnamese(admin_client, catalogue, path):
    response = admin_client.get(path)
    assert response.status_code == 200
    assert "thủ tục" in response.content.decode().lower()


def test_change_pages_open(admin_client, catalogue):
    process = catalogue.processes.get()
    assert admin_client.get(f"/admin/catalog/procedure/{catalogue.pk}/change/").status_code == 200
    response = admin_client.get(f"/admin/catalog/process/{process.pk}/change/")
    assert response.status_code == 200 and "Lãnh đạo ký duyệt" in response.content.decode()


def test_changelist_filters_and_search(admin_client, catalogue):
    partial = admin_client.get("/admin/catalog/procedure/", {"online_level__exact": "partial"})
    assert list(partial.context["cl"].result_list.values_list("code", flat=True)) == ["1.009994"]
    found = admin_client.get("/admin/catalog/procedure/", {"q": "khai sinh"})
    assert list(found.context["cl"].result_list.values_list("code", flat=True)) == ["1.001193"]


def test_process_whose_steps_do_not_sum_is_refused_with_the_gap(admin_client, catalogue):
    process = catalogue.processes.get()
    url = f"/admin/catalog/process/{process.pk}/change/"
    data = _form_data(admin_client.get(url))
    data[_steps(data)[1]] = "0.25"  # 0.25 + 0.25 + 0.25 + 0 of 1 working day
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "thiếu 0,25 ngày làm việc" in response.content.decode()
    assert _allowances(process) == [Decimal("0.25"), Decimal("0.5"), Decimal("0.25"), 0]


def test_process_whose_steps_sum_is_saved(admin_client, catalogue):
    process = catalogue.processes.get()
    url = f"/admin/catalog/process/{process.pk}/change/"
    data = _form_data(admin_client.get(url))
    first, second = _steps(data)[:2]
    data[first], data[second] = "0.5", "0.25"
    assert admin_client.post(url, data).status_code == 302
    assert _allowances(process) == [Decimal("0.5"), Decimal("0.25"), Decimal("0.25"), 0]


def test_editing_a_procedure_keeps_search_text_in_sync(admin_client, catalogue):
    url = f"/admin/catalog/procedure/{catalogue.pk}/change/"
    data = _form_data(admin_client.get(url))
    data["name"] = "Đăng ký khai sinh lưu động"
    data["keywords"] = '["khai sinh tại nhà"]'
    assert admin_client.post(url, data).status_code == 302
    search_text = Procedure.objects.get(pk=catalogue.pk).search_text
    assert "luu dong" in search_text and "khai sinh tai nha" in search_text


def test_a_new_legal_time_that_breaks_the_process_is_refused(admin_client, catalogue):
    url = f"/admin/catalog/procedure/{catalogue.pk}/change/"
    data = _form_data(admin_client.get(url))
    data["processing_time_value"] = "2"
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "thiếu 1 ngày làm việc" in response.content.decode()
    assert Procedure.objects.get(pk=catalogue.pk).processing_time_value == 1
    assert Process.objects.filter(procedure=catalogue).count() == 1


def test_synonym_added_in_the_admin_is_stored_folded_and_audited(admin_client):
    from motcua.catalog.models import SearchSynonym
    from motcua.core.models import AuditEvent

    response = admin_client.post("/admin/catalog/searchsynonym/add/",
                                 {"phrase": "Giấy  Đỏ", "expansion": "giấy chứng nhận quyền sử dụng đất"})
    assert response.status_code == 302, response.content.decode()[:2000]
    synonym = SearchSynonym.objects.get(phrase="giay do")
    assert synonym.expansion == "giay chung nhan quyen su dung dat"
    assert AuditEvent.objects.filter(action="catalog.search_synonym_created", object_id=str(synonym.pk)).exists()
    again = admin_client.post("/admin/catalog/searchsynonym/add/",
                              {"phrase": "giay do", "expansion": "giấy chứng nhận quyền sử dụng đất"})
    assert again.status_code == 200 and "đã có" in again.content.decode()
