"""Errors of the API, all as Chinese JSON: ``{"detail": "…"}``."""

import logging
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from lianxi.core.exceptions import ApplicationError
from lianxi.core.middleware import malformed_request

logger = logging.getLogger(__name__)

UNAUTHORIZED = "未提供有效的访问令牌。请在请求头中使用 Authorization: Bearer <令牌>。"
FORBIDDEN = "您无权进行此项操作。"
NOT_FOUND = "未找到请求的内容。"
INVALID = "请求参数有误。"
SERVER_ERROR = "服务器内部错误，请稍后再试或联系联席会议办公室。"
NOT_JSON = (
    "请求体不是有效的 JSON，服务器无法读取。请检查请求内容和 Content-Type: application/json。"
)
# Bodies Django cannot read (multipart without a boundary, over DATA_UPLOAD_MAX_MEMORY_SIZE, too
# many fields): 400 or 413, with the same Chinese message the pages show (core.middleware).
MALFORMED = (
    MultiPartParserError,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    UnreadablePostError,
)


class NotFound(Exception):
    """Raised by endpoints with a Chinese message saying what was not found."""

    def __init__(self, message: str = NOT_FOUND) -> None:
        super().__init__(message)
        self.message = message


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, 401, {"detail": UNAUTHORIZED})
        response["WWW-Authenticate"] = 'Bearer realm="lianxi"'
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or FORBIDDEN
        return respond(request, 403, {"detail": message})

    @api.exception_handler(NotFound)
    def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
        return respond(request, 404, {"detail": exc.message})

    @api.exception_handler(Http404)
    def http404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, {"detail": NOT_FOUND})

    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        body: dict[str, Any] = {"detail": exc.message}
        if exc.field:
            body["field"] = exc.field
        return respond(request, 400, body)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return respond(request, 422, {"detail": INVALID, "errors": exc.errors})

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        message = str(exc)
        if exc.status_code == 400 and message.startswith("Cannot parse request body"):
            message = NOT_JSON  # django-ninja's own words for a body json.loads refused
        return respond(request, exc.status_code, {"detail": message})

    def malformed(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        found = malformed_request(exc) if isinstance(exc, BaseException) else None
        status, message = found or (400, INVALID)
        return respond(request, status, {"detail": message})

    for kind in MALFORMED:
        api.add_exception_handler(kind, malformed)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return respond(request, 500, {"detail": SERVER_ERROR})
