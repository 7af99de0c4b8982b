# SPDX-License-Identifier: AGPL-3.0-or-later
"""Admin: the index configuration (points, thresholds, colour bands), checked by the service's rules."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ValidationFailed

from .definitions import GROUPS, INDICATORS, config_forget
from .models import IndexConfig, IndexWeight
from .services import index_config_validate

LABELS = {**{key: f"{key}. {name}" for key, name in GROUPS}, **{i.id: f"{i.id} {i.name}" for i in INDICATORS}}


class WeightFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        weights = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data and not data.get("DELETE") and data.get("key"):
                weights[data["key"]] = (data["points"], data.get("threshold") or Decimal(100))
        try:
            index_config_validate(band_green=self.instance.band_green, band_yellow=self.instance.band_yellow,
                                  weights=weights)
        except ValidationFailed as exc:
            raise ValidationError(exc.extra.get("errors") or [str(exc.message)]) from None


class WeightInline(admin.TabularInline):
    model = IndexWeight
    formset = WeightFormSet
    fields = ["key", "label", "points", "threshold"]
    readonly_fields = ["label"]
    extra = 0
    can_delete = False

    @admin.display(description=_("tên"))
    def label(self, obj):
        return LABELS.get(obj.key, "")


@admin.register(IndexConfig)
class IndexConfigAdmin(admin.ModelAdmin):
    list_display = ["__str__", "band_green", "band_yellow", "updated_at"]
    fields = ["band_green", "band_yellow", "publish_days"]
    inlines = [WeightInline]

    def has_add_permission(self, request):
        return not IndexConfig.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        config_forget()  # pages use the new weights at once (other processes within a few seconds)
