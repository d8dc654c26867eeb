"""Inbox, 消息设置 and dead letters: who may see and do what, and how many queries a list costs."""

from typing import Any

import pytest
from django.urls import reverse

from lianxi.core.dashboard import dashboard_for
from lianxi.notifications.models import Delivery, Message, NotificationSettings
from lianxi.notifications.selectors import unread_count
from lianxi.notifications.services import notify

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")
SETTINGS = reverse("notifications:settings")
DEAD = reverse("notifications:dead_letters")


def message_to(user: Any, subject: str = "督办提醒") -> Delivery:
    message = notify(
        recipients=[user], kind="t", subject=subject, body="请按时反馈进展。", url="/x/"
    )
    return message.deliveries.get(channel="inbox")


def dead_letter(user: Any) -> Delivery:
    message = notify(recipients=[user], kind="t", subject="投递失败的通知", body="")
    delivery = message.deliveries.get(channel="email")
    Delivery.objects.filter(pk=delivery.pk).update(
        status="dead", attempts=8, last_error="邮件发送失败：SMTPRecipientsRefused"
    )
    return delivery


# --- Anonymous visitors go to the login page ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "method"),
    [
        ("inbox", [], "get"),
        ("item", [1], "get"),
        ("mark_read", [1], "post"),
        ("mark_all_read", [], "post"),
        ("settings", [], "get"),
        ("send_test", [], "post"),
        ("dead_letters", [], "get"),
        ("retry", [1], "post"),
    ],
)
def test_anonymous_is_sent_to_login(client: Any, name: str, args: list[int], method: str) -> None:
    response = getattr(client, method)(reverse(f"notifications:{name}", args=args))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


# --- Inbox ---------------------------------------------------------------------------------


def test_owner_sees_inbox_with_unread_in_bold_and_the_header_count(
    login: Any, health_liaison: Any
) -> None:
    item = message_to(health_liaison)
    message_to(health_liaison, "已读的消息").__class__.objects.filter(
        message__subject="已读的消息"
    ).update(read_at="2026-01-05T10:00:00+08:00")
    response = login(health_liaison).get(INBOX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<tr id="item-{item.pk}" class="unread">' in html
    assert "已读的消息" in html
    assert '<span class="badge" id="unread-count">1</span>' in html


def test_inbox_is_empty_with_an_explanation(login: Any, outsider: Any) -> None:
    html = login(outsider).get(INBOX).content.decode()
    assert "收件箱是空的" in html


def test_another_person_cannot_see_or_mark_my_message(
    login: Any, health_liaison: Any, other_liaison: Any
) -> None:
    item = message_to(health_liaison, "只给卫健委的消息")
    client = login(other_liaison)
    assert "只给卫健委的消息" not in client.get(INBOX).content.decode()
    assert client.get(reverse("notifications:item", args=[item.pk])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[item.pk])).status_code == 404
    client.post(reverse("notifications:mark_all_read"))
    item.refresh_from_db()
    assert item.read_at is None


def test_opening_a_message_marks_it_read(login: Any, health_liaison: Any) -> None:
    item = message_to(health_liaison)
    client = login(health_liaison)
    response = client.get(reverse("notifications:item", args=[item.pk]))
    assert response.status_code == 200
    assert "请按时反馈进展。" in response.content.decode()
    item.refresh_from_db()
    assert item.read_at is not None
    assert unread_count(user=health_liaison) == 0


