# SPDX-License-Identifier: AGPL-3.0-or-later
from django.db import models
from django.utils.translation import gettext_lazy as _


class AskerKind(models.TextChoices):
    ANONYMOUS = "anonymous", _("Khách (chưa đăng nhập)")
    CITIZEN = "citizen", _("Công dân, tổ chức")
    STAFF = "staff", _("Cán bộ, công chức")


class Channel(models.TextChoices):
    API = "api", _("API")
    PORTAL = "portal", _("Cổng dịch vụ công")
    BACKOFFICE = "backoffice", _("Phần mềm một cửa (cán bộ)")
    OTHER = "other", _("Khác")


class AssistantExchange(models.Model):
    """Exchange with the virtual assistant (lượt hỏi đáp trợ lý ảo), kept so administrators see what people
    ask and extend the synonyms and cues. Without personal data: the question is stored with dossier codes,
    phone numbers, e-mails, ID numbers and self-given names removed, and the asker only as a kind, never as
    an account."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    channel = models.CharField(_("kênh"), max_length=16, choices=Channel.choices, default=Channel.API)
    language = models.CharField(_("ngôn ngữ"), max_length=8, default="vi")
    intent = models.CharField(_("ý định"), max_length=16, db_index=True)
    question = models.TextField(_("câu hỏi (đã lược dữ liệu cá nhân)"))
    procedure_codes = models.JSONField(_("thủ tục được dẫn"), default=list, blank=True)
    confidence = models.FloatField(_("độ tin cậy"), default=0.0)
    latency_ms = models.PositiveIntegerField(_("thời gian trả lời (ms)"), default=0)
    answered = models.BooleanField(_("có câu trả lời"), default=False, db_index=True)
    asker_kind = models.CharField(_("người hỏi"), max_length=16, choices=AskerKind.choices,
                                  default=AskerKind.ANONYMOUS)

    class Meta:
        verbose_name = _("lượt hỏi đáp trợ lý ảo")
        verbose_name_plural = _("lượt hỏi đáp trợ lý ảo")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.intent}: {self.question[:60]}"
