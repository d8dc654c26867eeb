"""Writing the minutes through the API (三(一)1, 三(一)2, 四(二)), with the pages' access.

The convener writes: the secretariat, or for a topical meeting the chair unit's people
(lianxi.meetings.access.can_convene). As on the pages, a draft the caller may not see is 404,
an action reserved to the convener on something the caller may see is 403, no token is 401,
and the rules' refusals are 400 with a Chinese `detail`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client

from lianxi.core.models import AuditEvent
from lianxi.meetings import services
from lianxi.meetings.models import Meeting, Minutes, MinutesReceipt, Resolution
from lianxi.meetings.tests.fixtures import hold, soon
from lianxi.organization.models import Membership, Unit
from lianxi.supervision.models import ActionItem

pytestmark = pytest.mark.django_db

Api = Callable[[Any], Client]
IN_90_DAYS = date.today() + timedelta(days=90)
TWO_DEADLINES = "请填写办结时限：一个日期，或印发后若干个工作日（二选一）。"


def send(client: Client, method: str, url: str, data: Any = None) -> Any:
    call = getattr(client, method)
    return call(url, data if data is not None else {}, content_type="application/json")


def post(client: Client, url: str, data: Any = None) -> Any:
    return send(client, "post", url, data)


@pytest.fixture
def plenary(make_plenary: Callable[..., Meeting]) -> Meeting:
    """The shared plenary without its observer unit: the receipts asserted here are the member
    units' and the government office's copy only."""
    return make_plenary()


@pytest.fixture
def held(plenary: Meeting, sec: Membership) -> Meeting:
    return hold(plenary, sec)


@pytest.fixture
def draft(held: Meeting, sec: Membership, hrss: Unit, union: Unit) -> Minutes:
    """Drafted minutes with one agreed matter in the first section."""
    minutes = services.minutes_draft(meeting=held, actor=sec)
    first = minutes.sections.order_by("order").first()
    assert first is not None
    services.resolution_add(
        section=first,
        text="开展工伤保险扩面专项行动",
        lead_unit=hrss,
        supporting_units=[union],
        deadline=IN_90_DAYS,
        actor=sec,
    )
    return minutes


@pytest.fixture
def approved(draft: Minutes, sec: Membership) -> Minutes:
    return services.minutes_approve(minutes=draft, actor=sec)


def matter(lead: Unit, text: str = "制定年度工作方案", **extra: Any) -> dict[str, Any]:
    return {"text": text, "lead_unit_id": lead.pk, "deadline_workdays": 20, **extra}


# --- the whole flow -----------------------------------------------------------------------------


def test_the_secretariat_drafts_agrees_approves_and_issues_三_一_1_四_二(
    held: Meeting,
    clerk: Any,
    other_liaison: Any,
    gov_reader: Any,
    health: Unit,
    hrss: Unit,
    union: Unit,
    api_as: Api,
) -> None:
    """三(一)1: the secretariat drafts the minutes stating the agreed matters, approves and
    issues them to the member units with a copy to the city government office; 四(二): each
    agreed matter becomes an action item with its lead and supporting units, as on the pages."""
    client = api_as(clerk)
    drafted = post(client, f"/api/v1/meetings/{held.pk}/minutes")
    assert drafted.status_code == 201, drafted.content.decode()
    body = drafted.json()
    minutes_id = body["id"]
    assert body["status"] == "draft" and body["number"] == ""
    first, second = body["sections"]
    assert [first["heading"], second["heading"]] == [
        "通报全市职业病防治工作形势",
        "审议年度工作要点",
    ]
    # The API answers with the meeting's minutes, as GET does.
    assert client.get(f"/api/v1/meetings/{held.pk}/minutes").json()["id"] == minutes_id

    edited = send(
        client,
        "patch",
        f"/api/v1/minutes/{minutes_id}",
        {
            "intro": "会议由联席会议办公室主持。现将议定事项纪要如下：",
            "sections": [{"id": first["id"], "discussion": "会议听取了全市职业病防治工作情况。"}],
        },
    )
    assert edited.status_code == 200, edited.content.decode()
    assert edited.json()["intro"] == "会议由联席会议办公室主持。现将议定事项纪要如下："
    sections = edited.json()["sections"]
    assert sections[0]["discussion"] == "会议听取了全市职业病防治工作情况。"
    assert sections[0]["heading"] == "通报全市职业病防治工作形势"  # not sent, not changed

    added = post(
        client,
        f"/api/v1/minutes/{minutes_id}/sections/{second['id']}/resolutions",
        matter(health),
    )
    assert added.status_code == 201, added.content.decode()
    assert added.json()["number"] == 1
    assert added.json()["deadline_workdays"] == 20
    # Added to the first section afterwards: numbered across the minutes, in section order.
    added = post(
        client,
        f"/api/v1/minutes/{minutes_id}/sections/{first['id']}/resolutions",
        {
            "text": "开展工伤保险扩面专项行动",
            "lead_unit_id": hrss.pk,
            "supporting_unit_ids": [union.pk],
            "deadline": IN_90_DAYS.isoformat(),
        },
    )
    assert added.status_code == 201, added.content.decode()
    assert added.json()["number"] == 1
    assert added.json()["lead_unit"] == {"id": hrss.pk, "name": "市人力资源和社会保障局"}
    assert added.json()["supporting_units"] == [{"id": union.pk, "name": "市总工会"}]
    assert added.json()["deadline"] == IN_90_DAYS.isoformat()

    approved = post(client, f"/api/v1/minutes/{minutes_id}/approve")
    assert approved.status_code == 200, approved.content.decode()
    assert approved.json()["status"] == "approved" and approved.json()["approved_at"]

    # 三(一)1, 四(六): the 签发 is recorded before the number is taken.
    early = post(client, f"/api/v1/minutes/{minutes_id}/issue")
    assert early.status_code == 400 and "签发" in early.json()["detail"]
    signed = post(
        client,
        f"/api/v1/minutes/{minutes_id}/sign-off",
        {"signer_name": "赵主任", "signer_title": "市卫生健康委副主任"},
    )
    assert signed.status_code == 200, signed.content.decode()
    body = signed.json()
    assert body["status"] == "signed" and body["number"] == ""
    assert (body["signed_off_name"], body["signed_off_title"]) == ("赵主任", "市卫生健康委副主任")
    assert body["signed_off_at"] and body["signed_off_recorded_by"] == "王秘书"

    issued = post(client, f"/api/v1/minutes/{minutes_id}/issue")
    assert issued.status_code == 200, issued.content.decode()
    body = issued.json()
    assert body["status"] == "issued" and body["issued_at"]
    assert body["number"].endswith("1号")
    matters = [r for s in body["sections"] for r in s["resolutions"]]
    assert [(r["number"], r["text"]) for r in matters] == [
        (1, "开展工伤保险扩面专项行动"),
        (2, "制定年度工作方案"),
    ]

    # 三(一)1: issued to every member unit, copy (抄报) to the city government office.
    receipts = MinutesReceipt.objects.filter(minutes_id=minutes_id)
    members = Unit.objects.filter(mechanism=held.mechanism, kind=Unit.Kind.MEMBER, active=True)
    assert receipts.filter(kind=MinutesReceipt.Kind.MEMBER).count() == members.count()
    [copy] = receipts.filter(kind=MinutesReceipt.Kind.COPY)
    assert copy.unit.name == "市政府办公室"
    assert {r["kind"] for r in body["receipts"]} == {"member", "copy"}
    gov = api_as(gov_reader).get(f"/api/v1/meetings/{held.pk}/minutes")
    assert gov.status_code == 200 and gov.json()["my_receipt"]["kind"] == "copy"

    # 四(二): each agreed matter is now an action item, pointing back to the minutes.
    items = ActionItem.objects.filter(source=ActionItem.Source.MEETING).order_by("id")
    assert [(i.title, i.lead_unit.name) for i in items] == [
        ("开展工伤保险扩面专项行动", "市人力资源和社会保障局"),
        ("制定年度工作方案", "市卫生健康委"),
    ]
    assert [u.name for u in items[0].supporting_units.all()] == ["市总工会"]
    assert items[0].deadline == IN_90_DAYS
    ledger = api_as(clerk).get("/api/v1/action-items?source=meeting").json()
    assert ledger["count"] == 2
    mine = api_as(other_liaison).get("/api/v1/action-items").json()["items"]
    assert [i["title"] for i in mine] == ["开展工伤保险扩面专项行动"]
    assert mine[0]["source_label"].endswith("第1项议定事项")

    actions = list(
        AuditEvent.objects.filter(target_id=str(minutes_id), action__startswith="minutes.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "minutes.draft",
        "minutes.update",
        "minutes.resolution_add",
        "minutes.resolution_add",
        "minutes.approve",
        "minutes.sign_off",
        "minutes.issue",
    ]


def test_the_convener_adds_a_section_and_removes_an_agreed_matter_三_一_1(
    draft: Minutes, clerk: Any, health: Unit, api_as: Api
) -> None:
    """三(一)1: the draft is the convener's to shape; later matters are renumbered."""
    client = api_as(clerk)
    section = post(client, f"/api/v1/minutes/{draft.pk}/sections", {"heading": "其他事项"})
    assert section.status_code == 201, section.content.decode()
    assert section.json()["heading"] == "其他事项" and section.json()["order"] == 3
    assert section.json()["resolutions"] == []
    url = f"/api/v1/minutes/{draft.pk}/sections/{section.json()['id']}/resolutions"
    later = post(client, url, matter(health)).json()
    assert later["number"] == 2
    first = Resolution.objects.get(minutes=draft, number=1)
    removed = client.delete(f"/api/v1/minutes/{draft.pk}/resolutions/{first.pk}")
    assert removed.status_code == 204
    assert list(Resolution.objects.filter(minutes=draft).values_list("pk", "number")) == [
        (later["id"], 1)
    ]


