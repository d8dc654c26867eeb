"""The account pages: login and logout, the second factor (TOTP, django-otp), the person's own
password change, and the locked-out page (django-axes).

Privileged roles are sent to the second factor by SecondFactorMiddleware when LIANXI_REQUIRE_OTP
is on: to ``otp_setup`` on first login (no confirmed device yet), to ``otp_verify`` afterwards.
A person whose password must be changed is sent to ``password_change`` by
PasswordChangeRequiredMiddleware (after the second factor).

Each of these views records what it decides in the audit trail (GB/T 22239 8.1.4.3 安全审计):
login, failed login (the username tried, never the password), the lockout it caused, logout, the
second factor set up or checked (and failed), the password changed. They are recorded here, in
our views, not from Django's signals, because every one of these paths runs through a view of
ours.
"""

from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import second_factor_pending
from .account_forms import PasswordChangeForm
from .audit import audit_record
from .context import request_client_ip
from .forms import LoginForm
from .lockout import account_locked, address_limit, address_locked
from .password_services import password_change as password_change_service
from .passwords import REASON_TEXT, change_required, min_length
from .text import text_problem

DEVICE_NAME = "身份验证器"
WRONG_CODE = "验证码不正确或已过期，请核对身份验证器上当前显示的 6 位数字后重新输入。"


def _next_url(request: HttpRequest) -> str:
    """Where to go after the step: a path on this site, else the home page. Always an address,
    never a view name (redirect() would try to reverse any other text: a 500), and one line."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and text_problem(target, "line") is None
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


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
    user: Any = request.user
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
        audit_record(actor=user, action="otp.setup_failed", target=user)
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
    user: Any = request.user
    if not user_has_device(user, confirmed=True):
        return redirect(f"{reverse('otp_setup')}?{request.GET.urlencode()}")
    error = ""
    if request.method == "POST":
        token = _token(request)
        device = match_token(user, token) if token.isdigit() else None
        if device is not None:
            otp_login(request, device)
            audit_record(actor=user, action="otp.verify", target=device)
            return redirect(_next_url(request))
        audit_record(actor=user, action="otp.verify_failed", target=user)
        error = WRONG_CODE
    return render(
        request, "registration/otp_verify.html", {"next": _next_url(request), "error": error}
    )


def locked_out(
    request: HttpRequest,
    original_response: Any = None,
    credentials: Any = None,
    *,
    address: bool = False,
) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE) and the login view's for a locked
    address: the Chinese page, status 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {
            "cooloff_minutes": minutes,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "address_locked": address,
        },
        status=429,
    )


# --- login and logout -----------------------------------------------------------------------


def _printable(text: str, limit: int = 150) -> str:
    """What was typed as a username, fit for the audit trail: no control characters, bounded."""
    return "".join(c for c in text if c.isprintable())[:limit]


def _account(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first() if username else None


class LoginView(auth_views.LoginView):
    """Django's login form, audited; a success clears the account's failed attempts (only the
    account's: see AXES_RESET_ON_SUCCESS in config/settings/security.py)."""

    authentication_form = LoginForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = _printable(str(request.POST.get("username", "")))
        ip = request_client_ip(request)
        self._locked_before = (account_locked(username), address_locked(ip))
        if self._locked_before[1]:
            # Too many failures from this address (any accounts): no password is even checked.
            audit_record(
                actor=None,
                action="login.failed",
                target=_account(username),
                data={"username": username, "locked": True, "address_locked": ip},
            )
            return locked_out(request, address=True)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        axes_reset(username=user.get_username())
        audit_record(actor=user, action="login", target=user)
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        if "username" in data and "password" in data:  # authentication was attempted
            self._audit_failure(_printable(str(data["username"])))
        return super().form_invalid(form)

    def _audit_failure(self, username: str) -> None:
        request = self.request
        ip = request_client_ip(request)
        account = _account(username)
        refused_locked = any(self._locked_before)
        audit_record(
            actor=None,
            action="login.failed",
            target=account,
            data={"username": username, "locked": refused_locked},
        )
        locked_now = (account_locked(username), address_locked(ip))
        new = [
            now and not before for now, before in zip(locked_now, self._locked_before, strict=True)
        ]
        if any(new):
            audit_record(
                actor=None,
                action="login.lockout",
                target=account,
                data={
                    "username": username,
                    "account": new[0],
                    "address": ip if new[1] else "",
                    "failure_limit": settings.AXES_FAILURE_LIMIT,
                    "address_failure_limit": address_limit(),
                },
            )


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only), audited while the person is still known."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit_record(actor=request.user, action="logout", target=request.user)
        return super().post(request, *args, **kwargs)


# --- the person's own password ----------------------------------------------------------------


@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码: old password, new twice. Also where a forced change (first login, an
    administrator's reset, expiry) sends the person; ``next`` is where they were going."""
    # The password is changed only after the second factor: a stolen password alone cannot.
    if second_factor_pending(request.user):
        query = request.GET.urlencode() or f"next={reverse('password_change')}"
        return redirect(f"{reverse('otp_verify')}?{query}")
    user: Any = request.user
    reason = change_required(user)
    form = PasswordChangeForm(user, request.POST or None, request=request)
    if request.method == "POST":
        if form.is_valid():
            password_change_service(actor=user, new_password=form.cleaned_data["new_password1"])
            update_session_auth_hash(request, user)  # this session stays; the others end
            messages.success(request, "密码已修改。下次登录请使用新密码。")
            return redirect(_next_url(request))
        if "old_password" in form.errors:
            audit_record(actor=user, action="password.change_failed", target=user)
    return render(
        request,
        "registration/password_change.html",
        {
            "form": form,
            "forced": reason,
            "reason_text": REASON_TEXT.get(reason, ""),
            "next": _next_url(request),
            "max_days": settings.LIANXI_PASSWORD_MAX_DAYS,
            "min_length": min_length(),
            "min_classes": settings.LIANXI_PASSWORD_MIN_CLASSES,
            "history": settings.LIANXI_PASSWORD_HISTORY,
        },
    )
