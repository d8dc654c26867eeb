"""Action items, progress, reviews and extensions through the API (四(二), 督办).

The pages' access: the secretariat and the government office see every item, a unit the items
it leads or supports; an item the caller may not see is 403 (existence not revealed); drafts
only for their own unit; no token is 401; the rules' refusals are 400 with a Chinese `detail`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from lianxi.organization.models import Unit
from lianxi.supervision import services
from lianxi.supervision.models import ActionItem, ExtensionRequest, ProgressReport, Review
from lianxi.supervision.tests.fixtures import bulk_items

pytestmark = pytest.mark.django_db

Api = Callable[[Any], Client]
TODAY = timezone.localdate()
LIST = "/api/v1/action-items"


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data if data is not None else {}, content_type="application/json")


@pytest.fixture
def finance(unit_named: Callable[[str], Unit]) -> Unit:
    return unit_named("市财政局")


# --- GET /action-items --------------------------------------------------------------------------


def titles(response: Any) -> set[str]:
    assert response.status_code == 200, response.content.decode()
    return {i["title"] for i in response.json()["items"]}


def test_the_ledger_shows_each_caller_what_it_may_see_四_二(
    make_item: Callable[..., ActionItem],
    item: ActionItem,
    hrss: Unit,
    finance: Unit,
    clerk: Any,
    gov_reader: Any,
    health_liaison: Any,
    other_liaison: Any,
    finance_liaison: Any,
    api_as: Api,
) -> None:
    """四(二): the secretariat and the government office follow every item; a unit sees what it
    leads or supports."""
    make_item("人社局牵头的事项", lead=hrss)
    make_item("财政局牵头的事项", lead=finance)
    everything = {item.title, "人社局牵头的事项", "财政局牵头的事项"}
    assert titles(api_as(clerk).get(LIST)) == everything
    assert titles(api_as(gov_reader).get(LIST)) == everything
    assert titles(api_as(health_liaison).get(LIST)) == {item.title}
    assert titles(api_as(other_liaison).get(LIST)) == {item.title, "人社局牵头的事项"}
    assert titles(api_as(finance_liaison).get(LIST)) == {"财政局牵头的事项"}
    body = api_as(health_liaison).get(LIST).json()
    assert body["count"] == 1 and body["page"] == 1 and body["pages"] == 1
    [row] = body["items"]
    assert row["lead_unit"]["name"] == "市卫生健康委"
    assert [u["name"] for u in row["supporting_units"]] == ["市人力资源和社会保障局", "市总工会"]
    assert row["light"] == "green" and row["light_display"] == "绿灯"
    assert row["source"] == "government" and row["source_display"] == "市政府交办"
    assert row["url"].endswith(f"/api/v1/action-items/{item.pk}")
    assert row["page_url"].endswith(f"/supervision/{item.pk}/")


def test_the_ledger_refuses_other_roles_and_needs_a_token(
    item: ActionItem, outsider: Any, auditor: Any, security_admin: Any, api_as: Api
) -> None:
    for user in (outsider, auditor, security_admin):
        assert api_as(user).get(LIST).status_code == 403
    response = Client().get(LIST)
    assert response.status_code == 401
    assert "访问令牌" in response.json()["detail"]


def test_the_ledger_page_its_export_and_the_api_admit_the_same_roles(
    item: ActionItem, clerk: Any, gov_reader: Any, health_liaison: Any, health_member: Any,
    observer_user: Any, auditor: Any, security_admin: Any, outsider: Any, login: Any,
    api_as: Api,
) -> None:  # fmt: skip
    """One rule (supervision.access.require_ledger) for the ledger on the page, in its .xlsx
    export and through the API."""
    admitted = (clerk, gov_reader, health_liaison, health_member)
    for user in (*admitted, observer_user, auditor, security_admin, outsider):
        expected = 200 if user in admitted else 403
        client = login(user)
        assert client.get("/supervision/").status_code == expected, user.username
        assert client.get("/supervision/export.xlsx").status_code == expected, user.username
        assert api_as(user).get(LIST).status_code == expected, user.username


def test_the_ledger_filters_by_unit_source_status_and_light_四_二(
    make_item: Callable[..., ActionItem],
    item: ActionItem,
    hrss: Unit,
    finance: Unit,
    clerk: Any,
    api_as: Api,
) -> None:
    """四(二): lights counted in working days — red once the deadline has passed, yellow within
    3 working days of it."""
    late = make_item(
        "逾期事项",
        lead=finance,
        deadline=TODAY - timedelta(days=3),
        today=TODAY - timedelta(days=30),
    )
    make_item("临期事项", lead=finance, deadline=TODAY, source=ActionItem.Source.LETTER)
    done = make_item("已办结事项", lead=hrss, source=ActionItem.Source.ANNUAL_PLAN)
    services.action_item_close(item=done, actor=clerk)
    client = api_as(clerk)
    assert titles(client.get(f"{LIST}?light=red")) == {late.title}
    assert titles(client.get(f"{LIST}?light=yellow")) == {"临期事项"}
    assert titles(client.get(f"{LIST}?light=done")) == {"已办结事项"}
    assert titles(client.get(f"{LIST}?light=green")) == {item.title}
    assert titles(client.get(f"{LIST}?unit={hrss.pk}")) == {item.title, "已办结事项"}
    assert titles(client.get(f"{LIST}?source=letter")) == {"临期事项"}
    assert titles(client.get(f"{LIST}?status=closed")) == {"已办结事项"}
    assert titles(client.get(f"{LIST}?unit={finance.pk}&light=red")) == {late.title}
    body = client.get(f"{LIST}?light=red").json()
    assert body["light_counts"] == {"red": 1, "yellow": 1, "green": 1, "done": 1}
    assert body["items"][0]["light"] == "red"


def test_the_ledger_pages(make_item: Callable[..., ActionItem], clerk: Any, api_as: Api) -> None:
    for n in range(5):
        make_item(f"事项{n}", deadline=TODAY + timedelta(days=30 + n))
    client = api_as(clerk)
    body = client.get(f"{LIST}?page_size=2&page=3").json()
    assert (body["count"], body["pages"], body["page"], body["page_size"]) == (5, 3, 3, 2)
    assert [i["title"] for i in body["items"]] == ["事项4"]  # by deadline
    assert client.get(f"{LIST}?page_size=2&page=99").json()["page"] == 3


@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ("light=purple", 422, "请求参数有误。"),
        ("status=lost", 422, "请求参数有误。"),
        ("source=rumour", 422, "请求参数有误。"),
        ("page_size=1000", 422, "请求参数有误。"),
        ("page=0", 422, "请求参数有误。"),
        ("unit=abc", 422, "请求参数有误。"),
        ("unit=999999", 400, "所筛选的单位不存在。"),
    ],
)
def test_bad_ledger_filters_are_refused_in_chinese(
    item: ActionItem, clerk: Any, api_as: Api, query: str, status: int, detail: str
) -> None:
    response = api_as(clerk).get(f"{LIST}?{query}")
    assert response.status_code == status
    assert response.json()["detail"] == detail


def test_the_ledger_query_count_does_not_grow_with_items(
    mechanism: Any,
    health: Unit,
    hrss: Unit,
    union: Unit,
    clerk: Any,
    health_liaison: Any,
    api_as: Api,
    django_assert_max_num_queries: Any,
) -> None:
    bulk_items(mechanism, [health, hrss, union], 3)
    clients = [api_as(clerk), api_as(health_liaison)]
    for client in clients:  # first call writes the token's last_used_at
        client.get(LIST)
    # token, its owner's lockout, the working-day calendar (2), light counts, page count, rows,
    # supporting units
    baseline = []
    for client in clients:
        with django_assert_max_num_queries(8) as few:
            assert client.get(LIST).status_code == 200
        baseline.append(len(few.captured_queries))
    ActionItem.objects.all().delete()
    bulk_items(mechanism, [health, hrss, union], 300)
    for client, queries in zip(clients, baseline, strict=True):
        with django_assert_max_num_queries(8) as many:
            response = client.get(f"{LIST}?page_size=200")
        assert len(response.json()["items"]) == 200
        assert len(many.captured_queries) == queries


# --- GET /action-items/{id} ---------------------------------------------------------------------


def test_detail_for_the_lead_and_supporting_units_and_the_secretariat(
    item: ActionItem,
    clerk: Any,
    gov_reader: Any,
    health_liaison: Any,
    other_liaison: Any,
    finance_liaison: Any,
    outsider: Any,
    api_as: Api,
) -> None:
    """四(二): the lead and supporting units, the secretariat and the government office see an
    item; only the lead and supporting units may report on it."""
    url = f"{LIST}/{item.pk}"
    body = api_as(health_liaison).get(url).json()
    assert body["title"] == item.title and body["description"] == ""
    assert body["is_lead"] is True and body["can_report"] is True
    assert body["light"] == "green" and body["stale"] is False
    assert body["deadline"] == item.deadline.isoformat()
    supporting = api_as(other_liaison).get(url).json()
    assert supporting["is_lead"] is False and supporting["can_report"] is True
    for user in (clerk, gov_reader):
        assert api_as(user).get(url).json()["can_report"] is False
    refused = api_as(finance_liaison).get(url)
    assert refused.status_code == 404
    assert refused.json()["detail"] == "督办事项不存在或您无权查看。"
    assert api_as(finance_liaison).get(f"{LIST}/999999").json() == refused.json()  # not revealed
    assert api_as(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 401


def test_a_unit_cannot_see_another_units_unsent_feedback_四_二(
    item: ActionItem,
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
    union_liaison: Any,
    api_as: Api,
) -> None:
    """四(二): a draft is seen only by its own unit; a supporting unit's report goes to the lead
    unit and the secretariat, not to the other supporting units."""
    services.progress_report_create(item=item, actor=health_liaison, text="牵头单位的草稿")
    services.progress_report_create(item=item, actor=other_liaison, text="人社局的草稿")
    services.progress_report_create(
        item=item, actor=other_liaison, text="人社局已报送的进展", submit=True
    )

    def reports(user: Any) -> set[str]:
        return {r["text"] for r in api_as(user).get(f"{LIST}/{item.pk}").json()["reports"]}

    assert reports(health_liaison) == {"牵头单位的草稿", "人社局已报送的进展"}
    assert reports(other_liaison) == {"人社局的草稿", "人社局已报送的进展"}
    assert reports(union_liaison) == set()
    assert reports(clerk) == {"人社局已报送的进展"}


# --- POST /action-items -------------------------------------------------------------------------


def item_body(lead: Unit, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "落实工伤保险扩面",
        "description": "市政府督查通知要求",
        "source": "government",
        "source_label": "信政督〔2026〕3号",
        "lead_unit_id": lead.pk,
        "deadline_workdays": 20,
    }
    body.update(extra)
    return body


def test_the_secretariat_creates_an_item_not_from_a_meeting_四_二(
    clerk: Any, hrss: Unit, union: Unit, api_as: Api
) -> None:
    """四(二): an item has a lead unit, supporting units, a deadline and a feedback period."""
    body = item_body(hrss, supporting_unit_ids=[union.pk], feedback_every_workdays=10)
    response = post(api_as(clerk), LIST, body)
    assert response.status_code == 201, response.content.decode()
    created = response.json()
    assert created["lead_unit"]["name"] == "市人力资源和社会保障局"
    assert [u["name"] for u in created["supporting_units"]] == ["市总工会"]
    assert created["feedback_every_workdays"] == 10
    assert date.fromisoformat(created["deadline"]) > TODAY
    assert created["source_label"] == "信政督〔2026〕3号"
    assert ActionItem.objects.get().created_by == clerk


def test_only_the_secretariat_creates_items(
    health_liaison: Any, gov_reader: Any, hrss: Unit, login: Any, clerk: Any, api_as: Api
) -> None:
    """四(二) 督促督办: the secretariat assigns an item; a unit or the government office may not."""
    for user in (health_liaison, gov_reader):
        response = post(api_as(user), LIST, item_body(hrss))
        assert response.status_code == 403
        assert response.json()["detail"] == "只有联席会议办公室可以进行此项操作。"
    assert post(Client(), LIST, item_body(hrss)).status_code == 401
    assert post(login(clerk), LIST, item_body(hrss)).status_code == 401  # writes need a token
    assert not ActionItem.objects.exists()


@pytest.mark.parametrize(
    ("extra", "status", "detail"),
    [
        (
            {"source": "meeting"},
            400,
            "会议议定事项在会议纪要印发时自动转为督办事项，不能在此创建。",
        ),
        ({"source": "rumour"}, 400, "请选择督办事项的来源。"),
        ({"title": "  "}, 400, "请填写督办事项。"),
        ({"deadline_workdays": None}, 400, "请填写办结时限：具体日期或工作日数，二者选一。"),
        (
            {"deadline_workdays": None, "deadline": "2020-01-01"},
            400,
            "办结时限不能早于今天。",
        ),
        ({"lead_unit_id": 999999}, 400, "牵头单位不存在或不能承办督办事项：999999。"),
        ({"supporting_unit_ids": [999999]}, 400, "配合单位不存在或不能承办督办事项：999999。"),
        ({"feedback_every_workdays": 0}, 400, "反馈周期应在 1 到 250 个工作日之间。"),
        ({"deadline": "明年"}, 422, "请求参数有误。"),
        ({"lead_unit_id": None}, 422, "请求参数有误。"),
    ],
    ids=[
        "meeting-source",
        "bad-source",
        "blank-title",
        "no-deadline",
        "past-deadline",
        "unknown-lead",
        "unknown-supporting",
        "feedback-zero",
        "bad-date",
        "no-lead",
    ],
)
def test_bad_input_to_create_is_refused_in_chinese_and_nothing_is_written(
    clerk: Any, hrss: Unit, api_as: Api, extra: dict[str, Any], status: int, detail: str
) -> None:
    response = post(api_as(clerk), LIST, item_body(hrss, **extra))
    assert response.status_code == status, response.content.decode()
    assert response.json()["detail"] == detail
    assert not ActionItem.objects.exists()


# --- POST /action-items/{id}/progress -------------------------------------------------------------


def test_the_lead_unit_drafts_then_sends_progress_四_二(
    item: ActionItem, health_liaison: Any, health_member: Any, clerk: Any, api_as: Api
) -> None:
    """四(二): the lead unit reports progress to the secretariat; a draft stays in the unit
    (the liaison drafts, the member sends)."""
    url = f"{LIST}/{item.pk}/progress"
    response = post(api_as(health_liaison), url, {"text": "已完成摸底排查"})
    assert response.status_code == 201, response.content.decode()
    draft = response.json()
    assert draft["status"] == "draft" and draft["submitted_at"] is None
    assert draft["unit"]["name"] == "市卫生健康委" and draft["author"] == "李联络"
    assert api_as(clerk).get(f"{LIST}/{item.pk}").json()["reports"] == []
    sent = post(api_as(health_member), f"{url}/{draft['id']}/submit", {"text": "已完成摸底排查。"})
    assert sent.status_code == 200
    assert sent.json()["status"] == "submitted" and sent.json()["text"] == "已完成摸底排查。"
    [seen] = api_as(clerk).get(f"{LIST}/{item.pk}").json()["reports"]
    assert seen["id"] == draft["id"]
    again = post(api_as(health_member), f"{url}/{draft['id']}/submit")
    assert again.status_code == 400 and again.json()["detail"] == "该进展反馈已经报送。"
    item.refresh_from_db()
    assert item.last_progress_at is not None


def test_the_lead_unit_reports_and_asks_for_closure_四_二(
    item: ActionItem, health_liaison: Any, other_liaison: Any, api_as: Api
) -> None:
    body = {"text": "已全部完成", "requests_closure": True, "submit": True}
    response = post(api_as(health_liaison), f"{LIST}/{item.pk}/progress", body)
    assert response.status_code == 201
    assert response.json()["requests_closure"] is True
    item.refresh_from_db()
    assert item.status == ActionItem.Status.CLOSURE_REQUESTED
    refused = post(api_as(other_liaison), f"{LIST}/{item.pk}/progress", body)
    assert refused.status_code == 400
    assert refused.json()["detail"] == "只有牵头单位可以申请办结。"


def test_who_may_report_progress(
    item: ActionItem,
    other_liaison: Any,
    finance_liaison: Any,
    clerk: Any,
    gov_reader: Any,
    health_liaison: Any,
    api_as: Api,
) -> None:
    """四(二): the lead and supporting units report progress; another unit, the secretariat and
    the government office do not."""
    url = f"{LIST}/{item.pk}/progress"
    body = {"text": "进展", "submit": True}
    assert post(api_as(other_liaison), url, body).status_code == 201  # a supporting unit
    assert post(api_as(finance_liaison), url, body).status_code == 404  # another unit's item
    assert post(api_as(clerk), url, body).status_code == 403
    assert post(api_as(gov_reader), url, body).status_code == 403
    assert post(Client(), url, body).status_code == 401
    blank = post(api_as(health_liaison), url, {"text": "  "})
    assert blank.status_code == 400
    assert blank.json() == {"detail": "请填写进展情况。", "field": "text"}
    assert post(api_as(health_liaison), url, {}).status_code == 422
    assert ProgressReport.objects.count() == 1


def test_a_unit_cannot_send_another_units_draft(
    item: ActionItem, health_liaison: Any, other_liaison: Any, api_as: Api
) -> None:
    """四(二): a unit sends only its own progress report; another unit's draft, like one that
    does not exist, is not there for it (404)."""
    draft = services.progress_report_create(item=item, actor=health_liaison, text="草稿")
    response = post(api_as(other_liaison), f"{LIST}/{item.pk}/progress/{draft.pk}/submit")
    assert response.status_code == 404
    assert response.json()["detail"] == "进展反馈不存在或您无权查看。"
    missing = post(api_as(other_liaison), f"{LIST}/{item.pk}/progress/999999/submit")
    assert missing.status_code == 404 and missing.json() == response.json()
    draft.refresh_from_db()
    assert draft.status == ProgressReport.Status.DRAFT


def test_an_attachment_downloads_for_those_who_see_the_report(
    item: ActionItem, health_liaison: Any, clerk: Any, finance_liaison: Any, api_as: Api
) -> None:
    services.progress_report_create(
        item=item,
        actor=health_liaison,
        text="附排查清单",
        attachment=SimpleUploadedFile("清单.txt", "清单内容".encode()),
        submit=True,
    )
    [report] = api_as(clerk).get(f"{LIST}/{item.pk}").json()["reports"]
    url = report["attachment_url"]
    assert url.endswith(f"/api/v1/action-items/{item.pk}/reports/{report['id']}/attachment")
    download = api_as(clerk).get(url)
    assert download.status_code == 200 and download.content == "清单内容".encode()
    assert api_as(finance_liaison).get(url).status_code == 404
    assert Client().get(url).status_code == 401


# --- POST /action-items/{id}/review -------------------------------------------------------------


def test_the_secretariat_closes_an_item_四_二(
    item: ActionItem, clerk: Any, health_liaison: Any, api_as: Api
) -> None:
    """四(二): 办结销号 by the secretariat, on time when closed by the deadline."""
    url = f"{LIST}/{item.pk}/review"
    assert post(api_as(health_liaison), url, {"decision": "close"}).status_code == 403
    assert post(Client(), url, {"decision": "close"}).status_code == 401
    response = post(api_as(clerk), url, {"decision": "close", "reason": "材料齐全"})
    assert response.status_code == 200, response.content.decode()
    assert response.json()["decision"] == "close" and response.json()["reviewer"] == "王秘书"
    item.refresh_from_db()
    assert item.status == ActionItem.Status.CLOSED and item.closed_on_time is True
    detail = api_as(health_liaison).get(f"{LIST}/{item.pk}").json()
    assert detail["light"] == "done" and detail["can_report"] is False
    assert [r["reason"] for r in detail["reviews"]] == ["材料齐全"]
    again = post(api_as(clerk), url, {"decision": "close"})
    assert again.status_code == 400 and again.json()["detail"] == "该事项已办结销号。"


def test_the_secretariat_returns_an_item_with_reasons_四_二(
    item: ActionItem, clerk: Any, health_liaison: Any, api_as: Api
) -> None:
    """四(二): 退回 needs reasons; the item waits for the lead unit's new report (已退回待补报)."""
    services.progress_report_create(
        item=item, actor=health_liaison, text="已完成", requests_closure=True, submit=True
    )
    url = f"{LIST}/{item.pk}/review"
    refused = post(api_as(clerk), url, {"decision": "return"})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "退回时请写明理由。"
    response = post(api_as(clerk), url, {"decision": "return", "reason": "缺少佐证材料"})
    assert response.status_code == 200
    assert response.json()["decision"] == "return" and response.json()["report_id"] is not None
    item.refresh_from_db()
    assert item.status == ActionItem.Status.RETURNED
    bad = post(api_as(clerk), url, {"decision": "approve"})
    assert bad.status_code == 422 and bad.json()["detail"] == "请求参数有误。"
    assert Review.objects.count() == 1


