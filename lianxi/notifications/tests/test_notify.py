"""notify(): the message and its outbox, written in the caller's transaction."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django_tasks_db.models import DBTaskResult

from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent
from lianxi.notifications.models import Delivery, Message, NotificationSettings
from lianxi.notifications.services import idempotency_key, notify
from lianxi.organization.models import Membership

pytestmark = pytest.mark.django_db


def channels_of(message: Message) -> set[tuple[str, str]]:
    return {(d.user.username, d.channel) for d in message.deliveries.select_related("user")}


def test_message_to_a_person_reaches_inbox_and_email(health_liaison: Any) -> None:
    message = notify(
        recipients=[health_liaison], kind="test", subject="会议通知", body="请参会", url="/m/1/"
    )
    assert channels_of(message) == {("health", "inbox"), ("health", "email")}
    inbox = message.deliveries.get(channel="inbox")
    assert inbox.status == "sent" and inbox.read_at is None
    email = message.deliveries.get(channel="email")
    assert email.status == "pending" and email.address == "health@example.org"
    assert email.idempotency_key == idempotency_key(message, health_liaison.pk, "email")


def test_message_to_a_unit_reaches_its_member_and_liaison_only(
    health_liaison: Any, health_member: Any, clerk: Any, auditor: Any, other_liaison: Any
) -> None:
    """四(一): a unit is reached through its joint-meeting member and its liaison."""
    unit = health_liaison.membership.unit
    message = notify(recipients=[unit], kind="test", subject="通知", body="")
    people = {d.user.username for d in message.deliveries.select_related("user")}
    assert people == {"health", "healthboss"}  # not the clerk or auditor of the same unit
    assert message.addressed_to == "市卫生健康委"


def test_inactive_people_are_not_reached(health_liaison: Any, health_member: Any) -> None:
    Membership.objects.filter(user=health_member).update(active=False)
    message = notify(recipients=[health_liaison.membership.unit], kind="t", subject="s", body="")
    assert {d.user_id for d in message.deliveries.all()} == {health_liaison.pk}


def test_person_and_unit_overlap_gives_one_delivery_per_channel(
    health_liaison: Any, health_member: Any
) -> None:
    unit = health_liaison.membership.unit
    message = notify(
        recipients=[health_liaison, unit, health_liaison], kind="t", subject="s", body=""
    )
    assert message.deliveries.filter(user=health_liaison).count() == 2  # inbox + email
    assert message.deliveries.count() == 4


def test_the_database_refuses_a_second_delivery_through_one_channel(health_liaison: Any) -> None:
    message = notify(recipients=[health_liaison], kind="t", subject="s", body="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            message=message, user=health_liaison, channel="email", idempotency_key="other"
        )


def test_settings_choose_the_channels(health_liaison: Any, other_liaison: Any) -> None:
    NotificationSettings.objects.create(
        user=health_liaison, email_enabled=False, webhook_url="https://robot.example.org/hook"
    )
    get_user_model().objects.filter(pk=other_liaison.pk).update(email="")
    other_liaison.refresh_from_db()
    message = notify(recipients=[health_liaison, other_liaison], kind="t", subject="s", body="")
    assert channels_of(message) == {
        ("health", "inbox"),
        ("health", "webhook"),
        ("hrss", "inbox"),
    }
    assert message.deliveries.get(channel="webhook").address == "https://robot.example.org/hook"


def test_notify_writes_an_audit_event_and_enqueues_dispatch_after_commit(
    clerk: Any, health_liaison: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = notify(
            recipients=[health_liaison], kind="t", subject="s", body="", actor=clerk.membership
        )
    assert len(callbacks) == 1
    task = DBTaskResult.objects.get()
    assert task.task_path == "lianxi.notifications.tasks.dispatch_message"
    assert task.args_kwargs["args"] == [message.pk]
    event = AuditEvent.objects.get(action="message.send")
    assert event.actor_name == "王秘书" and event.target_id == str(message.pk)
    assert message.actor_name == "王秘书"


def test_inbox_only_message_needs_no_background_task(
    health_liaison: Any, django_capture_on_commit_callbacks: Any
) -> None:
    NotificationSettings.objects.create(user=health_liaison, email_enabled=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipients=[health_liaison], kind="t", subject="s", body="")
    assert callbacks == []


def test_rolled_back_change_leaves_no_message(health_liaison: Any) -> None:
    """The outbox is written in the caller's transaction: no change, no message."""
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[health_liaison], kind="t", subject="s", body="")
        raise RuntimeError("the caller's change fails")
    assert not Message.objects.exists() and not Delivery.objects.exists()


def test_key_makes_notify_idempotent(health_liaison: Any) -> None:
    first = notify(recipients=[health_liaison], kind="t", subject="s", body="", key="item:1:due")
    again = notify(recipients=[health_liaison], kind="t", subject="s", body="", key="item:1:due")
    assert first.pk == again.pk
    assert Message.objects.count() == 1 and Delivery.objects.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"recipients": [], "subject": "s"}, "至少要有一个收件对象"),
        ({"subject": "  "}, "标题不能为空"),
        ({"subject": "长" * 201}, "不能超过 200"),
        ({"recipients": ["市卫生健康委"], "subject": "s"}, "只能是人员或单位"),
        ({"subject": "s", "url": "javascript:alert(1)"}, "站内路径或 http"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_writes_nothing(
    health_liaison: Any, kwargs: dict[str, Any], text: str
) -> None:
    arguments = {"recipients": [health_liaison], "kind": "t", "body": "", **kwargs}
    with pytest.raises(ApplicationError, match=text):
        notify(**arguments)
    assert not Message.objects.exists() and not AuditEvent.objects.exists()
