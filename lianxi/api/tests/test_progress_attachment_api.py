"""Progress reports with an attachment through the API (四(二), 督办).

`POST /action-items/{id}/progress/upload` is the multipart twin of the JSON
`POST /action-items/{id}/progress`: the same service (progress_report_create), the same access
and the same limits as the page's form. An upload always makes a report of the caller's own
unit, so no unit can put a file into another unit's report or draft; who may download it is the
existing endpoint's rule (lianxi.supervision.access.visible_reports_q).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianxi.core.models import AuditEvent
from lianxi.supervision import services
from lianxi.supervision.models import ActionItem, ProgressReport
from lianxi.supervision.services import MAX_ATTACHMENT_BYTES

pytestmark = pytest.mark.django_db

Api = Callable[[Any], Client]
LIST = "/api/v1/action-items"
# Not text: every byte value, so that nothing on the way may re-encode it.
CONTENT = bytes(range(256)) * 40


def upload_url(item: ActionItem) -> str:
    return f"{LIST}/{item.pk}/progress/upload"


def upload(
    client: Client,
    item: ActionItem,
    *,
    text: str = "已完成重点企业排查，附排查清单。",
    content: bytes = CONTENT,
    name: str = "排查清单.xlsx",
    **extra: Any,
) -> Any:
    data = {"text": text, "attachment": SimpleUploadedFile(name, content), **extra}
    return client.post(upload_url(item), data)


def test_the_lead_unit_sends_progress_with_an_attachment_and_asks_for_closure_四_二(
    item: ActionItem,
    health_liaison: Any,
    clerk: Any,
    gov_reader: Any,
    other_liaison: Any,
    union_liaison: Any,
    finance_liaison: Any,
    api_as: Api,
) -> None:
    """四(二): the lead unit reports progress to the secretariat, with a file, and asks for
    closure; everyone who follows the item downloads exactly the bytes that were sent."""
    response = upload(api_as(health_liaison), item, submit="true", requests_closure="true")
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert body["status"] == "submitted" and body["requests_closure"] is True
    assert body["unit"]["name"] == "市卫生健康委"
    url = body["attachment_url"]
    assert url.endswith(f"{LIST}/{item.pk}/reports/{body['id']}/attachment")
    for user in (health_liaison, clerk, gov_reader, other_liaison, union_liaison):
        download = api_as(user).get(url)
        assert download.status_code == 200, user.username
        assert download.content == CONTENT
        assert "filename*=UTF-8''" in download["Content-Disposition"]
    assert api_as(finance_liaison).get(url).status_code == 404
    assert Client().get(url).status_code == 401
    item.refresh_from_db()
    assert item.status == ActionItem.Status.CLOSURE_REQUESTED
    assert item.last_progress_at is not None
    event = AuditEvent.objects.filter(action="action_item.progress").get()
    assert event.data["attachment"] is True and event.data["role"] == "lead"
    [report] = api_as(clerk).get(f"{LIST}/{item.pk}").json()["reports"]
    assert report["attachment_url"] == url


def test_a_supporting_units_draft_and_its_file_stay_with_that_unit_until_sent_四_二(
    item: ActionItem,
    other_liaison: Any,
    health_liaison: Any,
    union_liaison: Any,
    clerk: Any,
    api_as: Api,
) -> None:
    """四(二): a draft (with its attachment) is seen only by its own unit; once sent, a
    supporting unit's report goes to the lead unit and the secretariat, not to the other
    supporting units."""
    hrss = api_as(other_liaison)
    response = upload(hrss, item, text="人社局配合情况（草稿）")
    assert response.status_code == 201, response.content.decode()
    draft = response.json()
    assert draft["status"] == "draft"
    url = draft["attachment_url"]
    assert hrss.get(url).content == CONTENT
    for user in (clerk, health_liaison, union_liaison):
        assert api_as(user).get(url).status_code == 404, user.username
    sent = hrss.post(
        f"{LIST}/{item.pk}/progress/{draft['id']}/submit", {}, content_type="application/json"
    )
    assert sent.status_code == 200 and sent.json()["attachment_url"] == url
    for user in (clerk, health_liaison):
        assert api_as(user).get(url).content == CONTENT, user.username
    assert api_as(union_liaison).get(url).status_code == 404


def test_who_may_upload_progress_四_二(
    item: ActionItem,
    finance_liaison: Any,
    clerk: Any,
    gov_reader: Any,
    outsider: Any,
    auditor: Any,
    health_liaison: Any,
    union_liaison: Any,
    api_as: Api,
    login: Callable[[Any], Client],
) -> None:
    """四(二): only the lead and supporting units report progress. A unit the item is not
    assigned to does not see it (404, existence not revealed), nor do outsiders and auditors;
    the secretariat and the government office follow items but do not report (403); no token is
    401, and a browser session only reads."""
    refused = upload(api_as(finance_liaison), item)
    assert refused.status_code == 404
    assert refused.json()["detail"] == "督办事项不存在或您无权查看。"
    for user in (outsider, auditor):
        assert upload(api_as(user), item).status_code == 404, user.username
    for user in (clerk, gov_reader):
        assert upload(api_as(user), item).status_code == 403, user.username
    assert upload(Client(), item).status_code == 401
    assert upload(login(health_liaison), item).status_code == 401
    assert not ProgressReport.objects.exists()

    # Another unit cannot reach the health commission's draft: its upload is its own report.
    own = services.progress_report_create(item=item, actor=health_liaison, text="卫健委草稿")
    response = upload(api_as(union_liaison), item, text="工会的进展")
    assert response.status_code == 201
    assert response.json()["unit"]["name"] == "市总工会"
    own.refresh_from_db()
    assert not own.attachment and own.text == "卫健委草稿"


def test_an_attachment_over_the_pages_limit_is_refused_and_nothing_is_written_四_二(
    item: ActionItem, health_liaison: Any, api_as: Api
) -> None:
    """The page's limit (20 MB, lianxi.supervision.services.MAX_ATTACHMENT_BYTES) holds here."""
    client = api_as(health_liaison)
    response = upload(client, item, content=b"x" * (MAX_ATTACHMENT_BYTES + 1), submit="true")
    assert response.status_code == 400
    assert response.json() == {"detail": "附件不能超过 20 MB。", "field": "attachment"}
    assert not ProgressReport.objects.exists()
    item.refresh_from_db()
    assert item.last_progress_at is None
    at_limit = upload(client, item, content=b"x" * MAX_ATTACHMENT_BYTES)
    assert at_limit.status_code == 201, at_limit.content.decode()


