"""Plenary meetings (三(一)1): scheduling, invitations, agenda, materials, notice, changes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent
from lianxi.meetings import services
from lianxi.meetings.models import AgendaItem, Attendance, Meeting
from lianxi.notifications.models import Message
from lianxi.notifications.tests.fixtures import inbox_of
from lianxi.organization.models import Unit

from .fixtures import hold, soon

pytestmark = pytest.mark.django_db


def test_plenary_invites_every_active_member_unit_and_the_observers_三_一_1(
    sec: Any, mechanism: Any, observer_unit: Unit
) -> None:
    """三(一)1: 参会人员为联席会议成员，可邀请其他相关单位人员列席."""
    Unit.objects.filter(name="市科技局").update(active=False)
    meeting = services.meeting_schedule(
        kind="plenary",
        title="2026年全体会议",
        starts_at=soon(),
        ends_at=soon(hour=11),
        location="三楼会议室",
        observer_units=[observer_unit],
        actor=sec,
    )
    members = Attendance.objects.filter(meeting=meeting, invited_as="member")
    assert members.count() == 14  # 15 member units, one no longer active
    assert not members.filter(unit__name="市科技局").exists()
    assert not members.filter(unit__kind="government").exists()
    observer = Attendance.objects.get(meeting=meeting, invited_as="observer")
    assert observer.unit == observer_unit
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.chair_unit.is_secretariat
    assert AuditEvent.objects.filter(action="meeting.schedule", target_id=str(meeting.pk)).exists()


def test_only_the_secretariat_schedules_a_plenary_三_一_1(health_liaison: Any) -> None:
    """三(一)1: 会议召开和会议议题由市卫生健康委（联席会议办公室）负责."""
    with pytest.raises(ApplicationError):
        services.meeting_schedule(
            kind="plenary",
            title="x",
            starts_at=soon(),
            ends_at=soon(hour=11),
            location="y",
            actor=health_liaison.membership,
        )
    assert not Meeting.objects.exists()


def test_bad_times_are_refused_in_chinese_and_nothing_is_written(sec: Any) -> None:
    with pytest.raises(ApplicationError, match="结束时间应晚于开始时间"):
        services.meeting_schedule(
            kind="plenary",
            title="x",
            starts_at=soon(hour=11),
            ends_at=soon(hour=9),
            location="y",
            actor=sec,
        )
    assert not Meeting.objects.exists() and not Attendance.objects.exists()


def test_invited_unit_add_creates_an_invited_unit_once(sec: Any) -> None:
    """三(一)1: 可根据工作需要邀请其他相关单位人员列席 — a unit outside the joint meeting is
    added once, to be invited as an observer."""
    unit = services.invited_unit_add(name="市职业病防治院", actor=sec)
    assert unit.kind == Unit.Kind.INVITED
    assert services.invited_unit_add(name="市职业病防治院", actor=sec) == unit
    with pytest.raises(ApplicationError, match="已是成员单位"):
        services.invited_unit_add(name="市财政局", actor=sec)


def test_notice_goes_to_every_invited_unit_and_the_meeting_is_notified_三_一_1(
    make_plenary: Any,
    observer_unit: Unit,
    observer_user: Any,
    other_liaison: Any,
    health_liaison: Any,
    gov_reader: Any,
) -> None:
    """三(一)1: 市卫生健康委负责会议通知 — every member unit and the observer unit get it."""
    meeting = make_plenary(observers=(observer_unit,))
    assert meeting.status == Meeting.Status.NOTIFIED
    assert meeting.notified_at is not None
    assert "委托其他负责同志出席" in meeting.notice_text
    for user in (other_liaison, health_liaison, observer_user):
        assert inbox_of(user) == [f"会议通知：{meeting.title}"]
    assert inbox_of(gov_reader) == []
    message = Message.objects.get(kind="meeting.notice")
    assert "市职业病防治院" in message.addressed_to
    with pytest.raises(ApplicationError, match="不能再发通知"):
        services.meeting_notify(meeting=meeting, actor=meeting.created_by.membership)


def test_notice_needs_an_agenda(sec: Any) -> None:
    """三(一)1: 会议议题由市卫生健康委负责 — the notice states the agenda, so it needs one."""
    meeting = services.meeting_schedule(
        kind="plenary", title="x", starts_at=soon(), ends_at=soon(hour=11), location="y", actor=sec
    )
    with pytest.raises(ApplicationError, match="会议议题"):
        services.meeting_notify(meeting=meeting, actor=sec)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.DRAFT


def test_agenda_add_move_remove_keeps_a_dense_order(make_plenary: Any, sec: Any) -> None:
    """三(一)1: the convener sets and orders the agenda; a topic may come from a unit's proposal."""
    meeting = make_plenary(notify=False)
    third = services.agenda_item_add(
        meeting=meeting,
        title="研究职业健康保护行动",
        proposed_by=Unit.objects.get(name="市总工会"),
        actor=sec,
    )
    services.agenda_item_move(item=third, up=True, actor=sec)
    titles = list(meeting.agenda.order_by("order").values_list("title", "order"))
    assert titles == [
        ("通报全市职业病防治工作形势", 1),
        ("研究职业健康保护行动", 2),
        ("审议年度工作要点", 3),
    ]
    services.agenda_item_remove(item=meeting.agenda.get(order=1), actor=sec)
    assert list(meeting.agenda.values_list("order", flat=True)) == [1, 2]
    assert meeting.agenda.get(order=1).proposed_by.name == "市总工会"


