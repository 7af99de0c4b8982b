# SPDX-License-Identifier: AGPL-3.0-or-later
"""Public read-only API of the procedure catalogue (a public fact, no personal data): search and the whole
record of one procedure. Parsing here, searching in catalog.search, reading in catalog.selectors."""

from urllib.parse import quote

from django.db.models import prefetch_related_objects
from django.urls import NoReverseMatch, reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.models import Role
from motcua.core.api import MAX_OFFSET
from motcua.core.errors import ValidationFailed

from .models import Fee, Level, OnlineLevel, PaperForm, Procedure, ProcessStep, RequiredPaper, TimeUnit
from .search import procedure_search
from .selectors import procedure_get, process_for

QUERY_MAX_LENGTH = 200
LIMIT_MAX = 100


def procedure_url(request, procedure: Procedure) -> str:
    """Absolute address of the procedure's public page (/thu-tuc/<code>/)."""
    try:
        path = reverse("portal:procedure-detail", kwargs={"code": procedure.code})
    except NoReverseMatch:  # the portal page is not routed: the same address, built by hand
        path = "/thu-tuc/" + quote(procedure.code) + "/"
    return request.build_absolute_uri(path)


# --- parameters -----------------------------------------------------------------------------------------

class ProcedureSearchParams(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=True,
                              max_length=QUERY_MAX_LENGTH, error_messages={
                                  "max_length": _("Từ khóa dài quá {max_length} ký tự.")})
    level = serializers.ChoiceField(choices=Level.choices, required=False, error_messages={
        "invalid_choice": _("Cấp thực hiện không hợp lệ: chọn province hoặc commune.")})
    field = serializers.CharField(required=False, max_length=32, error_messages={
        "max_length": _("Mã lĩnh vực dài quá {max_length} ký tự.")})
    unit = serializers.CharField(required=False, max_length=64, error_messages={
        "max_length": _("Mã đơn vị dài quá {max_length} ký tự.")})
    online = serializers.ChoiceField(choices=OnlineLevel.choices, required=False, error_messages={
        "invalid_choice": _("Mức độ trực tuyến không hợp lệ: chọn full hoặc partial.")})
    limit = serializers.IntegerField(required=False, default=20, min_value=1, max_value=LIMIT_MAX, error_messages={
        "invalid": _("limit phải là số nguyên."),
        "min_value": format_lazy(_("limit phải từ 1 đến {max}."), max=LIMIT_MAX),
        "max_value": format_lazy(_("limit phải từ 1 đến {max}."), max=LIMIT_MAX)})
    offset = serializers.IntegerField(required=False, default=0, min_value=0, max_value=MAX_OFFSET, error_messages={
        "invalid": _("offset phải là số nguyên."),
        "min_value": _("offset không được âm."),
        "max_value": _("offset quá lớn.")})

    @classmethod
    def parse(cls, query_params) -> dict:
        """The search keyword arguments, or ValidationFailed naming the first bad parameter."""
        given = {key: query_params.get(key) for key in cls._declared_fields if query_params.get(key, "") != ""}
        params = cls(data=given)  # an empty parameter (?level=) is no filter, as in the portal's form
        if not params.is_valid():
            name, errors = next(iter(params.errors.items()))
            raise ValidationFailed(_("Tham số %(name)s không hợp lệ: %(reason)s")
                                   % {"name": name, "reason": errors[0]}, code="invalid_parameter",
                                   extra={"parameter": name})
        return dict(params.validated_data)


# --- responses ------------------------------------------------------------------------------------------

class ApiErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ProcedureFieldSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcedureTimeSerializer(serializers.Serializer):
    value = serializers.DecimalField(source="processing_time_value", max_digits=7, decimal_places=2,
                                     coerce_to_string=False, normalize_output=True)
    unit = serializers.ChoiceField(source="processing_time_unit", choices=TimeUnit.choices)


class ProcedureFeeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Fee
        fields = ["name", "amount", "paid_when"]


