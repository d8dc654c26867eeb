"""Meetings, attendance and minutes through the API (三(一)1, 三(一)2), with the pages' access.

A meeting the caller may not see is 404 (as on the pages), an action reserved to the convener or
to another role is 403, no token is 401, the rules' refusals are 400 with a Chinese `detail`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from lianxi.core.models import AuditEvent
from lianxi.meetings import services
from lianxi.meetings.models import Attendance, Meeting, Minutes, MinutesReceipt
from lianxi.meetings.tests.fixtures import hold, move_to_day, soon
from lianxi.organization.models import Membership, Unit

pytestmark = pytest.mark.django_db

Api = Callable[[Any], Client]


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, data if data is not None else {}, content_type="application/json")


@pytest.fixture
def draft_minutes(plenary: Meeting, sec: Membership) -> Minutes:
    hold(plenary, sec)
    minutes = services.minutes_draft(meeting=plenary, actor=sec)
    first, second = minutes.sections.order_by("order")
    services.resolution_add(
        section=first,
        text="开展工伤保险扩面专项行动",
        lead_unit=unit("市人力资源和社会保障局"),
        supporting_units=[unit("市总工会")],
        deadline=date.today() + timedelta(days=90),
        actor=sec,
    )
    services.resolution_add(
        section=second,
        text="制定年度工作方案",
        lead_unit=unit("市卫生健康委"),
        deadline_workdays=20,
        actor=sec,
    )
    return minutes


@pytest.fixture
def issued(draft_minutes: Minutes, sec: Membership) -> Minutes:
    services.minutes_approve(minutes=draft_minutes, actor=sec)
    services.minutes_sign_off(minutes=draft_minutes, signer_name="赵主任", actor=sec)
    services.minutes_issue(minutes=draft_minutes, actor=sec)
    draft_minutes.refresh_from_db()
    return draft_minutes


# --- GET /meetings ----------------------------------------------------------------------------


def titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.content.decode()
    return [m["title"] for m in response.json()]


def test_list_shows_the_meetings_each_caller_may_see(
    plenary: Meeting,
    other_meeting: Meeting,
    make_plenary: Any,
    clerk: Any,
    other_liaison: Any,
    observer_user: Any,
    gov_reader: Any,
    api_as: Api,
) -> None:
    """三(一)1: invited units see notified meetings; an observer only those it was invited to;
    the government office only meetings whose minutes were issued; a draft only the secretariat."""
    make_plenary(title="筹备中的会议", days=30, notify=False)
    assert set(titles(api_as(clerk).get("/api/v1/meetings"))) == {
        "联席会议全体会议",
        "另一次全体会议",
        "筹备中的会议",
    }
    assert set(titles(api_as(other_liaison).get("/api/v1/meetings"))) == {
        "联席会议全体会议",
        "另一次全体会议",
    }
    assert titles(api_as(observer_user).get("/api/v1/meetings")) == ["联席会议全体会议"]
    assert titles(api_as(gov_reader).get("/api/v1/meetings")) == []
    body = api_as(other_liaison).get("/api/v1/meetings").json()
    first = body[0]
    assert first["title"] == "联席会议全体会议"  # upcoming, soonest first
    assert first["upcoming"] is True and first["status"] == "notified"
    assert first["chair_unit"]["name"] == "市卫生健康委"
    assert first["invited_count"] == 16 and first["answered_count"] == 0
    assert first["url"].endswith(f"/api/v1/meetings/{plenary.pk}")
    assert first["page_url"].endswith(f"/meetings/{plenary.pk}/")


def test_list_filters_upcoming_past_and_kind(
    plenary: Meeting, other_meeting: Meeting, sec: Membership, clerk: Any, api_as: Api
) -> None:
    hold(plenary, sec)
    topical = services.topical_meeting_entrust(
        title="尘肺病防治专题会议",
        topic="研究尘肺病防治攻坚",
        chair_unit=unit("市应急管理局"),
        concerned_units=[unit("市人力资源和社会保障局")],
        starts_at=soon(5),
        ends_at=soon(5, hour=11),
        location="市应急管理局会议室",
        actor=sec,
    )
    client = api_as(clerk)
    assert titles(client.get("/api/v1/meetings?when=upcoming")) == [
        topical.title,
        "另一次全体会议",
    ]
    assert titles(client.get("/api/v1/meetings?when=past")) == ["联席会议全体会议"]
    assert titles(client.get("/api/v1/meetings?kind=topical")) == [topical.title]
    assert titles(client.get("/api/v1/meetings?kind=plenary&when=past")) == ["联席会议全体会议"]
    response = client.get("/api/v1/meetings?when=someday")
    assert response.status_code == 422
    assert response.json()["detail"] == "请求参数有误。"


def test_list_refuses_outsiders_and_roles_without_meetings_and_needs_a_token(
    plenary: Meeting, outsider: Any, auditor: Any, security_admin: Any, api_as: Api
) -> None:
    for user in (outsider, auditor, security_admin):
        response = api_as(user).get("/api/v1/meetings")
        assert response.status_code == 403
        assert response.json()["detail"]
    response = Client().get("/api/v1/meetings")
    assert response.status_code == 401
    assert "访问令牌" in response.json()["detail"]


def test_list_query_count_does_not_grow_with_meetings(
    make_plenary: Any,
    clerk: Any,
    other_liaison: Any,
    api_as: Api,
    django_assert_max_num_queries: Any,
) -> None:
    make_plenary(title="会议1")
    clients = [api_as(clerk), api_as(other_liaison)]
    for client in clients:  # first call writes the token's last_used_at
        client.get("/api/v1/meetings")
    baseline = []
    for client in clients:
        with django_assert_max_num_queries(3) as few:
            assert client.get("/api/v1/meetings").status_code == 200
        baseline.append(len(few.captured_queries))
    for n in range(2, 10):
        make_plenary(title=f"会议{n}", days=n)
    hold(Meeting.objects.get(title="会议1"), clerk.membership)
    for client, queries in zip(clients, baseline, strict=True):
        with django_assert_max_num_queries(3) as many:
            response = client.get("/api/v1/meetings")
        assert len(response.json()) == 9
        assert len(many.captured_queries) == queries


# --- GET /meetings/{id} -----------------------------------------------------------------------


def test_detail_for_an_invited_unit_agenda_materials_and_its_own_answer(
    plenary: Meeting, sec: Membership, other_liaison: Any, api_as: Api
) -> None:
    services.meeting_material_add(
        meeting=plenary,
        title="工作要点（讨论稿）",
        file=SimpleUploadedFile("要点.txt", "讨论稿内容".encode()),
        actor=sec,
    )
    client = api_as(other_liaison)
    body = client.get(f"/api/v1/meetings/{plenary.pk}").json()
    assert [a["title"] for a in body["agenda"]] == [
        "通报全市职业病防治工作形势",
        "审议年度工作要点",
    ]
    assert body["agenda"][0]["order"] == 1
    assert body["my_attendance"]["unit"]["name"] == "市人力资源和社会保障局"
    assert body["my_attendance"]["status"] == "pending"
    assert body["roll"] is None and body["convener"] is False
    assert body["notice_text"] and body["started"] is False
    [material] = body["materials"]
    assert material["title"] == "工作要点（讨论稿）"
    assert "/meetings/" in material["page_url"]
    download = client.get(material["download_url"])
    assert download.status_code == 200
    assert download.getvalue() == "讨论稿内容".encode()
    assert Client().get(material["download_url"]).status_code == 401


def test_detail_shows_the_roll_only_to_the_convener_三_一_1(
    plenary: Meeting, clerk: Any, other_liaison: Any, api_as: Api
) -> None:
    """三(一)1: the secretariat sees the live roll (attending, substitute, on leave, no answer)."""
    services.attendance_answer(
        attendance=Attendance.objects.get(meeting=plenary, unit=other_liaison.membership.unit),
        actor=other_liaison.membership,
        attending=False,
        attendee_name="刘副局长",
        substitute_name="周处长",
        substitute_title="处长",
    )
    body = api_as(clerk).get(f"/api/v1/meetings/{plenary.pk}").json()
    assert body["convener"] is True and body["my_attendance"] is None
    roll = body["roll"]
    assert [a["unit"]["name"] for a in roll["substitute"]] == ["市人力资源和社会保障局"]
    assert roll["substitute"][0]["substitute_name"] == "周处长"
    assert len(roll["pending"]) == 15  # 14 other member units and the observer unit
    assert body["answered_count"] == 1


def test_detail_is_404_for_units_not_invited_and_for_outsiders(
    plenary: Meeting,
    other_meeting: Meeting,
    make_plenary: Any,
    observer_user: Any,
    other_liaison: Any,
    outsider: Any,
    api_as: Api,
) -> None:
    """三(一)1: an observer sees only the meetings it was invited to; a draft only its convener."""
    draft = make_plenary(title="筹备中", notify=False)
    material = services.meeting_material_add(
        meeting=other_meeting,
        title="材料",
        file=SimpleUploadedFile("a.txt", b"x"),
        actor=other_meeting.created_by.memberships.get(),
    )
    download = f"/api/v1/meetings/{other_meeting.pk}/materials/{material.pk}"
    assert api_as(observer_user).get(download).status_code == 404
    allowed = api_as(other_liaison).get(download)
    assert allowed.status_code == 200 and allowed.getvalue() == b"x"  # reading closes the file
    # issue 17 (GB/T 22239 8.1.4.3): the material's download is audited like every other file
    taken = AuditEvent.objects.get(action="download.file")
    assert (taken.actor_id, taken.data["file"], taken.data["bytes"]) == (
        other_liaison.pk,
        "a.txt",
        1,
    )
    assert api_as(other_liaison).get(f"{download}0").status_code == 404
    response = api_as(observer_user).get(f"/api/v1/meetings/{other_meeting.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "会议不存在或您无权查看。"}
    assert api_as(observer_user).get(f"/api/v1/meetings/{plenary.pk}").status_code == 200
    assert api_as(other_liaison).get(f"/api/v1/meetings/{draft.pk}").status_code == 404
    assert api_as(outsider).get(f"/api/v1/meetings/{plenary.pk}").status_code == 404
    assert Client().get(f"/api/v1/meetings/{plenary.pk}").status_code == 401


def test_a_logged_in_browser_may_read_but_not_write(
    plenary: Meeting, other_liaison: Any, login: Any
) -> None:
    client = login(other_liaison)
    assert client.get(f"/api/v1/meetings/{plenary.pk}").status_code == 200
    response = post(client, f"/api/v1/meetings/{plenary.pk}/attendance", {"answer": "attending"})
    assert response.status_code == 401


# --- POST /meetings ---------------------------------------------------------------------------


def plenary_body(**extra: Any) -> dict[str, Any]:
    body = {
        "title": "2026年联席会议全体会议",
        "topic": "总结部署",
        "starts_at": soon(14).isoformat(),
        "ends_at": soon(14, hour=11).isoformat(),
        "location": "市卫生健康委三楼会议室",
    }
    body.update(extra)
    return body


def test_the_secretariat_schedules_a_plenary_with_observers_三_一_1(
    clerk: Any, observer_unit: Unit, api_as: Api
) -> None:
    """三(一)1: the secretariat schedules a plenary; every member unit is invited, observers
    (列席) as asked."""
    response = post(
        api_as(clerk), "/api/v1/meetings", plenary_body(observer_unit_ids=[observer_unit.pk])
    )
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert body["kind"] == "plenary" and body["status"] == "draft"
    assert body["invited_count"] == 16
    meeting = Meeting.objects.get(pk=body["id"])
    invited = dict(meeting.attendances.values_list("unit__name", "invited_as"))
    assert invited["市职业病防治院"] == "observer"
    assert sum(1 for kind in invited.values() if kind == "member") == 15


def test_a_naive_time_is_local_time(clerk: Any, api_as: Api) -> None:
    body = plenary_body(starts_at="2030-03-05T09:00:00", ends_at="2030-03-05T11:00:00")
    response = post(api_as(clerk), "/api/v1/meetings", body)
    assert response.status_code == 201
    start = Meeting.objects.get().starts_at
    assert timezone.localtime(start).hour == 9
    assert response.json()["starts_at"].startswith("2030-03-05T01:00:00")  # in UTC


def test_the_secretariat_entrusts_a_topical_meeting_and_the_chair_convenes_三_一_2(
    clerk: Any, api_as: Api, mechanism: Any, safety_liaison: Any
) -> None:
    """三(一)2: a member unit chairs the topical meeting; its people then run it."""
    safety = unit("市应急管理局")
    body = plenary_body(
        kind="topical",
        title="尘肺病防治专题会议",
        chair_unit_id=safety.pk,
        concerned_unit_ids=[unit("市人力资源和社会保障局").pk],
    )
    response = post(api_as(clerk), "/api/v1/meetings", body)
    assert response.status_code == 201, response.content.decode()
    meeting_id = response.json()["id"]
    assert response.json()["chair_unit"]["name"] == "市应急管理局"
    assert response.json()["invited_count"] == 2
    chair = api_as(safety_liaison)
    added = post(chair, f"/api/v1/meetings/{meeting_id}/agenda", {"title": "尘肺病患者救治救助"})
    assert added.status_code == 201
    assert post(chair, f"/api/v1/meetings/{meeting_id}/notify").status_code == 200
    missing = post(api_as(clerk), "/api/v1/meetings", plenary_body(kind="topical"))
    assert missing.status_code == 400
    assert missing.json()["detail"] == "专题会议须委托一个成员单位主持。"


def test_only_the_secretariat_schedules_and_writes_need_a_token(
    other_liaison: Any, health_member: Any, api_as: Api
) -> None:
    """三(一)1: 会议召开由市卫生健康委负责 — a unit cannot schedule a plenary."""
    for user in (other_liaison, health_member):
        response = post(api_as(user), "/api/v1/meetings", plenary_body())
        assert response.status_code == 403
        assert response.json()["detail"] == "您的角色无权进行此项操作。"
    assert post(Client(), "/api/v1/meetings", plenary_body()).status_code == 401
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("extra", "status", "detail"),
    [
        ({"ends_at": soon(14, hour=8).isoformat()}, 400, "结束时间应晚于开始时间。"),
        ({"title": "  "}, 400, "请填写会议名称。"),
        ({"observer_unit_ids": [999999]}, 400, "列席单位不存在：999999。"),
        ({"starts_at": "明天上午"}, 422, "请求参数有误。"),
        ({"kind": "annual"}, 422, "请求参数有误。"),
    ],
    ids=["ends-before-start", "blank-title", "unknown-observer", "bad-time", "bad-kind"],
)
def test_bad_input_to_schedule_is_refused_in_chinese_and_nothing_is_written(
    clerk: Any, api_as: Api, extra: dict[str, Any], status: int, detail: str
) -> None:
    response = post(api_as(clerk), "/api/v1/meetings", plenary_body(**extra))
    assert response.status_code == status
    assert response.json()["detail"] == detail
    assert not Meeting.objects.exists()


def test_missing_fields_are_422_with_the_fields_named(clerk: Any, api_as: Api) -> None:
    response = post(api_as(clerk), "/api/v1/meetings", {"title": "缺少时间"})
    assert response.status_code == 422
    assert {e["loc"][-1] for e in response.json()["errors"]} >= {"starts_at", "location"}


# --- POST /meetings/{id}/agenda and /notify -----------------------------------------------------


def test_the_convener_adds_agenda_items_others_may_not(
    make_plenary: Any,
    plenary: Meeting,
    other_meeting: Meeting,
    clerk: Any,
    other_liaison: Any,
    observer_user: Any,
    api_as: Api,
) -> None:
    """三(一)1: 会议议题由市卫生健康委负责 — the convener sets the agenda, a unit may propose."""
    url = f"/api/v1/meetings/{plenary.pk}/agenda"
    body = {"title": "研究工伤保险扩面", "proposed_by_unit_id": unit("市人力资源和社会保障局").pk}
    response = post(api_as(clerk), url, body)
    assert response.status_code == 201
    assert response.json()["order"] == 3
    assert response.json()["proposed_by"]["name"] == "市人力资源和社会保障局"
    forbidden = post(api_as(other_liaison), url, body)
    assert forbidden.status_code == 403
    assert forbidden.json()["detail"] == "只有会议召集方可以进行此项操作。"
    not_invited = f"/api/v1/meetings/{other_meeting.pk}/agenda"
    assert post(api_as(observer_user), not_invited, body).status_code == 404
    assert post(Client(), url, body).status_code == 401
    blank = post(api_as(clerk), url, {"title": " "})
    assert blank.status_code == 400 and blank.json()["detail"] == "请填写议题。"
    unknown = post(api_as(clerk), url, {"title": "x", "proposed_by_unit_id": 999999})
    assert unknown.status_code == 400
    assert plenary.agenda.count() == 3


def test_an_agenda_topics_reporting_unit_through_the_api_二_四(
    plenary: Meeting, clerk: Any, api_as: Api
) -> None:
    """三(一)1 议题 and 二(四): the topic's reporting unit and the units it concerns; set by the
    secretariat, they teach routing."""
    from lianxi.routing.models import RoutingExample

    union, hrss = unit("市总工会"), unit("市人力资源和社会保障局")
    url = f"/api/v1/meetings/{plenary.pk}/agenda"
    body = {"title": "尘肺病农民工集体维权", "lead_unit_id": union.pk,
            "supporting_unit_ids": [hrss.pk]}  # fmt: skip
    response = post(api_as(clerk), url, body)
    assert response.status_code == 201, response.content.decode()
    assert response.json()["lead_unit"]["name"] == "市总工会"
    assert [u["name"] for u in response.json()["supporting_units"]] == ["市人力资源和社会保障局"]
    assert RoutingExample.objects.get().lead_unit == union
    detail = api_as(clerk).get(f"/api/v1/meetings/{plenary.pk}").json()
    assert detail["agenda"][-1]["lead_unit"]["name"] == "市总工会"
    government = Unit.objects.get(name="市政府办公室")
    refused = post(api_as(clerk), url, {"title": "x", "lead_unit_id": government.pk})
    assert refused.status_code == 400 and "成员单位或参会单位" in refused.json()["detail"]


def test_the_convener_sends_the_notice_三_一_1(
    make_plenary: Any, clerk: Any, other_liaison: Any, api_as: Api
) -> None:
    """三(一)1: the notice goes to every invited unit; the meeting becomes 已发通知."""
    draft = make_plenary(notify=False)
    url = f"/api/v1/meetings/{draft.pk}/notify"
    assert post(api_as(other_liaison), url).status_code == 404  # a draft is the convener's
    assert post(Client(), url).status_code == 401
    response = post(api_as(clerk), url, {"notice_text": "请各成员单位准时参加。"})
    assert response.status_code == 200, response.content.decode()
    assert response.json()["status"] == "notified"
    assert response.json()["notice_text"] == "请各成员单位准时参加。"
    assert post(api_as(other_liaison), url).status_code == 403  # sees it now; not its convener
    again = post(api_as(clerk), url)
    assert again.status_code == 400
    assert again.json()["detail"] == "会议已发通知，不能再发通知。"


# --- POST /meetings/{id}/attendance -----------------------------------------------------------


def answer_url(meeting: Meeting) -> str:
    return f"/api/v1/meetings/{meeting.pk}/attendance"


def test_a_unit_answers_that_it_attends_and_who(
    plenary: Meeting, other_liaison: Any, api_as: Api
) -> None:
    """三(一)1: each unit answers the notice — it attends, and who."""
    body = {"answer": "attending", "attendee_name": "刘副局长", "attendee_title": "副局长"}
    response = post(api_as(other_liaison), answer_url(plenary), body)
    assert response.status_code == 200, response.content.decode()
    assert response.json()["status"] == "attending"
    assert response.json()["attendee_name"] == "刘副局长"


def test_leave_before_the_start_names_the_substitute_三_一_1(
    plenary: Meeting, other_liaison: Any, api_as: Api
) -> None:
    """三(一)1: 成员因故不能出席的，委托其他负责同志出席 — asked before the meeting."""
    client = api_as(other_liaison)
    refused = post(client, answer_url(plenary), {"answer": "leave", "attendee_name": "刘副局长"})
    assert refused.status_code == 400
    assert "委托其他负责同志出席" in refused.json()["detail"]
    assert refused.json()["field"] == "substitute_name"
    body = {
        "answer": "leave",
        "attendee_name": "刘副局长",
        "substitute_name": "周处长",
        "substitute_title": "处长",
        "leave_reason": "出差",
    }
    response = post(client, answer_url(plenary), body)
    assert response.status_code == 200
    assert response.json()["status"] == "on_leave"
    assert response.json()["substitute_name"] == "周处长"


def test_leave_after_the_start_is_refused_三_一_1(
    plenary: Meeting, other_liaison: Any, api_as: Api
) -> None:
    """三(一)1: leave must be asked before the meeting starts; after the start → 400."""
    move_to_day(plenary)
    body = {"answer": "leave", "attendee_name": "刘副局长", "substitute_name": "周处长"}
    response = post(api_as(other_liaison), answer_url(plenary), body)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "不能再请假" in detail and "工作规则三(一)1" in detail
    attendance = Attendance.objects.get(meeting=plenary, unit=other_liaison.membership.unit)
    assert attendance.status == Attendance.Status.PENDING


def test_an_observer_unit_answers_列席_and_a_member_unit_may_not(
    plenary: Meeting, observer_user: Any, other_liaison: Any, api_as: Api
) -> None:
    """三(一)1: a unit invited to attend as an observer answers 列席; a member unit answers
    attend or leave."""
    body = {"answer": "observer", "attendee_name": "钱院长"}
    response = post(api_as(observer_user), answer_url(plenary), body)
    assert response.status_code == 200
    assert response.json()["status"] == "observer"
    wrong = post(api_as(other_liaison), answer_url(plenary), body)
    assert wrong.status_code == 400
    assert wrong.json()["detail"] == "本单位作为成员单位受邀，请答复出席或请假。"


def test_who_may_answer(
    plenary: Meeting,
    other_meeting: Meeting,
    clerk: Any,
    gov_reader: Any,
    observer_user: Any,
    api_as: Api,
) -> None:
    """三(一)1: an invited unit's member or liaison answers for it; nobody else."""
    body = {"answer": "attending", "attendee_name": "某人"}
    # The secretariat answers for its unit through the unit's member or liaison, not as clerk.
    assert post(api_as(clerk), answer_url(plenary), body).status_code == 403
    assert post(api_as(gov_reader), answer_url(plenary), body).status_code == 404
    assert post(api_as(observer_user), answer_url(other_meeting), body).status_code == 404
    assert post(Client(), answer_url(plenary), body).status_code == 401
    bad = post(api_as(observer_user), answer_url(plenary), {"answer": "maybe"})
    assert bad.status_code == 422 and bad.json()["detail"] == "请求参数有误。"
    assert not Attendance.objects.exclude(status=Attendance.Status.PENDING).exists()


