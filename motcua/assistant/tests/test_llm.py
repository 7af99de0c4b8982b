# SPDX-License-Identifier: AGPL-3.0-or-later
"""Optional LLM wording, against a real HTTP server on loopback: a faithful wording is used, one with an
invented figure is refused, and an error or a slow reply falls back to the composed answer."""

import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from motcua.assistant.llm import numbers_in, wording_is_faithful
from motcua.assistant.services import assistant_ask

pytestmark = pytest.mark.django_db

QUESTION = "cấp đổi căn cước bao nhiêu tiền, sđt tôi 0912345678"


class _Endpoint(BaseHTTPRequestHandler):
    reply = {"status": 200, "content": "", "delay": 0.0}
    seen: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length", 0))
        _Endpoint.seen.append({"path": self.path, "auth": self.headers.get("Authorization"),
                               "body": json.loads(self.rfile.read(length))})
        time.sleep(self.reply["delay"])
        body = json.dumps({"choices": [{"message": {"role": "assistant", "content": self.reply["content"]}}]})
        self.send_response(self.reply["status"])
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode() if self.reply["status"] == 200 else b'{"error": "boom"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Endpoint.seen = []
    settings.MOTCUA_ASSISTANT_LLM_ENABLED = True
    settings.MOTCUA_ASSISTANT_LLM_URL = f"http://127.0.0.1:{server.server_address[1]}/v1"
    settings.MOTCUA_ASSISTANT_LLM_MODEL = "test-model"
    settings.MOTCUA_ASSISTANT_LLM_API_KEY = "secret-key"
    settings.MOTCUA_ASSISTANT_LLM_TIMEOUT = 0.5
    yield _Endpoint
    server.shutdown()
    server.server_close()


def _set(reply, **values):
    reply.reply = {"status": 200, "content": "", "delay": 0.0, **values}


def test_a_faithful_wording_is_used_and_gets_only_facts(catalogue, endpoint):
    _set(endpoint, content="Cấp đổi thẻ căn cước mất 30.000 đồng, nộp khi nộp hồ sơ.")
    answer = assistant_ask(question=QUESTION, log=False)
    assert answer.answer.startswith("Cấp đổi thẻ căn cước mất 30.000 đồng")
    assert answer.procedures[0].code == "1.116410" and "/thu-tuc/1.116410/" in answer.answer
    request = endpoint.seen[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer secret-key"
    assert request["body"]["model"] == "test-model"
    sent = json.dumps(request["body"], ensure_ascii=False)
    assert "30.000 đồng" in sent and "0912345678" not in sent and "345678" not in sent


def test_a_wording_with_an_invented_fee_is_refused(catalogue, endpoint):
    _set(endpoint, content="Cấp đổi thẻ căn cước mất 35.000 đồng.")
    answer = assistant_ask(question=QUESTION, log=False)
    assert "35.000" not in answer.answer and "Lệ phí cấp đổi thẻ căn cước: 30.000 đồng" in answer.answer
    assert len(endpoint.seen) == 1  # it was asked, and its answer thrown away


@pytest.mark.parametrize("reply", [{"status": 500}, {"delay": 1.5, "content": "Lệ phí 30.000 đồng."},
                                   {"content": ""}])
def test_error_slow_or_empty_reply_falls_back_to_the_composed_answer(catalogue, endpoint, reply):
    _set(endpoint, **reply)
    started = time.perf_counter()
    answer = assistant_ask(question=QUESTION, log=False)
    assert time.perf_counter() - started < 1.4  # the 0.5 s timeout held
    assert answer.answer.startswith("«Cấp thẻ căn cước» (mã thủ tục")
    assert endpoint.seen


def test_status_answers_never_reach_the_model(world, endpoint):
    from motcua.dossiers.tests.conftest import local
    from motcua.dossiers.tests.helpers import receive

    dossier = receive(world, local(2026, 3, 2, 9))
    _set(endpoint, content="Hồ sơ đã xong.")
    answer = assistant_ask(question=f"hồ sơ {dossier.code} đến đâu rồi", phone="0912345678", log=False)
    assert "Được tiếp nhận" in answer.answer and not endpoint.seen


def test_off_by_default(catalogue, settings):
    assert settings.MOTCUA_ASSISTANT_LLM_ENABLED is False
    assert assistant_ask(question=QUESTION, log=False).answer.startswith("«Cấp thẻ căn cước» (mã thủ tục")


def test_numbers_are_compared_without_separators():
    assert Decimal(8000) in numbers_in("8.000 đồng") and Decimal("0.5") in numbers_in("0,5 ngày")
    assert wording_is_faithful(wording="phí 8000 đồng, 8,000 VND", facts="Phí: 8.000 đồng")
    assert wording_is_faithful(wording="không quá 5 ngày", facts="không quá 05 ngày làm việc")
    assert not wording_is_faithful(wording="phí 9.000 đồng", facts="Phí: 8.000 đồng")
    assert not wording_is_faithful(wording="5 ngày", facts="0,5 ngày")  # half a day is not five days


FACTS = "Thời hạn: 3 ngày làm việc.\nPhí, lệ phí:\n- Lệ phí: 8.000 đồng (khi nộp hồ sơ).\nMã thủ tục 1.001193."


@pytest.mark.parametrize("wording", [
    "Thời hạn 8 ngày làm việc, lệ phí 3 đồng.",  # the facts' numbers, swapped between fee and time
    "Lệ phí 8 đồng",  # 8.000 read the English way
    "Thời hạn ba mươi ngày",  # a duration in words
    "Thủ tục này miễn phí, có kết quả sau 3 ngày làm việc.",  # «miễn phí» the facts do not say
])
def test_figures_must_keep_their_unit_and_words_cannot_hide_them(wording):
    assert not wording_is_faithful(wording=wording, facts=FACTS)


@pytest.mark.parametrize("wording", [
    "Bạn nộp 8.000 đồng; có kết quả sau 3 ngày làm việc tính từ ngày nhận đủ hồ sơ (thủ tục 1.001193).",
    "Lệ phí 8.000đ, trong 3 ngày.",
])
def test_a_faithful_wording_with_units_and_everyday_phrases_passes(wording):
    assert wording_is_faithful(wording=wording, facts=FACTS)
