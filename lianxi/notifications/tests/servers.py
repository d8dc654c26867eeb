"""Real servers for the delivery tests: an SMTP server (aiosmtpd) and an HTTP webhook receiver."""

from __future__ import annotations

import asyncio
import email
import email.policy
import json
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ReceivedAttachment:
    filename: str
    content_type: str  # the full header value, parameters included
    content: bytes


@dataclass
class Received:
    message_id: str
    to: list[str]
    subject: str
    headers: dict[str, str]
    body: str
    attachments: list[ReceivedAttachment] = field(default_factory=list)
    raw: bytes = b""


@dataclass
class SmtpRecorder:
    """An aiosmtpd handler that records what it accepts.

    `fail_next` answers that many DATA commands with a temporary failure (451). `block_at` makes
    the n-th DATA wait (the server has the mail, the client waits for the answer) until
    `release` is set; `blocked` is set when that happens. A mail counts as received only if the
    client's connection is still open when the server accepts it, because a client that has died
    never learns of the acceptance (the same as a real server whose 250 never arrives).
    """

    fail_next: int = 0
    block_at: int | None = None
    received: list[Received] = field(default_factory=list)
    dropped: int = 0
    seen: int = 0
    blocked: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.seen += 1
            n = self.seen
            if self.fail_next > 0:
                self.fail_next -= 1
                return "451 4.3.0 测试：暂时无法接收"
        if self.block_at == n:
            self.blocked.set()
            try:
                while not self.release.is_set():
                    await asyncio.sleep(0.02)
            except asyncio.CancelledError:
                # aiosmtpd cancels the handler when the client's connection is lost.
                with self.lock:
                    self.dropped += 1
                raise
        transport = server.transport
        if transport is None or transport.is_closing():
            with self.lock:
                self.dropped += 1
            return "451 4.4.2 connection lost"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        with self.lock:
            self.received.append(
                Received(
                    message_id=str(parsed["Message-ID"]),
                    to=list(envelope.rcpt_tos),
                    subject=str(parsed["Subject"]),
                    headers={k: str(v) for k, v in parsed.items()},
                    body=body.get_content() if body is not None else "",
                    attachments=[
                        ReceivedAttachment(
                            filename=part.get_filename() or "",
                            content_type=str(part["Content-Type"]),
                            content=bytes(part.get_payload(decode=True) or b""),
                        )
                        for part in parsed.iter_attachments()
                    ],
                    raw=bytes(envelope.content),
                )
            )
        return "250 2.0.0 OK"

    def message_ids(self) -> Counter[str]:
        with self.lock:
            return Counter(r.message_id for r in self.received)


class SmtpServer:
    def __init__(self) -> None:
        self.recorder = SmtpRecorder()
        self.port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.recorder.release.set()
        self.controller.stop()

    def mailers_setting(self) -> dict[str, Any]:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }


@dataclass
class WebhookRecorder:
    """What the webhook server received, and the status codes it answers with (200 when empty)."""

    statuses: list[int] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    location: str = ""  # sent as Location (with a 3xx status)
    lock: threading.Lock = field(default_factory=threading.Lock)


class WebhookServer:
    def __init__(self) -> None:
        self.recorder = WebhookRecorder()
        recorder = self.recorder

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                with recorder.lock:
                    status = recorder.statuses.pop(0) if recorder.statuses else 200
                    recorder.requests.append(
                        {
                            "path": self.path,
                            "headers": dict(self.headers.items()),
                            "json": json.loads(raw.decode()),
                            "status": status,
                        }
                    )
                self.send_response(status)
                if recorder.location:
                    self.send_header("Location", recorder.location)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errcode": 0}')

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/robot/send?key=abc"

    def start(self) -> WebhookServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