# --- minutes ------------------------------------------------------------------------------------


def test_draft_minutes_only_for_the_convener(
    draft_minutes: Minutes, plenary: Meeting, clerk: Any, other_liaison: Any, api_as: Api
) -> None:
    """三(一)1: minutes are drafted by the secretariat; before issuing only it sees them."""
    url = f"/api/v1/meetings/{plenary.pk}/minutes"
    body = api_as(clerk).get(url).json()
    assert body["status"] == "draft" and body["number"] == ""
    assert [s["heading"] for s in body["sections"]] == [
        "通报全市职业病防治工作形势",
        "审议年度工作要点",
    ]
    response = api_as(other_liaison).get(url)
    assert response.status_code == 404
    assert response.json()["detail"] == "会议纪要不存在或您无权查看。"
    docx = f"/api/v1/minutes/{draft_minutes.pk}/minutes.docx"
    assert api_as(other_liaison).get(docx).status_code == 404


def test_issued_minutes_with_agreed_matters_receipts_and_files_三_一_1(
    issued: Minutes,
    plenary: Meeting,
    clerk: Any,
    other_liaison: Any,
    gov_reader: Any,
    api_as: Api,
) -> None:
    """三(一)1: issued to every member unit and invited unit, copy to the city government;
    the secretariat sees who has acknowledged."""
    url = f"/api/v1/meetings/{plenary.pk}/minutes"
    body = api_as(other_liaison).get(url).json()
    assert body["status"] == "issued" and body["number"].endswith("1号")
    matters = [r for s in body["sections"] for r in s["resolutions"]]
    assert [(r["number"], r["text"]) for r in matters] == [
        (1, "开展工伤保险扩面专项行动"),
        (2, "制定年度工作方案"),
    ]
    assert matters[0]["lead_unit"]["name"] == "市人力资源和社会保障局"
    assert [u["name"] for u in matters[0]["supporting_units"]] == ["市总工会"]
    assert matters[1]["deadline_workdays"] == 20
    assert body["receipts"] == []  # the convener's view only
    assert body["my_receipt"]["kind"] == "member"
    assert body["page_url"].endswith(f"/meetings/minutes/{issued.pk}/")
    gov = api_as(gov_reader).get(url).json()
    assert gov["my_receipt"]["kind"] == "copy"
    receipts = api_as(clerk).get(url).json()["receipts"]
    assert len(receipts) == 17
    assert [r["kind"] for r in receipts[-2:]] == ["invited", "copy"]
    docx = api_as(other_liaison).get(body["docx_url"])
    assert docx.status_code == 200
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert docx.content[:2] == b"PK"
    assert "filename*=UTF-8''" in docx["Content-Disposition"]
    assert Client().get(body["docx_url"]).status_code == 401