# --- POST /action-items/{id}/extension ------------------------------------------------------------


def test_the_lead_unit_asks_for_an_extension_before_the_deadline_四_二(
    item: ActionItem, clerk: Any, health_liaison: Any, other_liaison: Any, api_as: Api
) -> None:
    """四(二): 延期申请 by the lead unit before the deadline, with a reason and a new date; the
    secretariat grants it and the deadline moves, the original one kept."""
    url = f"{LIST}/{item.pk}/extension"
    new_date = item.deadline + timedelta(days=30)
    body = {"new_deadline": new_date.isoformat(), "reason": "涉及企业较多"}
    supporting = post(api_as(other_liaison), url, body)
    assert supporting.status_code == 400
    assert supporting.json()["detail"] == "只有牵头单位可以申请延期。"
    response = post(api_as(health_liaison), url, body)
    assert response.status_code == 201, response.content.decode()
    extension = response.json()
    assert (
        extension["status"] == "pending" and extension["old_deadline"] == item.deadline.isoformat()
    )
    twice = post(api_as(health_liaison), url, body)
    assert twice.status_code == 400
    assert twice.json()["detail"] == "该事项已有一项延期申请在等待审核。"
    decide = f"{LIST}/{item.pk}/extensions/{extension['id']}/decide"
    assert post(api_as(health_liaison), decide, {"grant": True}).status_code == 403
    granted = post(api_as(clerk), decide, {"grant": True, "note": "同意"})
    assert granted.status_code == 200 and granted.json()["status"] == "granted"
    detail = api_as(health_liaison).get(f"{LIST}/{item.pk}").json()
    assert detail["deadline"] == new_date.isoformat()
    assert detail["original_deadline"] == item.deadline.isoformat()
    assert [e["status"] for e in detail["extensions"]] == ["granted"]