def test_approved_minutes_go_back_to_drafting_and_are_then_editable_三_一_1(
    approved: Minutes, clerk: Any, api_as: Api
) -> None:
    client = api_as(clerk)
    refused = send(client, "patch", f"/api/v1/minutes/{approved.pk}", {"intro": "改"})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "会议纪要已审定，不能再修改。"
    reopened = post(client, f"/api/v1/minutes/{approved.pk}/reopen")
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "draft" and reopened.json()["approved_at"] is None
    edited = send(client, "patch", f"/api/v1/minutes/{approved.pk}", {"intro": "改"})
    assert edited.status_code == 200 and edited.json()["intro"] == "改"


def test_the_chair_unit_writes_the_minutes_of_its_topical_meeting_三_一_2(
    sec: Membership,
    clerk: Any,
    hrss: Unit,
    unit_named: Callable[[str], Unit],
    other_liaison: Any,
    health_liaison: Any,
    safety_liaison: Any,
    api_as: Api,
) -> None:
    """三(一)2: a topical meeting is run by the member unit the secretariat entrusted; its people
    write and approve the minutes, the units the topic concerns do not; 三(一)1, 四(六): the
    secretariat records the 签发 and issues them, the chair unit may not (403)."""
    safety = unit_named("市应急管理局")
    chair = safety_liaison
    meeting = services.topical_meeting_entrust(
        title="尘肺病防治专题会议",
        topic="尘肺病患者救治救助",
        chair_unit=safety,
        concerned_units=[hrss],
        starts_at=soon(),
        ends_at=soon(hour=11),
        location="市应急管理局会议室",
        actor=sec,
    )
    services.agenda_item_add(meeting=meeting, title="尘肺病患者救治救助", actor=chair.membership)
    services.meeting_notify(meeting=meeting, actor=chair.membership)
    hold(meeting, chair.membership)

    url = f"/api/v1/meetings/{meeting.pk}/minutes"
    refused = post(api_as(other_liaison), url)  # concerned unit: sees the meeting, may not write
    assert refused.status_code == 403
    assert refused.json()["detail"] == "只有会议召集方可以进行此项操作。"
    assert post(api_as(health_liaison), url).status_code == 404  # not invited: not seen
    assert not Minutes.objects.exists()

    client = api_as(chair)
    drafted = post(client, url)
    assert drafted.status_code == 201, drafted.content.decode()
    minutes_id = drafted.json()["id"]
    assert "市应急管理局" in drafted.json()["intro"]
    [section] = drafted.json()["sections"]
    added = post(
        client,
        f"/api/v1/minutes/{minutes_id}/sections/{section['id']}/resolutions",
        matter(hrss, "落实尘肺病患者工伤保险待遇", supporting_unit_ids=[safety.pk]),
    )
    assert added.status_code == 201, added.content.decode()
    for step in ("approve", "reopen", "approve"):
        response = post(client, f"/api/v1/minutes/{minutes_id}/{step}")
        assert response.status_code == 200, (step, response.content.decode())
    for step, body in (("sign-off", {"signer_name": "钱局长"}), ("issue", None)):
        refused = post(client, f"/api/v1/minutes/{minutes_id}/{step}", body)
        assert refused.status_code == 403, (step, refused.content.decode())
        assert "联席会议办公室" in refused.json()["detail"]
    assert Minutes.objects.get(pk=minutes_id).status == Minutes.Status.APPROVED
    secretariat = api_as(clerk)
    signed = post(secretariat, f"/api/v1/minutes/{minutes_id}/sign-off", {"signer_name": "赵主任"})
    assert signed.status_code == 200, signed.content.decode()
    response = post(secretariat, f"/api/v1/minutes/{minutes_id}/issue")
    assert response.status_code == 200, response.content.decode()
    assert response.json()["status"] == "issued"
    [item] = ActionItem.objects.filter(source=ActionItem.Source.MEETING)
    assert item.lead_unit == hrss and list(item.supporting_units.all()) == [safety]
    # The concerned unit now receives the minutes, but still may not change them.
    reopen = post(api_as(other_liaison), f"/api/v1/minutes/{minutes_id}/reopen")
    assert reopen.status_code == 403
    assert reopen.json()["detail"] == "只有会议召集方可以起草和审定会议纪要。"


