# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import CalendarOverride, OfficeHours


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["day", "kind", "scope", "note"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["note", "unit__name", "unit__code"]
    autocomplete_fields = ["unit"]

    @admin.display(description=_("phạm vi"), ordering="unit__path")
    def scope(self, obj):
        return obj.unit or _("Toàn quốc")


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    list_display = ["unit", "morning_start", "morning_end", "afternoon_start", "afternoon_end"]
    search_fields = ["unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
