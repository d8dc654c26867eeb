"""四(二) as a clerk found it (issue 18): an attachment shown by its name, a returned item shown
and counted as returned, 催办 sent at once and recorded, drafts edited and deleted by their unit,
the government reader's overview, dates as officials write them."""

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lianxi.api.services import api_token_create
from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent
from lianxi.notifications.models import Delivery
from lianxi.organization.models import Unit
from lianxi.supervision import panels, services
from lianxi.supervision.lights import RED, YELLOW, Cutoffs
from lianxi.supervision.models import ActionItem, ProgressReport, Reminder

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
PADDED = re.compile(r"(?<!\d)0\d月|月0\d日")


def cn(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def subjects_of(user: Any) -> list[str]:
    return list(
        Delivery.objects.filter(channel="inbox", user=user).values_list(
            "message__subject", flat=True
        )
    )


def assert_login_redirect(response: Any) -> None:
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


@pytest.fixture
def item(make_item: Callable[..., ActionItem], hrss: Unit) -> ActionItem:
    return make_item(
        "开展尘肺病防治攻坚行动", supporting=(hrss,), deadline=TODAY + timedelta(days=60)
    )


# --- 1. the attachment's own name -----------------------------------------------------------


def test_progress_attachment_shows_its_original_name_on_page_api_and_download(
    login: Callable[[Any], Client], clerk: Any, health_liaison: Any, item: ActionItem
) -> None:
    """四(二): a report's attachment is shown and downloaded as the file the unit sent
    ("进展情况.txt"), not as its storage path ("2026/12/进展情况.txt"), even when the store had
    to rename it because a file of that name was there already."""
    for text in ("第一次", "第二次"):
        services.progress_report_create(
            item=item,
            actor=health_liaison,
            text=text,
            attachment=SimpleUploadedFile("进展情况.txt", text.encode()),
            submit=True,
        )
    reports = list(item.reports.order_by("id"))
    assert reports[1].attachment.name != reports[0].attachment.name  # the store renamed it
    page = login(clerk).get(f"/supervision/{item.pk}/").content.decode()
    assert page.count("附件：进展情况.txt") == 2
    assert "/进展情况" not in page and f"{TODAY:%Y/%m}/" not in page
    _, token = api_token_create(user=clerk, name="测试")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    detail = api.get(f"/api/v1/action-items/{item.pk}").json()
    assert {r["attachment_name"] for r in detail["reports"]} == {"进展情况.txt"}
    download = login(clerk).get(f"/supervision/{item.pk}/reports/{reports[1].pk}/attachment/")
    assert download.status_code == 200
    assert "%E8%BF%9B%E5%B1%95%E6%83%85%E5%86%B5.txt" in download["Content-Disposition"]
    assert b"".join(download) == "第二次".encode()


# --- 2. returned, 催办, drafts --------------------------------------------------------------


def test_a_returned_item_shows_returned_and_is_counted_until_the_lead_reports_again(
    login: Callable[[Any], Client],
    clerk: Any,
    health_liaison: Any,
    item: ActionItem,
) -> None:
    """四(二): 退回 puts the item to 已退回（待补报）, not back to a green 办理中: the page, the
    ledger's counts and its status filter, the light (yellow: it waits for the lead unit) and
    both panels say so; the lead unit's next report takes it back to 办理中."""
    services.progress_report_create(
        item=item, actor=health_liaison, text="已完成", requests_closure=True, submit=True
    )
    services.action_item_return(item=item, actor=clerk, reason="请补充企业名单")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.RETURNED
    cutoffs = Cutoffs.for_day(TODAY)
    assert cutoffs.light_of(item) == YELLOW
    assert ActionItem.objects.filter(cutoffs.q(YELLOW), pk=item.pk).exists()
    page = login(clerk).get(f"/supervision/{item.pk}/").content.decode()
    assert "已退回" in page and "待补报" in page
    ledger = login(clerk).get("/supervision/")
    assert dict((k, n) for k, _, n in ledger.context["light_stats"])[YELLOW] == 1
    assert ledger.context["returned_count"] == 1
    body = ledger.content.decode()
    assert 'id="count-returned"' in body and "已退回" in body
    filtered = login(clerk).get("/supervision/?status=returned")
    assert [i.pk for i in filtered.context["page"].object_list] == [item.pk]
    # Counted whatever light is chosen, so its link drops the light (?light=green would show 0).
    green = login(clerk).get("/supervision/?light=green")
    assert green.context["returned_count"] == 1
    assert green.context["returned_query"] == "status=returned"
    secretariat = panels.secretariat_supervision(clerk)
    assert secretariat is not None
    assert any("已退回待补报 1 项" in e["text"] for e in secretariat["items"])
    unit_panel = panels.my_unit_items(health_liaison)
    assert unit_panel is not None
    assert any("已退回" in e["meta"] for e in unit_panel["items"])
    services.progress_report_create(item=item, actor=health_liaison, text="已补报", submit=True)
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN


def test_a_returned_item_past_its_deadline_is_red() -> None:
    """四(二): a returned item whose deadline has passed is red like any late item."""
    cutoffs = Cutoffs.for_day(TODAY)
    late = ActionItem(
        status=ActionItem.Status.RETURNED,
        deadline=TODAY - timedelta(days=1),
        created_at=timezone.now(),
    )
    assert cutoffs.light_of(late) == RED


def test_urge_sends_a_reminder_now_and_records_who_and_when(
    login: Callable[[Any], Client],
    clerk: Any,
    health_liaison: Any,
    health_member: Any,
    item: ActionItem,
) -> None:
    """四(二) 督促督办: the secretariat's 催办 reaches the lead unit at once; it is recorded (a
    reminder with who sent it, an audit event) and shown in the item's history."""
    response = login(clerk).post(f"/supervision/{item.pk}/urge/", {"note": "请本周内反馈"})
    assert response.status_code == 302
    reminder = Reminder.objects.get(item=item, kind=Reminder.Kind.URGE)
    assert reminder.sent_by == clerk and reminder.note == "请本周内反馈"
    for person in (health_liaison, health_member):
        assert any(s.startswith("【催办】") for s in subjects_of(person))
    event = AuditEvent.objects.get(action="action_item.urge")
    assert event.data["note"] == "请本周内反馈"
    # A second 催办 the same day is sent and recorded too (the tick's once-a-stage rule is not
    # the secretariat's).
    services.action_item_urge(item=item, actor=clerk, note="")
    assert Reminder.objects.filter(item=item, kind=Reminder.Kind.URGE).count() == 2
    page = login(health_liaison).get(f"/supervision/{item.pk}/").content.decode()
    assert "催办" in page and "王秘书" in page and "请本周内反馈" in page
    assert cn(timezone.localtime(reminder.sent_at).date()) in page


def test_urge_access(
    login: Callable[[Any], Client],
    clerk: Any,
    health_liaison: Any,
    gov_reader: Any,
    union_liaison: Any,
    item: ActionItem,
) -> None:
    """四(二): only the secretariat urges; a unit that sees the item is refused (403), one that
    does not see it finds nothing (404), an anonymous visitor is sent to log in; a closed item is
    not urged."""
    url = f"/supervision/{item.pk}/urge/"
    assert login(health_liaison).post(url).status_code == 403
    assert login(gov_reader).post(url).status_code == 403
    assert login(union_liaison).post(url).status_code == 404
    assert_login_redirect(Client().post(url))
    assert not Reminder.objects.filter(kind=Reminder.Kind.URGE).exists()
    page = login(clerk).get(f"/supervision/{item.pk}/").content.decode()
    assert 'id="urge-form"' in page
    assert (
        'id="urge-form"'
        not in login(health_liaison).get(f"/supervision/{item.pk}/").content.decode()
    )
    services.action_item_close(item=item, actor=clerk)
    with pytest.raises(ApplicationError, match="已办结"):
        services.action_item_urge(item=item, actor=clerk)
    with pytest.raises(ApplicationError, match="联席会议办公室"):
        services.action_item_urge(item=item, actor=health_liaison)


def test_the_item_page_costs_the_same_with_one_or_many_urges_reports_and_drafts(
    login: Callable[[Any], Client],
    make_item: Callable[..., ActionItem],
    clerk: Any,
    health_liaison: Any,
) -> None:
    """四(二): the item's page lists every 催办, sent report (with its file) and draft in a fixed
    number of queries, for the secretariat and for the lead unit (measured: 14 and 13)."""

    def queries(count: int) -> dict[str, int]:
        item = make_item(f"事项{count}")
        for i in range(count):
            services.action_item_urge(item=item, actor=clerk, note=f"催办{i}")
            services.progress_report_create(
                item=item,
                actor=health_liaison,
                text=f"进展{i}",
                attachment=SimpleUploadedFile(f"清单{i}.txt", b"x"),
                submit=True,
            )
            services.progress_report_create(item=item, actor=health_liaison, text=f"草稿{i}")
        measured = {}
        for user in (clerk, health_liaison):
            client = login(user)
            client.get(f"/supervision/{item.pk}/")  # session and caches warm
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"/supervision/{item.pk}/").status_code == 200
            measured[user.username] = len(captured)
        return measured

    assert queries(1) == queries(6)


