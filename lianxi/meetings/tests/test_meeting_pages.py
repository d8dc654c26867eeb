"""What the meeting pages show and accept (issue 18, 三(一)1, 三(一)2): the roll before a notice,
during answers and after the meeting; 委托出席; the record form once minutes are issued; a
refused answer; meetings in the past; the order of past meetings; the topical notice's clause."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.core.exceptions import ApplicationError
from lianxi.meetings import services
from lianxi.meetings.models import Attendance, Meeting
from lianxi.organization.models import Unit

from .fixtures import attendance_of, hold, move_to_day, soon

pytestmark = pytest.mark.django_db


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def test_a_draft_meetings_roll_marks_no_unit_red_before_any_notice(
    make_plenary: Any, clerk: Any, login: Any
) -> None:
    """三(一)1: before the notice nobody was asked, so nobody has failed to answer."""
    meeting = make_plenary(notify=False)
    page = login(clerk).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "meetings-roll-pending" not in page and "未答复" not in page
    assert "会议通知尚未发出" in page


def test_once_held_the_roll_shows_who_actually_came_not_the_answers_三_一_1(
    plenary: Meeting, sec: Any, other_liaison: Any, clerk: Any, login: Any
) -> None:
    """三(一)1: a unit that said it would attend but did not come counts as 缺席 after the
    meeting; the roll counts the record, not the answers."""
    services.attendance_answer(
        attendance=attendance_of(plenary, other_liaison.membership.unit),
        actor=other_liaison.membership,
        attending=True,
        attendee_name="刘副局长",
    )
    move_to_day(plenary)
    actual = {a.pk: Attendance.Actual.ABSENT.value for a in plenary.attendances.all()}
    health = attendance_of(plenary, unit("市卫生健康委"))
    actual[health.pk] = Attendance.Actual.PRESENT
    services.attendance_record(
        meeting=plenary, actual=actual, names={health.pk: "赵主任"}, actor=sec
    )
    page = login(clerk).get(f"/meetings/{plenary.pk}/").content.decode()
    assert "实际出席情况" in page
    assert '<div class="stat"><b>1</b>出席</div>' in page
    assert '<div class="stat"><b>0</b>未答复</div>' not in page
    row = page.split("市人力资源和社会保障局")[0].rsplit("<tr", 1)[1]
    assert "缺席" in row


def test_the_record_offers_委托出席_with_the_delegate_named_三_一_1(
    plenary: Meeting, sec: Any, other_liaison: Any, clerk: Any, login: Any
) -> None:
    """三(一)1: 成员因故不能出席的，委托其他负责同志出席 — a choice of its own in the record, and
    the delegate must be named."""
    services.attendance_answer(
        attendance=attendance_of(plenary, other_liaison.membership.unit),
        actor=other_liaison.membership,
        attending=False,
        attendee_name="刘副局长",
        substitute_name="周处长",
    )
    move_to_day(plenary)
    page = login(clerk).get(f"/meetings/{plenary.pk}/").content.decode()
    assert '<option value="delegate" selected>委托出席</option>' in page
    actual = {a.pk: services.default_actual(a)[0] for a in plenary.attendances.all()}
    with pytest.raises(ApplicationError, match="受委托出席人姓名"):
        services.attendance_record(meeting=plenary, actual=actual, names={}, actor=sec)


def test_the_record_form_is_gone_once_the_minutes_are_issued(
    plenary: Meeting, sec: Any, clerk: Any, login: Any
) -> None:
    held = hold(plenary, sec)
    minutes = services.minutes_draft(meeting=held, actor=sec)
    services.minutes_approve(minutes=minutes, actor=sec)
    services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    services.minutes_issue(minutes=minutes, actor=sec)
    page = login(clerk).get(f"/meetings/{plenary.pk}/").content.decode()
    assert 'id="record"' not in page
    actual = {a.pk: "absent" for a in held.attendances.all()}
    with pytest.raises(ApplicationError, match="纪要已印发"):
        services.attendance_record(meeting=held, actual=actual, actor=sec)


def test_a_refused_answer_keeps_what_was_typed_三_一_1(
    plenary: Meeting, other_liaison: Any, login: Any
) -> None:
    """Leave without naming a substitute is refused (三(一)1); the form comes back as typed."""
    response = login(other_liaison).post(
        f"/meetings/{plenary.pk}/answer/",
        {"attending": "0", "attendee_name": "刘副局长", "leave_reason": "赴省厅参加培训"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "委托其他负责同志出席" in page
    assert 'value="刘副局长"' in page and 'value="赴省厅参加培训"' in page
    assert attendance_of(plenary, other_liaison.membership.unit).status == "pending"


def test_a_meeting_in_the_past_is_refused_unless_recorded_as_past_explicitly(
    sec: Any, clerk: Any, login: Any
) -> None:
    """Scheduling a meeting whose start has passed is refused in Chinese; a record of a past
    meeting is accepted only with the explicit confirmation."""
    past = timezone.localtime() - timedelta(days=3)
    kwargs = dict(
        kind=Meeting.Kind.PLENARY, title="上月全体会议", starts_at=past,
        ends_at=past + timedelta(hours=2), location="市卫生健康委三楼会议室", actor=sec,
    )  # fmt: skip
    with pytest.raises(ApplicationError, match="已经过去"):
        services.meeting_schedule(**kwargs)
    assert not Meeting.objects.exists()
    form = {
        "title": "上月全体会议",
        "starts_at": past.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (past + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "location": "市卫生健康委三楼会议室",
    }
    response = login(clerk).post("/meetings/new/", form)
    assert response.status_code == 200 and "已经过去" in response.content.decode()
    assert not Meeting.objects.exists()
    response = login(clerk).post("/meetings/new/", {**form, "record_past": "on"})
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.starts_at < timezone.now()


def test_past_meetings_are_listed_newest_first(
    make_plenary: Any, sec: Any, clerk: Any, login: Any
) -> None:
    older = hold(make_plenary(title="较早的全体会议", days=5), sec)
    move_to_day(older, days_ago=40)
    newer = hold(make_plenary(title="较近的全体会议", days=6), sec)
    move_to_day(newer, days_ago=2)
    page = login(clerk).get("/meetings/").content.decode()
    past = page.split("已召开及已取消")[1]
    assert past.index("较近的全体会议") < past.index("较早的全体会议")


def test_a_topical_meetings_notice_cites_三_一_2(sec: Any) -> None:
    """三(一)2: a topical meeting is convened by the entrusted member with the members its topic
    concerns; its notice cites that clause, not the plenary's 三(一)1."""
    meeting = services.topical_meeting_entrust(
        title="尘肺病防治专题会议", topic="粉尘危害治理", chair_unit=unit("市应急管理局"),
        concerned_units=[unit("市卫生健康委")], starts_at=soon(), ends_at=soon(hour=11),
        location="市应急管理局会议室", actor=sec,
    )  # fmt: skip
    text = services.default_notice(meeting)
    assert "三(一)2" in text and "三(一)1" not in text
    assert "市应急管理局" in text


