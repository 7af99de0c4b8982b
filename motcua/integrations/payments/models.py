# SPDX-License-Identifier: AGPL-3.0-or-later
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")
    CANCELLED = "cancelled", _("Người nộp đã hủy")


class Payment(models.Model):
    """Online payment (thanh toán trực tuyến) of a dossier's fees through a gateway: one attempt, one
    transaction reference. Changed only by `payments.services`; the gateway's IPN decides the outcome."""

    dossier = models.ForeignKey("dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT,
                                related_name="payments")
    provider = models.CharField(_("cổng thanh toán"), max_length=16, default="vnpay")
    txn_ref = models.CharField(_("mã giao dịch (của hệ thống)"), max_length=64, unique=True)
    amount = models.PositiveBigIntegerField(_("số tiền yêu cầu (đồng)"))
    status = models.CharField(_("trạng thái"), max_length=16, choices=PaymentStatus.choices,
                              default=PaymentStatus.PENDING, db_index=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thanh toán"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    provider_txn_no = models.CharField(_("mã giao dịch tại cổng"), max_length=64, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=32, blank=True)
    response_code = models.CharField(_("mã phản hồi"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    notified_at = models.DateTimeField(_("nhận thông báo lúc"), null=True, blank=True)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    # The gateway's notice as received, vnp_SecureHash removed (it proves nothing once stored).
    raw_notice = models.JSONField(_("thông báo của cổng"), default=dict, blank=True)

    class Meta:
        verbose_name = _("thanh toán trực tuyến")
        verbose_name_plural = _("thanh toán trực tuyến")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["dossier", "status"])]

    def __str__(self) -> str:
        return f"{self.txn_ref} ({self.status})"

    def is_usable(self, now, margin) -> bool:
        """Still pending and far enough from its expiry for the payer to finish at the gateway."""
        return self.status == PaymentStatus.PENDING and self.expires_at > now + margin
