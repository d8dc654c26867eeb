"""四(二): action items, progress reports, reviews and extensions through their services."""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxi.conftest import aware
from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent
from lianxi.notifications.models import Message
from lianxi.notifications.tests.fixtures import inbox_of
from lianxi.organization.models import Unit
from lianxi.supervision import services
from lianxi.supervision.access import visible_reports_q
from lianxi.supervision.models import ActionItem, ExtensionRequest, ProgressReport, Review

MON = date(2026, 3, 9)  # a Monday with no holiday near


# --- creating -----------------------------------------------------------------------------


def test_create_with_working_days_counts_from_today_and_notifies_lead_and_supporting_units(
    make_item: Callable[..., ActionItem],
    hrss: Unit,
    union: Unit,
    health_liaison: Any,
    other_liaison: Any,
) -> None:
    """四(二): an item has a lead unit, supporting units and a deadline in working days."""
    item = make_item(supporting=(hrss, union), deadline_workdays=3, today=MON)
    assert item.deadline == date(2026, 3, 12)
    assert item.original_deadline == item.deadline
    assert set(item.supporting_units.all()) == {hrss, union}
    assert any("督办事项（牵头）" in s for s in inbox_of(health_liaison))
    assert any("督办事项（配合）" in s for s in inbox_of(other_liaison))
    event = AuditEvent.objects.get(action="action_item.create")
    assert event.data["deadline"] == "2026-03-12"
    assert event.actor_name == "王秘书"


