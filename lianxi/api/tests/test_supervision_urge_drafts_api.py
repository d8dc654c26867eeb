"""四(二) through the API (issue 18): 催办 by the secretariat, and a unit's drafts rewritten or
deleted before they are sent — the same services, access and refusals as the pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lianxi.core.models import AuditEvent
from lianxi.supervision import services
from lianxi.supervision.models import ActionItem, ProgressReport, Reminder

pytestmark = pytest.mark.django_db

Api = Callable[[Any], Client]
LIST = "/api/v1/action-items"


def send(client: Client, method: str, url: str, data: Any = None) -> Any:
    return getattr(client, method)(
        url, data=json.dumps(data or {}), content_type="application/json"
    )


def test_the_secretariat_urges_through_the_api_四_二(
    api_as: Api, clerk: Any, health_liaison: Any, other_liaison: Any,
    item: ActionItem,
) -> None:  # fmt: skip
    """四(二) 督促督办: the secretariat's 催办 is sent and recorded; a unit that sees the item is
    refused (403), no token is 401; the detail says who may urge and lists the 催办."""
    url = f"{LIST}/{item.pk}/urge"
    response = send(api_as(clerk), "post", url, {"note": "请本周内反馈"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["note"] == "请本周内反馈" and body["sent_by"] == "王秘书"
    assert Reminder.objects.filter(item=item, kind=Reminder.Kind.URGE).count() == 1
    assert send(api_as(health_liaison), "post", url).status_code == 403
    assert send(api_as(other_liaison), "post", url).status_code == 403  # supporting: sees it
    assert send(Client(), "post", url).status_code == 401
    detail = api_as(clerk).get(f"{LIST}/{item.pk}").json()
    assert detail["can_urge"] is True
    assert [u["note"] for u in detail["urges"]] == ["请本周内反馈"]
    assert api_as(health_liaison).get(f"{LIST}/{item.pk}").json()["can_urge"] is False


def test_a_unit_rewrites_and_deletes_its_draft_through_the_api_四_二(
    api_as: Api, clerk: Any, health_liaison: Any, health_member: Any, other_liaison: Any,
    item: ActionItem,
) -> None:  # fmt: skip
    """四(二): the unit's member or liaison edits or deletes its draft; another unit finds no
    such draft (404), the secretariat may not (403), a sent report is not changed (400)."""
    draft = services.progress_report_create(item=item, actor=health_liaison, text="初稿")
    url = f"{LIST}/{item.pk}/progress/{draft.pk}"
    edited = send(api_as(health_member), "patch", url, {"text": "改过的稿子"})
    assert edited.status_code == 200, edited.content
    assert edited.json()["text"] == "改过的稿子" and edited.json()["status"] == "draft"
    assert send(api_as(other_liaison), "patch", url, {"text": "x"}).status_code == 404
    assert send(api_as(other_liaison), "delete", url).status_code == 404
    assert send(api_as(clerk), "patch", url, {"text": "x"}).status_code == 403
    assert send(api_as(health_liaison), "patch", url, {"text": " "}).status_code == 400
    draft.refresh_from_db()
    assert draft.text == "改过的稿子"
    assert send(api_as(health_liaison), "delete", url).status_code == 204
    assert not ProgressReport.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(action="action_item.progress_draft_delete").count() == 1
    sent = services.progress_report_create(
        item=item, actor=health_liaison, text="已报", submit=True
    )
    sent_url = f"{LIST}/{item.pk}/progress/{sent.pk}"
    refused = send(api_as(health_liaison), "delete", sent_url)
    assert refused.status_code == 400 and "已经报送" in refused.json()["detail"]
    assert ProgressReport.objects.filter(pk=sent.pk).exists()
