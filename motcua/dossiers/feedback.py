# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the applicant says back about a dossier: ratings (đánh giá mức độ hài lòng) and petitions (phản ánh,
kiến nghị), and the handling unit's answers.

Each service: keyword-only, one transaction, the row locked, one `dossier_event_record` so the dossier's
history and the index counters (monitoring, group 6 "Mức độ hài lòng") see it. Refusals are
`ApplicationError`s with a code and a Vietnamese message. Times default to now; tests pass `at`.

Choices where the law leaves room (docs/tracking.md):
- one rating per dossier, given by the owner's account once the result exists (stage DONE or RETURNED);
  a second rating is refused (`already_rated`), so a period's figures never move afterwards;
- the nine criteria are optional, but all nine or none (a partial sheet cannot be added up to /18);
- one unanswered petition per dossier at a time; its deadline is N working days of the handling unit's
  calendar (`MOTCUA_PETITION_DAYS`, default 10 — a configurable choice, see docs/tracking.md);
- a petition is answered once, by an official holding a handling role in the petition's unit itself
  (or an administrator above it); the applicant says once whether the answer satisfied them.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import Role
from motcua.accounts.permissions import user_has_role
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.workdays.calendars import ProcessingTime, due_at
from motcua.workdays.selectors import calendar_for_unit

from .models import Dossier, Outcome, Petition, PetitionKind, QuickRating, Rating, Stage
from .services import dossier_event_record

RATEABLE_STAGES = (Stage.DONE, Stage.RETURNED)
SCORES = (0, 1, 2)
COMMENT_MAX_LENGTH = 2000
PETITION_MIN_LENGTH = 10
PETITION_MAX_LENGTH = 4000
ANSWER_MAX_LENGTH = 4000
DEFAULT_PETITION_DAYS = 10
# Who answers a petition in the handling unit: those who handle dossiers there, and its administrators.
# Not the one-stop desk (it sits at the center), the clerk, nor dashboard viewers.
ANSWER_ROLES = (Role.SPECIALIST, Role.DEPARTMENT_LEADER, Role.SIGNING_LEADER, Role.UNIT_ADMIN, Role.PROVINCE_ADMIN)


@dataclass(frozen=True)
class Criterion:
    """One of the nine criteria of Circular 01/2018/TT-VPCP art. 13, scored 2, 1 or 0; `levels` says what
    each score means, best first."""

    key: str
    name: str
    levels: tuple[str, str, str]


_GOOD = (gettext_lazy("Tốt"), gettext_lazy("Đạt yêu cầu"), gettext_lazy("Chưa đạt yêu cầu"))

