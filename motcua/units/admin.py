# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AGENCY_KINDS, COMMUNE_KINDS, PROVINCE_KINDS, Unit, UnitSuccession


class LevelFilter(admin.SimpleListFilter):
    title = _("cấp")
    parameter_name = "cap"
    KINDS = {"tinh": PROVINCE_KINDS, "xa": COMMUNE_KINDS, "co_quan": AGENCY_KINDS}

    def lookups(self, request, model_admin):
        return [("tinh", _("Tỉnh, thành phố")), ("xa", _("Xã, phường, đặc khu")), ("co_quan", _("Cơ quan"))]

    def queryset(self, request, queryset):
        kinds = self.KINDS.get(self.value())
        return queryset.filter(kind__in=kinds) if kinds else queryset


class ProvinceFilter(admin.SimpleListFilter):
    title = _("tỉnh, thành phố")
    parameter_name = "tinh"

    def lookups(self, request, model_admin):
        return Unit.objects.provinces().values_list("code", "name")

    def queryset(self, request, queryset):
        return queryset.filter(path__startswith=f"{self.value()}/") if self.value() else queryset


class ActiveFilter(admin.SimpleListFilter):
    title = _("hiệu lực")
    parameter_name = "hieu_luc"

    def lookups(self, request, model_admin):
        return [("con", _("Đang hiệu lực")), ("het", _("Đã hết hiệu lực"))]

    def queryset(self, request, queryset):
        if self.value() == "con":
            return queryset.filter(valid_to__isnull=True)
        if self.value() == "het":
            return queryset.filter(valid_to__isnull=False)
        return queryset


class SuccessionInline(admin.TabularInline):
    model = UnitSuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    verbose_name = _("đơn vị kế thừa")
    verbose_name_plural = _("đơn vị kế thừa")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent", "agency_code", "valid_from", "valid_to"]
    list_filter = [LevelFilter, ProvinceFilter, ActiveFilter, "kind"]
    search_fields = ["code", "name", "short_name", "agency_code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path", "from_seed", "created_at", "updated_at"]
    inlines = [SuccessionInline]
    list_per_page = 100


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "kind", "is_default", "effective_on"]
    list_filter = ["kind"]
    autocomplete_fields = ["predecessor", "successor"]
    search_fields = ["predecessor__name", "successor__name"]
