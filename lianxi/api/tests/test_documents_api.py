"""Official documents through the API: reading, drafting and saving (三(二), 四(五), 四(六)), with
the pages' access (lianxi.documents.access).

A document the caller may not see is 404 (another unit, another joint meeting), an action on one
the caller sees but may not take is 403, no token is 401, a token without the ``documents``
scope is 403; the rules' refusals are 400, a value that does not fit its field 422 with a Chinese
message naming it, a save based on a replaced version 409 with the text that replaced it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lianxi.api.services import api_token_create
from lianxi.api.tests.conftest import bearer
from lianxi.core.models import AuditEvent
from lianxi.documents import services
from lianxi.documents.models import DocumentVersion, OfficialDocument
from lianxi.documents.tests.conftest import PLAN_BODY
from lianxi.organization.models import Unit

pytestmark = pytest.mark.django_db

Api = Callable[[Any], Client]
DOCUMENTS = "/api/v1/documents"
NOT_FOUND = "公文不存在或您无权查看。"
ONE_LINE = "应为一行文字，不能换行，请删除其中的换行。"


def send(client: Client, method: str, url: str, data: Any = None) -> Any:
    return getattr(client, method)(
        url, json.dumps(data if data is not None else {}), content_type="application/json"
    )


def post(client: Client, url: str, data: Any = None) -> Any:
    return send(client, "post", url, data)


def patch(client: Client, url: str, data: Any = None) -> Any:
    return send(client, "patch", url, data)


def written() -> tuple[int, int, int]:
    """Documents, versions, and audit events other than the tokens' own (issued, used)."""
    events = AuditEvent.objects.exclude(action__startswith="api")
    return OfficialDocument.objects.count(), DocumentVersion.objects.count(), events.count()


def errors(response: Any) -> list[tuple[str, str]]:
    return [(str(e["loc"][-1]), e["msg"]) for e in response.json().get("errors", [])]


@pytest.fixture
def plan(clerk: Any, hrss: Unit, union: Unit) -> OfficialDocument:
    """A joint 方案 drafted by the secretariat (市卫生健康委) with 人社局 and 总工会."""
    return services.document_create(
        actor=clerk.membership,
        kind="方案",
        title="关于开展职业病危害专项治理的工作方案",
        paragraphs=PLAN_BODY,
        parties=services.Parties(
            co_issuing_unit_ids=[hrss.pk, union.pk], main_to_names=["各县区人民政府"]
        ),
        attachments=["专项治理工作任务分工表"],
        note="（此件公开发布）",
    )


def new_document(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "通知",
        "title": "关于报送职业病防治工作进展情况的通知",
        "body": "各成员单位：\n\n请于每季度末报送工作进展，\n并抄送联席会议办公室。\n\n特此通知。",
        "co_issuing_unit_ids": [],
    }
    body.update(changes)
    return body


# --- drafting -------------------------------------------------------------------------------------


def test_a_member_unit_drafts_a_joint_document_三_二_四_五(
    api_as: Api, other_liaison: Any, union: Unit, health: Unit
) -> None:
    """三(二): a member unit drafts through its liaison; the body is plain text, paragraphs
    separated by blank lines (the lines of one paragraph joined); 四(五): the co-issuing units
    follow the drafting unit in seal order."""
    client = api_as(other_liaison)
    response = post(
        client,
        DOCUMENTS,
        new_document(
            kind="方案",
            co_issuing_unit_ids=[union.pk],
            main_to_unit_ids=[health.pk],
            copy_to_names=["省卫生健康委"],
            attachments=["任务分工表"],
            urgency="加急",
            sign_order="依次会签",
        ),
    )
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert body["version"] == 1 and body["status"] == "draft"
    assert body["kind"] == "plan" and body["kind_display"] == "方案"
    assert body["title"] == "关于报送职业病防治工作进展情况的通知"
    assert body["paragraphs"] == [
        "各成员单位：",
        "请于每季度末报送工作进展，并抄送联席会议办公室。",
        "特此通知。",
    ]
    assert (
        body["body"]
        == "各成员单位：\n\n请于每季度末报送工作进展，并抄送联席会议办公室。\n\n特此通知。"
    )
    assert [(i["unit"]["name"], i["order"]) for i in body["issuers"]] == [
        ("市人力资源和社会保障局", 1),
        ("市总工会", 2),
    ]
    assert body["main_to"] == ["市卫生健康委"] and body["copy_to"] == ["省卫生健康委"]
    assert body["urgency"] == "urgent" and body["sign_order"] == "sequential"
    assert body["saved_by"] == "张联络"
    document = OfficialDocument.objects.get(pk=body["id"])
    assert document.drafting_unit.name == "市人力资源和社会保障局"
    # The union (a co-issuer) reads it; the answer is the same document.
    assert body["url"].endswith(f"/api/v1/documents/{document.pk}")


