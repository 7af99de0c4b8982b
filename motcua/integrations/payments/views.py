# SPDX-License-Identifier: AGPL-3.0-or-later
"""Payment pages: start (POST from the dossier page), VNPAY's return page and its IPN endpoint. Thin: each
parses, calls one service or selector, renders."""

import logging

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from motcua.accounts.auth import client_ip
from motcua.core.errors import ApplicationError, NotFound
from motcua.dossiers.selectors import dossier_get_visible

from .client import NoticeOutcome, PaymentsDisabled, SignatureInvalid, provider_get
from .selectors import payment_for_return
from .services import payment_notice_apply, payment_start

logger = logging.getLogger(__name__)

# VNPAY's result codes shown to the payer (vnp_ResponseCode, from VNPAY's published table).
RESPONSE_TEXTS = {
    "00": _("Giao dịch thành công."),
    "07": _("Tiền đã bị trừ nhưng giao dịch bị nghi ngờ; ngân hàng sẽ liên hệ với bạn."),
    "09": _("Thẻ hoặc tài khoản chưa đăng ký dịch vụ Internet Banking."),
    "10": _("Xác thực thông tin thẻ hoặc tài khoản sai quá 3 lần."),
    "11": _("Đã hết thời gian chờ thanh toán."),
    "12": _("Thẻ hoặc tài khoản bị khóa."),
    "13": _("Mật khẩu xác thực giao dịch (OTP) không đúng."),
    "24": _("Bạn đã hủy giao dịch."),
    "51": _("Tài khoản không đủ số dư."),
    "65": _("Tài khoản đã vượt quá hạn mức giao dịch trong ngày."),
    "75": _("Ngân hàng thanh toán đang bảo trì."),
    "79": _("Nhập sai mật khẩu thanh toán quá số lần quy định."),
}


def _url_or(name: str, fallback: str, *args) -> str:
    """Pages of other areas may not exist yet (the portal's login and dossier pages)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback



def _error(request, exc: ApplicationError, *, dossier_code: str = ""):
    return render(request, "payments/error.html", {
        "message": exc.message, "code": exc.code,
        "dossier_url": _url_or("portal:my-dossier", "", dossier_code) if dossier_code else "",
    }, status=exc.status)


@require_POST
def start(request, code: str):
    """POST /thanh-toan/ho-so/<code>/ (CSRF-checked): start paying and go to the gateway."""
    if not request.user.is_authenticated:
        return redirect_to_login(_url_or("portal:my-dossier", "/", code),
                                 login_url=_url_or("portal:login", "/dang-nhap/"))
    try:
        dossier = dossier_get_visible(user=request.user, code=code)
        started = payment_start(dossier=dossier, actor=request.user, client_ip=client_ip(request),
                                locale="en" if getattr(request, "LANGUAGE_CODE", "vi") == "en" else "vn")
    except NotFound as exc:
        return _error(request, exc)  # not theirs or no such code: no link to it either
    except ApplicationError as exc:
        return _error(request, exc, dossier_code=code)
    return HttpResponseRedirect(started.redirect_url)


@require_GET
@never_cache
def vnpay_return(request):
    """GET /thanh-toan/vnpay/tra-ve/: shows the result VNPAY reports, signature checked. It records
    nothing: the browser's return may never come or come twice; the IPN is what counts."""
    try:
        provider = provider_get()
        notice = provider.verify(request.GET)
    except PaymentsDisabled:
        return render(request, "payments/return.html", {"state": "disabled"}, status=404)
    except SignatureInvalid:
        return render(request, "payments/return.html", {"state": "invalid"}, status=400)
    payment = payment_for_return(provider=provider.name, txn_ref=notice.txn_ref, user=request.user)
    return render(request, "payments/return.html", {
        "state": "paid" if notice.success else "failed",
        "notice": notice,
        "reason": RESPONSE_TEXTS.get(notice.response_code, _("Giao dịch không thành công.")),
        "payment": payment,
        "dossier_url": _url_or("portal:my-dossier", "", payment.dossier.code) if payment else "",
        "login_url": _url_or("portal:login", "/dang-nhap/"),
    })


@csrf_exempt  # VNPAY's server calls it: no session, no CSRF token; the HMAC signature is the check
@require_GET
@never_cache
def vnpay_ipn(request):
    """GET /thanh-toan/vnpay/ipn/ (Instant Payment Notification), answered with VNPAY's JSON codes."""
    try:
        provider = provider_get()
    except PaymentsDisabled:
        logger.warning("VNPAY IPN received while payments are off")
        return JsonResponse({"RspCode": "99", "Message": "Unknow error"})
    try:
        result = payment_notice_apply(params=request.GET, provider=provider)
    except Exception:  # answer VNPAY in its terms whatever happened; it retries on 99
        logger.exception("VNPAY IPN failed (txn %s)", request.GET.get("vnp_TxnRef", "")[:64])
        return JsonResponse(provider.notice_answer(NoticeOutcome.ERROR))
    return JsonResponse(provider.notice_answer(result.outcome))
