"""Delivering the outbox: real SMTP (aiosmtpd), real HTTP webhooks, leases, retries."""

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from lianxi.core.models import AuditEvent
from lianxi.core.ticks import registered_ticks, run_tick
from lianxi.notifications.models import Delivery, NotificationSettings
from lianxi.notifications.services import (
    deliveries_claim,
    deliveries_dispatch,
    delivery_retry,
    message_id_header,
    notify,
)

from .servers import SmtpServer, WebhookServer

pytestmark = pytest.mark.django_db


def send(to: Any, subject: str = "关于召开联席会议全体会议的通知", **kwargs: Any) -> Any:
    return notify(
        recipients=[to] if not isinstance(to, list) else to,
        kind=kwargs.pop("kind", "meeting.invited"),
        subject=subject,
        body=kwargs.pop("body", "定于 1 月 20 日上午召开全体会议。"),
        url=kwargs.pop("url", "/meetings/1/"),
        **kwargs,
    )


def test_email_arrives_at_a_real_smtp_server_with_a_stable_message_id(
    smtp: SmtpServer, health_liaison: Any
) -> None:
    message = send(health_liaison)
    result = deliveries_dispatch(worker_id="w1")
    assert result.as_dict() == {"sent": 1, "retry": 0, "dead": 0, "lost": 0}
    [mail] = smtp.recorder.received
    delivery = Delivery.objects.get(message=message, channel="email")
    assert mail.to == ["health@example.org"]
    assert mail.subject == "关于召开联席会议全体会议的通知"
    assert mail.message_id == message_id_header(delivery.idempotency_key)
    assert mail.message_id == f"<{message.uuid.hex}.{health_liaison.pk}.email@127.0.0.1>"
    assert "定于 1 月 20 日上午召开全体会议。" in mail.body
    assert "http://127.0.0.1:8000/meetings/1/" in mail.body
    assert mail.headers["X-Lianxi-Kind"] == "meeting.invited"
    assert delivery.status == "sent" and delivery.sent_at is not None
    assert delivery.attempts == 1 and delivery.claimed_by == "w1"


def test_dispatching_twice_sends_once(smtp: SmtpServer, health_liaison: Any) -> None:
    send(health_liaison)
    deliveries_dispatch(worker_id="w1")
    assert deliveries_dispatch(worker_id="w1").as_dict()["sent"] == 0
    assert deliveries_dispatch(worker_id="w2").as_dict()["sent"] == 0
    assert len(smtp.recorder.received) == 1


def test_message_to_a_unit_mails_each_person_once(
    smtp: SmtpServer, health_liaison: Any, health_member: Any
) -> None:
    send([health_liaison.membership.unit, health_liaison])
    deliveries_dispatch()
    assert sorted(r.to[0] for r in smtp.recorder.received) == [
        "health@example.org",
        "healthboss@example.org",
    ]


def test_webhook_posts_json_with_an_idempotency_key(
    webhook: WebhookServer, clerk: Any, health_liaison: Any
) -> None:
    NotificationSettings.objects.create(
        user=health_liaison, email_enabled=False, webhook_url=webhook.url
    )
    message = send(health_liaison, actor=clerk)
    assert deliveries_dispatch().sent == 1
    [request] = webhook.recorder.requests
    delivery = Delivery.objects.get(message=message, channel="webhook")
    assert request["path"] == "/robot/send?key=abc"
    assert request["headers"]["Idempotency-Key"] == delivery.idempotency_key
    assert request["headers"]["Content-Type"].startswith("application/json")
    body = request["json"]
    assert body["id"] == delivery.idempotency_key
    assert body["subject"] == "关于召开联席会议全体会议的通知"
    assert body["url"] == "http://127.0.0.1:8000/meetings/1/"
    assert body["from"] == "王秘书"
    assert body["to"] == {"username": "health", "name": "李联络"}
    assert body["msgtype"] == "text" and "全体会议" in body["text"]["content"]
    assert delivery.status == "sent"


def test_failed_email_is_retried_with_exponential_backoff(
    smtp: SmtpServer, fast_retries: Any, health_liaison: Any
) -> None:
    smtp.recorder.fail_next = 2
    message = send(health_liaison)
    delivery = Delivery.objects.get(message=message, channel="email")

    before = timezone.now()
    assert deliveries_dispatch().retry == 1
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert "451" in delivery.last_error
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - before
    assert timedelta(seconds=29) < wait < timedelta(seconds=32)  # base: 30 s

    # Not due yet: nothing happens.
    assert deliveries_dispatch().as_dict() == {"sent": 0, "retry": 0, "dead": 0, "lost": 0}

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    before = timezone.now()
    assert deliveries_dispatch().retry == 1
    delivery.refresh_from_db()
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - before
    assert timedelta(seconds=59) < wait < timedelta(seconds=62)  # doubled: 60 s

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert deliveries_dispatch().sent == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 3 and delivery.last_error == ""
    assert len(smtp.recorder.received) == 1


