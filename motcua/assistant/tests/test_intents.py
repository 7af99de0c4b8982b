# SPDX-License-Identifier: AGPL-3.0-or-later
"""Intent detection: rules over folded words, cues as data, the text left for retrieval."""

import json

import pytest

from motcua.assistant import intents
from motcua.assistant.answers import Intent
from motcua.assistant.intents import dossier_code_find, intent_detect

CODE = "000.24133.01.H66-260302-0001"


@pytest.mark.parametrize(("question", "intent"), [
    ("làm giấy khai sinh cho con cần gì", Intent.PAPERS),
    ("lam giay khai sinh can giay to gi", Intent.PAPERS),
    ("dang ky ket hon mat bao lau", Intent.TIME),
    ("Đăng ký kết hôn bao giờ xong?", Intent.TIME),
    ("phí làm sổ đỏ", Intent.FEE),
    ("cấp đổi căn cước hết bao nhiêu tiền", Intent.FEE),
    ("xin giấy phép xây nhà ở đâu", Intent.PLACE),
    ("đăng ký tạm trú online được không", Intent.ONLINE),
    ("dang ky tam tru qua mang duoc khong", Intent.ONLINE),
    ("quy trình cấp phiếu lý lịch tư pháp", Intent.STEPS),
    ("căn cứ pháp lý của thủ tục đăng ký kết hôn", Intent.LEGAL),
    ("đăng ký kết hôn theo văn bản nào", Intent.LEGAL),
    (f"hồ sơ {CODE} đến đâu rồi", Intent.STATUS),
    ("hồ sơ của tôi đến đâu rồi", Intent.STATUS),
    ("tra cứu hồ sơ", Intent.STATUS),
    ("làm sao nộp hồ sơ trực tuyến", Intent.HOWTO),
    ("xin chào", Intent.OTHER),
    ("đăng ký kết hôn", Intent.OTHER),
])
def test_intent_of_questions_as_people_write_them(question, intent):
    assert intent_detect(question).intent == intent


def test_cue_words_are_removed_from_the_text_for_retrieval():
    assert intent_detect("phí làm sổ đỏ").retrieval_text == "lam so do"
    assert intent_detect("Cho em hỏi làm giấy khai sinh cho con cần những giấy tờ gì ạ?").retrieval_text == \
        "lam giay khai sinh con"
    assert intent_detect("dang ky ket hon mat bao lau").retrieval_text == "dang ky ket hon"


def test_a_question_asking_two_things_keeps_both_the_first_asked_leading():
    detection = intent_detect("đăng ký khai sinh mất bao lâu và phí bao nhiêu")
    assert detection.intent == Intent.TIME
    assert set(detection.intents) == {Intent.TIME, Intent.FEE}


def test_exception_phrases_are_not_cues():
    # «đất phi nông nghiệp» says nothing about a fee (phi → phí once folded).
    assert intent_detect("chuyển mục đích sử dụng đất phi nông nghiệp").intent == Intent.OTHER


def test_dossier_code_is_found_and_left_out_of_retrieval():
    assert dossier_code_find(f"hồ sơ {CODE}, đến đâu rồi?") == CODE
    assert dossier_code_find("không có mã") == ""
    detection = intent_detect(f"kiểm tra {CODE} giúp tôi")
    assert detection.dossier_code == CODE and detection.intent == Intent.STATUS
    assert "260302" not in detection.retrieval_text


def test_officials_get_back_office_howtos_citizens_the_portal_side():
    staff = intent_detect("làm sao yêu cầu bổ sung hồ sơ", staff=True)
    citizen = intent_detect("làm sao yêu cầu bổ sung hồ sơ", staff=False)
    assert staff.intent == citizen.intent == Intent.HOWTO
    assert staff.howto.audience == "staff" and staff.howto.key == "staff.supplement"
    assert citizen.howto.audience == "citizen"


def test_cues_are_data_an_administrator_can_extend(tmp_path, settings):
    path = tmp_path / "intents.json"
    raw = json.loads(intents.INTENTS_FILE.read_text(encoding="utf-8"))
    raw["intents"]["fee"].append("tốn kém không")
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert intent_detect("khai tử tốn kém không").intent != Intent.FEE
    settings.MOTCUA_ASSISTANT_INTENTS_FILE = str(path)
    detection = intent_detect("khai tử tốn kém không")
    assert detection.intent == Intent.FEE and detection.retrieval_text == "khai tu"


def test_howto_file_entries_are_well_formed_and_point_at_real_pages():
    from django.urls import Resolver404, resolve

    for entry in intents.howtos():
        assert entry.audience in ("staff", "citizen") and entry.cues and entry.steps and entry.title
        try:
            resolve(entry.url)
        except Resolver404:  # pragma: no cover - the assertion message names the entry
            pytest.fail(f"{entry.key}: {entry.url} is not a page")


@pytest.mark.parametrize(("question", "english"), [
    ("how long does marriage registration take", True),
    ("what documents do I need for a birth certificate", True),
    ("sổ đỏ", False), ("thẻ căn cước", False), ("online", False), ("đăng ký tạm trú online", False),
])
def test_english_questions_are_recognised_without_catching_folded_vietnamese(question, english):
    assert intent_detect(question).english is english