def test_material_upload(make_plenary: Any, sec: Any, settings: Any, tmp_path: Any) -> None:
    """三(一)1: 市卫生健康委负责会议材料准备 — the convener uploads the meeting's materials."""
    settings.MEDIA_ROOT = tmp_path
    meeting = make_plenary(notify=False)
    upload = SimpleUploadedFile("要点.docx", b"PK\x03\x04 content")
    material = services.meeting_material_add(meeting=meeting, title="", file=upload, actor=sec)
    assert material.title == "要点.docx"
    with material.file.open("rb") as handle:
        assert handle.read() == b"PK\x03\x04 content"


def test_update_of_time_raises_the_sequence_and_sends_a_change_notice(
    other_liaison: Any, plenary: Meeting, sec: Any
) -> None:
    """三(一)1 会议通知: a change of time or place after the notice reaches every invited unit."""
    assert plenary.ical_sequence == 0
    services.meeting_update(meeting=plenary, title=plenary.title, actor=sec)  # nothing changed
    plenary.refresh_from_db()
    assert plenary.ical_sequence == 0
    services.meeting_update(
        meeting=plenary,
        starts_at=plenary.starts_at + timedelta(days=1),
        ends_at=plenary.ends_at + timedelta(days=1),
        actor=sec,
    )
    plenary.refresh_from_db()
    assert plenary.ical_sequence == 1
    services.meeting_update(meeting=plenary, location="市政府二楼会议室", actor=sec)
    plenary.refresh_from_db()
    assert plenary.ical_sequence == 2
    assert inbox_of(other_liaison).count(f"会议变更通知：{plenary.title}") == 2


def test_update_before_the_notice_sends_nothing(make_plenary: Any, sec: Any) -> None:
    """三(一)1 会议通知: before the notice is sent, a change tells nobody."""
    meeting = make_plenary(notify=False)
    services.meeting_update(meeting=meeting, location="别处", actor=sec)
    meeting.refresh_from_db()
    assert meeting.ical_sequence == 0 and meeting.location == "别处"
    assert not Message.objects.filter(kind="meeting.notice").exists()


def test_cancel_tells_the_invited_units(other_liaison: Any, plenary: Meeting, sec: Any) -> None:
    """三(一)1 会议通知: the units notified of a meeting are told when it is cancelled."""
    with pytest.raises(ApplicationError, match="取消原因"):
        services.meeting_cancel(meeting=plenary, reason=" ", actor=sec)
    services.meeting_cancel(meeting=plenary, reason="与市政府常务会议冲突", actor=sec)
    plenary.refresh_from_db()
    assert plenary.status == Meeting.Status.CANCELLED
    assert plenary.ical_sequence == 1
    assert f"会议取消：{plenary.title}" in inbox_of(other_liaison)
    with pytest.raises(ApplicationError):
        services.agenda_item_add(meeting=plenary, title="x", actor=sec)


def _action_item(mechanism: Any, title: str, lead: str, deadline: date, clerk: Any) -> Any:
    from lianxi.supervision.services import action_item_create

    return action_item_create(
        mechanism=mechanism,
        title=title,
        source="meeting",
        source_label="上次全体会议纪要〔2026〕1号 第1项议定事项",
        lead_unit=Unit.objects.get(name=lead),
        deadline=deadline,
        actor=clerk.membership,
    )


def test_next_plenary_opens_with_the_unfinished_agreed_matters_三_一_1(
    make_plenary: Any, sec: Any, mechanism: Any, clerk: Any
) -> None:
    """三(一)1 / 四(二): the next plenary's agenda opens with 上次会议议定事项落实情况."""
    first = make_plenary(title="第一次全体会议")
    assert not first.agenda.filter(is_carryover=True).exists()  # no previous plenary
    _action_item(
        mechanism, "开展尘肺病防治攻坚行动", "市卫生健康委", date.today() + timedelta(30), clerk
    )
    second = make_plenary(title="第二次全体会议", notify=False, days=40)
    carry = second.agenda.order_by("order").first()
    assert carry.is_carryover and carry.title == services.CARRYOVER_TITLE
    assert "开展尘肺病防治攻坚行动" in carry.description
    assert "牵头单位：市卫生健康委" in carry.description
    # a new unfinished item appears when the secretariat refreshes
    _action_item(
        mechanism,
        "提高工伤保险覆盖率",
        "市人力资源和社会保障局",
        date.today() + timedelta(60),
        clerk,
    )
    services.agenda_carryover_refresh(meeting=second, actor=sec)
    carry.refresh_from_db()
    assert "提高工伤保险覆盖率" in carry.description
    assert second.agenda.filter(is_carryover=True).count() == 1


def test_carryover_refresh_recreates_a_removed_item_at_the_top(make_plenary: Any, sec: Any) -> None:
    """四(二): 上次会议议定事项落实情况 comes back as the first item of the next plenary."""
    make_plenary(title="第一次全体会议")
    second = make_plenary(title="第二次全体会议", notify=False, days=40)
    services.agenda_item_remove(item=second.agenda.get(is_carryover=True), actor=sec)
    services.agenda_carryover_refresh(meeting=second, actor=sec)
    first = second.agenda.order_by("order").first()
    assert first.is_carryover and first.order == 1
    assert "均已办结" in first.description
    assert list(AgendaItem.objects.filter(meeting=second).values_list("order", flat=True)) == [
        1,
        2,
        3,
    ]


def test_minutes_cannot_be_drafted_before_the_meeting_is_held(plenary: Meeting, sec: Any) -> None:
    """三(一)1: 会议纪要 record what the meeting agreed, so they are drafted once it is held."""
    with pytest.raises(ApplicationError, match="会议召开"):
        services.minutes_draft(meeting=plenary, actor=sec)
    hold(plenary, sec)
    assert services.minutes_draft(meeting=plenary, actor=sec).sections.count() == 2
