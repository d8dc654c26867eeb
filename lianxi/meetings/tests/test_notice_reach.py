"""Who a meeting notice reaches (三(一)1): before sending, the invited units that have nobody
registered to receive it; after, who was reached per unit; answers taken by phone or fax and
entered by the convener on a unit's behalf, marked as such."""

from __future__ import annotations

from typing import Any

import pytest

from lianxi.core.exceptions import ApplicationError
from lianxi.meetings import selectors, services
from lianxi.meetings.models import Attendance, Meeting
from lianxi.organization.models import Unit

from .fixtures import attendance_of

pytestmark = pytest.mark.django_db


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def test_before_sending_the_page_names_the_invited_units_nobody_would_receive_it_三_一_1(
    make_plenary: Any, clerk: Any, other_liaison: Any, login: Any
) -> None:
    """三(一)1 (会议通知): a notice to a unit with no member or liaison on the platform reaches
    nobody; the secretariat is told before it sends, and after, how many units were reached."""
    meeting = make_plenary(notify=False)
    unreached = selectors.unreached_units(meeting)
    names = [u.name for u in unreached]
    assert "市财政局" in names and "市人力资源和社会保障局" not in names
    client = login(clerk)
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "没有登记成员或联络员" in page and "市财政局" in page

    response = client.post(f"/meetings/{meeting.pk}/notify/", follow=True)
    flash = response.content.decode()
    assert f"{len(unreached)} 个单位无人接收" in flash
    assert "已发出" in flash


def test_after_sending_the_roll_shows_who_was_reached_per_unit_三_一_1(
    clerk: Any, other_liaison: Any, observer_user: Any, plenary: Meeting, login: Any
) -> None:
    """Who was reached is read from the notice's deliveries: a liaison registered after the
    notice went out was not reached by it."""
    from lianxi.conftest import _person

    _person("late", "晚到联络", unit("市财政局"), "liaison")
    attendances = selectors.meeting_attendances(plenary)
    reach = selectors.notice_reach(plenary, attendances)
    by_unit = {a.unit.name: reach[a.pk] for a in attendances}
    assert by_unit["市人力资源和社会保障局"] == ["张联络"]
    assert by_unit["市职业病防治院"] == ["钱列席"]  # the observer, reached by name
    assert by_unit["市财政局"] == []
    page = login(clerk).get(f"/meetings/{plenary.pk}/").content.decode()
    assert "已送达：张联络" in page and "无人接收" in page


def test_the_secretariat_records_an_answer_taken_by_phone_marked_as_such_三_一_1(
    plenary: Meeting, sec: Any, clerk: Any, login: Any
) -> None:
    """三(一)1: a unit nobody on the platform answers by phone; the secretariat enters it for
    the unit, marked 电话答复 and with who entered it."""
    finance = attendance_of(plenary, unit("市财政局"))
    answer = services.attendance_answer_on_behalf(
        attendance=finance,
        actor=sec,
        via=Attendance.Channel.PHONE,
        attending=False,
        attendee_name="钱局长",
        substitute_name="孙科长",
        substitute_title="科长",
        leave_reason="出差",
    )
    assert answer.status == Attendance.Status.ON_LEAVE
    assert answer.answered_via == "phone" and answer.answered_by == clerk
    page = login(clerk).get(f"/meetings/{plenary.pk}/").content.decode()
    assert "电话答复，王秘书代为登记" in page
    with pytest.raises(ApplicationError, match="电话或传真"):
        services.attendance_answer_on_behalf(
            attendance=finance, actor=sec, via="platform", attending=True, attendee_name="x"
        )


def test_only_the_convener_answers_on_a_units_behalf(
    plenary: Meeting, other_liaison: Any, login: Any
) -> None:
    """A unit answers for itself on the platform; it cannot enter another unit's answer."""
    finance = attendance_of(plenary, unit("市财政局"))
    with pytest.raises(ApplicationError, match="召集方"):
        services.attendance_answer_on_behalf(
            attendance=finance, actor=other_liaison.membership, via="fax", attending=True,
            attendee_name="x",
        )  # fmt: skip
    response = login(other_liaison).post(
        f"/meetings/{plenary.pk}/answer-for-unit/",
        {"attendance": finance.pk, "via": "fax", "attending": "1", "attendee_name": "x"},
    )
    assert response.status_code == 403
    finance.refresh_from_db()
    assert finance.status == Attendance.Status.PENDING


def test_the_on_behalf_form_posts_through_the_page(
    plenary: Meeting, clerk: Any, login: Any
) -> None:
    finance = attendance_of(plenary, unit("市财政局"))
    response = login(clerk).post(
        f"/meetings/{plenary.pk}/answer-for-unit/",
        {"attendance": finance.pk, "via": "fax", "attending": "1", "attendee_name": "钱局长"},
    )
    assert response.status_code == 302
    finance.refresh_from_db()
    assert (finance.status, finance.answered_via) == (Attendance.Status.ATTENDING, "fax")


def test_the_conveners_meeting_page_query_count_does_not_grow_with_invited_units_三_一_1(
    make_plenary: Any, mechanism: Any, clerk: Any, login: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    """三(一)1: the convener's page (roll with who was reached, phone/fax answer form) reads
    the invited units in a fixed number of queries, however many there are (20 measured: 19, and the
    password-state check every page now makes, issue 17)."""
    from lianxi.conftest import _person

    client = login(clerk)
    few = make_plenary(title="少数单位的会议")
    with django_assert_max_num_queries(20) as before:
        assert client.get(f"/meetings/{few.pk}/").status_code == 200
    for n in range(6):
        extra = Unit.objects.create(mechanism=mechanism, name=f"新增成员单位{n}", order=100 + n)
        _person(f"extra{n}", f"新联络{n}", extra, "liaison")
    many = make_plenary(title="更多单位的会议", days=12)
    assert many.attendances.count() >= few.attendances.count() + 6
    with django_assert_max_num_queries(20) as after:
        page = client.get(f"/meetings/{many.pk}/").content.decode()
    assert "已送达：新联络5" in page
    assert len(after.captured_queries) <= len(before.captured_queries)