def test_an_extension_after_the_deadline_is_refused_in_chinese_四_二(
    make_item: Callable[..., ActionItem], health_liaison: Any, api_as: Api
) -> None:
    """四(二): an extension must be asked before the deadline; after it → 400."""
    late = make_item(deadline=TODAY - timedelta(days=1), today=TODAY - timedelta(days=20))
    body = {"new_deadline": (TODAY + timedelta(days=30)).isoformat(), "reason": "来不及"}
    response = post(api_as(health_liaison), f"{LIST}/{late.pk}/extension", body)
    assert response.status_code == 400
    assert "已过，不能再申请延期" in response.json()["detail"]
    assert not ExtensionRequest.objects.exists()


def test_who_may_ask_for_an_extension_and_bad_input(
    item: ActionItem, finance_liaison: Any, clerk: Any, health_liaison: Any, api_as: Api
) -> None:
    """四(二) 延期申请: only the lead unit asks, with a reason and a date after the deadline."""
    url = f"{LIST}/{item.pk}/extension"
    body = {"new_deadline": (item.deadline + timedelta(days=5)).isoformat(), "reason": "理由"}
    assert post(api_as(finance_liaison), url, body).status_code == 404  # sees no such item
    assert post(api_as(clerk), url, body).status_code == 403
    assert post(Client(), url, body).status_code == 401
    earlier = {"new_deadline": item.deadline.isoformat(), "reason": "理由"}
    response = post(api_as(health_liaison), url, earlier)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("申请延至的日期应晚于现在的办结时限")
    blank = post(api_as(health_liaison), url, {**body, "reason": " "})
    assert blank.status_code == 400 and blank.json()["detail"] == "请写明延期理由。"
    bad = post(api_as(health_liaison), url, {"new_deadline": "下个月", "reason": "理由"})
    assert bad.status_code == 422 and bad.json()["detail"] == "请求参数有误。"
    assert not ExtensionRequest.objects.exists()


# --- OpenAPI ------------------------------------------------------------------------------------


def test_openapi_lists_the_supervision_paths(db: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path, method in (
        ("/api/v1/action-items", "get"),
        ("/api/v1/action-items", "post"),
        ("/api/v1/action-items/{item_id}", "get"),
        ("/api/v1/action-items/{item_id}/progress", "post"),
        ("/api/v1/action-items/{item_id}/review", "post"),
        ("/api/v1/action-items/{item_id}/extension", "post"),
    ):
        assert method in paths[path], (path, method)
    params = {p["name"] for p in paths["/api/v1/action-items"]["get"]["parameters"]}
    assert params >= {"unit", "source", "status", "light", "page", "page_size"}
