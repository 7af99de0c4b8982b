# SPDX-License-Identifier: AGPL-3.0-or-later
"""Public read-only API of administrative units (a public fact, no personal data)."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView

from .models import Unit, UnitKind
from .selectors import unit_get, unit_list


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "parent", "agency_code", "valid_from", "valid_to"]


class UnitListApi(ListAPIView):
    serializer_class = UnitSerializer

    @extend_schema(parameters=[
        OpenApiParameter("kind", enum=UnitKind.values, description="Loại đơn vị"),
        OpenApiParameter("parent", str, description="Mã đơn vị cấp trên, ví dụ 66"),
        OpenApiParameter("all", bool, description="Gồm cả đơn vị đã hết hiệu lực"),
    ])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        parent = unit_get(code=params["parent"]) if params.get("parent") else None
        kinds = [params["kind"]] if params.get("kind") else None
        active_on = None if params.get("all") in ("1", "true") else timezone.localdate()
        return unit_list(kind=kinds, parent=parent, active_on=active_on).select_related("parent")


class UnitDetailApi(RetrieveAPIView):
    serializer_class = UnitSerializer

    def get_object(self):
        return unit_get(code=self.kwargs["code"])
