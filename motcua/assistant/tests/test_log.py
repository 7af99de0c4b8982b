# SPDX-License-Identifier: AGPL-3.0-or-later
"""The exchange log keeps what people ask, never who they are."""

import pytest
from django.test import Client

from motcua.accounts.tests.factories import OfficialFactory
from motcua.assistant.models import AssistantExchange
from motcua.assistant.services import assistant_ask, question_redact

pytestmark = pytest.mark.django_db

CODE = "000.24133.01.H66-260302-0001"


def test_phone_cccd_code_email_and_name_are_not_stored(catalogue):
    question = (f"Tôi tên là Nguyễn Văn An, CCCD 066090000123, sđt 0912 345 678, mail an.nguyen@example.vn, "
                f"hồ sơ {CODE} đến đâu rồi")
    assistant_ask(question=question, channel="portal")
    row = AssistantExchange.objects.get()
    for secret in ("066090000123", "0912", "345 678", "an.nguyen", "example.vn", CODE, "260302", "Nguyễn", "Văn An"):
        assert secret not in row.question, secret
    assert "đến đâu rồi" in row.question and "[mã hồ sơ]" in row.question and "[họ tên]" in row.question
    assert row.intent == "status" and row.channel == "portal" and row.asker_kind == "anonymous"
    assert not row.answered


def test_the_log_has_no_link_to_the_account(catalogue):
    assert not [f for f in AssistantExchange._meta.get_fields() if f.is_relation]
    assistant_ask(question="phí làm sổ đỏ", user=OfficialFactory())
    row = AssistantExchange.objects.get()
    assert row.asker_kind == "staff" and row.answered and row.procedure_codes and row.intent == "fee"
    assert row.latency_ms >= 0 and 0 < row.confidence <= 1


@pytest.mark.parametrize(("text", "kept", "gone"), [
    ("toi ten la nguyen van binh can lam khai sinh", "khai sinh", "nguyen van binh"),
    ("Họ tên: Trần Thị Bích. Phí làm sổ đỏ?", "Phí làm sổ đỏ", "Trần Thị Bích"),
    ("gọi giúp +84 912 345 678", "gọi giúp", "345"),
    ("số 0912.345.678", "số", "678"),
    ("sđt (091) 234 5678 nhé", "nhé", "5678"),
    ("khai sinh cho bé sinh ngày 12/03/2026", "khai sinh cho bé", "2026"),
])
def test_redaction_examples(text, kept, gone):
    redacted = question_redact(text)
    assert kept in redacted and gone not in redacted


def test_administrators_read_the_log_and_cannot_edit_it(catalogue, django_user_model):
    assistant_ask(question="đăng ký kết hôn cần gì")
    admin = django_user_model.objects.create_superuser("quantri.test", "qt@example.vn", "x")
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/assistant/assistantexchange/")
    assert page.status_code == 200 and "đăng ký kết hôn cần gì" in page.content.decode()
    assert client.get("/admin/assistant/assistantexchange/add/").status_code == 403