def test_dates_on_the_meeting_pages_are_written_as_officials_write_them(
    plenary: Meeting, sec: Any, clerk: Any, login: Any
) -> None:
    """ "2026年12月3日", "12月3日 9:00": no ISO dates, no zero padding (issue 18)."""
    import re

    from lianxi.core.dates import cn_date

    held = hold(plenary, sec)
    minutes = services.minutes_draft(meeting=held, actor=sec)
    services.resolution_add(
        section=minutes.sections.all()[0], text="开展专项行动", lead_unit=unit("市财政局"),
        deadline=timezone.localdate() + timedelta(days=40), actor=sec,
    )  # fmt: skip
    client = login(clerk)
    pages = ("/meetings/", f"/meetings/{held.pk}/", f"/meetings/minutes/{minutes.pk}/")
    for url in (*pages, f"/meetings/minutes/{minutes.pk}/edit/"):
        page = client.get(url).content.decode()
        main = page.split("<main", 1)[1].split("</main>", 1)[0]
        main = re.sub(r"<(input|textarea|option)[^>]*>", "", main)  # form values are the browser's
        assert not re.search(r"\d{4}-\d{2}-\d{2}", main), url
        assert not re.search(r"月0\d日|\b0\d:\d\d", main), url
    assert cn_date(held.starts_at) in client.get("/meetings/").content.decode()


def test_once_answers_are_closed_a_unit_not_answered_is_told_so_without_a_warning_三_一_1(
    plenary: Meeting, sec: Any, other_liaison: Any, login: Any
) -> None:
    """三(一)1: a unit answers before the start; once the meeting is held nothing can be done
    about an answer not given, so its page says so plainly instead of the yellow reminder."""
    client = login(other_liaison)
    page = client.get(f"/meetings/{plenary.pk}/").content.decode()
    assert '<p class="warning">本单位尚未答复是否出席。</p>' in page
    hold(plenary, sec)
    page = client.get(f"/meetings/{plenary.pk}/").content.decode()
    assert "本单位会前未答复是否出席。" in page
    assert "本单位尚未答复是否出席" not in page
