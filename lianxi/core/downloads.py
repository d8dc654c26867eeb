"""File downloads as the officials' browsers and WPS expect them: a Chinese file name (RFC 5987
``filename*=UTF-8''…``) after an ASCII ``filename="…"`` fallback for clients that read only
that one (RFC 6266 §4.3): the one given, else made from the name's ASCII parts; each one audited."""

import hashlib
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from django.core.files import File
from django.db import models
from django.http import FileResponse, HttpResponse

from .audit import audit_record
from .text import one_line

# The content types of the files the platform hands out most (WPS and Excel open both).
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def ascii_fallback(filename: str) -> str:
    """An ASCII name for ``filename``: its ASCII letters and digits, its extension kept
    ("2026年纪要〔2026〕1号.docx" -> "2026-2026-1.docx"; nothing ASCII -> "download.docx")."""
    path = PurePosixPath(filename)
    suffix = path.suffix if path.suffix.isascii() else ""
    stem = "-".join(re.findall(r"[A-Za-z0-9_.]+", path.stem if suffix else filename))
    return f"{stem.strip('.') or 'download'}{suffix}"


def _audit_download(
    actor: Any,
    target: models.Model | None,
    filename: str,
    content_type: str,
    size: int,
    sha256: str,
) -> None:
    data = {"file": filename, "content_type": content_type, "bytes": size, "sha256": sha256}
    audit_record(actor=actor, action="download.file", target=target, data=data)


def download_response(
    content: bytes,
    *,
    filename: str,
    actor: Any,
    target: models.Model | None = None,
    content_type: str = "application/octet-stream",
    ascii_filename: str = "",
    inline: bool = False,
) -> HttpResponse:
    """The one way the platform hands out a file (pages and API alike), so that every export
    or download is audited (GB/T 22239-2019 8.1.4.3): who (`actor`: the membership, user or
    token's person), which file, of what (`target`), how big and its SHA-256."""
    filename = one_line(filename) or "download"  # a header: one line, whatever was stored
    digest = hashlib.sha256(content)
    _audit_download(actor, target, filename, content_type, len(content), digest.hexdigest())
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    fallback = ascii_fallback(ascii_filename or filename).replace('"', "")
    response["Content-Disposition"] = (
        f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


def file_download_response(
    file: File, *, filename: str, actor: Any, target: models.Model | None = None
) -> FileResponse:
    """A stored upload (a meeting's materials) handed out streamed, not read into memory, and
    audited as `download_response` does; the SHA-256 is taken in chunks before it is sent.
    `file` is opened here; a missing file raises FileNotFoundError for the caller's 404."""
    filename = one_line(filename) or "download"
    digest = hashlib.sha256()
    size = 0
    with file.open("rb") as source:
        for chunk in source.chunks():
            digest.update(chunk)
            size += len(chunk)
    _audit_download(actor, target, filename, "", size, digest.hexdigest())
    return FileResponse(file.open("rb"), as_attachment=True, filename=filename)