# Names as the provinces' evaluation sheets quote Circular 01/2018/TT-VPCP art. 13; the level texts of
# criteria 2 and 5–9 are our plain wording (docs/tracking.md).
CRITERIA: tuple[Criterion, ...] = (
    Criterion("1", gettext_lazy("Tổng thời gian giải quyết thủ tục hành chính so với thời gian cho phép theo "
                                "quy định của pháp luật"),
              (gettext_lazy("Ngắn hơn thời gian quy định"), gettext_lazy("Bằng thời gian quy định"),
               gettext_lazy("Dài hơn thời gian quy định"))),
    Criterion("2", gettext_lazy("Thời gian thực hiện của từng cơ quan, đơn vị tham gia giải quyết (kể cả đơn vị "
                                "phối hợp) so với quy định"),
              (gettext_lazy("Các cơ quan đều xử lý sớm hơn quy định"), gettext_lazy("Đúng thời gian quy định"),
               gettext_lazy("Có cơ quan xử lý chậm hơn quy định"))),
    Criterion("3", gettext_lazy("Số lần phải liên hệ với nơi tiếp nhận hồ sơ để hoàn thiện hồ sơ thủ tục hành "
                                "chính (kể cả liên hệ theo hình thức trực tuyến)"),
              (gettext_lazy("Không phải liên hệ lần nào"), gettext_lazy("Một lần"),
               gettext_lazy("Hơn một lần (trừ khi do lỗi của người nộp)"))),
    Criterion("4", gettext_lazy("Số lượng cơ quan, đơn vị, tổ chức phải liên hệ để hoàn thiện hồ sơ thủ tục "
                                "hành chính (kể cả liên hệ theo hình thức trực tuyến)"),
              (gettext_lazy("Không phải liên hệ cơ quan nào"), gettext_lazy("Một cơ quan, đơn vị"),
               gettext_lazy("Hơn một cơ quan, đơn vị"))),
    Criterion("5", gettext_lazy("Thực hiện tổ chức tiếp nhận hồ sơ, giải quyết, trả kết quả tại Bộ phận Một cửa"),
              _GOOD),
    Criterion("6", gettext_lazy("Công khai các thủ tục hành chính"),
              (gettext_lazy("Đầy đủ, dễ tra cứu"), gettext_lazy("Chưa đầy đủ"), gettext_lazy("Không công khai"))),
    Criterion("7", gettext_lazy("Thái độ của cán bộ, công chức, viên chức khi hướng dẫn lập hồ sơ, tiếp nhận hồ sơ "
                                "và giải quyết hồ sơ thủ tục hành chính"),
              (gettext_lazy("Lịch sự, tận tình"), gettext_lazy("Bình thường"),
               gettext_lazy("Thiếu lịch sự, gây phiền hà"))),
    Criterion("8", gettext_lazy("Tiếp thu, giải trình đối với các ý kiến phản ánh, kiến nghị của tổ chức, cá nhân"),
              (gettext_lazy("Tiếp thu, trả lời đầy đủ (hoặc không có phản ánh)"),
               gettext_lazy("Trả lời chưa đầy đủ"), gettext_lazy("Không tiếp thu, không trả lời"))),
    Criterion("9", gettext_lazy("Tiến độ và chất lượng cung cấp dịch vụ công trực tuyến của cơ quan có thẩm quyền"),
              _GOOD),
)
CRITERIA_KEYS = tuple(c.key for c in CRITERIA)


# ---------------------------------------------------------------- helpers


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _is_owner(dossier: Dossier, actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and dossier.owner_id is not None
                and dossier.owner_id == actor.pk)


def _owner_required(dossier: Dossier, actor) -> None:
    if not _is_owner(dossier, actor):
        raise PermissionDenied(_("Chỉ chủ hồ sơ %(code)s (tài khoản đã nộp hồ sơ) được thực hiện thao tác này.")
                               % {"code": dossier.code}, code="not_dossier_owner")


def _score(value) -> int | None:
    """0, 1 or 2 from an int or a one-digit string; None for anything else (True is not 1 here)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip() in ("0", "1", "2"):
        return int(value.strip())
    return value if isinstance(value, int) and value in SCORES else None


def criteria_clean(criteria: dict | None) -> dict[str, int]:
    """The nine criteria as {"1": 2, ..., "9": 0}: empty when none is given, else all nine, each 0, 1 or 2."""
    if not criteria:
        return {}
    if not isinstance(criteria, dict):
        raise ValidationFailed(_("Điểm các tiêu chí không hợp lệ."), code="criteria_invalid")
    cleaned: dict[str, int] = {}
    for key, value in criteria.items():
        name = str(key).strip()
        if name not in CRITERIA_KEYS:
            raise ValidationFailed(_("Không có tiêu chí «%(key)s»; các tiêu chí được đánh số từ 1 đến 9.")
                                   % {"key": name[:20]}, code="criteria_invalid")
        score = _score(value)
        if score is None:
            raise ValidationFailed(_("Tiêu chí %(key)s chỉ được chấm 0, 1 hoặc 2 điểm.") % {"key": name},
                                   code="criteria_invalid")
        cleaned[name] = score
    missing = [key for key in CRITERIA_KEYS if key not in cleaned]
    if missing:
        raise ValidationFailed(_("Cần chấm đủ 9 tiêu chí hoặc bỏ trống cả 9; còn thiếu tiêu chí %(keys)s.")
                               % {"keys": ", ".join(missing)}, code="criteria_incomplete")
    return {key: cleaned[key] for key in CRITERIA_KEYS}


def criteria_suggested(dossier: Dossier) -> dict[str, int]:
    """Scores the record already implies, offered as the form's starting point (the applicant may change
    them): criterion 1 from the judged outcome, criterion 3 from the number of supplement requests."""
    suggested = {}
    if dossier.outcome:
        suggested["1"] = {Outcome.EARLY: 2, Outcome.ON_TIME: 1, Outcome.LATE: 0}.get(dossier.outcome)
    if dossier.received_at is not None:
        suggested["3"] = 2 if dossier.supplement_count == 0 else 1 if dossier.supplement_count == 1 else 0
    return {key: value for key, value in suggested.items() if value is not None}


def petition_days() -> int:
    days = int(getattr(settings, "MOTCUA_PETITION_DAYS", DEFAULT_PETITION_DAYS))
    return days if days >= 1 else DEFAULT_PETITION_DAYS


def petition_due_at(*, unit, submitted_at: datetime) -> datetime:
    """Answer deadline: `petition_days()` working days of `unit`'s calendar from the submission."""
    return due_at(calendar_for_unit(unit=unit), submitted_at, ProcessingTime(petition_days(), "working_days"))


