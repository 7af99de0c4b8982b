# SPDX-License-Identifier: AGPL-3.0-or-later
"""Display helpers of the officers' pages: who is signed in, labels of workflow codes."""

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from motcua.accounts.models import Role
from motcua.accounts.permissions import user_assignments, user_sees_everything
from motcua.core.text import choice_label
from motcua.dossiers.inbox import user_role_summary
from motcua.dossiers.models import Stage
from motcua.dossiers.workflow import Action

register = template.Library()


@register.simple_tag
def user_roles(user) -> list[tuple[str, str]]:
    """(role label, unit name) of the signed-in official's roles (read once per request)."""
    return user_role_summary(user=user) if user.is_authenticated else []


@register.filter
def may_receive(user) -> bool:
    """Show the "receive at the desk" link: a receiver somewhere, or a superuser."""
    if not user.is_authenticated:
        return False
    return user_sees_everything(user) or any(a.role == Role.RECEIVER for a in user_assignments(user))


@register.filter
def may_monitor(user) -> bool:
    """Show the dashboard link: a dashboard viewer or province administrator somewhere, or a superuser."""
    if not user.is_authenticated:
        return False
    watchers = (Role.DASHBOARD_VIEWER, Role.PROVINCE_ADMIN)
    return user_sees_everything(user) or any(a.role in watchers for a in user_assignments(user))


@register.filter
def action_label(value: str) -> str:
    """A DossierEvent action → its Vietnamese name ("forward" → "Chuyển bước tiếp theo")."""
    extra = {"submit": _("Nộp hồ sơ trực tuyến"), "attach_file": _("Đính kèm tệp"),
             "import": _("Chuyển đổi dữ liệu từ hệ thống cũ"), "finish": _("Hoàn thành xử lý"),
             # Recorded by dossiers.feedback (docs/tracking.md).
             "rate": _("Công dân đánh giá mức độ hài lòng"), "petition": _("Công dân gửi phản ánh, kiến nghị"),
             "petition_answer": _("Trả lời phản ánh, kiến nghị"),
             "petition_rate": _("Công dân đánh giá câu trả lời phản ánh, kiến nghị")}
    if value in extra:
        return extra[value]
    return choice_label(Action, value)


@register.filter
def stage_label(value: str) -> str:
    return choice_label(Stage, value)


@register.filter
def role_name(value: str) -> str:
    return choice_label(Role, value)


@register.filter
def vnd(amount) -> str:
    """An amount in đồng: 75000 → "75.000 đ"."""
    number = formats.number_format(int(amount or 0), use_l10n=True, force_grouping=True)
    return _("%(amount)s đ") % {"amount": number}
