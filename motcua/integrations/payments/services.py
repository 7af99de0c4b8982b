# SPDX-License-Identifier: AGPL-3.0-or-later
"""Online payment of a dossier's fees (thanh toán trực tuyến phí, lệ phí).

Two writes only: `payment_start` (the applicant asks to pay: a pending Payment and the gateway URL) and
`payment_notice_apply` (the gateway's server-to-server notice, IPN: the only thing that decides whether the
money was paid). The browser's return from the gateway changes nothing: it passes through the payer's
device, may never arrive, may be replayed; the IPN is retried by the gateway until we acknowledge it.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed
from motcua.core.services import audit_record
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_mark_paid_online

from .client import (
    NoticeOutcome,
    PaymentProvider,
    PaymentsDisabled,
    SignatureInvalid,
    VerifiedNotice,
    provider_get,
    return_url_get,
)
from .models import Payment, PaymentStatus

logger = logging.getLogger(__name__)

# A pending payment is handed out again only if the payer still has this long at the gateway.
REUSE_MARGIN = timedelta(minutes=2)
CHANNEL_PROVINCE = 2  # DuocThanhToanTrucTuyen: 2 = the province's own payment integration


@dataclass(frozen=True)
class PaymentStarted:
    payment: Payment
    redirect_url: str


@dataclass(frozen=True)
class NoticeResult:
    outcome: NoticeOutcome
    payment: Payment | None = None


def _provider(provider: PaymentProvider | None) -> PaymentProvider:
    if provider is not None:
        return provider
    try:
        return provider_get()
    except PaymentsDisabled:
        raise Conflict(_("Thanh toán trực tuyến chưa được bật trên hệ thống này."),
                       code="payment_disabled") from None


def _start_check(dossier: Dossier, actor) -> None:
    if actor is None or not actor.is_authenticated or dossier.owner_id != actor.pk:
        raise PermissionDenied(_("Chỉ chủ hồ sơ mới thanh toán trực tuyến được hồ sơ %(code)s.")
                               % {"code": dossier.code}, code="payment_not_owner")
    if not dossier.is_open:
        raise Conflict(_("Hồ sơ %(code)s đã kết thúc, không thanh toán trực tuyến được.") % {"code": dossier.code},
                       code="payment_dossier_closed")
    if dossier.fee_total <= 0:
        raise ValidationFailed(_("Hồ sơ %(code)s không phải nộp phí, lệ phí.") % {"code": dossier.code},
                               code="payment_no_fee")
    if dossier.paid_online or dossier.payments.filter(status=PaymentStatus.PAID).exists():
        raise Conflict(_("Phí, lệ phí của hồ sơ %(code)s đã được thanh toán.") % {"code": dossier.code},
                       code="payment_already_paid")


_REF_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def _txn_ref_new(now) -> str:
    """VNPAY: alphanumeric, unique per merchant and day; ours is unique for ever (time + 8 random letters,
    ~36 bits). The "T" and the letters keep runs of digits short: the log filter would mask a run of 12
    digits as a CCCD number, and operators need the reference readable in the logs."""
    random_part = "".join(secrets.choice(_REF_LETTERS) for _ in range(8))
    return timezone.localtime(now).strftime("%y%m%dT%H%M%S") + random_part


def _payment_new(*, dossier: Dossier, actor, provider: PaymentProvider, now) -> Payment:
    expires_at = now + timedelta(minutes=getattr(settings, "MOTCUA_VNPAY_EXPIRE_MINUTES", 15))
    for _attempt in range(3):
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    dossier=dossier, provider=provider.name, txn_ref=_txn_ref_new(now), amount=dossier.fee_total,
                    started_by=actor, created_at=now, expires_at=expires_at)
                break
        except IntegrityError:  # a reference drawn twice: draw again
            continue
    else:
        raise Conflict(_("Không tạo được mã giao dịch, vui lòng thử lại."), code="payment_ref_conflict")
    audit_record(action="payment_start", obj=payment, actor=actor,
                 data={"dossier": dossier.code, "txn_ref": payment.txn_ref, "amount": payment.amount})
    return payment


def payment_start(*, dossier: Dossier, actor, client_ip: str, locale: str = "vn",
                  provider: PaymentProvider | None = None) -> PaymentStarted:
    """The applicant (chủ hồ sơ) asks to pay the dossier's fees online: the dossier must be open, owe fees
    and not be paid yet. A pending payment of the same amount that has not expired is handed out again (a
    second click gives the same transaction); otherwise a new transaction reference is made."""
    provider = _provider(provider)
    now = timezone.now()
    with transaction.atomic():
        # Lock the dossier row so two clicks at once cannot both create a payment.
        dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        _start_check(dossier, actor)
        payment = next((p for p in dossier.payments.filter(status=PaymentStatus.PENDING, provider=provider.name,
                                                             amount=dossier.fee_total).order_by("-created_at")
                        if p.is_usable(now, REUSE_MARGIN)), None)
        if payment is None:
            payment = _payment_new(dossier=dossier, actor=actor, provider=provider, now=now)
    url = provider.payment_url(payment, client_ip=client_ip, return_url=return_url_get(), locale=locale)
    logger.info("payment %s started for dossier %s (%s đ)", payment.txn_ref, dossier.code, payment.amount)
    return PaymentStarted(payment=payment, redirect_url=url)


def _record(payment: Payment, notice: VerifiedNotice, now) -> None:
    payment.response_code = notice.response_code[:8]
    payment.provider_txn_no = notice.provider_txn_no[:64]
    payment.bank_code = notice.bank_code[:32]
    payment.raw_notice = notice.raw
    payment.notified_at = now
    if notice.success:
        payment.status = PaymentStatus.PAID
        payment.paid_at = notice.paid_at or now
    else:
        payment.status = PaymentStatus.CANCELLED if notice.cancelled else PaymentStatus.FAILED
    payment.save(update_fields=["response_code", "provider_txn_no", "bank_code", "raw_notice", "notified_at",
                                "status", "paid_at"])


def _dossier_paid(payment: Payment) -> None:
    dossier = payment.dossier
    if dossier.paid_online:
        # Two attempts paid (rare: two pending payments both completed). The money is real: keep the row
        # paid and leave a trace for the office to refund one of them.
        logger.warning("payment %s: dossier %s was already paid online; refund needed", payment.txn_ref,
                       dossier.code)
        audit_record(action="payment_duplicate", obj=payment, data={"dossier": dossier.code})
        return
    dossier_mark_paid_online(dossier=dossier, amount=payment.amount, channel=CHANNEL_PROVINCE,
                             reference=payment.txn_ref)


def payment_notice_apply(*, params, provider: PaymentProvider | None = None) -> NoticeResult:
    """The gateway's notice (IPN). In VNPAY's order: signature, transaction known, amount equal to what we
    asked, still pending; then the outcome is recorded and, when paid, the dossier marked paid online.
    Idempotent: a repeated notice finds the payment no longer pending and changes nothing."""
    try:
        provider = _provider(provider)
    except Conflict:
        return NoticeResult(NoticeOutcome.ERROR)
    try:
        notice = provider.verify(params)
    except SignatureInvalid:
        logger.warning("payment notice refused: invalid signature (txn %s)", str(params.get("vnp_TxnRef", ""))[:64])
        return NoticeResult(NoticeOutcome.INVALID_SIGNATURE)
    now = timezone.now()
    with transaction.atomic():
        payment = (Payment.objects.select_for_update()
                   .filter(provider=provider.name, txn_ref=notice.txn_ref).first() if notice.txn_ref else None)
        if payment is None:
            return NoticeResult(NoticeOutcome.NOT_FOUND)
        if notice.amount != payment.amount:
            logger.warning("payment %s: notice amount %s ≠ %s asked", payment.txn_ref, notice.amount,
                           payment.amount)
            return NoticeResult(NoticeOutcome.INVALID_AMOUNT, payment)
        if payment.status != PaymentStatus.PENDING:
            return NoticeResult(NoticeOutcome.ALREADY_CONFIRMED, payment)
        _record(payment, notice, now)
        audit_record(action=f"payment_{payment.status}", obj=payment,
                     data={"txn_ref": payment.txn_ref, "amount": payment.amount,
                           "response_code": payment.response_code})
        if payment.status == PaymentStatus.PAID:
            _dossier_paid(payment)
    logger.info("payment %s: %s (response %s)", payment.txn_ref, payment.status, payment.response_code)
    return NoticeResult(NoticeOutcome.CONFIRMED, payment)
