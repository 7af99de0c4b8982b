# SPDX-License-Identifier: AGPL-3.0-or-later
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel


class Channel(models.IntegerChoices):
    """KenhThucHien of the national exchange format."""

    IN_PERSON = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POST = 3, _("Dịch vụ bưu chính công ích")


class NationalStatus(models.IntegerChoices):
    """TrangThaiHoSo of the National Public Service Portal."""

    SUBMITTED = 1, _("Mới đăng ký")
    ACCEPTED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT = 5, _("Yêu cầu bổ sung giấy tờ")
    FEES = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    DONE = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


class Stage(models.TextChoices):
    """Internal state (finer than the national status; each maps to exactly one national code)."""

    SUBMITTED = "cho_tiep_nhan", _("Chờ tiếp nhận")
    RECEIVED = "da_tiep_nhan", _("Đã tiếp nhận, chờ phân công")
    PROCESSING = "dang_xu_ly", _("Đang xử lý")
    CONSULTING = "xin_y_kien", _("Đang xin ý kiến cơ quan khác")
    SUPPLEMENT = "cho_bo_sung", _("Chờ công dân bổ sung")
    FEES = "cho_nghia_vu_tai_chinh", _("Chờ thực hiện nghĩa vụ tài chính")
    REFUSED = "tu_choi_tiep_nhan", _("Không được tiếp nhận")
    WITHDRAWN = "da_rut", _("Đã rút hồ sơ")
    STOPPED = "dung_xu_ly", _("Dừng xử lý")
    DONE = "da_xu_ly_xong", _("Đã xử lý xong, chờ trả kết quả")
    RETURNED = "da_tra_ket_qua", _("Đã trả kết quả")


NATIONAL_STATUS = {
    Stage.SUBMITTED: NationalStatus.SUBMITTED, Stage.RECEIVED: NationalStatus.ACCEPTED,
    Stage.PROCESSING: NationalStatus.PROCESSING, Stage.CONSULTING: NationalStatus.PROCESSING,
    Stage.SUPPLEMENT: NationalStatus.SUPPLEMENT, Stage.FEES: NationalStatus.FEES,
    Stage.REFUSED: NationalStatus.REFUSED, Stage.WITHDRAWN: NationalStatus.WITHDRAWN,
    Stage.STOPPED: NationalStatus.STOPPED, Stage.DONE: NationalStatus.DONE, Stage.RETURNED: NationalStatus.RETURNED,
}
OPEN_STAGES = (Stage.SUBMITTED, Stage.RECEIVED, Stage.PROCESSING, Stage.CONSULTING, Stage.SUPPLEMENT, Stage.FEES)
WAITING_STAGES = (Stage.SUPPLEMENT, Stage.FEES)  # the clock does not run for the office
RESULT_STAGES = (Stage.DONE, Stage.RETURNED)  # the result is issued: the applicant may have it


class ApplicantKind(models.TextChoices):
    CITIZEN = "cong_dan", _("Công dân")
    BUSINESS = "to_chuc", _("Tổ chức, doanh nghiệp")


class ResultDelivery(models.TextChoices):
    ONLINE = "truc_tuyen", _("Nhận kết quả trực tuyến")
    AT_CENTER = "tai_trung_tam", _("Nhận tại Trung tâm Phục vụ hành chính công")
    POST = "buu_chinh", _("Nhận qua bưu chính")


class Outcome(models.TextChoices):
    EARLY = "truoc_han", _("Trước hạn")
    ON_TIME = "dung_han", _("Đúng hạn")
    LATE = "qua_han", _("Quá hạn")


class DossierQuerySet(models.QuerySet):
    def open(self):
        return self.filter(stage__in=OPEN_STAGES)

    def overdue(self, now):
        """Open, the office's clock running, and past the due moment."""
        return self.filter(stage__in=OPEN_STAGES, due_at__lt=now).exclude(stage__in=WAITING_STAGES)


