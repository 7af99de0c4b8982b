# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads on payments, each with its permission rule built in."""

from dataclasses import dataclass

from django.utils import timezone

from .client import payments_enabled
from .models import Payment, PaymentStatus


@dataclass(frozen=True)
class PayPanel:
    """What the applicant's dossier page shows about fees (phí, lệ phí) and online payment."""

    fee_total: int
    paid: bool                 # paid online (through us or the national portal)
    enabled: bool              # a gateway is configured
    is_owner: bool
    is_open: bool
    can_pay: bool              # show the pay button
    last: Payment | None       # the latest attempt, for "pending" / "failed" notes

    @property
    def last_failed(self) -> bool:
        return self.last is not None and self.last.status in (PaymentStatus.FAILED, PaymentStatus.CANCELLED)

    @property
    def last_pending(self) -> bool:
        return (self.last is not None and self.last.status == PaymentStatus.PENDING
                and self.last.expires_at > timezone.now())


def payment_panel(*, dossier, user) -> PayPanel:
    """The panel's state for `user` looking at `dossier`; only the owner ever gets a pay button, and only
    the owner sees their attempts."""
    is_owner = bool(getattr(user, "is_authenticated", False) and dossier.owner_id == user.pk)
    last = dossier.payments.order_by("-created_at", "-id").first() if is_owner else None
    paid = bool(dossier.paid_online) or (last is not None and last.status == PaymentStatus.PAID)
    enabled = payments_enabled()
    return PayPanel(
        fee_total=dossier.fee_total, paid=paid, enabled=enabled, is_owner=is_owner, is_open=dossier.is_open,
        can_pay=enabled and is_owner and dossier.is_open and dossier.fee_total > 0 and not paid, last=last,
    )


def payment_for_return(*, provider: str, txn_ref: str, user) -> Payment | None:
    """The payment a (signature-checked) return URL speaks of, for its owner only: a signed URL proves
    the gateway wrote it, not who is holding it."""
    if not txn_ref or not getattr(user, "is_authenticated", False):
        return None
    return (Payment.objects.select_related("dossier")
            .filter(provider=provider, txn_ref=txn_ref, dossier__owner=user).first())
