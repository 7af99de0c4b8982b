# SPDX-License-Identifier: AGPL-3.0-or-later
"""REST API for dossiers: submit (idempotent), read what the caller may see, act, list events."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.models import User
from motcua.catalog.models import Procedure, ProcessStep
from motcua.core.api import MAX_OFFSET
from motcua.core.errors import ValidationFailed
from motcua.units.models import Unit

from .models import ApplicantKind, NationalStatus, ResultDelivery, Stage
from .selectors import (
    DossierFilters,
    dossier_events,
    dossier_get_visible,
    dossier_list_visible,
    dossier_steps_load,
)
from .services import ApplicantData, dossier_submit_online, dossier_transition, submission_fingerprint
from .workflow import Action, actions_available


def _get(model, message: str, *, queryset=None, **lookup):
    try:
        return (queryset if queryset is not None else model.objects).get(**lookup)
    except model.DoesNotExist:
        raise ValidationFailed(message, code="reference_not_found") from None


class ApplicantSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN)
    id_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=15, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SubmitSerializer(serializers.Serializer):
    procedure = serializers.CharField(max_length=32, help_text="Mã thủ tục, ví dụ 1.001193")
    receiving_unit = serializers.CharField(max_length=32, help_text="Mã Trung tâm PVHCC, ví dụ 24133.TTPVHCC")
    handling_unit = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    return_unit = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    applicant = ApplicantSerializer()
    form_data = serializers.JSONField(required=False, default=dict)
    result_delivery = serializers.ChoiceField(choices=ResultDelivery.choices, default=ResultDelivery.ONLINE)


class StepSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField()
    unit = serializers.CharField(source="unit.code")
    due_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()


class DossierSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    channel = serializers.IntegerField()
    status = serializers.IntegerField()
    status_name = serializers.CharField(source="get_status_display")
    stage = serializers.CharField()
    applicant_name = serializers.CharField()
    receiving_unit = serializers.CharField(source="receiving_unit.code")
    handling_unit = serializers.CharField(source="handling_unit.code")
    return_unit = serializers.CharField(source="return_unit.code")
    submitted_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    legal_due_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()
    returned_at = serializers.DateTimeField()
    outcome = serializers.CharField()
    supplement_count = serializers.IntegerField()
    assignee = serializers.CharField(source="assignee.username", default=None)


class SubmittedSerializer(serializers.Serializer):
    """The answer to `Prefer: return=minimal` (RFC 7240): the code to track, no more."""

    code = serializers.CharField()
    status = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()


class DossierDetailSerializer(DossierSerializer):
    steps = StepSerializer(many=True, source="steps.all")
    actions = serializers.SerializerMethodField()

    def get_actions(self, dossier) -> list[str]:
        return actions_available(dossier, self.context["request"].user)


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default=None)
    from_stage = serializers.CharField()
    to_stage = serializers.CharField()
    status = serializers.IntegerField()
    step_order = serializers.IntegerField()
    note = serializers.CharField()


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=Action.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)
    assignee = serializers.CharField(required=False, allow_blank=True, default="", help_text="Tên đăng nhập")
    unit = serializers.CharField(required=False, allow_blank=True, default="", help_text="Mã cơ quan xin ý kiến")
    new_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    days = serializers.IntegerField(required=False, min_value=1, max_value=60, default=5)


class ListFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=NationalStatus.choices, required=False)
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    unit = serializers.CharField(required=False)
    procedure = serializers.CharField(required=False)
    due_before = serializers.DateTimeField(required=False)
    late = serializers.BooleanField(required=False, allow_null=True, default=None)
    q = serializers.CharField(required=False, default="")
    limit = serializers.IntegerField(required=False, min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(required=False, min_value=0, max_value=MAX_OFFSET, default=0)


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise ValidationFailed(_("Dữ liệu không hợp lệ."), code="invalid_input", extra={"errors": serializer.errors})
    return serializer.validated_data


class DossierListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[ListFilterSerializer], responses={200: DossierSerializer(many=True)},
                   summary="Danh sách hồ sơ người gọi được xem")
    def get(self, request):
        params = _valid(ListFilterSerializer, request.query_params)
        limit, offset = params.pop("limit"), params.pop("offset")
        qs = dossier_list_visible(user=request.user, filters=DossierFilters(**params))
        return Response({"count": qs.count(),
                         "results": DossierSerializer(qs[offset:offset + limit], many=True).data})

    @extend_schema(request=SubmitSerializer, responses={201: DossierDetailSerializer, 200: DossierDetailSerializer,
                                                        409: OpenApiResponse(description="Idempotency-Key đã dùng")},
                   parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER),
                               OpenApiParameter("Prefer", str, OpenApiParameter.HEADER,
                                                description="return=minimal: chỉ trả mã, trạng thái, thời điểm nộp")],
                   summary="Nộp hồ sơ trực tuyến")
    def post(self, request):
        data = _valid(SubmitSerializer, request.data)
        optional_unit = {k: _get(Unit, _("Không có đơn vị %(code)s.") % {"code": data[k]}, code=data[k])
                         for k in ("handling_unit", "return_unit") if data[k]}
        # What the submission reads of the procedure (fees, its process and the steps' units) and of the
        # receiving center (its parent) is fetched here at once rather than one row at a time.
        procedures = Procedure.objects.prefetch_related(
            "fees", "processes", Prefetch("processes__steps", queryset=ProcessStep.objects.select_related("unit")))
        dossier, created = dossier_submit_online(
            procedure=_get(Procedure, _("Không có thủ tục %(code)s.") % {"code": data["procedure"]},
                           queryset=procedures, code=data["procedure"]),
            receiving_unit=_get(Unit, _("Không có đơn vị %(code)s.") % {"code": data["receiving_unit"]},
                                queryset=Unit.objects.select_related("parent"), code=data["receiving_unit"]),
            applicant=ApplicantData(**data["applicant"]), owner=request.user, form_data=data["form_data"],
            result_delivery=data["result_delivery"], idempotency_key=request.headers.get("Idempotency-Key", "")[:128],
            fingerprint=submission_fingerprint(request.data), **optional_unit)
        headers = {"Location": reverse("api-dossier-detail", kwargs={"code": dossier.code})}
        if _prefers_minimal(request):
            body = SubmittedSerializer(dossier).data
            headers["Preference-Applied"] = "return=minimal"
        else:
            body = DossierDetailSerializer(dossier_steps_load(dossier=dossier), context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK, headers=headers)


def _prefers_minimal(request) -> bool:
    """RFC 7240: the first `return` preference is `minimal` (case-insensitive, the value maybe quoted,
    parameters after `;` ignored); Django joins repeated Prefer headers with commas."""
    for preference in request.headers.get("Prefer", "").split(","):
        name, _sep, value = preference.split(";", 1)[0].partition("=")
        if name.strip().lower() == "return":
            return value.strip().strip('"').lower() == "minimal"
    return False


class DossierDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: DossierDetailSerializer}, summary="Hồ sơ theo mã")
    def get(self, request, code):
        dossier = dossier_get_visible(user=request.user, code=code)
        return Response(DossierDetailSerializer(dossier, context={"request": request}).data)


class DossierTransitionApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=TransitionSerializer, responses={200: DossierDetailSerializer},
                   summary="Thực hiện một thao tác xử lý hồ sơ")
    def post(self, request, code):
        dossier = dossier_get_visible(user=request.user, code=code)
        data = _valid(TransitionSerializer, request.data)
        assignee = (_get(User, _("Không có người dùng %(u)s.") % {"u": data["assignee"]}, username=data["assignee"])
                    if data["assignee"] else None)
        unit = _get(Unit, _("Không có đơn vị %(code)s.") % {"code": data["unit"]}, code=data["unit"]) \
            if data["unit"] else None
        dossier = dossier_transition(dossier=dossier, action=data["action"], actor=request.user, note=data["note"],
                                     assignee=assignee, unit=unit, new_due_at=data["new_due_at"], days=data["days"])
        return Response(DossierDetailSerializer(dossier_steps_load(dossier=dossier), context={"request": request}).data)


class DossierEventsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: EventSerializer(many=True)}, summary="Nhật ký xử lý hồ sơ")
    def get(self, request, code):
        dossier = dossier_get_visible(user=request.user, code=code)
        return Response(EventSerializer(dossier_events(dossier=dossier), many=True).data)


