"""Local mode's mailer: each mail a file ``<YYYYmmdd-HHMMSS>-<key>.eml`` in one folder.

`make run` on a newcomer's machine has no mail server; sending to 127.0.0.1:25 failed and every
mail ended as a dead letter. Without EMAIL_HOST, local mode (config/settings/mail.py) writes
mail here instead (var/mail/ by default), and the dead-letters page lists and opens the files.
An .eml opens in any mail program. A file is written whole (a temporary name, then renamed), so
the page never lists half a mail.
"""

import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

FILE_NAME = re.compile(r"^[0-9]{8}-[0-9]{6}-[A-Za-z0-9_.-]{1,100}\.eml$")
KEY_HEADER = "X-Lianxi-Idempotency-Key"


def mail_dir() -> Path | None:
    """The folder of local mail files, or None when the default mailer is not this one (mail
    goes to a real server, or to memory in the tests)."""
    conf = getattr(settings, "MAILERS", {}).get("default", {})
    if conf.get("BACKEND") != f"{__name__}.EmlFileBackend":
        return None
    folder = conf.get("OPTIONS", {}).get("file_path") or getattr(settings, "LIANXI_MAIL_DIR", "")
    return Path(folder) if folder else None


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.")[:80] or secrets.token_hex(4)


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, file_path: str | Path | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        folder = file_path or mail_dir()
        if not folder:
            raise ValueError("EmlFileBackend needs a folder (file_path or LIANXI_MAIL_DIR)")
        self.folder = Path(folder)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            mime = message.message()
            key = str(message.extra_headers.get(KEY_HEADER, "")) or secrets.token_hex(6)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            target = self.folder / f"{stamp}-{_safe(key)}-{secrets.token_hex(2)}.eml"
            partial = target.with_suffix(".part")
            partial.write_bytes(mime.as_bytes())
            partial.replace(target)
            sent += 1
        return sent


def mail_file(name: str) -> Path | None:
    """The local mail file of that name, or None (no such file, a name that is not one, or
    mail goes to a real server)."""
    folder = mail_dir()
    if folder is None or not FILE_NAME.match(name):
        return None
    path = folder / name
    return path if path.is_file() else None


def mail_files(limit: int = 200) -> list[tuple[Path, datetime]]:
    """The newest local mail files, newest first, with their modification time."""
    folder = mail_dir()
    if folder is None or not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if FILE_NAME.match(p.name)]
    found.sort(key=lambda p: p.name, reverse=True)
    return [
        (p, timezone.localtime(datetime.fromtimestamp(p.stat().st_mtime, tz=UTC)))
        for p in found[:limit]
    ]
