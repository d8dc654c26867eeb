"""四(二) 督促: reminders before the deadline and when overdue, first to the liaison, then to the
member; feedback due per period; a weekly digest to the secretariat. Time is passed as `now`."""

from collections.abc import Callable
from datetime import date
from typing import Any

from lianxi.conftest import aware
from lianxi.core.ticks import registered_ticks, run_tick
from lianxi.notifications.models import Delivery, Message
from lianxi.organization.models import Membership, Unit
from lianxi.supervision import services
from lianxi.supervision.models import ActionItem, Reminder
from lianxi.supervision.reminders import send_reminders, send_weekly_digest

MON = date(2026, 3, 9)


def subjects(user: Any, kind: str = "supervision.reminder") -> list[str]:
    return list(
        Delivery.objects.filter(
            user=user, channel="inbox", message__kind__startswith=kind
        ).values_list("message__subject", flat=True)
    )


def test_handlers_are_registered() -> None:
    assert {"supervision.reminders", "supervision.weekly_digest"} <= set(registered_ticks())


def test_due_reminder_goes_to_the_liaison_then_a_working_day_later_to_the_member(
    make_item: Callable[..., ActionItem], health_liaison: Any, health_member: Any
) -> None:
    """四(二): before the deadline the liaison is reminded; without progress one working day later,
    the member; a repeated tick sends nothing new."""
    item = make_item(
        deadline=date(2026, 3, 12), today=date(2026, 3, 2), created_at=aware(2026, 3, 2)
    )
    assert send_reminders(aware(2026, 3, 6, 9)) == {"sent": 0}  # Friday: 4 working days left
    assert send_reminders(aware(2026, 3, 9, 9)) == {"sent": 1}
    assert subjects(health_liaison) == [f"督办事项即将到期：{item.title}"]
    assert subjects(health_member) == []
    reminders = Message.objects.filter(kind__startswith="supervision.reminder")
    assert reminders.count() == 1
    assert send_reminders(aware(2026, 3, 9, 9)) == {"sent": 0}
    assert send_reminders(aware(2026, 3, 9, 17)) == {"sent": 0}
    run_tick(aware(2026, 3, 9, 17, 1))  # the whole tick, twice
    run_tick(aware(2026, 3, 9, 17, 2))
    assert reminders.count() == 1
    assert send_reminders(aware(2026, 3, 10, 9)) == {"sent": 1}
    assert subjects(health_member) == [f"【提请督促】督办事项即将到期：{item.title}"]
    assert send_reminders(aware(2026, 3, 10, 9, 1)) == {"sent": 0}
    assert Reminder.objects.filter(item=item).count() == 2


def test_progress_after_the_liaisons_reminder_spares_the_member(
    make_item: Callable[..., ActionItem], health_liaison: Any, health_member: Any
) -> None:
    """四(二) 督促: progress reported after the liaison's reminder spares the member's."""
    item = make_item(
        deadline=date(2026, 3, 12), today=date(2026, 3, 2), created_at=aware(2026, 3, 2)
    )
    send_reminders(aware(2026, 3, 9, 9))
    services.progress_report_create(
        item=item, actor=health_liaison, text="正在推进", submit=True, now=aware(2026, 3, 9, 11)
    )
    assert send_reminders(aware(2026, 3, 10, 9)) == {"sent": 0}
    assert subjects(health_member) == []


def test_overdue_reminders_and_no_reminders_on_a_weekend(
    make_item: Callable[..., ActionItem], health_liaison: Any, health_member: Any
) -> None:
    """四(二): when overdue, the liaison, then one working day later (over a weekend) the member."""
    item = make_item(
        deadline=date(2026, 3, 12), today=date(2026, 3, 2), created_at=aware(2026, 3, 2)
    )
    send_reminders(aware(2026, 3, 9, 9))
    send_reminders(aware(2026, 3, 10, 9))
    assert send_reminders(aware(2026, 3, 13, 9)) == {"sent": 1}
    assert f"督办事项已逾期：{item.title}" in subjects(health_liaison)
    assert send_reminders(aware(2026, 3, 14, 9)) == {"sent": 0}  # Saturday
    assert send_reminders(aware(2026, 3, 15, 9)) == {"sent": 0}  # Sunday
    assert send_reminders(aware(2026, 3, 16, 9)) == {"sent": 1}  # Monday: the next working day
    assert f"【提请督促】督办事项已逾期：{item.title}" in subjects(health_member)
    assert send_reminders(aware(2026, 3, 17, 9)) == {"sent": 0}


def test_a_unit_without_a_liaison_has_its_member_reminded_at_once(
    make_item: Callable[..., ActionItem], union: Unit, django_user_model: Any
) -> None:
    """四(二) 督促: a unit without a liaison has its member reminded at once."""
    boss = django_user_model.objects.create_user(username="unionboss", first_name="工会主任")
    Membership.objects.create(user=boss, unit=union, role="member")
    make_item(
        lead=union, deadline=date(2026, 3, 12), today=date(2026, 3, 2), created_at=aware(2026, 3, 2)
    )
    assert send_reminders(aware(2026, 3, 9, 9)) == {"sent": 1}
    assert len(subjects(boss)) == 1
    assert send_reminders(aware(2026, 3, 10, 9)) == {"sent": 0}


