# SPDX-License-Identifier: AGPL-3.0-or-later
import os
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SAFE_EXTENSIONS = {".pdf", ".jpg", ".png"}


class FileKind(models.TextChoices):
    PAPER = "thanh_phan", _("Thành phần hồ sơ")
    SUPPLEMENT = "bo_sung", _("Giấy tờ bổ sung")
    RESULT = "ket_qua", _("Kết quả giải quyết")


def dossier_file_path(instance: "DossierFile", filename: str) -> str:
    """`dossiers/<dossier pk>/<uuid4 hex><ext>`: never the user's file name; `filename` is the service's
    own `upload<ext>` with the extension detected from the content."""
    ext = os.path.splitext(filename)[1].lower()
    return f"dossiers/{instance.dossier_id}/{uuid.uuid4().hex}{ext if ext in SAFE_EXTENSIONS else ''}"


class DossierFile(models.Model):
    """Dossier file (tệp hồ sơ): a stored paper, supplement or result of one dossier. Append-only:
    written only by `documents.services.dossier_file_attach`, never deleted."""

    dossier = models.ForeignKey("dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE,
                                related_name="files")
    kind = models.CharField(_("loại tệp"), max_length=16, choices=FileKind.choices)
    required_paper = models.ForeignKey("catalog.RequiredPaper", verbose_name=_("thành phần hồ sơ"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("tên tệp"), max_length=255)
    file = models.FileField(_("tệp"), upload_to=dossier_file_path, max_length=255)
    content_type = models.CharField(_("kiểu nội dung"), max_length=64)
    size = models.PositiveBigIntegerField(_("kích thước (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), db_index=True)
    # Reuse (tái sử dụng) of a paper the same applicant stored for an earlier dossier: same stored file.
    reused_from = models.ForeignKey("self", verbose_name=_("dùng lại từ tệp"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="reuses")

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering = ["dossier", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.name}"


def upload_draft_path(instance: "UploadDraft", filename: str) -> str:
    """`drafts/<owner pk>/<uuid4 hex><ext>`: like dossier files, never the user's file name."""
    ext = os.path.splitext(filename)[1].lower()
    return f"drafts/{instance.owner_id}/{uuid.uuid4().hex}{ext if ext in SAFE_EXTENSIONS else ''}"


class UploadDraft(models.Model):
    """Upload draft (tệp nộp tạm): a paper a citizen uploaded in the online submission wizard before the
    dossier exists. At most one per owner, procedure and required paper; turned into a DossierFile on
    submission (`documents.services.dossier_submit_with_papers`) and purged after a day otherwise
    (`upload_drafts_purge`). Written only by `documents.services`."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), on_delete=models.CASCADE,
                              related_name="+")
    procedure_code = models.CharField(_("mã thủ tục"), max_length=32)
    required_paper = models.ForeignKey("catalog.RequiredPaper", verbose_name=_("thành phần hồ sơ"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("tên tệp"), max_length=255)
    file = models.FileField(_("tệp"), upload_to=upload_draft_path, max_length=255)
    content_type = models.CharField(_("kiểu nội dung"), max_length=64)
    size = models.PositiveBigIntegerField(_("kích thước (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("thời điểm tải lên"), db_index=True)

    class Meta:
        verbose_name = _("tệp nộp tạm")
        verbose_name_plural = _("tệp nộp tạm")
        ordering = ["owner", "procedure_code", "created_at", "id"]
        indexes = [models.Index(fields=["owner", "procedure_code"])]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.procedure_code}: {self.name}"
