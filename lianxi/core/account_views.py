"""Second factor (TOTP, django-otp) and the locked-out page (django-axes).

Privileged roles are sent here by SecondFactorMiddleware when LIANXI_REQUIRE_OTP is on: to
``otp_setup`` on first login (no confirmed device yet), to ``otp_verify`` afterwards.
"""

from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record

DEVICE_NAME = "身份验证器"
WRONG_CODE = "验证码不正确或已过期，请核对身份验证器上当前显示的 6 位数字后重新输入。"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    return svg.replace("<svg ", '<svg role="img" aria-label="身份验证器二维码" ', 1)


def _token(request: HttpRequest) -> str:
    return "".join(request.POST.get("token", "").split())


def _pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being set up (made on first visit, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@never_cache
@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """First login: show the secret as a QR code, the base32 text and the otpauth URI;
    confirm with the first code. A person who already has a device must verify instead, so a
    stolen password alone cannot enrol a new authenticator."""
    user = request.user
    if user_has_device(user, confirmed=True):
        return redirect(f"{reverse('otp_verify')}?{request.GET.urlencode()}")
    device = _pending_device(user)
    error = ""
    if request.method == "POST":
        token = _token(request)
        if token.isdigit() and len(token) == device.digits and device.verify_token(token):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit_record(actor=user, action="otp.setup", target=device)
            otp_login(request, device)
            return redirect(_next_url(request))
        error = WRONG_CODE
    url = device.config_url
    return render(
        request,
        "registration/otp_setup.html",
        {
            "qr_svg": _qr_svg(url),
            "secret": b32encode(device.bin_key).decode(),
            "otpauth_url": url,
            "next": _next_url(request),
            "error": error,
        },
    )


@never_cache
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Later logins: enter the 6-digit code from the authenticator."""
    user = request.user
    if not user_has_device(user, confirmed=True):
        return redirect(f"{reverse('otp_setup')}?{request.GET.urlencode()}")
    error = ""
    if request.method == "POST":
        token = _token(request)
        device = match_token(user, token) if token.isdigit() else None
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        error = WRONG_CODE
    return render(
        request, "registration/otp_verify.html", {"next": _next_url(request), "error": error}
    )


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): the Chinese page, status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