def test_feedback_due_reminder_once_per_period(
    make_item: Callable[..., ActionItem], health_liaison: Any
) -> None:
    """四(二): progress is due every N working days; one reminder per period without a report."""
    item = make_item(
        deadline=date(2026, 6, 30),
        today=date(2026, 3, 2),
        created_at=aware(2026, 3, 2, 10),
        feedback_every_workdays=5,
    )
    assert send_reminders(aware(2026, 3, 6, 9)) == {"sent": 0}  # 4 working days since creation
    assert send_reminders(aware(2026, 3, 9, 9)) == {"sent": 1}  # the 5th
    assert subjects(health_liaison) == [f"请反馈督办事项进展：{item.title}"]
    assert send_reminders(aware(2026, 3, 9, 10)) == {"sent": 0}
    # A report restarts the period.
    services.progress_report_create(
        item=item, actor=health_liaison, text="进展", submit=True, now=aware(2026, 3, 10, 10)
    )
    assert send_reminders(aware(2026, 3, 16, 9)) == {"sent": 0}
    assert send_reminders(aware(2026, 3, 17, 9)) == {"sent": 1}
    reminder = Reminder.objects.filter(item=item, kind="feedback").order_by("-about").first()
    assert reminder is not None and reminder.about == date(2026, 3, 17)


def test_closed_items_get_no_reminders(make_item: Callable[..., ActionItem], clerk: Any) -> None:
    """四(二): an item closed (办结销号) gets no more reminders."""
    item = make_item(
        deadline=date(2026, 3, 12), today=date(2026, 3, 2), created_at=aware(2026, 3, 2)
    )
    services.action_item_close(item=item, actor=clerk, now=aware(2026, 3, 5))
    assert send_reminders(aware(2026, 3, 13, 9)) == {"sent": 0}


def test_weekly_digest_on_monday_once_per_iso_week(
    make_item: Callable[..., ActionItem], clerk: Any, health_liaison: Any
) -> None:
    """四(二): every Monday the secretariat gets the red and yellow items, once per ISO week."""
    make_item(
        "逾期事项", deadline=date(2026, 3, 6), today=date(2026, 3, 2), created_at=aware(2026, 3, 2)
    )
    make_item(
        "临期事项", deadline=date(2026, 3, 10), today=date(2026, 3, 2), created_at=aware(2026, 3, 2)
    )
    make_item(
        "正常事项", deadline=date(2026, 5, 29), today=date(2026, 3, 2), created_at=aware(2026, 3, 2)
    )
    assert send_weekly_digest(aware(2026, 3, 10, 9)) == {"sent": 0}  # Tuesday
    assert send_weekly_digest(aware(2026, 3, 9, 8)) == {"sent": 1}
    assert send_weekly_digest(aware(2026, 3, 9, 8, 1)) == {"sent": 0}
    digest = Message.objects.get(kind="supervision.digest")
    assert (digest.key or "").endswith("2026-W11")
    assert "红灯 1 项，黄灯 1 项" in digest.subject
    assert "逾期事项" in digest.body and "临期事项" in digest.body and "正常事项" not in digest.body
    # The yellow light's meaning as the panels give it: a returned item (待补报) is yellow too.
    assert "黄灯（临近时限、久未反馈或已退回）：" in digest.body
    assert subjects(clerk, "supervision.digest") == [digest.subject]
    assert subjects(health_liaison, "supervision.digest") == []
    assert send_weekly_digest(aware(2026, 3, 16, 8)) == {"sent": 1}
    assert Message.objects.filter(kind="supervision.digest").count() == 2


def test_the_reminder_tick_costs_the_same_for_many_items_四_二(
    make_item: Callable[..., ActionItem], health_liaison: Any, health_member: Any
) -> None:
    """四(二) reminders run every minute: the working days are read once for all quiet items and
    the member's turn is decided without the calendar, so a tick's queries do not grow with the
    items (each created on its own day, each waiting for feedback and for the member)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def make(n: int) -> None:
        for day in range(2, 2 + n):
            make_item(
                deadline=date(2026, 6, 30),
                today=date(2026, 2, day),
                created_at=aware(2026, 2, day, 10),
                feedback_every_workdays=5,
            )

    def tick_queries() -> int:
        send_reminders(aware(2026, 3, 9, 9))  # liaisons, then members the next working day
        send_reminders(aware(2026, 3, 10, 9))
        with CaptureQueriesContext(connection) as captured:
            assert send_reminders(aware(2026, 3, 10, 10)) == {"sent": 0}
        return len(captured)

    make(2)
    few = tick_queries()
    assert Reminder.objects.filter(audience="member").count() == 2
    make(6)
    assert tick_queries() == few
    # The item created on Friday 6 February reached a new period on 10 March: its liaison is
    # reminded that day, its member the next working day.
    assert Reminder.objects.filter(audience="member").count() == 7
    assert Reminder.objects.filter(audience="liaison").count() == 9
