"""Rules of 四(二) that the supervision services implement and no other test pins down.

Each test cites its clause and fails if the rule breaks.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from lianxi.conftest import aware
from lianxi.core.exceptions import ApplicationError
from lianxi.supervision import services
from lianxi.supervision.models import ActionItem, ProgressReport, Reminder
from lianxi.supervision.reminders import send_reminders

pytestmark = pytest.mark.django_db


def test_no_feedback_reminder_while_a_closure_request_waits_for_review_四_二(
    make_item: Callable[..., ActionItem], clerk: Any, health_liaison: Any
) -> None:
    """四(二): 及时将落实情况反馈至市卫生健康委 — progress is due every feedback period, but once
    the lead unit has asked for closure the next step is the secretariat's review, so no
    feedback reminder is sent; when the item is returned (退回) the period runs again."""
    item = make_item(
        deadline=date(2026, 6, 30),
        today=date(2026, 3, 2),
        created_at=aware(2026, 3, 2),
        feedback_every_workdays=5,
    )
    services.progress_report_create(
        item=item, actor=health_liaison, text="已全部完成", requests_closure=True, submit=True,
        now=aware(2026, 3, 3, 10),
    )  # fmt: skip
    item.refresh_from_db()
    assert item.status == ActionItem.Status.CLOSURE_REQUESTED
    assert send_reminders(aware(2026, 3, 16, 9)) == {"sent": 0}  # 9 working days later

    services.action_item_return(item=item, actor=clerk, reason="缺少整改清单")
    assert send_reminders(aware(2026, 3, 16, 9)) == {"sent": 1}
    reminder = Reminder.objects.get(item=item)
    assert (reminder.kind, reminder.audience) == (Reminder.Kind.FEEDBACK, Reminder.Audience.LIAISON)


def test_closure_is_asked_once_and_nothing_is_sent_after_closing_四_二(
    make_item: Callable[..., ActionItem], clerk: Any, health_liaison: Any
) -> None:
    """四(二) 办结销号 is the secretariat's: while a closure request waits for its review the lead
    unit cannot ask again (neither directly nor by sending a saved draft), and once the item is
    closed a draft saved before can no longer be sent."""
    item = make_item()
    closure_draft = services.progress_report_create(
        item=item, actor=health_liaison, text="申请办结（草稿）", requests_closure=True
    )
    plain_draft = services.progress_report_create(item=item, actor=health_liaison, text="进展草稿")
    services.progress_report_create(
        item=item, actor=health_liaison, text="已全部完成", requests_closure=True, submit=True
    )
    with pytest.raises(ApplicationError, match="已申请办结"):
        services.progress_report_create(
            item=item, actor=health_liaison, text="再次申请", requests_closure=True, submit=True
        )
    with pytest.raises(ApplicationError, match="已申请办结"):
        services.progress_report_submit(report=closure_draft, actor=health_liaison)

    services.action_item_close(item=item, actor=clerk)
    with pytest.raises(ApplicationError, match="已办结销号"):
        services.progress_report_submit(report=plain_draft, actor=health_liaison)
    statuses = set(item.reports.values_list("text", "status"))
    assert statuses == {
        ("申请办结（草稿）", ProgressReport.Status.DRAFT),
        ("进展草稿", ProgressReport.Status.DRAFT),
        ("已全部完成", ProgressReport.Status.SUBMITTED),
    }
