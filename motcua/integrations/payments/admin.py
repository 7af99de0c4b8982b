# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import admin

from .models import Payment


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    """Read only: a payment changes only through the gateway's notice (services.payment_notice_apply)."""

    list_display = ["txn_ref", "dossier", "amount", "status", "response_code", "created_at", "paid_at"]
    list_filter = ["status", "provider"]
    search_fields = ["txn_ref", "dossier__code", "provider_txn_no"]
    list_select_related = ["dossier"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
