# SPDX-License-Identifier: AGPL-3.0-or-later
"""What people ask the assistant (read-only): useful to extend the synonyms and cues. No personal data is
stored in the log, so there is nothing to hide here."""

from django.contrib import admin

from .models import AssistantExchange


@admin.register(AssistantExchange)
class AssistantExchangeAdmin(admin.ModelAdmin):
    list_display = ("at", "channel", "asker_kind", "intent", "question", "procedure_codes", "confidence", "answered",
                    "latency_ms")
    list_filter = ("intent", "answered", "channel", "asker_kind", "language")
    search_fields = ("question",)
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AssistantExchange._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