def test_the_drafting_unit_alone_may_be_the_only_issuer(api_as: Api, clerk: Any) -> None:
    """三(二): co_issuing_unit_ids may be empty: the drafting unit issues alone."""
    response = post(api_as(clerk), DOCUMENTS, new_document())
    assert response.status_code == 201, response.content.decode()
    assert [i["unit"]["name"] for i in response.json()["issuers"]] == ["市卫生健康委"]


def test_a_document_in_the_joint_meetings_name_is_drafted_by_the_secretariat_四_六(
    api_as: Api, clerk: Any, other_liaison: Any
) -> None:
    """四(六): the joint meeting's own documents are drafted by the secretariat and sealed by the
    health commission on its behalf (代章); a member unit asking for it is refused (400)."""
    before = written()
    refused = post(api_as(other_liaison), DOCUMENTS, new_document(in_mechanism_name=True))
    assert refused.status_code == 400
    assert "四(六)" in refused.json()["detail"]
    assert written() == before
    response = post(api_as(clerk), DOCUMENTS, new_document(in_mechanism_name=True))
    assert response.status_code == 201
    assert response.json()["in_mechanism_name"] is True
    document = OfficialDocument.objects.get(pk=response.json()["id"])
    assert document.sealed_by is not None and document.sealed_by.name == "市卫生健康委"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"title": "关于报送\n进展的通知"},
            [("title", "应为一行文字，不能换行，请删除其中的换行。")],
        ),
        (
            {"kind": "公告"},
            [("kind", "应为通知、意见、方案、技术规范、指导意见、请示、报告、函、通报之一。")],
        ),
        ({"urgency": "急"}, [("urgency", "应为加急、特急、不填之一。")]),
        ({"co_issuing_unit_ids": [0]}, [("0", "Input should be greater than or equal to 1")]),
    ],
    ids=["two-line title", "unknown kind", "unknown urgency", "unit id 0"],
)
def test_a_value_that_does_not_fit_is_a_422_naming_the_field(
    api_as: Api, clerk: Any, changes: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    """Issue 17's input policy: refused before the service, the field named, nothing written."""
    before = written()
    response = post(api_as(clerk), DOCUMENTS, new_document(**changes))
    assert response.status_code == 422
    assert response.json()["detail"] == "请求参数有误。"
    assert errors(response) == expected
    assert written() == before


def test_a_missing_field_is_a_422_and_a_blank_body_a_400(api_as: Api, clerk: Any) -> None:
    client = api_as(clerk)
    before = written()
    missing = post(client, DOCUMENTS, {"kind": "通知", "title": "通知", "body": "正文"})
    assert missing.status_code == 422
    assert [loc for loc, _ in errors(missing)] == ["co_issuing_unit_ids"]
    blank = post(client, DOCUMENTS, new_document(body="\n\n\u3000\n"))
    assert blank.status_code == 400
    assert blank.json() == {"detail": "请填写正文。", "field": "body"}
    assert written() == before


def test_a_co_issuer_of_another_joint_meeting_is_refused(
    api_as: Api, clerk: Any, second_clerk: Any
) -> None:
    """四(五): co-issuing units are units of the same joint meeting."""
    other = Unit.objects.get(mechanism=second_clerk.membership.unit.mechanism, name="市总工会")
    before = written()
    response = post(api_as(clerk), DOCUMENTS, new_document(co_issuing_unit_ids=[other.pk]))
    assert response.status_code == 400
    assert "不属于本联席会议" in response.json()["detail"]
    assert written() == before


def test_who_may_draft(api_as: Api, gov_reader: Any, auditor: Any, client: Client) -> None:
    """三(二): member units draft; the city government office (a reader) and the auditor do not
    (403); without a token, 401."""
    before = written()
    assert post(api_as(gov_reader), DOCUMENTS, new_document()).status_code == 403
    assert post(api_as(auditor), DOCUMENTS, new_document()).status_code == 403
    assert post(client, DOCUMENTS, new_document()).status_code == 401
    assert written() == before


# --- reading --------------------------------------------------------------------------------------


def test_who_sees_a_draft_三_二(
    api_as: Api,
    plan: OfficialDocument,
    clerk: Any,
    health_liaison: Any,
    union_liaison: Any,
    safety_liaison: Any,
    gov_reader: Any,
    second_clerk: Any,
    client: Client,
) -> None:
    """三(二): the drafting unit and the co-issuing units read the draft; another unit, the
    government office (before it is issued) and another joint meeting get 404; no token 401."""
    url = f"{DOCUMENTS}/{plan.pk}"
    for reader in (clerk, health_liaison, union_liaison):
        response = api_as(reader).get(url)
        assert response.status_code == 200, reader
        assert response.json()["title"] == "关于开展职业病危害专项治理的工作方案"
        assert response.json()["attachments"] == ["专项治理工作任务分工表"]
    for stranger in (safety_liaison, gov_reader, second_clerk):
        response = api_as(stranger).get(url)
        assert response.status_code == 404, stranger
        assert response.json() == {"detail": NOT_FOUND}
    assert api_as(clerk).get(f"{DOCUMENTS}/999999").json() == {"detail": NOT_FOUND}
    assert client.get(url).status_code == 401


def test_the_list_shows_only_visible_documents_三_二(
    api_as: Api,
    plan: OfficialDocument,
    clerk: Any,
    union_liaison: Any,
    safety_liaison: Any,
    second_clerk: Any,
    client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    own = post(api_as(safety_liaison), DOCUMENTS, new_document(title="应急管理局的通知"))
    assert own.status_code == 201
    for n in range(5):
        post(api_as(clerk), DOCUMENTS, new_document(title=f"第{n}个通知"))
    clerk_client = api_as(clerk)
    with django_assert_max_num_queries(12):
        listed = clerk_client.get(DOCUMENTS)
    assert listed.status_code == 200
    assert listed.json()["count"] == 7  # the secretariat sees every document (四(六))
    assert [d["title"] for d in api_as(union_liaison).get(DOCUMENTS).json()["items"]] == [
        "关于开展职业病危害专项治理的工作方案"
    ]
    assert [d["title"] for d in api_as(safety_liaison).get(DOCUMENTS).json()["items"]] == [
        "应急管理局的通知"
    ]
    assert api_as(second_clerk).get(DOCUMENTS).json()["count"] == 0
    drafts = clerk_client.get(DOCUMENTS, {"status": "issued"}).json()
    assert drafts["count"] == 0
    assert clerk_client.get(DOCUMENTS, {"page_size": 2}).json()["pages"] == 4
    assert client.get(DOCUMENTS).status_code == 401


def test_a_token_without_the_documents_scope_is_refused(clerk: Any, plan: OfficialDocument) -> None:
    """8.1.4.2 访问控制: the router's module is its scope; a token given other apps is 403."""
    _, token = api_token_create(user=clerk, name="测试", scopes=["meetings"])
    client = bearer(token)
    before = written()
    for response in (
        client.get(DOCUMENTS),
        client.get(f"{DOCUMENTS}/{plan.pk}"),
        post(client, DOCUMENTS, new_document()),
        patch(client, f"{DOCUMENTS}/{plan.pk}", {"based_on": 1, "title": "新标题"}),
    ):
        assert response.status_code == 403
        assert "“documents”" in response.json()["detail"]
    assert written() == before
    _, token = api_token_create(user=clerk, name="测试", scopes=["documents"])
    assert bearer(token).get(f"{DOCUMENTS}/{plan.pk}").status_code == 200


# --- saving ---------------------------------------------------------------------------------------


def test_a_save_is_a_new_version_and_only_what_is_sent_changes_三_二(
    api_as: Api, plan: OfficialDocument, health_liaison: Any, clerk: Any
) -> None:
    """三(二): every save is a version; the title sent alone keeps the body and attachments."""
    response = patch(
        api_as(health_liaison),
        f"{DOCUMENTS}/{plan.pk}",
        {"based_on": 1, "title": "关于开展职业病危害专项治理的实施方案", "summary": "改标题"},
    )
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    assert body["version"] == 2
    assert body["title"] == "关于开展职业病危害专项治理的实施方案"
    assert body["paragraphs"] == PLAN_BODY
    assert body["attachments"] == ["专项治理工作任务分工表"]
    assert [(v["number"], v["summary"]) for v in body["versions"]] == [(1, "初稿"), (2, "改标题")]
    first = api_as(clerk).get(f"{DOCUMENTS}/{plan.pk}/versions/1").json()
    assert first["title"] == "关于开展职业病危害专项治理的工作方案"
    assert first["body"] == "\n\n".join(PLAN_BODY)
    assert api_as(clerk).get(f"{DOCUMENTS}/{plan.pk}/versions/3").status_code == 404


def test_a_stale_save_is_a_409_with_the_current_text_and_nothing_written_三_二(
    api_as: Api, plan: OfficialDocument, health_liaison: Any, clerk: Any
) -> None:
    """三(二): two people of the drafting unit edit version 1; the second save is refused with
    the text the first saved (to merge into), and nothing of it is written."""
    url = f"{DOCUMENTS}/{plan.pk}"
    first = patch(api_as(clerk), url, {"based_on": 1, "body": "第一段。\n\n第二段。"})
    assert first.status_code == 200
    before = written()
    stale = patch(api_as(health_liaison), url, {"based_on": 1, "title": "另一个标题"})
    assert stale.status_code == 409, stale.content.decode()
    body = stale.json()
    assert "王秘书" in body["detail"] and "第 2 稿" in body["detail"]
    current = body["current"]
    assert current["version"] == 2
    assert current["title"] == "关于开展职业病危害专项治理的工作方案"
    assert current["body"] == "第一段。\n\n第二段。"
    assert current["saved_by"] == "王秘书" and current["saved_unit"]["name"] == "市卫生健康委"
    assert written() == before
    plan.refresh_from_db()
    assert plan.version == 2 and plan.title == "关于开展职业病危害专项治理的工作方案"
    # Merged and saved on version 2, it goes through.
    merged = patch(api_as(health_liaison), url, {"based_on": 2, "title": "另一个标题"})
    assert merged.status_code == 200 and merged.json()["version"] == 3


def test_only_the_drafting_unit_saves(
    api_as: Api,
    plan: OfficialDocument,
    union_liaison: Any,
    safety_liaison: Any,
    second_clerk: Any,
    client: Client,
) -> None:
    """三(二): a co-issuing unit reads the draft but does not edit it (403); another unit and
    another joint meeting do not see it (404); no token 401. Nothing written."""
    url = f"{DOCUMENTS}/{plan.pk}"
    change = {"based_on": 1, "title": "改过的标题"}
    before = written()
    assert patch(api_as(union_liaison), url, change).status_code == 403
    assert patch(api_as(safety_liaison), url, change).json() == {"detail": NOT_FOUND}
    assert patch(api_as(second_clerk), url, change).status_code == 404
    assert patch(client, url, change).status_code == 401
    assert written() == before


def test_a_bad_save_is_refused_naming_the_field(
    api_as: Api, plan: OfficialDocument, clerk: Any
) -> None:
    url = f"{DOCUMENTS}/{plan.pk}"
    before = written()
    response = patch(api_as(clerk), url, {"based_on": 0, "note": "附注\n两行"})
    assert response.status_code == 422
    assert sorted(loc for loc, _ in errors(response)) == ["based_on", "note"]
    same = patch(api_as(clerk), url, {"based_on": 1})
    assert same.status_code == 400 and same.json()["detail"] == "内容与当前稿相同，无需保存。"
    assert written() == before