# --- access, endpoint by endpoint ---------------------------------------------------------------


@dataclass
class Call:
    method: str
    url: str
    body: Any
    ok: int


def _calls(held: Meeting, draft: Minutes, health: Unit) -> dict[str, Call]:
    section = draft.sections.order_by("order").first()
    resolution = draft.resolutions.first()
    assert section is not None and resolution is not None
    m = f"/api/v1/minutes/{draft.pk}"
    return {
        "draft": Call("post", f"/api/v1/meetings/{held.pk}/minutes", None, 201),
        "update": Call("patch", m, {"intro": "开头"}, 200),
        "section": Call("post", f"{m}/sections", {"heading": "其他事项"}, 201),
        "resolution_add": Call(
            "post", f"{m}/sections/{section.pk}/resolutions", matter(health), 201
        ),
        "resolution_remove": Call("delete", f"{m}/resolutions/{resolution.pk}", None, 204),
        "approve": Call("post", f"{m}/approve", None, 200),
        "reopen": Call("post", f"{m}/reopen", None, 200),
        "sign_off": Call("post", f"{m}/sign-off", {"signer_name": "赵主任"}, 200),
        "issue": Call("post", f"{m}/issue", None, 200),
    }


@pytest.mark.parametrize(
    "name",
    [
        "draft",
        "update",
        "section",
        "resolution_add",
        "resolution_remove",
        "approve",
        "reopen",
        "sign_off",
        "issue",
    ],
)
def test_only_the_convener_writes_the_minutes_三_一_1(
    name: str,
    plenary: Meeting,
    sec: Membership,
    clerk: Any,
    health: Unit,
    hrss: Unit,
    union: Unit,
    other_liaison: Any,
    health_liaison: Any,
    gov_reader: Any,
    outsider: Any,
    auditor: Any,
    api_as: Api,
    login: Callable[[Any], Client],
) -> None:
    """三(一)1: minutes are drafted, approved and issued by the secretariat. Another unit (even
    the secretariat's own unit acting as a member unit) may not; before issuing it does not
    even see the draft (404), as on the pages. No token: 401; a browser session may only read."""
    # One meeting held without minutes (for "draft"), another with a draft (for the rest).
    other = services.meeting_schedule(
        kind=Meeting.Kind.PLENARY,
        title="另一次全体会议",
        starts_at=soon(20),
        ends_at=soon(20, hour=11),
        location="市卫生健康委三楼会议室",
        actor=sec,
    )
    services.agenda_item_add(meeting=other, title="审议年度工作要点", actor=sec)
    services.meeting_notify(meeting=other, actor=sec)
    held = hold(plenary, sec)
    minutes = services.minutes_draft(meeting=hold(other, sec), actor=sec)
    section = minutes.sections.order_by("order").first()
    assert section is not None
    services.resolution_add(
        section=section,
        text="开展工伤保险扩面专项行动",
        lead_unit=hrss,
        supporting_units=[union],
        deadline=IN_90_DAYS,
        actor=sec,
    )
    if name in ("reopen", "sign_off", "issue"):
        services.minutes_approve(minutes=minutes, actor=sec)
    if name == "issue":
        services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    call = _calls(held, minutes, health)[name]

    def run(client: Client) -> Any:
        return send(client, call.method, call.url, call.body)

    # The meeting is seen by every invited unit, so refusing to draft is 403; a draft is seen
    # only by its convener, so the minutes' own endpoints are 404 for the other units.
    unit_status = 403 if name == "draft" else 404
    expected = {
        other_liaison: unit_status,
        health_liaison: unit_status,
        gov_reader: 404,  # the government office sees a meeting once its minutes are issued
        outsider: 404,  # sees no meeting at all
        auditor: 404,
    }
    clients = {user: api_as(user) for user in expected}  # issuing a token is audited too
    before = (
        Minutes.objects.count(),
        Minutes.objects.get(pk=minutes.pk).status,
        Resolution.objects.count(),
        minutes.sections.count(),
        # token use and the convener's login below are audited; neither writes the minutes
        AuditEvent.objects.exclude(action__startswith="api.token_").exclude(action="login").count(),
    )
    for user, status in expected.items():
        response = run(clients[user])
        assert response.status_code == status, (user.username, response.content.decode())
        assert response.json()["detail"]
    assert run(Client()).status_code == 401
    assert run(login(clerk)).status_code == 401  # writes need a token, even for the convener
    after = (
        Minutes.objects.count(),
        Minutes.objects.get(pk=minutes.pk).status,
        Resolution.objects.count(),
        minutes.sections.count(),
        # token use and the convener's login below are audited; neither writes the minutes
        AuditEvent.objects.exclude(action__startswith="api.token_").exclude(action="login").count(),
    )
    assert after == before

    response = run(api_as(clerk))
    assert response.status_code == call.ok, response.content.decode()


