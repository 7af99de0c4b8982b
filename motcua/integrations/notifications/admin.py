# SPDX-License-Identifier: AGPL-3.0-or-later
"""Outbox in the admin: read only, recipients masked; one action puts failed rows back in the queue."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Notification
from .services import notifications_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "dossier_code", "kind", "channel", "recipient_masked", "status", "attempts",
                    "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier"]
    date_hierarchy = "created_at"
    fields = ["dossier_code", "kind", "channel", "recipient_masked", "subject", "body", "status", "attempts",
              "next_attempt_at", "last_error", "provider_id", "sent_at", "created_at"]
    readonly_fields = fields
    actions = ["retry"]

    @admin.display(description=_("mã hồ sơ"), ordering="dossier__code")
    def dossier_code(self, obj: Notification) -> str:
        return obj.dossier.code

    @admin.display(description=_("người nhận"))
    def recipient_masked(self, obj: Notification) -> str:
        return obj.recipient_masked

    @admin.action(description=_("Gửi lại các thông báo đã chọn"), permissions=["retry"])
    def retry(self, request, queryset):
        queued = notifications_retry(ids=list(queryset.values_list("pk", flat=True)), actor=request.user)
        self.message_user(request, ngettext("Đã đưa %(count)d thông báo vào hàng đợi gửi lại.",
                                            "Đã đưa %(count)d thông báo vào hàng đợi gửi lại.", len(queued))
                          % {"count": len(queued)}, messages.SUCCESS)

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("notifications.change_notification")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