def test_minutes_pdf_download(issued: Minutes, other_liaison: Any, api_as: Api) -> None:
    response = api_as(other_liaison).get(f"/api/v1/minutes/{issued.pk}/minutes.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_minutes_of_a_meeting_without_minutes_is_404(
    plenary: Meeting, clerk: Any, other_liaison: Any, api_as: Api
) -> None:
    response = api_as(clerk).get(f"/api/v1/meetings/{plenary.pk}/minutes")
    assert response.status_code == 404
    assert response.json()["detail"] == "会议纪要不存在或您无权查看。"
    # A unit that sees the meeting cannot tell "no minutes yet" from "a draft it may not see".
    none_yet = api_as(other_liaison).get(f"/api/v1/meetings/{plenary.pk}/minutes")
    hold(plenary, clerk.membership)
    services.minutes_draft(meeting=plenary, actor=clerk.membership)
    a_draft = api_as(other_liaison).get(f"/api/v1/meetings/{plenary.pk}/minutes")
    assert none_yet.status_code == a_draft.status_code == 404
    assert none_yet.json() == a_draft.json() == response.json()


def test_recipients_acknowledge_the_minutes_三_一_1(
    issued: Minutes,
    draft_minutes: Minutes,
    clerk: Any,
    other_liaison: Any,
    gov_reader: Any,
    outsider: Any,
    api_as: Api,
) -> None:
    """三(一)1: each recipient unit acknowledges receipt (签收), the government office its copy."""
    url = f"/api/v1/minutes/{issued.pk}/acknowledge"
    response = post(api_as(other_liaison), url)
    assert response.status_code == 200
    assert response.json()["acknowledged_at"] is not None
    assert response.json()["unit"]["name"] == "市人力资源和社会保障局"
    assert post(api_as(gov_reader), url).status_code == 200
    assert post(api_as(clerk), url).status_code == 403  # sees the minutes, receives none
    assert post(api_as(outsider), url).status_code == 404  # sees nothing of them
    assert post(Client(), url).status_code == 401
    acknowledged = MinutesReceipt.objects.filter(minutes=issued, acknowledged_at__isnull=False)
    assert set(acknowledged.values_list("unit__name", flat=True)) == {
        "市人力资源和社会保障局",
        "市政府办公室",
    }


