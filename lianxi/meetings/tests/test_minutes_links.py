"""The issued minutes link each agreed matter to the action item it became (四(二)), for those
who may open that item only; the web page shows the 出席 / 请假 lines as the document does."""

from __future__ import annotations

from typing import Any

import pytest

from lianxi.meetings import services
from lianxi.meetings.models import Meeting
from lianxi.organization.models import Unit
from lianxi.supervision.models import ActionItem

from .fixtures import attendance_of, hold

pytestmark = pytest.mark.django_db


def _issue_with_two_matters(plenary: Meeting, clerk: Any, other_liaison: Any) -> Any:
    sec = clerk.membership
    services.attendance_answer(
        attendance=attendance_of(plenary, other_liaison.membership.unit),
        actor=other_liaison.membership, attending=False, attendee_name="刘局长",
        substitute_name="周处长", substitute_title="科长",
    )  # fmt: skip
    hold(plenary, sec)
    minutes = services.minutes_draft(meeting=plenary, actor=sec)
    first, second = minutes.sections.order_by("order")
    hrss = Unit.objects.get(name="市人力资源和社会保障局")
    services.resolution_add(
        section=first, text="工伤保险扩面", lead_unit=hrss, deadline_workdays=30, actor=sec
    )
    services.resolution_add(
        section=second, text="专项治理", lead_unit=Unit.objects.get(name="市卫生健康委"),
        deadline_workdays=20, actor=sec,
    )  # fmt: skip
    services.minutes_approve(minutes=minutes, actor=sec)
    services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    return services.minutes_issue(minutes=minutes, actor=sec)


def test_issued_minutes_link_matters_to_the_items_each_reader_may_open_四_二(
    plenary: Meeting, clerk: Any, other_liaison: Any, safety_liaison: Any, gov_reader: Any,
    login: Any,
) -> None:  # fmt: skip
    minutes = _issue_with_two_matters(plenary, clerk, other_liaison)
    hrss_item = ActionItem.objects.get(title="工伤保险扩面")
    health_item = ActionItem.objects.get(title="专项治理")
    url = f"/meetings/minutes/{minutes.pk}/"

    def links(user: Any) -> set[int]:
        page = login(user).get(url).content.decode()
        return {i.pk for i in (hrss_item, health_item) if f"/supervision/{i.pk}/" in page}

    assert links(clerk) == {hrss_item.pk, health_item.pk}
    assert links(gov_reader) == {hrss_item.pk, health_item.pk}
    assert links(other_liaison) == {hrss_item.pk}  # the lead unit: its own item only
    assert links(safety_liaison) == set()  # a member unit that leads nothing


def test_minutes_page_shows_attendance_lines_with_the_substitute_三_一_1(
    plenary: Meeting, clerk: Any, other_liaison: Any, login: Any
) -> None:
    minutes = _issue_with_two_matters(plenary, clerk, other_liaison)
    page = login(clerk).get(f"/meetings/minutes/{minutes.pk}/").content.decode()
    assert "市人力资源和社会保障局 周处长（受委托出席）" in page
    assert "市人力资源和社会保障局 刘局长" in page


def test_draft_minutes_show_no_item_links(plenary: Meeting, clerk: Any, login: Any) -> None:
    """四(二): agreed matters become action items when the minutes are issued, not before."""
    sec = clerk.membership
    hold(plenary, sec)
    minutes = services.minutes_draft(meeting=plenary, actor=sec)
    page = login(clerk).get(f"/meetings/minutes/{minutes.pk}/").content.decode()
    assert "meetings-action-item" not in page
