# SPDX-License-Identifier: AGPL-3.0-or-later
"""POST /api/v1/assistant/ask: parse, limit, call `assistant_ask`, render. Anonymous allowed; a logged-in
session must send its CSRF token (DRF's SessionAuthentication), as the portal widget does (X-CSRFToken).

Bad input is a 400 with a Vietnamese message (never a 500); too many questions from one address a 429. A
status question carrying a phone number also counts against the public tracking limits (per address and per
dossier code, the same counters as /tra-cuu/), so the assistant is no faster way to guess a proof."""

import re

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.catalog.api import ApiErrorSerializer
from motcua.core.errors import ValidationFailed
from motcua.dossiers.selectors import track_code_clean

from .intents import dossier_code_find
from .limits import assistant_rate_limited
from .services import MAX_QUESTION_LENGTH, assistant_ask

RETRY_AFTER_SECONDS = 60
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
CHANNELS = ("api", "portal", "backoffice")


class AskRequestSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=MAX_QUESTION_LENGTH)
    dossier_code = serializers.CharField(required=False, allow_blank=True, max_length=64)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    channel = serializers.ChoiceField(choices=CHANNELS, required=False)


class AskProcedureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField()


class AskResponseSerializer(serializers.Serializer):
    answer = serializers.CharField()
    intent = serializers.CharField()
    procedures = AskProcedureSerializer(many=True)
    confidence = serializers.FloatField(min_value=0, max_value=1)


def _text(data: dict, name: str, *, required: bool = False, max_length: int) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(_("Trường %(name)s phải là chuỗi ký tự.") % {"name": name}, code="invalid_parameter",
                               extra={"parameter": name})
    if _UNSTORABLE.search(value):  # NUL or a lone surrogate: no database stores them (PostgreSQL refuses NUL)
        raise ValidationFailed(_("Trường %(name)s chứa ký tự không hợp lệ.") % {"name": name},
                               code="invalid_parameter", extra={"parameter": name})
    value = value.strip()
    if required and not value:
        raise ValidationFailed(_("Vui lòng nhập câu hỏi."), code="question_blank", extra={"parameter": name})
    if len(value) > max_length:
        raise ValidationFailed(_("Trường %(name)s dài quá %(max)s ký tự.") % {"name": name, "max": max_length},
                               code="invalid_parameter", extra={"parameter": name})
    return value


class AssistantAskApi(APIView):
    """Hỏi trợ lý ảo về thủ tục hành chính (giấy tờ, thời hạn, phí, nơi nộp, trực tuyến, quy trình, căn cứ)
    hoặc tình trạng hồ sơ (cần mã hồ sơ và số điện thoại của chủ hồ sơ, hoặc đăng nhập chủ hồ sơ)."""

    @extend_schema(
        operation_id="assistant_ask",
        request=AskRequestSerializer,
        responses={200: AskResponseSerializer,
                   400: OpenApiResponse(ApiErrorSerializer, description="Câu hỏi trống, quá dài hoặc sai kiểu"),
                   403: OpenApiResponse(ApiErrorSerializer, description="Phiên đăng nhập thiếu mã CSRF"),
                   429: OpenApiResponse(ApiErrorSerializer, description="Hỏi quá nhiều trong thời gian ngắn")},
    )
    def post(self, request):
        try:
            data = request.data
        except (ParseError, UnsupportedMediaType):
            raise ValidationFailed(_("Nội dung gửi lên phải là JSON hợp lệ, ví dụ {\"question\": \"...\"}."),
                                   code="invalid_body") from None
        if not hasattr(data, "get"):
            raise ValidationFailed(_("Nội dung gửi lên phải là một đối tượng JSON có trường question."),
                                   code="invalid_body")
        question = _text(data, "question", required=True, max_length=MAX_QUESTION_LENGTH)
        dossier_code = _text(data, "dossier_code", max_length=64)
        phone = _text(data, "phone", max_length=20)
        channel = _text(data, "channel", max_length=16)
        code = track_code_clean(dossier_code or dossier_code_find(question))
        if assistant_rate_limited(request._request, code=code, phone=phone):
            response = Response({"code": "rate_limited", "message": _(
                "Bạn đã hỏi quá nhiều trong thời gian ngắn. Vui lòng thử lại sau ít phút.")}, status=429)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        answer = assistant_ask(question=question, dossier_code=dossier_code, phone=phone, user=request.user,
                               channel=channel if channel in CHANNELS else "api",
                               language=(getattr(request, "LANGUAGE_CODE", "") or "vi")[:2])
        body = {
            "answer": answer.answer, "intent": answer.intent, "confidence": answer.confidence,
            "procedures": [{"code": ref.code, "name": ref.name, "url": request.build_absolute_uri(ref.url)}
                           for ref in answer.procedures],
        }
        response = Response(body)
        response["Cache-Control"] = "no-store"  # a status answer is personal
        return response