def test_a_draft_cannot_be_acknowledged(
    draft_minutes: Minutes, other_liaison: Any, api_as: Api
) -> None:
    response = post(api_as(other_liaison), f"/api/v1/minutes/{draft_minutes.pk}/acknowledge")
    assert response.status_code == 404


def test_the_government_office_sees_a_meeting_once_its_minutes_are_issued(
    issued: Minutes, plenary: Meeting, gov_reader: Any, api_as: Api
) -> None:
    """三(一)1: the minutes are 抄报市政府（办公室）: it sees the meeting with its minutes."""
    client = api_as(gov_reader)
    [meeting] = client.get("/api/v1/meetings").json()
    assert meeting["minutes"]["id"] == issued.pk and meeting["minutes"]["status"] == "issued"
    detail = client.get(f"/api/v1/meetings/{plenary.pk}").json()
    assert detail["minutes"]["number"] == issued.number
    assert detail["roll"] is None and detail["my_attendance"] is None


# --- OpenAPI ------------------------------------------------------------------------------------


def test_openapi_lists_the_meetings_paths(db: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path, method in (
        ("/api/v1/meetings", "get"),
        ("/api/v1/meetings", "post"),
        ("/api/v1/meetings/{meeting_id}", "get"),
        ("/api/v1/meetings/{meeting_id}/agenda", "post"),
        ("/api/v1/meetings/{meeting_id}/notify", "post"),
        ("/api/v1/meetings/{meeting_id}/attendance", "post"),
        ("/api/v1/meetings/{meeting_id}/minutes", "get"),
        ("/api/v1/minutes/{minutes_id}/acknowledge", "post"),
    ):
        assert method in paths[path], (path, method)
    assert paths["/api/v1/meetings"]["post"]["security"] == [{"TokenAuth": []}]


def test_the_api_shows_the_change_notice_and_how_an_answer_came_三_一_1(
    plenary: Meeting, sec: Membership, clerk: Any, api_as: Api
) -> None:
    """三(一)1: the change notice ("原定…，现调整为…") and answers entered for a unit by phone or
    fax, marked as such, as on the page."""
    services.attendance_answer_on_behalf(
        attendance=Attendance.objects.get(meeting=plenary, unit=unit("市财政局")),
        actor=sec,
        via=Attendance.Channel.PHONE,
        attending=True,
        attendee_name="钱局长",
    )
    services.meeting_update(
        meeting=plenary,
        actor=sec,
        starts_at=plenary.starts_at + timedelta(hours=4),
        ends_at=plenary.ends_at + timedelta(hours=4),
    )
    body = api_as(clerk).get(f"/api/v1/meetings/{plenary.pk}").json()
    assert "原定于" in body["change_notice_text"] and "现调整为" in body["change_notice_text"]
    [finance] = [a for a in body["roll"]["attending"] if a["unit"]["name"] == "市财政局"]
    assert finance["answered_via"] == "phone"
