# SPDX-License-Identifier: AGPL-3.0-or-later
"""Optional wording by a large language model (diễn đạt lại bằng mô hình ngôn ngữ lớn), off by default.

An OpenAI-compatible endpoint (POST {MOTCUA_ASSISTANT_LLM_URL}/chat/completions) receives only the facts
composed from the catalogue and the question with personal data removed — never dossier data (status
answers are never sent). Its wording is accepted only when every number in it (amounts, day counts, codes,
article numbers) is a number of the facts, every amount or duration keeps its unit, and no quantity or «miễn
phí» hides in words (wording_is_faithful); otherwise, and on any error, timeout or odd reply, the caller keeps
the composed answer. Standard library HTTP client: no dependency, nothing downloaded.
"""

import json
import logging
import re
import urllib.error
import urllib.request
from decimal import Decimal, InvalidOperation

from django.conf import settings

from motcua.core.text import fold

logger = logging.getLogger(__name__)

MAX_REPLY_CHARS = 4000
# Digit runs with their Vietnamese or English separators: 8.000, 1.250.000, 0,5, 1.001193, 123/2015.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
# On folded text (no diacritics, đ → d): a number and the unit that makes it an amount or a duration.
_UNITS = r"dong|d|vnd|ngay|gio|phut|tuan|thang|nam"
_QUANTITY = re.compile(r"(\d+(?:[.,]\d+)*)\s*(" + _UNITS + r")\b")
_UNIT_ALIASES = {"d": "dong", "vnd": "dong"}
# Not «tư», «sáu»: «từ ngày», «sau ngày» fold the same and are everyday phrases.
_NUMBER_WORDS = r"mot|hai|ba|bon|nam|bay|tam|chin|muoi|tram|nghin|ngan|trieu|ruoi"
_WORDED_QUANTITY = re.compile(r"\b(?:" + _NUMBER_WORDS + r")\s+(?:" + _UNITS + r"|ngay lam viec)\b")
_FREE = ("mien phi", "khong thu", "khong mat phi", "khong mat tien")

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
    """The values a written number may mean. Dots between groups of exactly three digits are Vietnamese
    thousands (8.000 = 8000, never 8); otherwise Vietnamese (0,5 = 0.5) or English notation (0.5; 8,000);
    a token that is neither (a code like 1.2.3) stands for itself."""
    if _THOUSANDS.fullmatch(token):
        return {Decimal(token.replace(".", "")).normalize()}
    values = {_reading(token, ".", ","), _reading(token, ",", ".")} - {None}
    return {value.normalize() for value in values} or {token}


def numbers_in(text: str) -> set[Decimal]:
    """Every value the numbers of a text may mean (05 and 5 are the same day count)."""
    return {value for token in _NUMBER.findall(text or "") for value in _readings(token)}


def _quantities(text: str) -> list[set[tuple]]:
    """For every number followed by a unit, the (value, unit) pairs it may mean: «8.000 đồng» →
    {(8000, 'dong')}, «3 ngày» → {(3, 'ngay')}."""
    found = []
    for token, unit in _QUANTITY.findall(fold(text or "")):
        unit = _UNIT_ALIASES.get(unit, unit)
        found.append({(value, unit) for value in _readings(token)})
    return found


def wording_is_faithful(*, wording: str, facts: str) -> bool:
    """Every number of the wording can be read as a number of the facts; every amount or duration (a
    number with its unit) is one of the facts' amounts or durations with the same unit (3 ngày may not
    become 3 đồng); no quantity is written in words («ba mươi ngày») and no «miễn phí» / «không thu» that
    the facts do not say."""
    known = numbers_in(facts)
    if not all(_readings(token) & known for token in _NUMBER.findall(wording or "")):
        return False
    known_quantities = set().union(*_quantities(facts))
    if not all(readings & known_quantities for readings in _quantities(wording)):
        return False
    folded, folded_facts = fold(wording or ""), fold(facts or "")
    if _WORDED_QUANTITY.search(folded):
        return False
    return all(phrase in folded_facts for phrase in _FREE if phrase in folded)


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