def test_webhook_failures_end_as_a_dead_letter_that_can_be_retried(
    webhook: WebhookServer, settings: Any, clerk: Any, health_liaison: Any
) -> None:
    settings.LIANXI_DELIVERY_BACKOFF_SECONDS = 0
    settings.LIANXI_DELIVERY_MAX_ATTEMPTS = 3
    NotificationSettings.objects.create(
        user=health_liaison, email_enabled=False, webhook_url=webhook.url
    )
    webhook.recorder.statuses = [500, 502, 503]
    message = send(health_liaison)
    result = deliveries_dispatch()
    assert (result.retry, result.dead, result.sent) == (2, 1, 0)
    delivery = Delivery.objects.get(message=message, channel="webhook")
    assert delivery.status == "dead" and delivery.attempts == 3
    assert delivery.last_error == "Webhook 返回 HTTP 503"
    assert len(webhook.recorder.requests) == 3
    # Every attempt of one delivery carries the same key, so the receiver can deduplicate.
    assert len({r["headers"]["Idempotency-Key"] for r in webhook.recorder.requests}) == 1
    event = AuditEvent.objects.get(action="delivery.dead")
    assert event.data["channel"] == "webhook" and event.data["attempts"] == 3

    # The secretariat retries it; the server works again.
    delivery_retry(delivery=delivery, actor=clerk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert deliveries_dispatch().sent == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert AuditEvent.objects.filter(action="delivery.retry", actor_name="王秘书").exists()


def test_unreachable_smtp_server_is_a_failure_not_a_crash(
    settings: Any, fast_retries: Any, health_liaison: Any
) -> None:
    from .servers import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    send(health_liaison)
    assert deliveries_dispatch().retry == 1
    assert "邮件发送失败" in Delivery.objects.get(channel="email").last_error


def test_only_a_dead_letter_can_be_retried(clerk: Any, health_liaison: Any) -> None:
    from lianxi.core.exceptions import ApplicationError

    send(health_liaison)
    with pytest.raises(ApplicationError, match="只有投递失败的消息"):
        delivery_retry(delivery=Delivery.objects.get(channel="email"), actor=clerk)


def test_retry_uses_the_corrected_address(
    smtp: SmtpServer, clerk: Any, health_liaison: Any
) -> None:
    send(health_liaison)
    Delivery.objects.filter(channel="email").update(status="dead", address="wrong@example.org")
    health_liaison.email = "right@example.org"
    health_liaison.save()
    delivery_retry(delivery=Delivery.objects.get(channel="email"), actor=clerk)
    deliveries_dispatch()
    assert smtp.recorder.received[0].to == ["right@example.org"]


def test_an_expired_lease_is_taken_over_and_the_first_worker_cannot_mark_it(
    smtp: SmtpServer, health_liaison: Any
) -> None:
    """A worker that died after claiming holds only a lease; another worker takes over."""
    send(health_liaison)
    assert len(deliveries_claim(worker_id="dead-worker")) == 1
    # While the lease runs, nobody else takes the delivery.
    assert deliveries_dispatch(worker_id="w2").sent == 0
    Delivery.objects.filter(channel="email").update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert deliveries_dispatch(worker_id="w2").sent == 1
    delivery = Delivery.objects.get(channel="email")
    assert (delivery.status, delivery.claimed_by, delivery.attempts) == ("sent", "w2", 2)
    # The first worker, should it wake up, finds the row is no longer its own.
    from lianxi.notifications.services import _mark_sent

    assert _mark_sent(delivery, "dead-worker") is False
    assert len(smtp.recorder.received) == 1


def test_a_delivery_whose_workers_keep_dying_ends_as_a_dead_letter(
    smtp: SmtpServer, settings: Any, health_liaison: Any
) -> None:
    settings.LIANXI_DELIVERY_MAX_ATTEMPTS = 2
    send(health_liaison)
    for worker in ("a", "b"):
        deliveries_claim(worker_id=worker)
        Delivery.objects.filter(channel="email").update(
            lease_until=timezone.now() - timedelta(seconds=1)
        )
    assert deliveries_dispatch(worker_id="c").dead == 1
    assert smtp.recorder.received == []


def test_tick_dispatches_due_deliveries_and_a_repeated_tick_changes_nothing(
    smtp: SmtpServer, health_liaison: Any
) -> None:
    assert "notifications.dispatch_due" in registered_ticks()
    send(health_liaison)
    send(health_liaison, subject="第二条")
    assert run_tick()["notifications.dispatch_due"] == {
        "sent": 2,
        "retry": 0,
        "dead": 0,
        "lost": 0,
    }
    call_command("tick", verbosity=0)
    run_tick()
    assert len(smtp.recorder.received) == 2


def test_tick_command_prints_each_handler(
    smtp: SmtpServer, health_liaison: Any, capsys: Any
) -> None:
    send(health_liaison)
    call_command("tick")
    assert 'notifications.dispatch_due: {"sent": 1' in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_the_background_task_delivers_after_commit(smtp: SmtpServer, health_liaison: Any) -> None:
    """notify → on commit a django.tasks task is queued → the db worker runs it → mail sent."""
    with transaction.atomic():
        send(health_liaison)
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
    assert len(smtp.recorder.received) == 1
    assert Delivery.objects.get(channel="email").status == "sent"


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_each_mail_once(smtp: SmtpServer, health_liaison: Any) -> None:
    with transaction.atomic():
        for n in range(24):
            send(health_liaison, subject=f"消息 {n}")
    barrier = threading.Barrier(3)
    results: dict[str, Any] = {}
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            barrier.wait(timeout=10)
            results[name] = deliveries_dispatch(worker_id=name)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f"racer-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=10)
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(r.sent for r in results.values()) == 24
    counts = smtp.recorder.message_ids()
    assert len(counts) == 24 and set(counts.values()) == {1}
    assert not Delivery.objects.exclude(status="sent").exists()
