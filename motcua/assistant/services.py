# SPDX-License-Identifier: AGPL-3.0-or-later
"""The virtual assistant (trợ lý ảo): one entry point, `assistant_ask`, for the API, the chat widgets and the
evaluation script. See docs/assistant.md.

A question is read by rules (intents.py), the procedure is found by retrieval (retrieval.py), and the answer
is composed only from the catalogue rows of the procedures it cites (compose.py) — or, for a status question,
from the dossier the asker has proved to own (selectors.dossier_for_status). An optional language model may
word a procedure answer, checked number by number against the facts (llm.py). Each exchange is logged
without personal data (AssistantExchange).
"""

import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.errors import ValidationFailed
from motcua.core.masking import mask_text
from motcua.dossiers.models import RESULT_STAGES, ResultDelivery, Stage
from motcua.dossiers.selectors import dossier_supplement_open

from . import compose
from .answers import Answer, Intent
from .intents import DOSSIER_CODE, EMAIL, LONG_DIGITS, Detection, intent_detect, personal_data_strip
from .llm import llm_word
from .models import AskerKind, AssistantExchange, Channel
from .retrieval import Candidate, procedures_retrieve
from .selectors import dossier_for_status, dossiers_open_owned

MAX_QUESTION_LENGTH = 500  # longer questions are cut (the API refuses them with a 400)
SURE_SCORE = 0.6  # below this retrieval score the assistant says it is unsure and lists the closest
# A question with no cue at all («thời tiết hôm nay») must match a procedure more fully before facts are
# given, and small talk («cảm ơn bạn nhiều») nearly completely.
SURE_SCORE_NO_CUE = 0.85
SURE_SCORE_SMALL_TALK = 0.95
CLOSE_MARGIN = 0.05  # a runner-up this close to the best is mentioned as a possible alternative
CANDIDATES = 3
LOW_CONFIDENCE = 0.1


@dataclass
class _Outcome:
    answer: Answer
    answered: bool = True
    facts: str = ""  # catalogue facts the answer is made of (the LLM may word them)
    procedures: list[Procedure] = field(default_factory=list)


def _hotline() -> str:
    return settings.MOTCUA_ASSISTANT_HOTLINE