def test_a_draft_is_edited_and_deleted_by_its_unit_before_it_is_sent(
    login: Callable[[Any], Client],
    clerk: Any,
    health_liaison: Any,
    health_member: Any,
    other_liaison: Any,
    union_liaison: Any,
    item: ActionItem,
) -> None:
    """四(二): a progress draft stays its unit's: its member or liaison edits it (text, closure
    request, attachment) or deletes it before it is sent; nobody else sees or changes it, and a
    sent report is not changed."""
    draft = services.progress_report_create(item=item, actor=health_liaison, text="初稿")
    edit = f"/supervision/{item.pk}/reports/{draft.pk}/edit/"
    delete = f"/supervision/{item.pk}/reports/{draft.pk}/delete/"
    assert "初稿" in login(health_member).get(edit).content.decode()
    response = login(health_member).post(
        edit,
        {
            "text": "修改后的稿子",
            "attachment": SimpleUploadedFile("名单.txt", "名单".encode()),
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.text == "修改后的稿子" and draft.attachment_name == "名单.txt"
    assert draft.status == ProgressReport.Status.DRAFT
    # Another unit (supporting, so it sees the item) finds no such draft; the secretariat sees
    # the item but does not act for a unit; anonymous goes to log in.
    for user, code in ((other_liaison, 404), (clerk, 403), (union_liaison, 404)):
        assert login(user).get(edit).status_code == code
        assert login(user).post(edit, {"text": "篡改"}).status_code == code
        assert login(user).post(delete).status_code == code
    assert_login_redirect(Client().post(delete))
    draft.refresh_from_db()
    assert draft.text == "修改后的稿子"
    assert AuditEvent.objects.filter(action="action_item.progress_draft_edit").count() == 1
    assert login(health_liaison).post(delete).status_code == 302
    assert not ProgressReport.objects.filter(pk=draft.pk).exists()
    assert AuditEvent.objects.filter(action="action_item.progress_draft_delete").count() == 1
    sent = services.progress_report_create(
        item=item, actor=health_liaison, text="已报", submit=True
    )
    with pytest.raises(ApplicationError, match="已经报送"):
        services.progress_report_update(report=sent, actor=health_liaison, text="改")
    with pytest.raises(ApplicationError, match="已经报送"):
        services.progress_report_delete(report=sent, actor=health_liaison)
    response = login(health_liaison).post(f"/supervision/{item.pk}/reports/{sent.pk}/delete/")
    assert response.status_code == 400
    assert ProgressReport.objects.filter(pk=sent.pk).exists()


# --- 6. the government reader's home --------------------------------------------------------


def test_the_government_reader_sees_the_city_wide_lights_read_only(
    login: Callable[[Any], Client],
    gov_reader: Any,
    health_liaison: Any,
    clerk: Any,
    make_item: Callable[..., ActionItem],
    union: Unit,
) -> None:
    """四(二): the city government office (which sees every item) gets the lights overview on
    its home page, with links into the ledger and nothing to act on."""
    late = make_item("逾期事项", lead=union, deadline=TODAY)
    ActionItem.objects.filter(pk=late.pk).update(deadline=TODAY - timedelta(days=2))
    make_item("正常事项", deadline=TODAY + timedelta(days=90))
    panel = panels.city_overview(gov_reader)
    assert panel is not None
    texts = " ".join(e["text"] for e in panel["items"])
    assert "红灯" in texts and "1 项" in texts
    assert panels.city_overview(clerk) is None  # the secretariat has its own panel
    assert panels.city_overview(health_liaison) is None
    home = login(gov_reader).get("/").content.decode()
    assert "督办事项总览" in home and "/supervision/?light=red" in home
    assert "新建督办事项" not in home


# --- 7. dates -------------------------------------------------------------------------------


def test_pages_write_dates_as_officials_do(
    login: Callable[[Any], Client],
    clerk: Any,
    health_liaison: Any,
    make_item: Callable[..., ActionItem],
) -> None:
    """Dates on the supervision pages read "2026年3月5日", never "2026-03-05" or "03月05日"."""
    item = make_item("日期事项", deadline=date(2027, 3, 5), today=date(2026, 12, 1))
    services.progress_report_create(item=item, actor=health_liaison, text="进展", submit=True)
    for url in ("/supervision/", f"/supervision/{item.pk}/"):
        body = login(clerk).get(url).content.decode()
        assert "2027年3月5日" in body
        assert not ISO_DATE.search(body), ISO_DATE.findall(body)
        assert not PADDED.search(body), PADDED.findall(body)
    panel = panels.my_unit_items(health_liaison)
    assert panel is not None
    ActionItem.objects.filter(pk=item.pk).update(deadline=TODAY - timedelta(days=1))
    panel = panels.my_unit_items(health_liaison)
    assert panel is not None
    meta = " ".join(e.get("meta", "") for e in panel["items"])
    assert cn(TODAY - timedelta(days=1)) in meta
    assert not ISO_DATE.search(meta)
