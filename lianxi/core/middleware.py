import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from .access import second_factor_pending
from .context import client_ip, request_client_ip
from .passwords import change_required


class RequestContextMiddleware:
    """Makes the client's real address (context.request_client_ip: the one django-axes keys its
    lockout by) available to the audit trail for the whole request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = client_ip.set(request_client_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)


class SecondFactorMiddleware:
    """Privileged roles must pass TOTP before anything else when LIANXI_REQUIRE_OTP is on.

    A person without a device is sent to set one up (first login); one with a device to verify.
    """

    ALLOWED_PREFIXES = ("/account/", "/static/", "/api/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not request.path.startswith(self.ALLOWED_PREFIXES) and second_factor_pending(user):
            from django_otp import user_has_device

            target = "otp_verify" if user_has_device(user, confirmed=True) else "otp_setup"
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)


class IdleSessionMiddleware:
    """Idle timeout without a database write on every request.

    The session (and its cookie) expire SESSION_COOKIE_AGE after it was last renewed; renewing
    at most once a minute keeps the timeout accurate to a minute while most requests write
    nothing. Must sit after SessionMiddleware so its change is saved on the way out.
    """

    REFRESH_SECONDS = 60
    KEY = "_renewed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.session_key is None or session.is_empty():
            return response
        now = int(time.time())
        if now - int(session.get(self.KEY, 0)) >= self.REFRESH_SECONDS:
            session[self.KEY] = now
        return response


# --- the forced password change (issue 17) --------------------------------------------------

API_REFUSAL = "请先在平台页面上修改密码（首次登录、管理员重置或密码过期后必须修改），再使用接口。"

# The pages a person may open before changing: the change itself, the way out, the second factor
# that comes first, the choice of a joint meeting, the lockout page.
ALLOWED_NAMES = (
    "password_change",
    "logout",
    "login",
    "otp_setup",
    "otp_verify",
    "choose_membership",
)
PASSWORD_UNTOUCHED_PREFIXES = ("/static/", "/healthz")


class PasswordChangeRequiredMiddleware:
    """A person whose password must be changed changes it before any other page (GB/T 22239
    8.1.4.1 a): after an administrator set it (a new account, the first account printed by
    ``lianxi setup``, a reset), or when it is older than LIANXI_PASSWORD_MAX_DAYS.

    Sits after SecondFactorMiddleware: a privileged role passes the second factor first, so a
    stolen initial password alone cannot choose the next one. API tokens are not sessions and
    are not seen here (api.auth); a session calling the API gets a JSON 403 until the change.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._allowed: frozenset[str] | None = None

    def allowed_paths(self) -> frozenset[str]:
        if self._allowed is None:
            self._allowed = frozenset(reverse(name) for name in ALLOWED_NAMES)
        return self._allowed

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith(PASSWORD_UNTOUCHED_PREFIXES) or path in self.allowed_paths():
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and change_required(user):
            if path.startswith("/api/"):
                return JsonResponse(
                    {"detail": API_REFUSAL}, status=403, json_dumps_params={"ensure_ascii": False}
                )
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('password_change')}?{query}")
        return self.get_response(request)


# --- malformed and oversized requests (issue 17) --------------------------------------------

BAD_REQUEST = "请求有误，服务器无法处理。请返回上一页重新操作。"
MALFORMED_BODY = (
    "请求格式有误，服务器无法读取：表单或文件上传（multipart/form-data）缺少分隔符 boundary，"
    "或内容不完整。请从页面重新提交；如果是其他系统调用接口，请检查它构造请求的方式。"
)
TOO_MANY_FIELDS = (
    "请求包含的字段或文件过多（超过 {limit} 个），服务器未处理。请减少一次提交的内容后重试。"
)
TOO_LARGE = (
    "请求内容过大（超过 {limit}），服务器未处理。请减少一次提交的内容后重试；"
    "文件请通过文件上传提交。"
)
UNREADABLE = "请求内容未能完整接收（连接可能已中断），服务器未处理。请重新提交。"


def _size(limit: int | None) -> str:
    if limit is None:
        return "上限"
    return f"{limit / 1024 / 1024:.1f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def malformed_request(exc: BaseException) -> tuple[int, str] | None:
    """The status (400 or 413) and Chinese message for a request body Django could not read:
    multipart without a boundary or cut short, a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many
    fields or files, a client gone mid-upload. None for any other exception."""
    if isinstance(exc, RequestDataTooBig):
        return 413, TOO_LARGE.format(limit=_size(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    if isinstance(exc, TooManyFilesSent):
        return 400, TOO_MANY_FIELDS.format(limit=settings.DATA_UPLOAD_MAX_NUMBER_FILES)
    if isinstance(exc, TooManyFieldsSent):
        return 400, TOO_MANY_FIELDS.format(limit=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)
    if isinstance(exc, MultiPartParserError):
        return 400, MALFORMED_BODY
    if isinstance(exc, UnreadablePostError):
        return 400, UNREADABLE
    return None


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """``handler400``: every request Django refuses as bad, wherever it was refused (the CSRF
    check reads a page's form before the view does). A body too large is 413, not 400.

    Pages get a Chinese page that needs nothing from the request (it may be the part that is
    broken); the API gets its JSON error shape, ``{"detail": "…"}``.
    """
    status, message = (exception and malformed_request(exception)) or (400, BAD_REQUEST)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    html = render_to_string("core/bad_request.html", {"status": status, "message": message})
    return HttpResponse(html, status=status)
