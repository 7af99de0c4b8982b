# SPDX-License-Identifier: AGPL-3.0-or-later
"""Optional wording by a large language model (diễn đạt lại bằng mô hình ngôn ngữ lớn), off by default.

An OpenAI-compatible endpoint (POST {MOTCUA_ASSISTANT_LLM_URL}/chat/completions) receives only the facts
composed from the catalogue and the question with personal data removed — never dossier data (status
answers are never sent). Its wording is accepted only when every number in it (amounts, day counts, codes,
article numbers) is a number of the facts; otherwise, and on any error, timeout or odd reply, the caller keeps
the composed answer. Standard library HTTP client: no dependency, nothing downloaded.
"""

import json
import logging
import re
import urllib.error
import urllib.request
from decimal import Decimal, InvalidOperation

from django.conf import settings

logger = logging.getLogger(__name__)

MAX_REPLY_CHARS = 4000
# Digit runs with their Vietnamese or English separators: 8.000, 1.250.000, 0,5, 1.001193, 123/2015.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

SYSTEM_PROMPT = (
    "Bạn là trợ lý ảo của Cổng dịch vụ công. Hãy diễn đạt lại câu trả lời dựa trên DỮ KIỆN cho dễ hiểu, "
    "ngắn gọn, bằng tiếng Việt. Chỉ dùng dữ kiện đã cho; không thêm giấy tờ, mức phí, thời hạn, con số hay "
    "văn bản nào không có trong dữ kiện. Nếu dữ kiện không trả lời được câu hỏi, hãy nói vậy."
)


def _reading(token: str, thousands: str, decimal: str) -> Decimal | None:
    whole, _sep, fraction = token.partition(decimal)
    groups = whole.split(thousands)
    if decimal in fraction or thousands in fraction or any(len(g) != 3 for g in groups[1:]):
        return None  # not a number written in this notation
    try:
        return Decimal("".join(groups) + ("." + fraction if fraction else ""))
    except InvalidOperation:
        return None


def _readings(token: str) -> set:
    """The values a written number may mean: Vietnamese (8.000 = 8000, 0,5 = 0.5) or English notation
    (8,000; 0.5); a token that is neither (a code like 1.2.3) stands for itself."""
    values = {_reading(token, ".", ","), _reading(token, ",", ".")} - {None}
    return {value.normalize() for value in values} or {token}


def numbers_in(text: str) -> set[Decimal]:
    """Every value the numbers of a text may mean (05 and 5 are the same day count)."""
    return {value for token in _NUMBER.findall(text or "") for value in _readings(token)}


def wording_is_faithful(*, wording: str, facts: str) -> bool:
    """Every number of the wording can be read as a number of the facts."""
    known = numbers_in(facts)
    return all(_readings(token) & known for token in _NUMBER.findall(wording or ""))


def llm_enabled() -> bool:
    return bool(settings.MOTCUA_ASSISTANT_LLM_ENABLED and settings.MOTCUA_ASSISTANT_LLM_URL)


def llm_word(*, question: str, facts: str) -> str | None:
    """The model's wording of `facts` for `question`, or None (disabled, error, timeout, unfaithful)."""
    if not llm_enabled():
        return None
    body = json.dumps({
        "model": settings.MOTCUA_ASSISTANT_LLM_MODEL,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"DỮ KIỆN:\n{facts}\n\nCÂU HỎI: {question}"},
        ],
    }).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if settings.MOTCUA_ASSISTANT_LLM_API_KEY:
        headers["Authorization"] = "Bearer " + settings.MOTCUA_ASSISTANT_LLM_API_KEY
    url = settings.MOTCUA_ASSISTANT_LLM_URL.rstrip("/") + "/chat/completions"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (configured URL)
    try:
        with urllib.request.urlopen(request, timeout=settings.MOTCUA_ASSISTANT_LLM_TIMEOUT) as response:  # noqa: S310
            reply = json.loads(response.read(1_000_000).decode("utf-8"))
        wording = reply["choices"][0]["message"]["content"]
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:  # URLError, timeout, HTTP 5xx, bad JSON
        logger.warning("assistant LLM unavailable, composed answer used: %s", type(exc).__name__)
        return None
    if not isinstance(wording, str) or not wording.strip() or len(wording) > MAX_REPLY_CHARS:
        return None
    wording = wording.strip()
    if not wording_is_faithful(wording=wording, facts=facts):
        logger.warning("assistant LLM wording refused: a number not in the catalogue facts")
        return None
    return wording
