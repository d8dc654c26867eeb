"""Minutes (三(一)1): drafting, agreed matters numbered across the minutes, approval, issuing to
members and invited units with a copy to the city government, receipts, action items (四(二))."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.core.exceptions import ApplicationError
from lianxi.meetings import services
from lianxi.meetings.minutes_document import attendance_lines, build_minutes_document
from lianxi.meetings.models import Meeting, Minutes, MinutesReceipt, Resolution
from lianxi.notifications.models import Delivery
from lianxi.organization.models import Unit
from lianxi.supervision.models import ActionItem

from .fixtures import attendance_of, hold

pytestmark = pytest.mark.django_db


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


@pytest.fixture
def held(plenary: Meeting, sec: Any, other_liaison: Any, observer_user: Any) -> Meeting:
    services.attendance_answer(
        attendance=attendance_of(plenary, other_liaison.membership.unit),
        actor=other_liaison.membership,
        attending=False,
        attendee_name="刘副局长",
        attendee_title="副局长",
        substitute_name="周处长",
        substitute_title="处长",
    )
    services.attendance_answer(
        attendance=attendance_of(plenary, unit("市卫生健康委")),
        actor=sec.user.membership.__class__.objects.create(
            user=_user("healthm"), unit=unit("市卫生健康委"), role="member", title="副主任"
        ),
        attending=True,
        attendee_name="赵主任",
        attendee_title="副主任",
    )
    services.attendance_answer(
        attendance=attendance_of(plenary, observer_user.membership.unit),
        actor=observer_user.membership,
        attending=True,
        attendee_name="钱院长",
        attendee_title="院长",
    )
    return hold(plenary, sec)


def _user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username=username, first_name="赵主任")


def drafted(meeting: Meeting, sec: Any) -> Minutes:
    minutes = services.minutes_draft(meeting=meeting, actor=sec)
    first, second = minutes.sections.order_by("order")
    services.resolution_add(
        section=second,
        text="各成员单位按职责分工制定年度工作方案",
        lead_unit=unit("市卫生健康委"),
        supporting_units=[unit("市人力资源和社会保障局"), unit("市总工会")],
        deadline_workdays=20,
        actor=sec,
    )
    services.resolution_add(
        section=first,
        text="开展工伤保险扩面专项行动",
        lead_unit=unit("市人力资源和社会保障局"),
        deadline=date.today() + timedelta(days=90),
        feedback_every_workdays=10,
        actor=sec,
    )
    return minutes


def test_draft_prefills_one_section_per_agenda_item_三_一_1(held: Meeting, sec: Any) -> None:
    """三(一)1: 全体会议纪要由市卫生健康委负责起草 — pre-filled from the agenda."""
    minutes = services.minutes_draft(meeting=held, actor=sec)
    assert [s.heading for s in minutes.sections.order_by("order")] == [
        "通报全市职业病防治工作形势",
        "审议年度工作要点",
    ]
    assert minutes.status == Minutes.Status.DRAFT and minutes.intro
    with pytest.raises(ApplicationError, match="已经起草"):
        services.minutes_draft(meeting=held, actor=sec)


def test_agreed_matters_are_numbered_across_the_minutes_三_一_1(held: Meeting, sec: Any) -> None:
    """三(一)1: 以会议纪要形式明确会议议定事项 — numbered across the whole minutes."""
    minutes = drafted(held, sec)
    numbers = [(r.section.order, r.number, r.text[:4]) for r in minutes.resolutions.all()]
    assert numbers == [(1, 1, "开展工伤"), (2, 2, "各成员单")]
    services.resolution_remove(resolution=minutes.resolutions.get(number=1), actor=sec)
    assert list(minutes.resolutions.values_list("number", flat=True)) == [1]


def test_an_agreed_matter_needs_a_lead_unit_and_one_deadline_四_二(held: Meeting, sec: Any) -> None:
    """四(二): every agreed matter has a lead unit and a deadline (a date or N working days)."""
    minutes = services.minutes_draft(meeting=held, actor=sec)
    section = minutes.sections.all()[0]
    with pytest.raises(ApplicationError, match="牵头单位"):
        services.resolution_add(
            section=section, text="x", lead_unit=None, deadline_workdays=5, actor=sec
        )
    with pytest.raises(ApplicationError, match="二选一"):
        services.resolution_add(section=section, text="x", lead_unit=unit("市财政局"), actor=sec)
    with pytest.raises(ApplicationError, match="二选一"):
        services.resolution_add(
            section=section, text="x", lead_unit=unit("市财政局"), deadline=date.today(),
            deadline_workdays=3, actor=sec,
        )  # fmt: skip
    assert not Resolution.objects.exists()


def test_issue_numbers_sends_receipts_and_creates_action_items_三_一_1(
    held: Meeting, sec: Any, other_liaison: Any, gov_reader: Any, observer_user: Any
) -> None:
    """三(一)1: 纪要印发各成员单位和邀请参加会议的其他单位，同时抄报市政府（办公室）;
    四(二): each agreed matter becomes an action item."""
    minutes = drafted(held, sec)
    with pytest.raises(ApplicationError, match="审定、签发后"):
        services.minutes_issue(minutes=minutes, actor=sec)
    services.minutes_approve(minutes=minutes, actor=sec)
    with pytest.raises(ApplicationError, match="不能再修改"):
        services.resolution_add(
            section=minutes.sections.all()[0], text="y", lead_unit=unit("市财政局"),
            deadline_workdays=3, actor=sec,
        )  # fmt: skip
    services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    services.minutes_issue(minutes=minutes, actor=sec)
    minutes.refresh_from_db()
    year = timezone.localdate().year
    assert minutes.status == Minutes.Status.ISSUED
    assert minutes.number == f"〔{year}〕1号"
    kinds = dict(MinutesReceipt.objects.filter(minutes=minutes).values_list("unit__name", "kind"))
    assert len(kinds) == 15 + 1 + 1
    assert kinds["市职业病防治院"] == "invited"
    assert kinds["市政府办公室"] == "copy"
    assert kinds["市财政局"] == "member"
    for user in (other_liaison, gov_reader, observer_user):
        assert Delivery.objects.filter(user=user, message__kind__startswith="minutes.").exists()
    items = ActionItem.objects.filter(source="meeting").order_by("source_key")
    assert items.count() == 2
    first = minutes.resolutions.get(number=1)
    item = ActionItem.objects.get(source_key=f"meetings.resolution:{first.pk}")
    assert item.lead_unit.name == "市人力资源和社会保障局"
    assert item.source_label == f"{held.title}纪要〔{year}〕1号 第1项议定事项"
    assert item.source_url == f"/meetings/minutes/{minutes.pk}/"
    assert item.feedback_every_workdays == 10
    second = ActionItem.objects.get(
        source_key=f"meetings.resolution:{minutes.resolutions.get(number=2).pk}"
    )
    assert {u.name for u in second.supporting_units.all()} == {"市人力资源和社会保障局", "市总工会"}
    assert second.deadline > timezone.localdate()


def test_issue_numbers_run_on_within_the_year(held: Meeting, sec: Any, make_plenary: Any) -> None:
    minutes = drafted(held, sec)
    services.minutes_approve(minutes=minutes, actor=sec)
    services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    services.minutes_issue(minutes=minutes, actor=sec)
    other = hold(make_plenary(title="专题研究会", days=3), sec)
    second = services.minutes_draft(meeting=other, actor=sec)
    services.minutes_approve(minutes=second, actor=sec)
    services.minutes_sign_off(minutes=second, signer_name="赵主任", actor=sec)
    services.minutes_issue(minutes=second, actor=sec)
    second.refresh_from_db()
    assert second.serial == 2


def test_a_bad_agreed_matter_stops_the_issue_and_nothing_is_written(
    held: Meeting, sec: Any
) -> None:
    """四(二): issuing turns every agreed matter into an action item; if one cannot be, the
    minutes are not issued and nothing is written."""
    minutes = services.minutes_draft(meeting=held, actor=sec)
    services.resolution_add(
        section=minutes.sections.all()[0], text="已过期的事项", lead_unit=unit("市财政局"),
        deadline=date.today() - timedelta(days=1), actor=sec,
    )  # fmt: skip
    services.minutes_approve(minutes=minutes, actor=sec)
    services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    with pytest.raises(ApplicationError, match="第1项议定事项"):
        services.minutes_issue(minutes=minutes, actor=sec)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.SIGNED and minutes.serial is None
    assert not MinutesReceipt.objects.exists() and not ActionItem.objects.exists()


def test_each_recipient_acknowledges_and_the_secretariat_sees_who_has_not_三_一_1(
    held: Meeting, sec: Any, other_liaison: Any, gov_reader: Any, login: Any, clerk: Any
) -> None:
    minutes = drafted(held, sec)
    services.minutes_approve(minutes=minutes, actor=sec)
    services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    services.minutes_issue(minutes=minutes, actor=sec)
    receipt = MinutesReceipt.objects.get(minutes=minutes, unit=other_liaison.membership.unit)
    with pytest.raises(ApplicationError, match="收文单位"):
        services.minutes_acknowledge(receipt=receipt, actor=gov_reader.membership)
    services.minutes_acknowledge(receipt=receipt, actor=other_liaison.membership)
    services.minutes_acknowledge(receipt=receipt, actor=other_liaison.membership)  # idempotent
    receipt.refresh_from_db()
    assert receipt.acknowledged_by == other_liaison
    page = login(clerk).get(f"/meetings/minutes/{minutes.pk}/").content.decode()
    assert "16 个单位未签收" in page
    from lianxi.meetings.panels import secretariat_meetings_panel

    minutes.refresh_from_db()
    panel = secretariat_meetings_panel(clerk)
    assert panel is not None
    waiting = [i["text"] for i in panel["items"] if i["meta"] == "有单位尚未签收"]
    assert waiting == [f"{held.title}纪要{minutes.number}"]


def test_the_government_sees_its_copy_三_一_1(
    held: Meeting, sec: Any, gov_reader: Any, login: Any
) -> None:
    """三(一)1: 同时抄报市政府（办公室） — the government role sees and acknowledges its copy."""
    minutes = drafted(held, sec)
    client = login(gov_reader)
    assert client.get(f"/meetings/minutes/{minutes.pk}/").status_code == 404  # a draft
    services.minutes_approve(minutes=minutes, actor=sec)
    services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    services.minutes_issue(minutes=minutes, actor=sec)
    page = client.get(f"/meetings/minutes/{minutes.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "抄送" in text and "抄报" not in text and "开展工伤保险扩面专项行动" in text
    home = client.get("/").content.decode()
    assert f"{held.title}纪要" in home
    client.post(f"/meetings/minutes/{minutes.pk}/acknowledge/")
    assert MinutesReceipt.objects.get(minutes=minutes, kind="copy").acknowledged_at is not None
    assert client.get("/meetings/").status_code == 200
    assert held.title in client.get("/meetings/").content.decode()


def test_minutes_document_attendance_lines_show_the_substitute_三_一_1(
    held: Meeting, sec: Any
) -> None:
    """三(一)1: a member on leave is listed under 请假; the substitute under 出席 (受委托出席)."""
    lines = {line.label: line.entries for line in attendance_lines(held)}
    assert "市卫生健康委 赵主任（副主任）" in lines["出席"]
    assert "市人力资源和社会保障局 周处长（受委托出席）" in lines["出席"]
    assert lines["请假"] == ["市人力资源和社会保障局 刘副局长（副局长）"]
    assert lines["列席"] == ["市职业病防治院 钱院长（院长）"]
    minutes = drafted(held, sec)
    doc = build_minutes_document(minutes)
    assert doc.distribution == "联席会议各成员单位，市职业病防治院"
    assert doc.copy_to == "市政府办公室"
    assert (
        doc.sections[0]
        .resolutions[0]
        .startswith("开展工伤保险扩面专项行动。（牵头单位：市人力资源和社会保障局")
    )
    assert "配合单位：市人力资源和社会保障局、市总工会" in doc.sections[1].resolutions[0]


def test_minutes_downloads(held: Meeting, sec: Any, clerk: Any, login: Any) -> None:
    """三(一)1: 会议纪要起草印发 — the minutes download as .docx and PDF."""
    pytest.importorskip("docx")
    minutes = drafted(held, sec)
    client = login(clerk)
    try:
        docx = client.get(f"/meetings/minutes/{minutes.pk}/minutes.docx")
    except LookupError:
        pytest.skip("the documents app has no .docx renderer yet")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    pdf = client.get(f"/meetings/minutes/{minutes.pk}/minutes.pdf")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"


def test_signing_for_the_minutes_clears_them_from_the_inbox_三_一_1(
    held: Meeting, sec: Any, other_liaison: Any, health_liaison: Any
) -> None:
    """三(一)1: once the unit has signed for the minutes, the message that brought them no longer
    waits as unread for the one who signed; the other recipients' copies stay unread."""
    minutes = drafted(held, sec)
    services.minutes_approve(minutes=minutes, actor=sec)
    services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    services.minutes_issue(minutes=minutes, actor=sec)

    def unread(user: Any) -> int:
        return Delivery.objects.filter(
            user=user, channel="inbox", message__kind="minutes.issued", read_at__isnull=True
        ).count()

    assert unread(other_liaison) == 1 and unread(health_liaison) == 1
    receipt = MinutesReceipt.objects.get(minutes=minutes, unit=other_liaison.membership.unit)
    services.minutes_acknowledge(receipt=receipt, actor=other_liaison.membership)
    assert unread(other_liaison) == 0
    assert unread(health_liaison) == 1


def test_an_agreed_matter_is_carried_out_by_current_units_only_四_二(
    held: Meeting, sec: Any
) -> None:
    """四(二): the lead and supporting units of an agreed matter are current units of the joint
    meeting; the government office receives a copy, it does not carry matters out."""
    minutes = services.minutes_draft(meeting=held, actor=sec)
    section = minutes.sections.first()
    assert section is not None
    with pytest.raises(ApplicationError, match="现有的成员单位或参会单位"):
        services.resolution_add(
            section=section, text="x", lead_unit=unit("市卫生健康委"),
            supporting_units=[Unit.objects.get(name="市政府办公室")], deadline_workdays=5,
            actor=sec,
        )  # fmt: skip
    Unit.objects.filter(name="市科技局").update(active=False)
    with pytest.raises(ApplicationError, match="不在联席会议中"):
        services.resolution_add(
            section=section, text="x", lead_unit=unit("市科技局"), deadline_workdays=5, actor=sec
        )
    assert not Resolution.objects.exists()
