# SPDX-License-Identifier: AGPL-3.0-or-later
"""Errors with a code and a Vietnamese message; the edge turns them into 4xx, never a 500."""

from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A refused business operation (lỗi nghiệp vụ): safe to show to the user as is."""

    code = "invalid"
    status = 400
    default_message = _("Yêu cầu không hợp lệ.")

    def __init__(self, message=None, code: str | None = None, *, extra: dict | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.extra = extra or {}
        super().__init__(str(self.message))


class ValidationFailed(ApplicationError):
    code = "validation_failed"
    status = 400


class PermissionDenied(ApplicationError):
    code = "permission_denied"
    status = 403
    default_message = _("Bạn không có quyền thực hiện thao tác này.")


class NotFound(ApplicationError):
    code = "not_found"
    status = 404
    default_message = _("Không tìm thấy.")


class Conflict(ApplicationError):
    code = "conflict"
    status = 409
    default_message = _("Thao tác xung đột với trạng thái hiện tại.")
