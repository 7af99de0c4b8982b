# SPDX-License-Identifier: AGPL-3.0-or-later
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class Field(models.Model):
    """Field (lĩnh vực): Hộ tịch, Chứng thực, Đất đai, ..."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


class TimeUnit(models.TextChoices):
    HOURS = "hours", _("giờ làm việc")
    DAYS = "days", _("ngày")
    WORKING_DAYS = "working_days", _("ngày làm việc")
    MONTHS = "months", _("tháng")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    PUBLISHED = "published", _("Đã công khai")
    ABOLISHED = "abolished", _("Đã bãi bỏ")


class ResultType(models.TextChoices):
    DOCUMENT = "document", _("Văn bản, giấy tờ")
    NONE = "none", _("Không có văn bản")


class Procedure(TimeStampedModel):
    """Procedure (thủ tục hành chính, TTHC) as published in the national catalogue, with the
    province's handling details."""

    code = models.CharField(_("mã thủ tục"), max_length=32, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures")
    level = models.CharField(_("cấp thực hiện"), max_length=16, choices=Level.choices, db_index=True)
    handling_agency = models.CharField(_("cơ quan giải quyết"), max_length=255)
    handling_unit = models.ForeignKey(
        "units.Unit", verbose_name=_("đơn vị giải quyết"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="procedures",
        help_text=_("Sở, ngành giải quyết thủ tục cấp tỉnh; để trống với thủ tục cấp xã (mọi xã, phường)."),
    )
    processing_time_value = models.DecimalField(_("thời hạn giải quyết"), max_digits=7, decimal_places=2)
    processing_time_unit = models.CharField(_("đơn vị thời hạn"), max_length=16, choices=TimeUnit.choices)
    processing_time_note = models.TextField(_("ghi chú thời hạn"), blank=True)
    result_type = models.CharField(_("loại kết quả"), max_length=16, choices=ResultType.choices,
                                   default=ResultType.DOCUMENT)
    result_name = models.CharField(_("kết quả"), max_length=500, blank=True)
    for_citizens = models.BooleanField(_("đối tượng: công dân"), default=True)
    for_businesses = models.BooleanField(_("đối tượng: tổ chức, doanh nghiệp"), default=False)
    online_level = models.CharField(_("mức độ trực tuyến"), max_length=16, choices=OnlineLevel.choices,
                                    default=OnlineLevel.FULL, db_index=True)
    partial_reason = models.TextField(_("lý do chỉ trực tuyến một phần"), blank=True)
    cross_boundary = models.BooleanField(_("tiếp nhận không phụ thuộc địa giới hành chính"), default=True)
    legal_basis = models.JSONField(_("căn cứ pháp lý"), default=list, blank=True)
    publication_status = models.CharField(_("trạng thái công bố"), max_length=16, choices=PublicationStatus.choices,
                                          default=PublicationStatus.PUBLISHED, db_index=True)
    decided_on = models.DateField(_("ngày quyết định công bố"), null=True, blank=True)
    published_on = models.DateField(_("ngày công khai"), null=True, blank=True)
    form_schema = models.JSONField(_("biểu mẫu điện tử (JSON Schema)"), default=dict, blank=True)
    keywords = models.JSONField(_("từ khóa thường dùng"), default=list, blank=True)
    popularity = models.PositiveIntegerField(_("mức độ phổ biến"), default=0, db_index=True)
    verified = models.BooleanField(_("đã đối chiếu nguồn chính thức"), default=False)
    verification_note = models.TextField(_("ghi chú đối chiếu"), blank=True)
    # Folded (no diacritics, đ→d) name + field + keywords, kept by the catalogue services for search.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["-popularity", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(processing_time_value__gte=0), name="procedure_time_not_negative"),
            models.CheckConstraint(
                condition=Q(online_level="full") | ~Q(partial_reason=""), name="procedure_partial_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class FeePayment(models.TextChoices):
    ON_SUBMISSION = "submission", _("Khi nộp hồ sơ")
    ON_RESULT = "result", _("Khi nhận kết quả")


class Fee(models.Model):
    """Fee (phí, lệ phí) of a procedure, in VND."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên phí, lệ phí"), max_length=500)
    amount = models.PositiveBigIntegerField(_("mức thu (đồng)"))
    paid_when = models.CharField(_("thời điểm nộp"), max_length=16, choices=FeePayment.choices,
                                 default=FeePayment.ON_SUBMISSION)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["procedure", "order"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} đ".replace(",", ".")


class PaperForm(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    COPY = "copy", _("Bản sao")
    ELECTRONIC = "electronic", _("Bản điện tử")
    ORIGINAL_OR_COPY = "original_or_copy", _("Bản chính hoặc bản sao")


class RequiredPaper(models.Model):
    """Required paper (thành phần hồ sơ)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="papers")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    form = models.CharField(_("hình thức"), max_length=20, choices=PaperForm.choices, default=PaperForm.ORIGINAL)
    count = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    template = models.CharField(_("mẫu đơn, tờ khai"), max_length=500, blank=True)
    required = models.BooleanField(_("bắt buộc"), default=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "order"]

    def __str__(self) -> str:
        return self.name


class Process(TimeStampedModel):
    """Internal electronic process (quy trình nội bộ, quy trình điện tử) approved by the provincial
    chairman. `province` empty = the default process; a province may approve its own."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="processes")
    province = models.ForeignKey("units.Unit", verbose_name=_("tỉnh, thành phố"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("quyết định phê duyệt"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("quy trình nội bộ")
        verbose_name_plural = _("quy trình nội bộ")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "province"], name="process_one_per_province"),
            models.UniqueConstraint(fields=["procedure"], condition=Q(province__isnull=True),
                                    name="process_one_default"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} — {self.province or _('mặc định')}"


class ProcessStep(models.Model):
    """Process step (bước xử lý): who does it and how much of the legal time it may use."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    role = models.CharField(_("vai trò thực hiện"), max_length=24)  # accounts.Role value
    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị thực hiện"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    allowance = models.DecimalField(_("thời gian"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["process", "order"]
        constraints = [models.UniqueConstraint(fields=["process", "order"], name="process_step_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class SearchSynonym(models.Model):
    """Search synonym (từ đồng nghĩa, viết tắt khi tìm kiếm): what people type → how the catalogue says it,
    e.g. «sổ đỏ» → «giấy chứng nhận quyền sử dụng đất», «CCCD» → «căn cước». An empty expansion marks a
    filler phrase that search may drop («ở đâu»). Both sides are stored folded (no diacritics, đ → d) by
    `catalog.synonyms.search_synonym_save`; see docs/search.md."""

    phrase = models.CharField(_("cụm từ người dân gõ"), max_length=100)
    expansion = models.CharField(_("cách gọi trong danh mục"), max_length=255, blank=True,
                                 help_text=_("Để trống nếu cụm từ chỉ là từ đệm, bỏ qua khi tìm."))

    class Meta:
        verbose_name = _("từ đồng nghĩa tìm kiếm")
        verbose_name_plural = _("từ đồng nghĩa tìm kiếm")
        ordering = ["phrase", "expansion"]
        constraints = [models.UniqueConstraint(fields=["phrase", "expansion"], name="search_synonym_unique")]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.expansion or '∅'}"