class ProcedureItemSerializer(serializers.ModelSerializer):
    field = ProcedureFieldSerializer()
    processing_time = ProcedureTimeSerializer(source="*")
    fees = ProcedureFeeSerializer(many=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = ["code", "name", "field", "level", "processing_time", "online_level", "fees", "url"]

    def get_url(self, procedure) -> str:
        return procedure_url(self.context["request"], procedure)


class ProcedureSearchSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    results = ProcedureItemSerializer(many=True)


class ProcedureUnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ProcedureFeeDetailSerializer(ProcedureFeeSerializer):
    class Meta(ProcedureFeeSerializer.Meta):
        fields = [*ProcedureFeeSerializer.Meta.fields, "note"]


class ProcedurePaperSerializer(serializers.ModelSerializer):
    form = serializers.ChoiceField(choices=PaperForm.choices)

    class Meta:
        model = RequiredPaper
        fields = ["name", "form", "count", "template", "required"]


class ProcedureStepSerializer(serializers.ModelSerializer):
    unit = ProcedureUnitSerializer(allow_null=True)
    role_label = serializers.SerializerMethodField()

    class Meta:
        model = ProcessStep
        fields = ["order", "name", "role", "role_label", "unit", "allowance"]

    def get_role_label(self, step) -> str:
        return str(Role(step.role).label) if step.role in Role.values else step.role


class ProcedureTimeDetailSerializer(ProcedureTimeSerializer):
    note = serializers.CharField(source="processing_time_note")


class ProcedureResultSerializer(serializers.Serializer):
    type = serializers.CharField(source="result_type")
    name = serializers.CharField(source="result_name")


class ProcedureDetailSerializer(ProcedureItemSerializer):
    handling_unit = ProcedureUnitSerializer(allow_null=True)
    processing_time = ProcedureTimeDetailSerializer(source="*")
    result = ProcedureResultSerializer(source="*")
    subjects = serializers.SerializerMethodField()
    fees = ProcedureFeeDetailSerializer(many=True)
    papers = ProcedurePaperSerializer(many=True)
    steps = serializers.SerializerMethodField()
    legal_basis = serializers.ListField(child=serializers.CharField())
    keywords = serializers.ListField(child=serializers.CharField())

    class Meta(ProcedureItemSerializer.Meta):
        fields = [
            "code", "name", "field", "level", "handling_agency", "handling_unit", "processing_time", "result",
            "subjects", "online_level", "partial_reason", "cross_boundary", "fees", "papers", "steps",
            "legal_basis", "keywords", "decided_on", "published_on", "verified", "url",
        ]

    def get_subjects(self, procedure) -> list[str]:
        return [name for name, on in (("citizen", procedure.for_citizens), ("business", procedure.for_businesses))
                if on]

    @extend_schema_field(ProcedureStepSerializer(many=True))
    def get_steps(self, procedure) -> list:
        """Steps of the default internal process (quy trình nội bộ mặc định)."""
        process = process_for(procedure=procedure, province=None)
        return ProcedureStepSerializer(process.steps.all() if process else [], many=True).data


# --- endpoints ------------------------------------------------------------------------------------------

class ProcedureListApi(APIView):
    """Tra cứu thủ tục hành chính (tìm có dấu hoặc không dấu, viết tắt, sai một lỗi chính tả)."""

    @extend_schema(
        operation_id="procedures_search",
        parameters=[
            OpenApiParameter("q", str, description="Từ khóa, có dấu hoặc không dấu (ví dụ: sổ đỏ, CCCD)"),
            OpenApiParameter("level", enum=Level.values, description="Cấp thực hiện"),
            OpenApiParameter("field", str, description="Mã lĩnh vực, ví dụ HOTICH"),
            OpenApiParameter("unit", str, description="Mã đơn vị giải quyết (sở, ngành), ví dụ 66.STP"),
            OpenApiParameter("online", enum=OnlineLevel.values, description="Mức độ trực tuyến"),
            OpenApiParameter("limit", int, description="Số kết quả, 1–100 (mặc định 20)"),
            OpenApiParameter("offset", int, description="Bỏ qua bao nhiêu kết quả đầu (mặc định 0)"),
        ],
        responses={200: ProcedureSearchSerializer,
                   400: OpenApiResponse(ApiErrorSerializer, description="Tham số không hợp lệ")},
    )
    def get(self, request):
        result = procedure_search(**ProcedureSearchParams.parse(request.query_params))
        prefetch_related_objects(result.results, "fees")
        return Response(ProcedureSearchSerializer(result, context={"request": request}).data)


class ProcedureDetailApi(APIView):
    """Toàn bộ thông tin công khai của một thủ tục: thành phần hồ sơ, phí, quy trình, căn cứ pháp lý."""

    @extend_schema(
        operation_id="procedures_retrieve",
        responses={200: ProcedureDetailSerializer,
                   404: OpenApiResponse(ApiErrorSerializer, description="Không có thủ tục công khai với mã này")},
    )
    def get(self, request, code: str):
        procedure = procedure_get(code=code)
        return Response(ProcedureDetailSerializer(procedure, context={"request": request}).data)
