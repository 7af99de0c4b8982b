# SPDX-License-Identifier: AGPL-3.0-or-later
# ruff: noqa: F811 — `world`, `media` and `fresh_limits` are fixtures imported from other test modules
"""Public tracking (tra cứu hồ sơ): code + phone or CCCD digits; no oracle; masked; rate-limited."""

import re

import pytest
from django.urls import reverse

from motcua.dossiers.selectors import dossier_track
from motcua.dossiers.services import dossier_forward, dossier_stop
from motcua.dossiers.tests.conftest import world  # noqa: F401

from .tracking_helpers import MON, fresh_limits, media, owned, waiting_for_supplement  # noqa: F401

pytestmark = pytest.mark.usefixtures("fresh_limits")
URL = reverse("portal:track")
NEUTRAL = "Không tìm thấy hồ sơ khớp với thông tin bạn nhập."


def lookup(client, code, proof, **extra):
    return client.post(URL, {"ma": code, "xac_minh": proof}, **extra)


def page_text(response, code: str) -> str:
    """The page with the typed code and the per-render CSRF token blanked, to compare two answers."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return text.replace(f'value="{code}"', 'value="X"')


def test_form_is_prefilled_from_the_receipt_qr_code(client):
    response = client.get(URL, {"ma": " 000.24133.01.H66-260302-0001 "})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="000.24133.01.H66-260302-0001"' in body
    assert 'method="post"' in body and "csrfmiddlewaretoken" in body
    assert 'lang="vi"' in body and "Tra cứu hồ sơ" in body


def test_right_phone_or_last_digits_of_the_cccd_show_the_dossier(client, world, settings):
    settings.MOTCUA_TRACK_RATE = settings.MOTCUA_TRACK_RATE_PER_CODE = "100/m"
    dossier = owned(world)
    for proof in ("0912345678", "0912 345 678", "+84912345678", "0123", "00123", "066090000123"):
        response = lookup(client, dossier.code, proof)
        assert response.status_code == 200, proof
        body = response.content.decode()
        assert dossier.code in body and world.marriage.name in body, proof
        assert "Đang xử lý" in body and "Ngày hẹn trả kết quả" in body
        assert NEUTRAL not in body


def test_the_page_masks_personal_data_and_hides_officials(client, world):
    dossier = dossier_forward(dossier=owned(world), actor=world.specialist, note="Ghi chú nội bộ: hồ sơ ổn.",
                              at=MON.replace(hour=10))
    body = lookup(client, dossier.code, "0912345678").content.decode()
    assert "N. V. A." in body and "•••••••678" in body
    for secret in ("Nguyễn Văn An", "0912345678", "066090000123", "an@example.vn", "Ghi chú nội bộ",
                   world.specialist.full_name, world.receiver.full_name, world.leader.full_name):
        assert secret not in body
    # The timeline names actions, dates and the published process step reached, never who acted.
    assert "Tiếp nhận hồ sơ" in body and "Chuyển bước xử lý: Lãnh đạo phòng xem xét" in body


def test_wrong_or_missing_proof_looks_exactly_like_an_unknown_code(client, world, settings):
    settings.MOTCUA_TRACK_RATE = settings.MOTCUA_TRACK_RATE_PER_CODE = "100/m"
    dossier = owned(world)
    # A wrong phone, the phone's last digits (only the CCCD's count), wrong CCCD digits, too short, missing,
    # not digits, and a right phone with garbage around it.
    for proof in ("0912345679", "5678", "0124", "123", "", "abcd", "0912345678x", "66090000123 9"):
        wrong = lookup(client, dossier.code, proof)
        unknown = lookup(client, "000.99999.01.H66-260302-0001", proof)
        assert wrong.status_code == unknown.status_code == 200, proof
        assert NEUTRAL in wrong.content.decode(), proof
        assert page_text(wrong, dossier.code) == page_text(unknown, "000.99999.01.H66-260302-0001"), proof
        assert world.marriage.name not in wrong.content.decode()
        assert not proof or f'value="{proof}"' not in wrong.content.decode()  # the proof is not echoed


def test_a_dossier_without_phone_cannot_be_found_with_an_empty_phone(world):
    dossier = owned(world)
    dossier.applicant_phone = ""
    dossier.save(update_fields=["applicant_phone"])
    assert dossier_track(code=dossier.code, proof="") is None
    assert dossier_track(code=dossier.code, proof="0123") == dossier


def test_missing_code_is_a_form_error(client):
    response = lookup(client, "", "0912345678")
    assert response.status_code == 400
    assert "Cần nhập mã hồ sơ." in response.content.decode()


def test_supplement_request_shows_what_is_missing(client, world):
    dossier = waiting_for_supplement(world, missing="Bản sao Giấy khai sinh có chứng thực.")
    body = lookup(client, dossier.code, "0912345678").content.decode()
    assert "Hồ sơ cần bổ sung" in body and "Bản sao Giấy khai sinh có chứng thực." in body
    assert "Yêu cầu bổ sung giấy tờ" in body  # the national status in words


def test_result_ready_at_the_center_says_where(client, world):
    from motcua.dossiers.tests.helpers import through_all_steps

    dossier = through_all_steps(world, owned(world), MON)
    body = lookup(client, dossier.code, "0000123").content.decode()
    assert "Kết quả đã sẵn sàng tại" in body and world.bmt_center.name in body


def test_reasons_of_a_stop_stay_off_the_public_page(client, world):
    dossier = dossier_stop(dossier=owned(world), actor=world.specialist, reason="Lý do riêng của chủ hồ sơ.",
                           at=MON.replace(hour=11))
    body = lookup(client, dossier.code, "0912345678").content.decode()
    assert "Dừng xử lý" in body and "Lý do riêng của chủ hồ sơ." not in body


def test_rate_limit_per_ip_answers_429_in_vietnamese(client, world, settings):
    settings.MOTCUA_TRACK_RATE = "3/m"
    dossier = owned(world)
    for _ in range(3):
        assert lookup(client, dossier.code, "0000").status_code == 200
    limited = lookup(client, dossier.code, "0912345678")
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    body = limited.content.decode()
    assert "Bạn đã tra cứu quá nhiều lần trong thời gian ngắn." in body and world.marriage.name not in body
    # Another address is not held back by this one.
    assert lookup(client, dossier.code, "0912345678", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_rate_limit_per_code_holds_across_addresses(client, world, settings):
    settings.MOTCUA_TRACK_RATE_PER_CODE = "2/h"
    dossier = owned(world)
    for n in range(2):
        assert lookup(client, dossier.code, "0000", REMOTE_ADDR=f"10.0.0.{n}").status_code == 200
    assert lookup(client, dossier.code, "0912345678", REMOTE_ADDR="10.0.0.9").status_code == 429


def test_the_form_prefill_does_not_count_against_the_limit(client, settings):
    settings.MOTCUA_TRACK_RATE = "1/m"
    for _ in range(5):
        assert client.get(URL, {"ma": "X"}).status_code == 200


def test_lookup_needs_the_csrf_token(world):
    from django.test import Client

    dossier = owned(world)
    response = Client(enforce_csrf_checks=True).post(URL, {"ma": dossier.code, "xac_minh": "0912345678"})
    assert response.status_code == 403