def test_mark_one_read_with_htmx_returns_the_row(login: Any, health_liaison: Any) -> None:
    item = message_to(health_liaison)
    response = login(health_liaison).post(
        reverse("notifications:mark_read", args=[item.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="item-{item.pk}" class="">')
    assert "已读" in html
    # The header's count is removed out of band (no unread message is left).
    assert '<span id="unread-count" hx-swap-oob="delete">' in html


def test_mark_all_read(login: Any, health_liaison: Any) -> None:
    for n in range(3):
        message_to(health_liaison, f"消息 {n}")
    response = login(health_liaison).post(reverse("notifications:mark_all_read"), follow=True)
    assert "已将 3 条消息标记为已读。" in response.content.decode()
    assert unread_count(user=health_liaison) == 0


def test_inbox_query_count_does_not_grow_with_messages(
    login: Any, health_liaison: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(40):
        message_to(health_liaison, f"消息 {n}")
    client = login(health_liaison)
    with django_assert_max_num_queries(11):
        response = client.get(INBOX)
    assert response.content.decode().count('class="unread"') == 30  # one page


def test_home_page_panel_shows_newest_unread(login: Any, health_liaison: Any) -> None:
    message_to(health_liaison, "最新的未读消息")
    [panel] = [p for p in dashboard_for(health_liaison) if p["name"] == "messages"]
    assert panel["title"] == "我的消息"
    assert panel["items"][0]["text"] == "最新的未读消息"
    html = login(health_liaison).get("/").content.decode()
    assert "我的消息" in html and "最新的未读消息" in html


def test_home_page_panel_empty_state(health_liaison: Any) -> None:
    [panel] = [p for p in dashboard_for(health_liaison) if p["name"] == "messages"]
    assert panel["items"] == [] and "没有未读消息" in panel["empty"]


# --- 消息设置 --------------------------------------------------------------------------------


def test_settings_page_saves_email_and_webhook(login: Any, health_liaison: Any) -> None:
    client = login(health_liaison)
    assert "health@example.org" in client.get(SETTINGS).content.decode()
    response = client.post(
        SETTINGS, {"webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1"}
    )
    assert response.status_code == 302
    prefs = NotificationSettings.objects.get(user=health_liaison)
    assert prefs.email_enabled is False
    assert prefs.webhook_url.startswith("https://qyapi.weixin.qq.com/")


def test_settings_refuse_a_bad_webhook_in_chinese_and_change_nothing(
    login: Any, health_liaison: Any
) -> None:
    response = login(health_liaison).post(
        SETTINGS, {"email_enabled": "on", "webhook_url": "ftp://example.org/x"}
    )
    assert response.status_code == 200
    assert "Webhook 地址应以 http:// 或 https:// 开头" in response.content.decode()
    assert not NotificationSettings.objects.exists()


def test_settings_are_per_person(login: Any, health_liaison: Any, other_liaison: Any) -> None:
    NotificationSettings.objects.create(user=health_liaison, webhook_url="https://a.example/h")
    html = login(other_liaison).get(SETTINGS).content.decode()
    assert "https://a.example/h" not in html


def test_send_test_message_to_myself(login: Any, health_liaison: Any) -> None:
    response = login(health_liaison).post(reverse("notifications:send_test"))
    assert response.status_code == 302
    message = Message.objects.get()
    assert message.subject == "测试消息"
    assert {d.channel for d in message.deliveries.all()} == {"inbox", "email"}


# --- Dead letters (secretariat) --------------------------------------------------------------


def test_clerk_sees_dead_letters(login: Any, clerk: Any, health_liaison: Any) -> None:
    delivery = dead_letter(health_liaison)
    html = login(clerk).get(DEAD).content.decode()
    assert f'id="dead-{delivery.pk}"' in html
    assert "SMTPRecipientsRefused" in html and "市卫生健康委" in html and "重新投递" in html


@pytest.mark.parametrize("persona", ["other_liaison", "health_liaison", "auditor", "outsider"])
def test_others_may_not_see_or_retry_dead_letters(
    login: Any, request: Any, persona: str, health_member: Any
) -> None:
    delivery = dead_letter(health_member)
    client = login(request.getfixturevalue(persona))
    assert client.get(DEAD).status_code == 403
    assert client.post(reverse("notifications:retry", args=[delivery.pk])).status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == "dead"


def test_clerk_retries_a_dead_letter(login: Any, clerk: Any, health_liaison: Any) -> None:
    delivery = dead_letter(health_liaison)
    response = login(clerk).post(reverse("notifications:retry", args=[delivery.pk]), follow=True)
    assert "已重新投递给 李联络" in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 0


def test_retrying_something_not_dead_says_so(login: Any, clerk: Any, health_liaison: Any) -> None:
    delivery = message_to(health_liaison)
    response = login(clerk).post(reverse("notifications:retry", args=[delivery.pk]), follow=True)
    assert "只有投递失败的消息可以重新投递" in response.content.decode()


def test_dead_letter_query_count_does_not_grow(
    login: Any,
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(20):
        dead_letter(health_liaison)
        dead_letter(other_liaison)
    client = login(clerk)
    with django_assert_max_num_queries(12):
        response = client.get(DEAD)
    assert response.content.decode().count('id="dead-') == 30


def test_retrying_deliveries_do_not_grow_the_query_count(
    login: Any,
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for _ in range(20):
        for person in (health_liaison, other_liaison):
            delivery = message_to(person)
            email = delivery.message.deliveries.get(channel="email")
            Delivery.objects.filter(pk=email.pk).update(attempts=2, last_error="连接超时")
    client = login(clerk)
    with django_assert_max_num_queries(10):  # measured: 9
        response = client.get(DEAD)
    assert response.content.decode().count('id="retrying-') == 30


def test_inbox_pages_keep_the_unread_filter(login: Any, health_liaison: Any) -> None:
    for n in range(31):
        notify(recipients=[health_liaison], kind="test", subject=f"第{n}条", body="", url="/")
    client = login(health_liaison)
    first = client.get(reverse("notifications:inbox"), {"unread": "1"}).content.decode()
    assert 'href="?unread=1&amp;page=2">下一页' in first
    assert "第 1 / 2 页" in first
    second = client.get(reverse("notifications:inbox"), {"page": "2"}).content.decode()
    assert 'href="?page=1">上一页' in second
