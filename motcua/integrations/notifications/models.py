# SPDX-License-Identifier: AGPL-3.0-or-later
"""Outbox of notifications (thông báo) to applicants: one row per dossier event and channel."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.masking import mask_email, mask_phone


class Kind(models.TextChoices):
    RECEIVED = "tiep_nhan", _("Tiếp nhận hồ sơ")
    SUPPLEMENT_REQUESTED = "yeu_cau_bo_sung", _("Yêu cầu bổ sung hồ sơ")
    RESCHEDULED = "xin_loi_hen_lai", _("Xin lỗi và hẹn lại ngày trả")
    RESULT_READY = "co_ket_qua", _("Có kết quả")
    EARLY_RESULT = "co_ket_qua_truoc_han", _("Có kết quả trước hạn")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class Status(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không thành công")


class Notification(models.Model):
    """Notification (thông báo cho người nộp hồ sơ), rendered when the event is committed and sent later.

    UNIQUE (event, channel): the same event is never notified twice on one channel, whoever creates it.
    A sender claims a row by pushing `next_attempt_at` a lease ahead and counting the attempt, so a
    crashed sender's row becomes due again when the lease ends (at-least-once, never two at a time).
    """

    event = models.ForeignKey("dossiers.DossierEvent", verbose_name=_("sự kiện"), on_delete=models.CASCADE,
                              related_name="notifications")
    dossier = models.ForeignKey("dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
                                related_name="notifications")
    kind = models.CharField(_("loại thông báo"), max_length=32, choices=Kind.choices)
    channel = models.CharField(_("kênh"), max_length=8, choices=NotificationChannel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    body = models.TextField(_("nội dung"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), default=timezone.now)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    provider_id = models.CharField(_("mã tin của nhà cung cấp"), max_length=255, blank=True)
    sent_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel"], name="notification_event_channel_unique"),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="notification_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} → {self.recipient_masked}"

    @property
    def recipient_masked(self) -> str:
        return mask_email(self.recipient) if self.channel == NotificationChannel.EMAIL else mask_phone(self.recipient)
