"""Every export or download of personal data audited (issue 17; GB/T 22239-2019 8.1.4.3 安全审计
b 审计记录应包括事件的日期和时间、用户、事件类型、事件是否成功及其他与审计相关的信息):
`download_response` is the one download path of pages and API, and it records who took which
file (name, size, SHA-256) of what."""

import hashlib
from typing import Any

import pytest

from lianxi.core.downloads import download_response
from lianxi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_every_download_is_audited_with_who_what_and_checksum(clerk: Any) -> None:
    """ "every export or download of personal data audited": the single download path."""
    response = download_response(
        b"name,phone\n", filename="名单.csv", actor=clerk, target=clerk.membership.unit
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="download.file")
    assert (event.actor_name, event.unit_name) == ("王秘书", "市卫生健康委")
    assert event.target_type == "organization.unit"
    assert event.data["file"] == "名单.csv"
    assert event.data["bytes"] == 11
    assert event.data["sha256"] == hashlib.sha256(b"name,phone\n").hexdigest()


def test_ledger_export_page_is_audited(clerk: Any, login: Any) -> None:
    client = login(clerk)
    response = client.get("/supervision/export.xlsx")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="download.file").get()
    assert event.actor_id == clerk.pk
    assert event.data["file"].startswith("督办台账-")


# Files that leave without the audit: the calendar feed (polled every few minutes by calendar
# programs, its content the person's own meetings and deadlines; issuing or resetting its link is
# audited).
UNAUDITED = {"lianxi/meetings/feed_views.py"}


def test_no_file_leaves_except_through_the_audited_path() -> None:
    """Guard: a FileResponse or a Content-Disposition anywhere but core/downloads.py is a file
    handed out unaudited (the meeting materials were, on the page and the API)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root.parent))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "downloads.py"
        and str(path.relative_to(root.parent)) not in UNAUDITED
        and ("FileResponse(" in (text := path.read_text()) or "Content-Disposition" in text)
    ]
    assert offenders == []
