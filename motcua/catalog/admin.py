# SPDX-License-Identifier: AGPL-3.0-or-later
"""Catalogue administration (quản trị danh mục thủ tục). Thin: the step-sum rule is schema.check_step_sum
and the search text is services.procedure_search_text; nothing here decides anything of its own."""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from motcua.core.errors import ApplicationError

from .models import Fee, Field, Procedure, Process, ProcessStep, RequiredPaper, SearchSynonym, TimeUnit
from .schema import STEP_ROLES, CatalogError, StepData, check_step_sum
from .services import procedure_search_text
from .synonyms import search_synonym_check, search_synonym_delete, search_synonym_save


def _step_sum_error(steps, procedure: Procedure, value, unit) -> forms.ValidationError | None:
    try:
        check_step_sum(steps, Decimal(value), str(TimeUnit(unit).label), procedure.code)
    except CatalogError as exc:
        return forms.ValidationError(str(exc.message))
    return None


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class FeeInline(admin.TabularInline):
    model = Fee
    extra = 0


class PaperInline(admin.TabularInline):
    model = RequiredPaper
    extra = 0


class ProcedureForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = "__all__"  # noqa: DJ007 — the admin shows every editable field, grouped by fieldsets

    def clean(self):
        """A new legal time must still be the sum of every approved process of this procedure."""
        cleaned = super().clean()
        value, unit = cleaned.get("processing_time_value"), cleaned.get("processing_time_unit")
        if self.instance.pk and value is not None and unit:
            for process in self.instance.processes.prefetch_related("steps"):
                error = _step_sum_error(list(process.steps.all()), self.instance, value, unit)
                if error:
                    raise error
        return cleaned


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    form = ProcedureForm
    list_display = ["code", "name", "field", "level", "online_level", "publication_status", "verified", "popularity"]
    list_filter = ["level", "field", "online_level", "verified", "publication_status"]
    search_fields = ["code", "name"]
    list_select_related = ["field"]
    autocomplete_fields = ["field", "handling_unit"]
    inlines = [FeeInline, PaperInline]
    fieldsets = [
        (_("Thông tin chung"), {"fields": ["code", "name", "field", "level", "handling_agency", "handling_unit"]}),
        (_("Thời hạn và kết quả"), {"fields": ["processing_time_value", "processing_time_unit",
                                                "processing_time_note", "result_type", "result_name"]}),
        (_("Đối tượng và trực tuyến"), {"fields": ["for_citizens", "for_businesses", "online_level",
                                                    "partial_reason", "cross_boundary"]}),
        (_("Công bố"), {"fields": ["legal_basis", "publication_status", "decided_on", "published_on"]}),
        (_("Tra cứu và đối chiếu"), {"fields": ["keywords", "popularity", "verified", "verification_note",
                                                "form_schema"]}),
    ]

    def save_model(self, request, obj, form, change):
        obj.search_text = procedure_search_text(name=obj.name, field_name=obj.field.name, keywords=obj.keywords,
                                                code=obj.code)
        super().save_model(request, obj, form, change)


class StepForm(forms.ModelForm):
    role = forms.ChoiceField(label=_("vai trò thực hiện"), choices=[(r.value, r.label) for r in STEP_ROLES])

    class Meta:
        model = ProcessStep
        fields = ["order", "name", "role", "unit", "allowance"]


class StepFormSet(BaseInlineFormSet):
    def clean(self):
        """The steps kept on the page must add up to the procedure's legal time (check_step_sum)."""
        super().clean()
        process = self.instance
        if not process.procedure_id or any(form.errors for form in self.forms):
            return
        kept = [form.cleaned_data for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        steps = [StepData(order=s["order"], name=s["name"], role=s["role"], allowance=s["allowance"]) for s in kept]
        procedure = process.procedure
        error = _step_sum_error(steps, procedure, procedure.processing_time_value, procedure.processing_time_unit)
        if error:
            raise error


class StepInline(admin.TabularInline):
    model = ProcessStep
    form = StepForm
    formset = StepFormSet
    extra = 0
    min_num = 1
    validate_min = True
    autocomplete_fields = ["unit"]


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["procedure", "province", "decision", "updated_at"]
    list_filter = ["procedure__level", "procedure__field"]
    search_fields = ["procedure__code", "procedure__name", "decision"]
    list_select_related = ["procedure", "province"]
    autocomplete_fields = ["procedure", "province"]
    inlines = [StepInline]


class SearchSynonymForm(forms.ModelForm):
    class Meta:
        model = SearchSynonym
        fields = ["phrase", "expansion"]

    def clean(self):
        cleaned = super().clean()
        try:
            search_synonym_check(phrase=cleaned.get("phrase", ""), expansion=cleaned.get("expansion", ""),
                                 synonym=self.instance if self.instance.pk else None)
        except ApplicationError as exc:
            raise forms.ValidationError(str(exc.message)) from None
        return cleaned


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Synonyms and abbreviations of search (từ đồng nghĩa, viết tắt): data an administrator extends."""

    form = SearchSynonymForm
    list_display = ["phrase", "expansion"]
    search_fields = ["phrase", "expansion"]

    def save_model(self, request, obj, form, change):
        search_synonym_save(synonym=obj, phrase=form.cleaned_data["phrase"],
                            expansion=form.cleaned_data["expansion"], actor=request.user)

    def delete_model(self, request, obj):
        search_synonym_delete(synonym=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for synonym in queryset:
            search_synonym_delete(synonym=synonym, actor=request.user)
