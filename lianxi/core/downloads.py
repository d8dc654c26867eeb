"""File downloads as the officials' browsers and WPS expect them: a Chinese file name (RFC 5987
``filename*=UTF-8''…``), with an ASCII fallback name where one is given."""

from urllib.parse import quote

from django.http import HttpResponse


def download_response(
    content: bytes,
    *,
    filename: str,
    content_type: str = "application/octet-stream",
    ascii_filename: str = "",
    inline: bool = False,
) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    fallback = f'; filename="{ascii_filename}"' if ascii_filename else ""
    response["Content-Disposition"] = f"{disposition}{fallback}; filename*=UTF-8''{quote(filename)}"
    return response
