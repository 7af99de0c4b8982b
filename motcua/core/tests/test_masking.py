# SPDX-License-Identifier: AGPL-3.0-or-later
import logging

from motcua.core.masking import PersonalDataFilter, mask_cccd, mask_email, mask_phone, mask_text


def test_mask_helpers_keep_only_edges():
    assert mask_cccd("066090000123") == "06********23"
    assert mask_phone("0912345678") == "091****678"
    assert mask_email("an.nguyen@example.vn") == "a***@example.vn"


def test_mask_text_masks_every_identifier_in_free_text():
    text = "Công dân 066090000123, ĐT 0912345678, thư an.nguyen@example.vn nộp hồ sơ"
    masked = mask_text(text)
    assert "066090000123" not in masked and "0912345678" not in masked and "an.nguyen@" not in masked
    assert "nộp hồ sơ" in masked


def test_mask_text_leaves_dossier_codes_alone():
    code = "000.00.01.H66-260312-0007"
    assert mask_text(code) == code


def test_log_filter_masks_formatted_message(caplog):
    logger = logging.getLogger("motcua.test.masking")
    logger.addFilter(PersonalDataFilter())
    with caplog.at_level(logging.INFO, logger="motcua.test.masking"):
        logger.info("tra cứu CCCD %s, điện thoại %s", "066090000123", "+84912345678")
    assert "066090000123" not in caplog.text
    assert "912345678" not in caplog.text
    assert "06********23" in caplog.text
