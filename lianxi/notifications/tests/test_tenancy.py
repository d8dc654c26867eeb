"""Messages belong to a joint meeting: its inbox items and dead letters are seen only in it."""

from typing import Any

import pytest
from django.test import Client

from lianxi.notifications import services
from lianxi.notifications.models import Delivery, Message
from lianxi.organization.models import Membership

pytestmark = pytest.mark.django_db


def _choose(client: Client, person: Any, mechanism: Any) -> None:
    membership = Membership.objects.get(user=person, unit__mechanism=mechanism)
    response = client.post("/account/choose/", {"membership": membership.pk, "next": "/"})
    assert response.status_code == 302


def _dead_letter(message: Message, user: Any) -> Delivery:
    letter, _ = Delivery.objects.update_or_create(
        message=message,
        user=user,
        channel=Delivery.Channel.EMAIL,
        defaults={
            "idempotency_key": f"dead-{message.pk}-{user.pk}",
            "address": "wang@example.cn",
            "status": Delivery.Status.DEAD,
            "attempts": 8,
            "last_error": "550 mailbox unavailable",
        },
    )
    return letter


def test_a_message_belongs_to_the_joint_meeting_of_its_units_or_its_actor(
    mechanism, second_mechanism, unit_named, second_unit_named, clerk, second_clerk, health_liaison
):
    to_unit = services.notify(
        recipients=[second_unit_named("市卫生健康委")], kind="t", subject="到单位", body=""
    )
    by_actor = services.notify(
        recipients=[health_liaison], kind="t", subject="由人", body="", actor=clerk
    )
    by_recipient = services.notify(recipients=[second_clerk], kind="t", subject="到人", body="")
    explicit = services.notify(
        recipients=[clerk], kind="t", subject="指定", body="", mechanism=second_mechanism
    )
    assert to_unit.mechanism_id == second_mechanism.pk
    assert by_actor.mechanism_id == mechanism.pk
    assert by_recipient.mechanism_id == second_mechanism.pk
    assert explicit.mechanism_id == second_mechanism.pk


def test_a_person_in_two_joint_meetings_reads_each_meetings_messages_only_when_it_is_chosen(
    mechanism, second_mechanism, unit_named, second_unit_named, two_meetings_person, login
):
    services.notify(
        recipients=[unit_named("市卫生健康委")],
        kind="t",
        subject="甲会消息",
        body="",
        mechanism=mechanism,
    )
    # There the person is the secretariat, whom a message to the unit does not reach.
    services.notify(
        recipients=[two_meetings_person],
        kind="t",
        subject="乙会消息",
        body="",
        mechanism=second_mechanism,
    )
    client = login(two_meetings_person)
    for chosen, own, other in (
        (mechanism, "甲会消息", "乙会消息"),
        (second_mechanism, "乙会消息", "甲会消息"),
    ):
        _choose(client, two_meetings_person, chosen)
        text = client.get("/messages/").content.decode()
        assert own in text and other not in text, chosen.name
    # 全部标为已读 in the second leaves the first's message unread.
    assert client.post("/messages/read-all/").status_code == 302
    _choose(client, two_meetings_person, mechanism)
    assert client.get("/messages/?unread=1").content.decode().count("甲会消息") >= 1


def test_the_second_meetings_clerk_neither_sees_nor_retries_the_firsts_dead_letters(
    mechanism, unit_named, clerk, second_clerk, health_liaison, login
):
    message = services.notify(
        recipients=[health_liaison], kind="t", subject="甲会失败邮件", body="", actor=clerk
    )
    letter = _dead_letter(message, health_liaison)
    own = login(clerk).get("/messages/dead-letters/")
    assert "甲会失败邮件" in own.content.decode()
    other = login(second_clerk)
    listed = other.get("/messages/dead-letters/")
    assert listed.status_code == 200
    assert "甲会失败邮件" not in listed.content.decode()
    assert other.post(f"/messages/dead-letters/{letter.pk}/retry/").status_code == 404
    letter.refresh_from_db()
    assert letter.status == Delivery.Status.DEAD