class Dossier(TimeStampedModel):
    """Dossier (hồ sơ thủ tục hành chính): one application, from submission or receipt to the returned
    result. Changed only through `dossiers.services`; every change leaves a DossierEvent."""

    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    procedure = models.ForeignKey("catalog.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT,
                                  related_name="dossiers")
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices)
    # Applicant (chủ hồ sơ); the person at the desk may differ (người nộp).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("tài khoản chủ hồ sơ"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="dossiers")
    applicant_kind = models.CharField(_("loại chủ hồ sơ"), max_length=16, choices=ApplicantKind.choices,
                                      default=ApplicantKind.CITIZEN)
    applicant_name = models.CharField(_("chủ hồ sơ"), max_length=255)
    applicant_id_number = models.CharField(_("số CCCD / mã số doanh nghiệp"), max_length=20, blank=True,
                                           db_index=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=15, blank=True, db_index=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    submitter_name = models.CharField(_("người nộp hồ sơ"), max_length=255, blank=True)
    summary = models.CharField(_("trích yếu"), max_length=500, blank=True)
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    identity_verified = models.BooleanField(_("tài khoản xác thực VNeID"), default=False)
    result_delivery = models.CharField(_("hình thức nhận kết quả"), max_length=16, choices=ResultDelivery.choices,
                                       default=ResultDelivery.AT_CENTER)
    # Units: received at a center, handled by a commune or department, result returned at a center.
    receiving_unit = models.ForeignKey("units.Unit", verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT,
                                       related_name="received_dossiers")
    handling_unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị giải quyết"), on_delete=models.PROTECT,
                                      related_name="handled_dossiers")
    return_unit = models.ForeignKey("units.Unit", verbose_name=_("nơi trả kết quả"), on_delete=models.PROTECT,
                                    related_name="returned_dossiers")
    stage = models.CharField(_("trạng thái xử lý"), max_length=32, choices=Stage.choices, db_index=True)
    status = models.PositiveSmallIntegerField(_("trạng thái (mã quốc gia)"), choices=NationalStatus.choices,
                                              db_index=True)
    current_step = models.ForeignKey("DossierStep", verbose_name=_("bước hiện tại"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người đang xử lý"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="assigned_dossiers")
    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True, db_index=True)
    clock_started_at = models.DateTimeField(_("bắt đầu tính thời hạn"), null=True, blank=True)
    due_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True, db_index=True)
    # The due moment by the rules (restarts, pauses) without the apology: what on-time is judged against.
    legal_due_at = models.DateTimeField(_("hạn giải quyết theo quy định"), null=True, blank=True)
    rescheduled_at = models.DateTimeField(_("thời điểm hẹn lại (xin lỗi)"), null=True, blank=True)
    finished_at = models.DateTimeField(_("thời điểm kết thúc xử lý"), null=True, blank=True, db_index=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    outcome = models.CharField(_("kết quả đúng hạn"), max_length=16, choices=Outcome.choices, blank=True)
    fee_total = models.PositiveBigIntegerField(_("tổng phí, lệ phí (đồng)"), default=0)
    paid_online = models.PositiveSmallIntegerField(
        _("thanh toán trực tuyến"), default=0,
        choices=[(0, _("Không")), (1, _("Qua Cổng DVC quốc gia")), (2, _("Qua hệ thống của tỉnh"))],
    )
    closing_note = models.TextField(_("lý do từ chối / dừng / rút"), blank=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["handling_unit", "stage"]),
            models.Index(fields=["receiving_unit", "stage"]),
            models.Index(fields=["stage", "due_at"]),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class DossierStep(models.Model):
    """A step of the dossier's internal electronic process, copied from the procedure's process at
    receipt so later edits to the catalogue never rewrite a dossier's history."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    role = models.CharField(_("vai trò"), max_length=24)
    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị thực hiện"), on_delete=models.PROTECT,
                             related_name="+")
    allowance = models.DecimalField(_("thời gian cho phép"), max_digits=7, decimal_places=2)
    due_at = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("hoàn thành"), null=True, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người xử lý"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = _("bước xử lý hồ sơ")
        ordering = ["dossier", "order"]
        constraints = [models.UniqueConstraint(fields=["dossier", "order"], name="dossier_step_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class DossierEvent(models.Model):
    """Event (nhật ký xử lý): append-only — who did what, when, from which state to which."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người thực hiện"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("thao tác"), max_length=32)
    from_stage = models.CharField(_("từ trạng thái"), max_length=32, blank=True)
    to_stage = models.CharField(_("đến trạng thái"), max_length=32)
    status = models.PositiveSmallIntegerField(_("trạng thái quốc gia"), choices=NationalStatus.choices)
    step_order = models.PositiveSmallIntegerField(_("bước"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhật ký xử lý hồ sơ")
        verbose_name_plural = _("nhật ký xử lý hồ sơ")
        ordering = ["dossier", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} {self.from_stage}→{self.to_stage}"


class SupplementRequest(models.Model):
    """Supplement request (yêu cầu bổ sung): the clock restarts from zero when the papers arrive."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplements")
    requested_at = models.DateTimeField(_("ngày yêu cầu"))
    # Empty for requests migrated from an older system, whose exchange format does not name the official.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    missing = models.TextField(_("giấy tờ cần bổ sung"))
    due_before = models.DateTimeField(_("ngày hẹn trả trước"))
    received_at = models.DateTimeField(_("ngày tiếp nhận bổ sung"), null=True, blank=True)
    due_after = models.DateTimeField(_("ngày hẹn trả mới"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung")
        verbose_name_plural = _("yêu cầu bổ sung")
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.missing[:60]}"


class Consultation(models.Model):
    """Consultation (xin ý kiến, liên thông) of another agency, with its own deadline."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="consultations")
    unit = models.ForeignKey("units.Unit", verbose_name=_("cơ quan được xin ý kiến"), on_delete=models.PROTECT,
                             related_name="+")
    question = models.TextField(_("nội dung xin ý kiến"))
    requested_at = models.DateTimeField(_("ngày gửi"))
    due_at = models.DateTimeField(_("hạn trả lời"))
    answered_at = models.DateTimeField(_("ngày trả lời"), null=True, blank=True)
    answer = models.TextField(_("ý kiến"), blank=True)

    class Meta:
        verbose_name = _("xin ý kiến")
        verbose_name_plural = _("xin ý kiến")
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.unit_id}"


class DossierCodeCounter(models.Model):
    """Per receiving unit and day, the last sequence number used in dossier codes (…-YYMMDD-XXXX)."""

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="dossier_code_counter_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}: {self.last}"


class SubmissionKey(models.Model):
    """Idempotency key of a submission: the same key and body returns the same dossier."""

    scope = models.CharField(max_length=64)  # "user:<id>" or "anon"
    key = models.CharField(max_length=128)
    fingerprint = models.CharField(max_length=64)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="submission_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class QuickRating(models.TextChoices):
    SATISFIED = "hai_long", _("Hài lòng")
    NEUTRAL = "binh_thuong", _("Bình thường")
    UNSATISFIED = "khong_hai_long", _("Không hài lòng")


class Rating(models.Model):
    """Rating (đánh giá mức độ hài lòng) of a dossier by its applicant, after the result: a quick rating and,
    optionally, the nine criteria of Circular 01/2018 art. 13 scored 0/1/2 (`criteria` = {"1": 2, ...})."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    quick = models.CharField(_("mức độ hài lòng"), max_length=16, choices=QuickRating.choices)
    criteria = models.JSONField(_("điểm theo 9 tiêu chí"), default=dict, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    rated_at = models.DateTimeField(_("thời điểm đánh giá"), db_index=True)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.quick}"


class PetitionKind(models.TextChoices):
    FEEDBACK = "phan_anh", _("Phản ánh")
    PROPOSAL = "kien_nghi", _("Kiến nghị")


class Petition(models.Model):
    """Petition (phản ánh, kiến nghị) about a dossier's handling, answered by the handling unit within
    `due_at`; the applicant may say whether the answer satisfied them."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="petitions")
    unit = models.ForeignKey("units.Unit", verbose_name=_("đơn vị xử lý"), on_delete=models.PROTECT,
                             related_name="petitions")
    kind = models.CharField(_("loại"), max_length=16, choices=PetitionKind.choices, default=PetitionKind.FEEDBACK)
    content = models.TextField(_("nội dung"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("ngày gửi"), db_index=True)
    due_at = models.DateTimeField(_("hạn trả lời"))
    answer = models.TextField(_("trả lời"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(_("ngày trả lời"), null=True, blank=True)
    satisfied = models.BooleanField(_("hài lòng với trả lời"), null=True, blank=True)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.content[:60]}"