def test_create_bad_input_is_refused_in_chinese_and_writes_nothing(
    mechanism: Any, clerk: Any, health: Unit, hrss: Unit
) -> None:
    """四(二): an item needs a lead unit (not also supporting), one deadline not in the past and
    a feedback period; otherwise it is refused in Chinese and nothing is written."""

    def create(**kwargs: Any) -> None:
        args: dict[str, Any] = {
            "mechanism": mechanism,
            "title": "事项",
            "source": "letter",
            "lead_unit": health,
            "deadline": date(2026, 4, 1),
            "actor": clerk,
            "today": MON,
        }
        args.update(kwargs)
        services.action_item_create(**args)

    cases: list[tuple[dict[str, Any], str]] = [
        ({"deadline": None}, "二者选一"),
        ({"deadline_workdays": 5}, "二者选一"),
        ({"title": "  "}, "请填写督办事项"),
        ({"source": "nonsense"}, "来源"),
        ({"supporting_units": [health]}, "牵头单位不能同时是配合单位"),
        ({"deadline": date(2026, 3, 1)}, "不能早于今天"),
        ({"feedback_every_workdays": 0}, "反馈周期"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ApplicationError) as error:
            create(**kwargs)
        assert message in error.value.message, kwargs
    assert not ActionItem.objects.exists()
    assert not Message.objects.exists()


# --- progress -----------------------------------------------------------------------------


def test_a_unit_cannot_see_another_units_unsent_feedback(
    make_item: Callable[..., ActionItem],
    hrss: Unit,
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
    gov_reader: Any,
) -> None:
    """四(二): drafts are seen only by their own unit — not by the lead unit, the secretariat
    or the government office."""
    item = make_item(supporting=(hrss,))
    draft = services.progress_report_create(item=item, actor=other_liaison, text="人社局草稿")
    lead_draft = services.progress_report_create(item=item, actor=health_liaison, text="卫健委草稿")
    assert draft.status == lead_draft.status == ProgressReport.Status.DRAFT

    def seen_by(user: Any) -> set[str]:
        q = visible_reports_q(user.membership, item)
        return set(item.reports.filter(q).values_list("text", flat=True))

    assert seen_by(other_liaison) == {"人社局草稿"}
    assert seen_by(health_liaison) == {"卫健委草稿"}
    assert seen_by(clerk) == set()  # the clerk sits at 市卫生健康委 but acts for the joint meeting
    assert seen_by(gov_reader) == set()
    # A draft tells nobody.
    assert not Message.objects.filter(kind__startswith="supervision.progress").exists()


def test_supporting_units_report_to_the_lead_unit_and_the_secretariat_not_to_each_other(
    make_item: Callable[..., ActionItem],
    hrss: Unit,
    union: Unit,
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
    django_user_model: Any,
) -> None:
    """四(二): a supporting unit reports its part to the lead unit and the secretariat."""
    union_liaison = django_user_model.objects.create_user(username="union", first_name="工会联络")
    union.memberships.create(user=union_liaison, role="liaison")
    item = make_item(supporting=(hrss, union))
    services.progress_report_create(
        item=item, actor=other_liaison, text="已完成参保扩面", submit=True
    )
    item.refresh_from_db()
    assert item.last_progress_at is None  # only the lead unit's reports count for the light
    assert any("反馈进展" in s for s in inbox_of(clerk))
    assert any("反馈进展" in s for s in inbox_of(health_liaison))

    def seen_by(user: Any) -> set[str]:
        return set(
            item.reports.filter(visible_reports_q(user.membership, item)).values_list(
                "text", flat=True
            )
        )

    assert seen_by(health_liaison) == {"已完成参保扩面"}
    assert seen_by(clerk) == {"已完成参保扩面"}
    assert seen_by(union_liaison) == set()


def test_liaison_drafts_and_member_sends_with_attachment_and_closure_request(
    make_item: Callable[..., ActionItem],
    hrss: Unit,
    clerk: Any,
    health_liaison: Any,
    health_member: Any,
    other_liaison: Any,
) -> None:
    """四(二): the lead unit reports progress (text and attachment) and asks for closure."""
    item = make_item(supporting=(hrss,))
    attachment = SimpleUploadedFile("进展.txt", "已完成".encode(), content_type="text/plain")
    draft = services.progress_report_create(
        item=item,
        actor=health_liaison,
        text="已全部完成",
        attachment=attachment,
        requests_closure=True,
    )
    with pytest.raises(ApplicationError, match="只能报送本单位"):
        services.progress_report_submit(report=draft, actor=other_liaison)
    now = aware(2026, 3, 10, 15)
    services.progress_report_submit(report=draft, actor=health_member, now=now)
    draft.refresh_from_db()
    item.refresh_from_db()
    assert draft.status == ProgressReport.Status.SUBMITTED and draft.submitted_at == now
    with draft.attachment.open("rb") as stored:
        assert stored.read() == "已完成".encode()
    assert item.status == ActionItem.Status.CLOSURE_REQUESTED
    assert item.last_progress_at == now
    assert any("申请办结" in s for s in inbox_of(clerk))
    assert AuditEvent.objects.filter(action="action_item.progress").count() == 1
    with pytest.raises(ApplicationError, match="只有牵头单位可以申请办结"):
        services.progress_report_create(
            item=item, actor=other_liaison, text="x", requests_closure=True, submit=True
        )


def test_other_units_and_roles_cannot_report(
    make_item: Callable[..., ActionItem], other_liaison: Any, clerk: Any, gov_reader: Any
) -> None:
    """四(二): only the lead and supporting units report progress — not another unit, the
    secretariat or the government office."""
    item = make_item()
    for user in (other_liaison, clerk, gov_reader):
        with pytest.raises(ApplicationError, match="只有牵头单位和配合单位"):
            services.progress_report_create(item=item, actor=user, text="进展", submit=True)
    assert not item.reports.exists()


# --- review -------------------------------------------------------------------------------


def test_close_records_on_time_against_the_deadline(
    make_item: Callable[..., ActionItem], clerk: Any, health_liaison: Any
) -> None:
    """四(二) 办结销号: closed on time when closed by the deadline, late otherwise."""
    on_time = make_item("按期", deadline=date(2026, 3, 20), today=MON)
    late = make_item("逾期", deadline=date(2026, 3, 20), today=MON)
    services.action_item_close(item=on_time, actor=clerk, now=aware(2026, 3, 20, 23, 50))
    services.action_item_close(item=late, actor=clerk, now=aware(2026, 3, 21, 0, 10))
    on_time.refresh_from_db()
    late.refresh_from_db()
    assert on_time.status == late.status == ActionItem.Status.CLOSED
    assert on_time.closed_on_time is True and late.closed_on_time is False
    assert Review.objects.filter(decision="close").count() == 2
    assert any("已办结销号" in s for s in inbox_of(health_liaison))
    with pytest.raises(ApplicationError, match="已办结销号"):
        services.action_item_close(item=on_time, actor=clerk)
    with pytest.raises(ApplicationError, match="已办结销号"):
        services.progress_report_create(
            item=on_time, actor=health_liaison, text="再报", submit=True
        )


def test_return_needs_reasons_reopens_and_tells_the_lead_unit(
    make_item: Callable[..., ActionItem], clerk: Any, health_liaison: Any
) -> None:
    """四(二) 退回: with reasons, to 已退回待补报 (not 办理中); the lead unit is notified."""
    item = make_item()
    services.progress_report_create(
        item=item, actor=health_liaison, text="完成", requests_closure=True, submit=True
    )
    with pytest.raises(ApplicationError, match="退回时请写明理由"):
        services.action_item_return(item=item, actor=clerk, reason=" ")
    review = services.action_item_return(item=item, actor=clerk, reason="缺少整改清单")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.RETURNED
    assert review.report is not None and review.reason == "缺少整改清单"
    assert any("被退回" in s for s in inbox_of(health_liaison))
    assert AuditEvent.objects.filter(action="action_item.return").exists()


def test_only_the_secretariat_reviews(
    make_item: Callable[..., ActionItem], health_liaison: Any, health_member: Any, gov_reader: Any
) -> None:
    """四(二) 督促督办: only the secretariat closes (办结销号) or returns (退回) an item."""
    item = make_item()
    for user in (health_liaison, health_member, gov_reader):
        with pytest.raises(ApplicationError, match="只有联席会议办公室"):
            services.action_item_close(item=item, actor=user)
        with pytest.raises(ApplicationError, match="只有联席会议办公室"):
            services.action_item_return(item=item, actor=user, reason="x")


# --- extensions ---------------------------------------------------------------------------


def test_extension_asked_before_the_deadline_and_granted_moves_the_deadline_keeping_the_original(
    make_item: Callable[..., ActionItem], clerk: Any, health_liaison: Any
) -> None:
    """四(二) 延期申请: asked by the lead unit before the deadline, with a reason and a new date."""
    item = make_item(deadline=date(2026, 3, 20), today=MON)
    extension = services.extension_request_create(
        item=item,
        actor=health_liaison,
        reason="需等待省级检测结果",
        new_deadline=date(2026, 4, 30),
        today=date(2026, 3, 20),  # on the deadline day itself: still in time
    )
    assert any("申请延期" in s for s in inbox_of(clerk))
    with pytest.raises(ApplicationError, match="已有一项延期申请"):
        services.extension_request_create(
            item=item, actor=health_liaison, reason="再次", new_deadline=date(2026, 5, 1), today=MON
        )
    services.extension_request_decide(extension=extension, actor=clerk, grant=True, note="同意")
    item.refresh_from_db()
    extension.refresh_from_db()
    assert item.deadline == date(2026, 4, 30)
    assert item.original_deadline == date(2026, 3, 20)
    assert extension.status == ExtensionRequest.Status.GRANTED
    assert any("延期申请已同意" in s for s in inbox_of(health_liaison))
    assert AuditEvent.objects.filter(action="action_item.extension_grant").exists()


def test_extension_after_the_deadline_is_refused_in_chinese(
    make_item: Callable[..., ActionItem], health_liaison: Any
) -> None:
    """四(二): an extension must be asked before the deadline."""
    item = make_item(deadline=date(2026, 3, 20), today=MON)
    with pytest.raises(ApplicationError) as error:
        services.extension_request_create(
            item=item,
            actor=health_liaison,
            reason="来不及",
            new_deadline=date(2026, 4, 30),
            today=date(2026, 3, 21),
        )
    assert "已过，不能再申请延期" in error.value.message
    assert not ExtensionRequest.objects.exists()


def test_extension_bad_input_and_refusal(
    make_item: Callable[..., ActionItem],
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
    hrss: Unit,
) -> None:
    """四(二) 延期申请: only the lead unit asks, with a reason and a later date; the secretariat
    refuses with its reasons, and the deadline stays."""
    item = make_item(supporting=(hrss,), deadline=date(2026, 3, 20), today=MON)
    with pytest.raises(ApplicationError, match="只有牵头单位可以申请延期"):
        services.extension_request_create(
            item=item, actor=other_liaison, reason="x", new_deadline=date(2026, 4, 1), today=MON
        )
    with pytest.raises(ApplicationError, match="应晚于现在的办结时限"):
        services.extension_request_create(
            item=item, actor=health_liaison, reason="x", new_deadline=date(2026, 3, 19), today=MON
        )
    with pytest.raises(ApplicationError, match="请写明延期理由"):
        services.extension_request_create(
            item=item, actor=health_liaison, reason="", new_deadline=date(2026, 4, 1), today=MON
        )
    extension = services.extension_request_create(
        item=item, actor=health_liaison, reason="人手不足", new_deadline=date(2026, 4, 1), today=MON
    )
    with pytest.raises(ApplicationError, match="不同意延期时请写明理由"):
        services.extension_request_decide(extension=extension, actor=clerk, grant=False)
    with pytest.raises(ApplicationError, match="只有联席会议办公室"):
        services.extension_request_decide(extension=extension, actor=health_liaison, grant=True)
    services.extension_request_decide(
        extension=extension, actor=clerk, grant=False, note="请按期完成"
    )
    item.refresh_from_db()
    assert item.deadline == date(2026, 3, 20)
    assert any("延期申请未同意" in s for s in inbox_of(health_liaison))
    with pytest.raises(ApplicationError, match="已经审核"):
        services.extension_request_decide(extension=extension, actor=clerk, grant=True)


# --- the actor: a user or the acting membership ---------------------------------------------


def test_services_take_the_acting_membership_as_meetings_and_incidents_do(
    make_item: Callable[..., ActionItem],
    mechanism: Any,
    second_mechanism: Any,
    clerk: Any,
    two_meetings_person: Any,
) -> None:
    """One actor convention: a service takes the membership acted in (or a user, who acts in
    theirs). A person in two joint meetings who has chosen neither acts through the membership
    given, and the other membership acts in nothing of this joint meeting."""
    item = make_item()  # led by the health commission of the first joint meeting
    in_first = two_meetings_person.memberships.get(unit__mechanism=mechanism)
    in_second = two_meetings_person.memberships.get(unit__mechanism=second_mechanism)
    with pytest.raises(ApplicationError, match="未绑定任何单位"):
        services.progress_report_create(item=item, actor=two_meetings_person, text="进展")
    with pytest.raises(ApplicationError):
        services.progress_report_create(item=item, actor=in_second, text="进展")
    with pytest.raises(ApplicationError, match="只有联席会议办公室"):
        services.action_item_close(item=item, actor=in_second)

    draft = services.progress_report_create(item=item, actor=in_first, text="进展")
    assert draft.author == two_meetings_person and draft.unit == in_first.unit
    services.progress_report_submit(report=draft, actor=in_first)
    extension = services.extension_request_create(
        item=item,
        actor=in_first,
        reason="需要补充材料",
        new_deadline=item.deadline.replace(year=item.deadline.year + 1),
    )
    services.extension_request_decide(extension=extension, actor=clerk.membership, grant=True)
    review = services.action_item_close(item=item, actor=clerk.membership)
    assert review.reviewer == clerk
    assert ProgressReport.objects.get().status == ProgressReport.Status.SUBMITTED

    in_first.active = False
    in_first.save(update_fields=["active"])
    with pytest.raises(ApplicationError, match="未绑定任何单位"):
        services.progress_report_create(item=make_item("另一事项"), actor=in_first, text="进展")
