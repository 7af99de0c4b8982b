# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "kind", "email", "is_active", "is_staff"]
    list_filter = ["kind", "is_active", "is_staff", "roles__role"]
    search_fields = ["username", "full_name", "email", "phone", "national_id"]
    inlines = [RoleInline]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Thông tin motcua"), {"fields": ["kind", "full_name", "national_id", "phone", "identity_verified"]}),
    ]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__full_name", "unit__name", "unit__code"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]