def _asker_kind(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return AskerKind.ANONYMOUS
    return AskerKind.STAFF if getattr(user, "is_official", False) else AskerKind.CITIZEN


# --- personal data out of the log --------------------------------------------------------------------------

# «tôi tên là Nguyễn Văn An», «họ tên: …»: the next words (at most 5, up to punctuation) are a name.
_NAME_CUE = re.compile(r"(?i)\b(tôi tên là|tên tôi là|em tên là|tên em là|mình tên là|tên mình là|tôi là|em là|"
                       r"họ và tên|họ tên|toi ten la|ten toi la|em ten la|ho va ten|ho ten|my name is)\s*:?\s*")
_WORD = re.compile(r"\s*([^\W\d_]+)")


def _name_end(text: str, position: int) -> int:
    """Where a name written from `position` ends: its capitalised words (at most 5), or, typed in lower
    case, the next 3 words (the log may lose a word of the question rather than keep a name)."""
    words = []
    while len(words) < 5 and (match := _WORD.match(text, position)):
        words.append(match.group(1))
        if not match.group(1)[0].isupper() and len(words) > 1 and words[0][0].isupper():
            words.pop()
            break
        position = match.end()
        if not words[0][0].isupper() and len(words) == 3:
            break
    return position


def question_redact(text: str) -> str:
    """The question without dossier codes, e-mails, phone/ID numbers and self-given names (for the log)."""
    text = DOSSIER_CODE.sub(_("[mã hồ sơ]"), text or "")
    text = EMAIL.sub(_("[thư điện tử]"), text)
    text = LONG_DIGITS.sub(_("[số]"), text)
    pieces, last = [], 0
    for match in _NAME_CUE.finditer(text):
        if match.start() < last:
            continue
        pieces.append(text[last:match.end()] + _("[họ tên]"))
        last = _name_end(text, match.end())
    text = "".join(pieces) + text[last:]
    return mask_text(text)  # the shared masks as a last net


# --- answers ---------------------------------------------------------------------------------------------------

def _list_procedures(candidates: list[Candidate]) -> str:
    return "\n".join(_("- %(name)s (mã %(code)s): %(url)s")
                     % {"name": c.procedure.name, "code": c.procedure.code, "url": compose.procedure_path(c.procedure.code)}
                     for c in candidates)


def _retrieve(detection: Detection, question: str) -> list[Candidate]:
    """Retrieve by the question without its cue words («phí làm sổ đỏ» → «so do»), else by the question."""
    candidates = procedures_retrieve(detection.retrieval_text, limit=CANDIDATES) if detection.retrieval_text else []
    if not candidates:
        stripped = personal_data_strip(question)
        if stripped.strip() and stripped != detection.retrieval_text:
            candidates = procedures_retrieve(stripped, limit=CANDIDATES)
    return candidates


def _small_talk(detection: Detection) -> Answer | None:
    if detection.thanks:
        text = _("Rất vui được giúp bạn. Nếu còn câu hỏi về thủ tục hành chính hay hồ sơ, bạn cứ hỏi tiếp.")
    elif detection.greeting:
        text = _("Xin chào! Tôi là trợ lý ảo về thủ tục hành chính. Bạn có thể hỏi: cần giấy tờ gì, mất bao lâu, "
                 "phí bao nhiêu, nộp ở đâu, có nộp trực tuyến được không; hoặc hồ sơ của bạn đến đâu rồi (kèm mã "
                 "hồ sơ và số điện thoại của chủ hồ sơ).")
    else:
        return None
    return Answer(answer=text, intent=Intent.OTHER, confidence=LOW_CONFIDENCE)


def _not_found(detection: Detection) -> Answer:
    text = _("Tôi chưa tìm thấy thủ tục phù hợp với câu hỏi. Bạn thử ghi rõ tên thủ tục (ví dụ «đăng ký khai "
             "sinh», «cấp giấy phép xây dựng»), hoặc liên hệ %(hotline)s để được hướng dẫn.") % {"hotline": _hotline()}
    intent = detection.intent if detection.intent in compose.SECTIONS else Intent.OTHER
    return Answer(answer=text, intent=intent, confidence=0.0)


def _sure_score(detection: Detection) -> float:
    return SURE_SCORE if detection.intents else SURE_SCORE_NO_CUE


def _procedure_answer(detection: Detection, candidates: list[Candidate]) -> _Outcome:
    best = candidates[0]
    intent = detection.intent if detection.intent in compose.SECTIONS else Intent.OTHER
    if best.score < _sure_score(detection):
        # Unsure: no fact is stated, only the closest procedures and where to ask.
        text = "\n".join([_("Tôi chưa chắc bạn hỏi về thủ tục nào. Các thủ tục gần nhất với câu hỏi:"),
                          _list_procedures(candidates),
                          _("Bạn hãy hỏi lại kèm tên thủ tục, hoặc liên hệ %(hotline)s.") % {"hotline": _hotline()}])
        refs = [compose.procedure_ref(c.procedure) for c in candidates]
        return _Outcome(Answer(answer=text, intent=intent, procedures=refs, confidence=round(best.score / 2, 3)),
                        answered=False)
    close = [c for c in candidates[1:] if best.score - c.score <= CLOSE_MARGIN]
    compose.procedure_facts_load([best.procedure])
    text = compose.procedure_answer_text(best.procedure, detection.intents)
    facts = text
    confidence = best.score
    if close:
        text += "\n\n" + _("Nếu bạn hỏi về thủ tục khác, có thể là:") + "\n" + _list_procedures(close)
        confidence = best.score * 0.8
    text += "\n\n" + _("Xem đầy đủ: %(url)s") % {"url": compose.procedure_path(best.procedure.code)}
    refs = [compose.procedure_ref(c.procedure) for c in [best, *close]]
    return _Outcome(Answer(answer=text, intent=intent, procedures=refs, confidence=round(min(confidence, 1.0), 3)),
                    facts=facts, procedures=[best.procedure])


def _howto_answer(detection: Detection) -> Answer:
    entry = detection.howto
    lines = [entry.title + ":"] + [f"{n}. {step}" for n, step in enumerate(entry.steps, start=1)]
    if entry.url:
        lines.append(_("Trang: %(url)s") % {"url": entry.url})
    return Answer(answer="\n".join(lines), intent=Intent.HOWTO, confidence=0.8)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _status_text(dossier, *, owner: bool) -> str:
    lines = [_("Hồ sơ %(code)s — thủ tục «%(procedure)s».") % {"code": dossier.code, "procedure": dossier.procedure.name},
             _("Tình trạng: %(status)s.") % {"status": dossier.get_status_display()},
             _("Đơn vị giải quyết: %(unit)s.") % {"unit": dossier.handling_unit.name}]
    if dossier.is_open:
        if dossier.current_step_id and dossier.current_step is not None:
            lines.append(_("Bước đang xử lý: %(step)s.") % {"step": dossier.current_step.name})
        if dossier.due_at:
            lines.append(_("Ngày hẹn trả kết quả: %(due)s.") % {"due": _when(dossier.due_at)})
    if dossier.stage == Stage.SUPPLEMENT:
        request = dossier_supplement_open(dossier=dossier)
        missing = request.missing if request else ""
        lines.append(_("Bạn cần bổ sung giấy tờ: %(missing)s. Nộp bổ sung tại nơi đã nộp hồ sơ, hoặc trực tuyến ở "
                       "«Hồ sơ của tôi» nếu bạn nộp bằng tài khoản; thời hạn được tính lại từ khi nhận đủ.")
                     % {"missing": missing or _("xem phiếu yêu cầu bổ sung")})
    elif dossier.stage == Stage.FEES:
        lines.append(_("Bạn cần thực hiện nghĩa vụ tài chính (nộp phí, lệ phí) theo thông báo của cơ quan giải quyết "
                       "để hồ sơ được tiếp tục."))
    elif dossier.stage in RESULT_STAGES:
        if dossier.stage == Stage.RETURNED:
            lines.append(_("Kết quả đã trả ngày %(at)s.") % {"at": _when(dossier.returned_at)})
        elif dossier.result_delivery == ResultDelivery.AT_CENTER:
            lines.append(_("Đã có kết quả: mời bạn nhận tại %(unit)s, mang theo giấy tiếp nhận hồ sơ và giấy tờ tùy "
                           "thân.") % {"unit": dossier.return_unit.name})
        else:
            lines.append(_("Đã có kết quả: %(delivery)s.") % {"delivery": dossier.get_result_delivery_display()})
    elif not dossier.is_open and owner:
        lines.append(_("Hồ sơ đã kết thúc; lý do (nếu có) ghi trên trang hồ sơ của bạn."))
    link = f"/ho-so-cua-toi/{dossier.code}/" if owner else f"/tra-cuu/?ma={dossier.code}"
    lines.append(_("Chi tiết: %(url)s") % {"url": link})
    return "\n".join(lines)


def _status_answer(detection: Detection, *, phone: str, user) -> _Outcome:
    dossier, owner = dossier_for_status(code=detection.dossier_code, phone=phone, user=user)
    if dossier is not None:
        answer = Answer(answer=_status_text(dossier, owner=owner), intent=Intent.STATUS,
                        procedures=[compose.procedure_ref(dossier.procedure)], confidence=1.0)
        return _Outcome(answer)
    if not detection.dossier_code and _asker_kind(user) == AskerKind.CITIZEN:
        mine = dossiers_open_owned(user=user)
        if mine:
            lines = [_("Các hồ sơ đang giải quyết của bạn:")]
            lines += [_("- %(code)s — %(procedure)s: %(status)s") % {
                "code": d.code, "procedure": d.procedure.name, "status": d.get_status_display()} for d in mine]
            lines.append(_("Hỏi kèm mã hồ sơ để biết chi tiết, hoặc xem «Hồ sơ của tôi»: /ho-so-cua-toi/"))
            return _Outcome(Answer(answer="\n".join(lines), intent=Intent.STATUS, confidence=0.9))
    # Without proof: what is needed, and nothing about the dossier (the same words whether the code exists).
    if detection.dossier_code and phone:
        text = _("Không tra cứu được hồ sơ với mã và số điện thoại đã cho. Vui lòng kiểm tra lại mã hồ sơ (in trên "
                 "giấy tiếp nhận) và số điện thoại của chủ hồ sơ, hoặc đăng nhập tài khoản đã nộp hồ sơ. Bạn cũng "
                 "có thể tra cứu tại /tra-cuu/ hoặc liên hệ %(hotline)s.") % {"hotline": _hotline()}
    else:
        text = _("Để cho biết tình trạng hồ sơ, tôi cần mã hồ sơ (in trên giấy tiếp nhận hồ sơ và hẹn trả kết quả) "
                 "và số điện thoại của chủ hồ sơ, hoặc bạn đăng nhập tài khoản đã nộp hồ sơ. Bạn cũng có thể tra "
                 "cứu tại /tra-cuu/.")
    return _Outcome(Answer(answer=text, intent=Intent.STATUS, confidence=0.0), answered=False)


def _answer(detection: Detection, question: str, *, phone: str, user) -> _Outcome:
    if detection.intent == Intent.STATUS:
        return _status_answer(detection, phone=phone, user=user)
    if detection.intent == Intent.HOWTO:
        return _Outcome(_howto_answer(detection))
    candidates = _retrieve(detection, question) if (detection.retrieval_text or detection.intents) else []
    small_talk = _small_talk(detection)
    if small_talk is not None and not detection.intents and (
            not candidates or candidates[0].score < SURE_SCORE_SMALL_TALK):
        return _Outcome(small_talk, answered=False)
    if candidates:
        return _procedure_answer(detection, candidates)
    if detection.howto is not None:
        return _Outcome(_howto_answer(detection))
    return _Outcome(_not_found(detection), answered=False)


def assistant_ask(*, question: str, dossier_code: str = "", phone: str = "", user=None, channel: str = "api",
                  language: str = "vi", log: bool = True) -> Answer:
    """Answer one question. Blank → ValidationFailed (Vietnamese message); longer than MAX_QUESTION_LENGTH
    characters → cut. `dossier_code` and `phone` are the status proof fields of the widget/API; `user` the
    logged-in account (None: anonymous). `log=False` for benchmarks."""
    started = time.perf_counter()
    if not isinstance(question, str) or not question.strip():
        raise ValidationFailed(_("Vui lòng nhập câu hỏi."), code="question_blank")
    question = question.strip()[:MAX_QUESTION_LENGTH]
    dossier_code = (dossier_code or "").strip()[:64]
    phone = (phone or "").strip()[:32]
    staff = _asker_kind(user) == AskerKind.STAFF
    detection = intent_detect(question, staff=staff, dossier_code=dossier_code)
    english = language == "en" or detection.english
    with translation.override("en" if english else "vi"):
        outcome = _answer(detection, question, phone=phone, user=user)
        if outcome.facts:
            # Only catalogue facts and the question without personal data ever leave for the model.
            worded = llm_word(question=question_redact(question), facts=outcome.facts)
            if worded:
                refs = outcome.answer.procedures
                outcome.answer.answer = worded + "\n\n" + _("Nguồn: %(sources)s") % {
                    "sources": "; ".join(f"{r.name} ({r.url})" for r in refs)}
    answer = outcome.answer
    latency_ms = int((time.perf_counter() - started) * 1000)
    if log:
        AssistantExchange.objects.create(
            channel=channel if channel in Channel.values else Channel.OTHER, language="en" if english else "vi",
            intent=answer.intent, question=question_redact(question), procedure_codes=[r.code for r in answer.procedures],
            confidence=answer.confidence, latency_ms=latency_ms, answered=outcome.answered,
            asker_kind=_asker_kind(user))
    return answer