# --- bad input ----------------------------------------------------------------------------------


def test_minutes_of_a_meeting_not_yet_held_cannot_be_drafted_三_一_1(
    plenary: Meeting, clerk: Any, api_as: Api
) -> None:
    response = post(api_as(clerk), f"/api/v1/meetings/{plenary.pk}/minutes")
    assert response.status_code == 400
    assert response.json()["detail"] == "会议召开并登记出席情况后，才能起草会议纪要。"
    assert not Minutes.objects.exists()


def test_the_minutes_are_drafted_once(draft: Minutes, clerk: Any, api_as: Api) -> None:
    """三(一)1: one meeting, one set of minutes."""
    response = post(api_as(clerk), f"/api/v1/meetings/{draft.meeting_id}/minutes")
    assert response.status_code == 400
    assert response.json()["detail"] == "本次会议的纪要已经起草。"


@pytest.mark.parametrize(
    ("body", "detail", "field"),
    [
        ({"lead_unit_id": None}, "请为议定事项指定牵头单位（工作规则四(二)）。", "lead_unit"),
        ({"deadline": IN_90_DAYS.isoformat()}, TWO_DEADLINES, "deadline"),
        ({"deadline_workdays": None}, TWO_DEADLINES, "deadline"),
        ({"deadline_workdays": 0}, "办结时限应为 1 至 500 个工作日。", "deadline_workdays"),
        (
            {"feedback_every_workdays": 0},
            "反馈周期应为 1 至 250 个工作日。",
            "feedback_every_workdays",
        ),
        ({"text": "  "}, "请填写议定事项内容。", None),
        (
            {"supporting_unit_ids": [999999]},
            "配合单位不存在或不能承办议定事项：999999。",
            "supporting_unit_ids",
        ),
    ],
)
def test_a_bad_agreed_matter_is_refused_in_chinese_and_nothing_is_written_四_二(
    body: dict[str, Any],
    detail: str,
    field: str | None,
    draft: Minutes,
    clerk: Any,
    health: Unit,
    api_as: Api,
) -> None:
    """四(二): every agreed matter names a lead unit and one deadline (a date, or working days
    after issuing)."""
    section = draft.sections.order_by("order").first()
    assert section is not None
    response = post(
        api_as(clerk),
        f"/api/v1/minutes/{draft.pk}/sections/{section.pk}/resolutions",
        {**matter(health), **body},
    )
    assert response.status_code == 400, response.content.decode()
    assert response.json()["detail"] == detail
    assert response.json().get("field") == field
    assert Resolution.objects.filter(minutes=draft).count() == 1


