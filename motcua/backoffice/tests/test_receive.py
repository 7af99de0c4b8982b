# SPDX-License-Identifier: AGPL-3.0-or-later
"""Receipt at the desk: choose the procedure, fill the form, the dossier exists with its code and due date."""

import pytest

from motcua.accounts.models import Role
from motcua.accounts.services import role_assign
from motcua.dossiers.models import Channel, Dossier, DossierEvent, Stage

from .helpers import login

pytestmark = pytest.mark.django_db


def form_url(world, procedure=None, center=None):
    return f"/can-bo/tiep-nhan/{(center or world.bmt_center).code}/{(procedure or world.marriage).code}/"


def filled(world, **changes):
    data = {"applicant_kind": "cong_dan", "applicant_name": "Trần Thị Bích", "id_number": "066190001234",
            "phone": "0905 123 456", "email": "bich@example.vn", "address": "12 Lê Duẩn, Buôn Ma Thuột",
            "submitter_name": "", "channel": Channel.IN_PERSON, "papers": [p.pk for p in world.marriage.papers.all()],
            "handling_unit": world.bmt.pk, "result_delivery": "tai_trung_tam", "assignee": ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_only_receivers_of_a_center_may_receive(client, world):
    response = login(client, world.specialist).get("/can-bo/tiep-nhan/")
    assert response.status_code == 403
    assert "Chỉ cán bộ tiếp nhận" in response.content.decode()
    login(client, world.tan_an_receiver)
    assert client.get(form_url(world)).status_code == 404  # not their center


def test_a_receiver_at_several_centers_picks_one(client, world):
    role_assign(user=world.receiver, unit=world.tan_an_center, role=Role.RECEIVER)
    response = login(client, world.receiver).get("/can-bo/tiep-nhan/", {"center": world.tan_an_center.code})
    assert [code for code, _ in response.context["form"].fields["center"].choices] == [
        world.bmt_center.code, world.tan_an_center.code]
    assert response.context["center"] == world.tan_an_center
    assert f'href="{form_url(world, center=world.tan_an_center)}"' in response.content.decode()


def test_step_one_finds_the_procedure_by_code(client, world):
    response = login(client, world.receiver).get("/can-bo/tiep-nhan/", {"center": world.bmt_center.code,
                                                                          "q": "T.0002"})
    body = response.content.decode()
    assert response.status_code == 200
    assert f'href="{form_url(world, world.criminal_record)}"' in body


def test_step_two_offers_the_checklist_and_the_centers_commune_by_default(client, world):
    response = login(client, world.receiver).get(form_url(world))
    form = response.context["form"]
    assert form.fields["handling_unit"].initial == world.bmt.pk
    assert world.tan_an in form.fields["handling_unit"].queryset  # regardless of administrative boundary
    assert list(form.fields["papers"].queryset) == list(world.marriage.papers.all())
    assert set(form.fields["assignee"].queryset) == {world.specialist, world.specialist2}


def test_receipt_happy_path(client, world):
    response = login(client, world.receiver).post(form_url(world), filled(world))
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/can-bo/ho-so/{dossier.code}/"
    assert (dossier.stage, dossier.channel, dossier.handling_unit, dossier.receiving_unit) == (
        Stage.RECEIVED, Channel.IN_PERSON, world.bmt, world.bmt_center)
    assert (dossier.applicant_name, dossier.applicant_id_number, dossier.applicant_phone) == (
        "Trần Thị Bích", "066190001234", "0905123456")
    assert dossier.submitter_name == "Trần Thị Bích"
    assert dossier.form_data["papers_received"] == [{"name": "Tờ khai", "form": "original", "count": 1}]
    assert dossier.events.get().actor == world.receiver
    body = client.get(response["Location"]).content.decode()
    assert f"Đã tiếp nhận hồ sơ {dossier.code}. Hẹn trả kết quả:" in body
    assert f'<a href="/can-bo/ho-so/{dossier.code}/mau/01.pdf">In Giấy tiếp nhận và hẹn trả kết quả (Mẫu 01)</a>' in body
    assert "Đã nhận" in body  # the checklist on the dossier page


def test_receipt_for_another_commune_with_an_assignee_by_post(client, world):
    login(client, world.receiver).post(form_url(world), filled(world, handling_unit=world.tan_an.pk,
                                                               channel=Channel.POST))
    dossier = Dossier.objects.get()
    assert (dossier.handling_unit, dossier.channel) == (world.tan_an, Channel.POST)
    client.post(form_url(world), filled(world, assignee=world.specialist2.pk))
    assigned = Dossier.objects.exclude(pk=dossier.pk).get()
    assert (assigned.stage, assigned.assignee) == (Stage.PROCESSING, world.specialist2)


def test_province_procedures_go_to_their_department(client, world):
    response = login(client, world.receiver).get(form_url(world, world.criminal_record))
    assert response.context["units"].fixed
    client.post(form_url(world, world.criminal_record),
                filled(world, papers=[p.pk for p in world.criminal_record.papers.all()],
                       handling_unit=world.stp.pk))
    assert Dossier.objects.get().handling_unit == world.stp


def test_a_missing_required_paper_is_named_and_nothing_is_written(client, world):
    response = login(client, world.receiver).post(form_url(world), filled(world, papers=[]))
    assert response.status_code == 400
    assert "Hồ sơ chưa đủ thành phần bắt buộc. Còn thiếu: Tờ khai." in response.content.decode()
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()


def test_an_invalid_cccd_is_refused_and_nothing_is_written(client, world):
    response = login(client, world.receiver).post(form_url(world), filled(world, id_number="12345"))
    assert response.status_code == 400
    assert "Số CCCD phải gồm đúng 12 chữ số." in response.content.decode()
    response = client.post(form_url(world), filled(world, id_number="999190001234"))
    assert "mã nơi đăng ký khai sinh 999 không hợp lệ" in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_business_gives_its_tax_code(client, world):
    login(client, world.receiver).post(form_url(world), filled(world, applicant_kind="to_chuc",
                                                               applicant_name="Công ty TNHH Cà phê Ban Mê",
                                                               id_number="6001234567"))
    assert Dossier.objects.get().applicant_id_number == "6001234567"


def test_a_refusal_by_the_service_comes_back_as_a_form_message(client, world):
    """A BMT specialist cannot take a dossier handled by Tân An: the service refuses, nothing is written."""
    response = login(client, world.receiver).post(
        form_url(world), filled(world, handling_unit=world.tan_an.pk, assignee=world.specialist.pk))
    assert response.status_code == 400
    assert "không giữ vai trò «Chuyên viên xử lý» tại Phường Tân An" in response.content.decode()
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()