def _text(value: str, *, minimum: int, maximum: int, empty: str, short: str, long: str, code: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(empty, code=code)
    if len(text) < minimum:
        raise ValidationFailed(short % {"n": minimum}, code=code)
    if len(text) > maximum:
        raise ValidationFailed(long % {"n": maximum}, code=code)
    return text


def _locked_dossier(dossier: Dossier) -> Dossier:
    return (Dossier.objects.select_for_update(of=("self",))
            .select_related("handling_unit", "current_step").get(pk=dossier.pk))


def _locked_petition(petition: Petition) -> Petition:
    return (Petition.objects.select_for_update(of=("self",))
            .select_related("dossier", "unit").get(pk=petition.pk))


# ---------------------------------------------------------------- rating


@transaction.atomic
def dossier_rate(*, dossier: Dossier, actor, quick: str, criteria: dict | None = None, comment: str = "",
                 at: datetime | None = None) -> Rating:
    """The applicant rates the handling of their dossier once the result exists (Circular 01/2018 art. 13):
    a quick rating and, optionally, the nine criteria scored 0/1/2. Once per dossier."""
    at, dossier = _now(at), _locked_dossier(dossier)
    _owner_required(dossier, actor)
    if dossier.stage not in RATEABLE_STAGES:
        raise Conflict(_("Chỉ đánh giá được khi hồ sơ %(code)s đã có kết quả.") % {"code": dossier.code},
                       code="rating_not_open")
    if quick not in QuickRating.values:
        raise ValidationFailed(_("Cần chọn mức độ hài lòng: hài lòng, bình thường hoặc không hài lòng."),
                               code="rating_invalid")
    scores = criteria_clean(criteria)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationFailed(_("Ý kiến không quá %(n)s ký tự.") % {"n": COMMENT_MAX_LENGTH}, code="comment_too_long")
    if Rating.objects.filter(dossier=dossier).exists():
        raise Conflict(_("Hồ sơ %(code)s đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.") % {"code": dossier.code},
                       code="already_rated")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(dossier=dossier, quick=quick, criteria=scores, comment=comment,
                                           rated_by=actor, rated_at=at)
    except IntegrityError:  # a parallel request rated first
        raise Conflict(_("Hồ sơ %(code)s đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.")
                       % {"code": dossier.code}, code="already_rated") from None
    dossier_event_record(dossier=dossier, action="rate", actor=actor, at=at, data={
        "quick": quick, "criteria": scores, "total": sum(scores.values()) if scores else None})
    return rating


# ---------------------------------------------------------------- petitions


@transaction.atomic
def petition_submit(*, dossier: Dossier, actor, content: str, kind: str = PetitionKind.FEEDBACK,
                    at: datetime | None = None) -> Petition:
    """The applicant files a petition (phản ánh, kiến nghị) about their dossier; the handling unit answers it
    within `petition_days()` working days."""
    at, dossier = _now(at), _locked_dossier(dossier)
    _owner_required(dossier, actor)
    if kind not in PetitionKind.values:
        raise ValidationFailed(_("Loại phản ánh, kiến nghị không hợp lệ."), code="petition_kind_invalid")
    content = _text(content, minimum=PETITION_MIN_LENGTH, maximum=PETITION_MAX_LENGTH,
                    empty=_("Cần ghi nội dung phản ánh, kiến nghị."),
                    short=_("Nội dung phản ánh, kiến nghị cần ít nhất %(n)s ký tự."),
                    long=_("Nội dung phản ánh, kiến nghị không quá %(n)s ký tự."), code="petition_content_invalid")
    if dossier.petitions.filter(answered_at__isnull=True).exists():
        raise Conflict(_("Hồ sơ %(code)s đang có một phản ánh, kiến nghị chờ trả lời; vui lòng chờ trả lời trước "
                         "khi gửi thêm.") % {"code": dossier.code}, code="petition_pending")
    petition = Petition.objects.create(
        dossier=dossier, unit=dossier.handling_unit, kind=kind, content=content, submitted_by=actor,
        submitted_at=at, due_at=petition_due_at(unit=dossier.handling_unit, submitted_at=at))
    dossier_event_record(dossier=dossier, action="petition", actor=actor, at=at, data={
        "petition": petition.pk, "kind": kind, "unit": dossier.handling_unit.code,
        "due_at": petition.due_at.isoformat()})
    return petition


def petition_may_answer(*, petition: Petition, user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user_has_role(user, petition.unit, ANSWER_ROLES))


@transaction.atomic
def petition_answer(*, petition: Petition, actor, answer: str, at: datetime | None = None) -> Petition:
    """An official of the handling unit answers a petition, once; answered after `due_at` counts late."""
    at, petition = _now(at), _locked_petition(petition)
    if not petition_may_answer(petition=petition, user=actor):
        raise PermissionDenied(_("Chỉ cán bộ xử lý của %(unit)s được trả lời phản ánh, kiến nghị này.")
                               % {"unit": petition.unit.name}, code="petition_answer_forbidden")
    if petition.answered_at is not None:
        raise Conflict(_("Phản ánh, kiến nghị này đã được trả lời."), code="petition_already_answered")
    petition.answer = _text(answer, minimum=1, maximum=ANSWER_MAX_LENGTH, empty=_("Cần ghi nội dung trả lời."),
                            short=_("Cần ghi nội dung trả lời."), long=_("Nội dung trả lời không quá %(n)s ký tự."),
                            code="petition_answer_invalid")
    petition.answered_by, petition.answered_at = actor, at
    petition.save(update_fields=["answer", "answered_by", "answered_at"])
    dossier_event_record(dossier=petition.dossier, action="petition_answer", actor=actor, at=at, data={
        "petition": petition.pk, "on_time": at <= petition.due_at})
    return petition


@transaction.atomic
def petition_rate(*, petition: Petition, actor, satisfied: bool, at: datetime | None = None) -> Petition:
    """The applicant says, once, whether the answer satisfied them (index indicator 6.2)."""
    at, petition = _now(at), _locked_petition(petition)
    _owner_required(petition.dossier, actor)
    if petition.answered_at is None:
        raise Conflict(_("Phản ánh, kiến nghị này chưa được trả lời."), code="petition_not_answered")
    if petition.satisfied is not None:
        raise Conflict(_("Bạn đã đánh giá câu trả lời này."), code="petition_already_rated")
    if not isinstance(satisfied, bool):
        raise ValidationFailed(_("Cần chọn hài lòng hoặc không hài lòng với câu trả lời."),
                               code="petition_rating_invalid")
    petition.satisfied = satisfied
    petition.save(update_fields=["satisfied"])
    dossier_event_record(dossier=petition.dossier, action="petition_rate", actor=actor, at=at, data={
        "petition": petition.pk, "satisfied": satisfied})
    return petition