def test_the_government_office_cannot_lead_an_agreed_matter_四_二(
    draft: Minutes, clerk: Any, unit_named: Callable[[str], Unit], api_as: Api
) -> None:
    """四(二): the lead unit is a member or invited unit, as the page's form offers them."""
    government = unit_named("市政府办公室")
    section = draft.sections.order_by("order").first()
    assert section is not None
    response = post(
        api_as(clerk),
        f"/api/v1/minutes/{draft.pk}/sections/{section.pk}/resolutions",
        matter(government),
    )
    assert response.status_code == 400
    assert response.json()["detail"] == f"牵头单位不存在或不能承办议定事项：{government.pk}。"
    assert response.json()["field"] == "lead_unit_id"


def test_a_section_or_matter_of_other_minutes_is_404(
    draft: Minutes, clerk: Any, health: Unit, api_as: Api
) -> None:
    client = api_as(clerk)
    response = post(
        client, f"/api/v1/minutes/{draft.pk}/sections/999999/resolutions", matter(health)
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "纪要中没有这一部分。"
    response = client.delete(f"/api/v1/minutes/{draft.pk}/resolutions/999999")
    assert response.status_code == 404
    assert response.json()["detail"] == "纪要中没有这项议定事项。"
    assert post(client, "/api/v1/minutes/999999/approve").status_code == 404


def test_bad_edits_of_the_draft_are_refused_in_chinese(
    draft: Minutes, clerk: Any, api_as: Api
) -> None:
    client = api_as(clerk)
    section = draft.sections.order_by("order").first()
    assert section is not None
    url = f"/api/v1/minutes/{draft.pk}"
    unknown = send(client, "patch", url, {"intro": "新开头", "sections": [{"id": 999999}]})
    assert unknown.status_code == 400
    assert unknown.json()["detail"] == "纪要中没有这些部分：999999。"
    blank = send(client, "patch", url, {"sections": [{"id": section.pk, "heading": " "}]})
    assert blank.status_code == 400
    assert blank.json()["detail"] == "请填写标题。"
    draft.refresh_from_db()
    assert draft.intro != "新开头"  # all or nothing
    empty = post(client, f"{url}/sections", {"heading": ""})
    assert empty.status_code == 400 and empty.json()["detail"] == "请填写标题。"
    missing = post(client, f"{url}/sections/{section.pk}/resolutions", {"lead_unit_id": 1})
    assert missing.status_code == 422 and missing.json()["detail"] == "请求参数有误。"


def test_steps_out_of_order_are_refused_in_chinese_三_一_1(
    draft: Minutes, clerk: Any, api_as: Api
) -> None:
    client = api_as(clerk)
    issue = post(client, f"/api/v1/minutes/{draft.pk}/issue")
    assert issue.status_code == 400
    assert issue.json()["detail"] == "会议纪要须经审定、签发后才能印发（工作规则三(一)1、四(六)）。"
    sign_off = post(client, f"/api/v1/minutes/{draft.pk}/sign-off", {"signer_name": "赵主任"})
    assert sign_off.status_code == 400 and "审定后、印发前" in sign_off.json()["detail"]
    reopen = post(client, f"/api/v1/minutes/{draft.pk}/reopen")
    assert reopen.status_code == 400
    assert reopen.json()["detail"] == "只有已审定或已签发、未印发的纪要可以退回修改。"
    assert post(client, f"/api/v1/minutes/{draft.pk}/approve").status_code == 200
    again = post(client, f"/api/v1/minutes/{draft.pk}/approve")
    assert again.status_code == 400 and again.json()["detail"] == "会议纪要已审定，不能再修改。"
    assert not ActionItem.objects.exists()


# --- OpenAPI ------------------------------------------------------------------------------------


def test_openapi_lists_the_minutes_writes(db: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path, method in (
        ("/api/v1/meetings/{meeting_id}/minutes", "post"),
        ("/api/v1/minutes/{minutes_id}", "patch"),
        ("/api/v1/minutes/{minutes_id}/sections", "post"),
        ("/api/v1/minutes/{minutes_id}/sections/{section_id}/resolutions", "post"),
        ("/api/v1/minutes/{minutes_id}/resolutions/{resolution_id}", "delete"),
        ("/api/v1/minutes/{minutes_id}/approve", "post"),
        ("/api/v1/minutes/{minutes_id}/reopen", "post"),
        ("/api/v1/minutes/{minutes_id}/sign-off", "post"),
        ("/api/v1/minutes/{minutes_id}/issue", "post"),
    ):
        assert paths[path][method]["security"] == [{"TokenAuth": []}], (path, method)
