"""`make run`'s local mode (issue 18, "Pages"): mail went to 127.0.0.1:25 and failed. Without a
mail server configured, local mode writes each mail as a file under var/mail/, the dead-letters
page lists them (for the secretariat of the joint meeting they belong to), and deliveries still
being retried show with their attempts and next try before they are dead."""

import email
import email.policy
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxi.notifications.models import Delivery
from lianxi.notifications.services import deliveries_dispatch, notify

pytestmark = pytest.mark.django_db

DEAD = reverse("notifications:dead_letters")
FILE_BACKEND = "lianxi.notifications.mail_files.EmlFileBackend"


@pytest.fixture
def mail_dir(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "mail"
    settings.MAILERS = {"default": {"BACKEND": FILE_BACKEND, "OPTIONS": {"file_path": folder}}}
    settings.LIANXI_MAIL_DIR = str(folder)
    return folder


def test_local_mode_without_a_mail_server_writes_mail_files() -> None:
    """The settings `make run` uses (LIANXI_ENV=local, no EMAIL_HOST) choose the file mailer
    under the data directory; EMAIL_HOST or another profile keeps SMTP."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; "
        "from django.conf import settings as s; "
        "print(s.MAILERS['default']['BACKEND']); print(s.LIANXI_MAIL_DIR)"
    )

    def settings_with(**env: str) -> list[str]:
        import os

        clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "LIANXI_"))}
        out = subprocess.run(
            [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
            check=True, cwd=Path(__file__).resolve().parents[3],
        )  # fmt: skip
        return out.stdout.split("\n")

    backend, folder = settings_with(LIANXI_ENV="local", LIANXI_DATA_DIR="/tmp/lianxi-x")[:2]
    assert backend == FILE_BACKEND
    assert folder == "/tmp/lianxi-x/mail"
    backend = settings_with(LIANXI_ENV="local", EMAIL_HOST="mail.example.org")[0]
    assert backend == "django.core.mail.backends.smtp.EmailBackend"


def test_each_mail_is_one_eml_file(mail_dir: Path, clerk: Any, health_liaison: Any) -> None:
    notify(recipients=[health_liaison], kind="t", subject="督办提醒", body="请按时反馈进展。")
    deliveries_dispatch()
    files = sorted(mail_dir.glob("*.eml"))
    assert len(files) == 1
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["Subject"] == "督办提醒"
    assert parsed["To"] == health_liaison.email
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None and "请按时反馈进展" in body.get_content()
    assert Delivery.objects.get(channel="email").status == Delivery.Status.SENT


def test_dead_letters_page_lists_and_opens_the_mail_files(
    mail_dir: Path, login: Any, clerk: Any, health_liaison: Any
) -> None:
    notify(recipients=[health_liaison], kind="t", subject="会议通知", body="定于下周召开。")
    deliveries_dispatch()
    name = next(mail_dir.glob("*.eml")).name
    page = login(clerk).get(DEAD).content.decode()
    assert 'id="local-mail"' in page and "会议通知" in page
    url = reverse("notifications:local_mail", args=[name])
    assert url in page
    shown = login(clerk).get(url)
    assert shown.status_code == 200
    assert "定于下周召开" in shown.content.decode()
    # the mail's Date as officials write dates
    assert re.search(r"<td>\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d\d</td>", shown.content.decode())
    download = login(clerk).get(url, {"download": "1"})
    assert download["Content-Type"].startswith("message/rfc822")
    parsed = email.message_from_bytes(download.content, policy=email.policy.default)
    assert parsed["Subject"] == "会议通知"
    assert f'filename="{name}"' in download["Content-Disposition"]


def test_mail_files_are_the_acting_joint_meetings_and_the_secretariats_only(
    mail_dir: Path, login: Any, clerk: Any, health_liaison: Any, second_clerk: Any, client: Any
) -> None:
    notify(recipients=[health_liaison], kind="t", subject="会议通知", body="定于下周召开。")
    deliveries_dispatch()
    name = next(mail_dir.glob("*.eml")).name
    url = reverse("notifications:local_mail", args=[name])
    assert "会议通知" not in login(second_clerk).get(DEAD).content.decode()
    assert login(second_clerk).get(url).status_code == 404
    assert login(health_liaison).get(url).status_code == 403
    assert client.get(url).status_code == 302
    other = reverse("notifications:local_mail", args=["x.eml"])
    assert login(clerk).get(other).status_code == 404  # not a mail file's name
    assert login(clerk).get(other.replace("x.eml", "..%2Fsettings.py")).status_code == 404


def test_deliveries_still_retrying_show_attempts_and_next_try(
    login: Any, clerk: Any, health_liaison: Any
) -> None:
    message = notify(recipients=[health_liaison], kind="t", subject="重试中的通知", body="")
    delivery = message.deliveries.get(channel="email")
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=2,
        next_attempt_at=timezone.now() + timedelta(minutes=5),
        last_error="邮件发送失败：ConnectionRefusedError",
    )
    page = login(clerk).get(DEAD).content.decode()
    section = page[page.index('id="retrying"') :]
    assert "重试中的通知" in section
    assert "ConnectionRefusedError" in section
    assert f'id="retrying-{delivery.pk}"' in section
    assert "第 2 次" in section or ">2<" in section
    assert "年" in section  # the next try as officials write dates


def test_the_list_reads_a_mail_files_headers_only(tmp_path: Path) -> None:
    """A mail with megabytes of attachment: its headers come from its first bytes alone."""
    from lianxi.notifications.selectors import HEADER_BYTES, _headers

    path = tmp_path / "20261203-090000-k.eml"
    path.write_bytes(
        b"Subject: =?utf-8?b?5Lya6K6u6YCa55+l?=\nTo: a@example.org\n"
        b"X-Lianxi-Idempotency-Key: k\n\n" + b"x" * (4 * HEADER_BYTES)
    )
    headers = _headers(path)
    assert headers["Subject"] == "会议通知"
    assert headers["X-Lianxi-Idempotency-Key"] == "k"
