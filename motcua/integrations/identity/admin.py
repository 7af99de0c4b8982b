# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import admin

from .models import ExternalIdentity


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Read-only: links are made by the login itself, never by hand (a hand-made link could hand a
    citizen's identity to another account)."""

    list_display = ["user", "provider", "created_at", "last_login_at"]
    list_filter = ["provider"]
    search_fields = ["user__username", "user__full_name"]
    list_select_related = ["user"]
    readonly_fields = ["user", "provider", "subject", "created_at", "updated_at", "last_login_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