def test_bad_uploads_are_refused_in_chinese_四_二(
    item: ActionItem, health_liaison: Any, other_liaison: Any, api_as: Api
) -> None:
    """An empty file is refused as the page's form field refuses it; the text is required as
    on the page; only the lead unit asks for closure."""
    client = api_as(health_liaison)
    empty = upload(client, item, content=b"")
    assert empty.status_code == 400
    assert empty.json() == {"detail": "所提交的是空文件。", "field": "attachment"}
    blank = upload(client, item, text="  ")
    assert blank.status_code == 400
    assert blank.json() == {"detail": "请填写进展情况。", "field": "text"}
    closure = upload(api_as(other_liaison), item, requests_closure="true")
    assert closure.status_code == 400
    assert closure.json()["detail"] == "只有牵头单位可以申请办结。"
    no_file = client.post(upload_url(item), {"text": "没有附件"})
    assert no_file.status_code == 422 and no_file.json()["detail"] == "请求参数有误。"
    assert not ProgressReport.objects.exists()


def test_openapi_describes_the_upload(db: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    operation = response.json()["paths"]["/api/v1/action-items/{item_id}/progress/upload"]["post"]
    assert operation["security"] == [{"TokenAuth": []}]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["attachment"]["format"] == "binary"
    assert set(schema["required"]) == {"text", "attachment"}
