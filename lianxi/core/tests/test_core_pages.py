"""The auditor's audit-trail page and the secretariat's calendar page: access, filters, query
counts, entry of a year's schedule and the warning on the home page (issue 2 §3, §5)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.calendar import package_knows, schedule_missing_years
from lianxi.core.models import AuditEvent, CalendarDay, CalendarYear
from lianxi.core.tests.test_audit import raw

pytestmark = pytest.mark.django_db

AUDIT = "/core/audit/"
VERIFY = "/core/audit/verify/"
CALENDAR = "/core/calendar/"


def test_urls_are_named() -> None:
    assert reverse("core:audit") == AUDIT
    assert reverse("core:audit_verify") == VERIFY
    assert reverse("core:calendar") == CALENDAR


# --- access --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [AUDIT, CALENDAR])
def test_anonymous_is_sent_to_login(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_anonymous_cannot_run_verify(client) -> None:
    response = client.post(VERIFY)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_auditor_reads_the_audit_trail(login, auditor) -> None:
    response = login(auditor).get(AUDIT)
    assert response.status_code == 200
    assert "审计日志" in response.content.decode()


@pytest.mark.parametrize(
    "persona",
    ["security_admin", "clerk", "health_liaison", "health_member", "other_liaison", "gov_reader",
     "outsider"],
)  # fmt: skip
def test_other_roles_may_not_read_the_audit_trail(request, login, persona) -> None:
    """The auditor and the security administrator are separate roles; the secretariat is not
    an auditor either."""
    client = login(request.getfixturevalue(persona))
    assert client.get(AUDIT).status_code == 403
    assert client.post(VERIFY).status_code == 403


def test_inactive_auditor_may_not_read(login, auditor) -> None:
    client = login(auditor)
    auditor.membership.active = False
    auditor.membership.save()
    assert client.get(AUDIT).status_code == 403


def test_secretariat_keeps_the_calendar(login, clerk) -> None:
    response = login(clerk).get(CALENDAR)
    assert response.status_code == 200
    assert "节假日安排" in response.content.decode()


@pytest.mark.parametrize(
    "persona",
    ["auditor", "security_admin", "health_liaison", "health_member", "other_liaison",
     "gov_reader", "outsider"],
)  # fmt: skip
def test_other_roles_may_not_keep_the_calendar(request, login, persona) -> None:
    client = login(request.getfixturevalue(persona))
    assert client.get(CALENDAR).status_code == 403
    response = client.post(CALENDAR, {"year": 2027, "source": "x", "text": "2027-01-01 休"})
    assert response.status_code == 403
    assert not CalendarDay.objects.exists()


# --- the audit page ------------------------------------------------------------------------


@pytest.fixture
def trail(clerk, other_liaison, security_admin):
    """A small trail: people of two units and the platform itself."""
    events = []
    for i in range(3):
        events.append(audit_record(actor=clerk, action="rules.import", data={"i": i}))
    events.append(
        audit_record(actor=other_liaison, action="person.update", target=other_liaison.membership)
    )
    events.append(audit_record(actor=security_admin, action="person.deactivate"))
    events.append(audit_record(actor=None, action="calendar.year_set", ip="10.1.2.3"))
    return events


def test_audit_page_lists_events_newest_first_with_who_what_where(login, auditor, trail) -> None:
    body = login(auditor).get(AUDIT).content.decode()
    assert body.index(f'id="event-{trail[-1].id}"') < body.index(f'id="event-{trail[0].id}"')
    assert "王秘书" in body and "市卫生健康委 · 联席会议办公室" in body
    assert "张联络" in body and "市人力资源和社会保障局" in body
    assert "成员与联络员" in body  # the object's type by its Chinese name
    assert "10.1.2.3" in body
    # The trail's six and the auditor's own login (audited since issue 17).
    assert 'id="match-count" class="num">7<' in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"action": "rules.import"}, [0, 1, 2]),
        ({"person": "张"}, [3]),
        ({"target_type": "organization.membership"}, [3]),
        ({"person": "王", "action": "person.update"}, []),
    ],
)
def test_audit_page_filters(login, auditor, trail, params, expected) -> None:
    body = login(auditor).get(AUDIT, params).content.decode()
    shown = [i for i, e in enumerate(trail) if f'id="event-{e.id}"' in body]
    assert shown == expected
    if not expected:
        assert "没有符合筛选条件的审计记录" in body


def test_audit_page_filters_by_unit(login, auditor, trail, other_liaison) -> None:
    unit_id = other_liaison.membership.unit_id
    body = login(auditor).get(AUDIT, {"unit": unit_id}).content.decode()
    assert f'id="event-{trail[3].id}"' in body
    assert f'id="event-{trail[0].id}"' not in body


def test_audit_page_filters_by_date_range(login, auditor, trail) -> None:
    old = trail[0]
    raw(
        "UPDATE core_auditevent SET at = %s WHERE id = %s",
        [timezone.now() - timedelta(days=40), old.id],
    )
    today = timezone.localdate()
    client = login(auditor)
    body = client.get(AUDIT, {"date_from": today - timedelta(days=1)}).content.decode()
    assert f'id="event-{old.id}"' not in body
    assert f'id="event-{trail[1].id}"' in body
    body = client.get(AUDIT, {"date_to": today - timedelta(days=30)}).content.decode()
    assert f'id="event-{old.id}"' in body
    assert f'id="event-{trail[1].id}"' not in body


def test_audit_page_explains_bad_filters_in_chinese(login, auditor, trail) -> None:
    body = (
        login(auditor)
        .get(AUDIT, {"date_from": "2026-13-01", "action": "no.such", "date_to": "x"})
        .content.decode()
    )
    assert "起始日期格式应为" in body
    assert "所选项不在审计记录中" in body
    assert "筛选条件有误" in body


def test_audit_page_rejects_reversed_dates(login, auditor, trail) -> None:
    body = (
        login(auditor)
        .get(AUDIT, {"date_from": "2026-11-20", "date_to": "2026-11-01"})
        .content.decode()
    )
    assert "截止日期不能早于起始日期" in body


def test_audit_page_paginates_by_50_with_filters_kept(login, auditor) -> None:
    for i in range(120):
        audit_record(actor=None, action="test.bulk", data={"i": i})
    audit_record(actor=None, action="test.other")
    client = login(auditor)
    first = client.get(AUDIT, {"action": "test.bulk"}).content.decode()
    assert first.count('<tr id="event-') == 50
    assert "第 1 / 3 页" in first
    assert "action=test.bulk&amp;page=2" in first
    last = client.get(AUDIT, {"action": "test.bulk", "page": 3}).content.decode()
    assert last.count('<tr id="event-') == 20
    assert client.get(AUDIT, {"page": "999"}).status_code == 200


# Measured: 15 (session, user, membership and the header's own queries, then 3 DISTINCT for
# the filter choices, count, page, chain head), 16 with a filter (the chain's total counted
# apart). Pinned with a little room for the shared header; it must not grow with the events.
AUDIT_PAGE_QUERIES = 17


def test_audit_page_query_count_does_not_grow_with_events(
    login, auditor, clerk, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    client = login(auditor)

    def add(n: int) -> None:
        for i in range(n):
            audit_record(actor=clerk if i % 2 else None, action=f"test.kind{i % 7}", data={"i": i})

    add(60)
    with django_assert_max_num_queries(AUDIT_PAGE_QUERIES) as few:
        response = client.get(AUDIT)
    assert response.content.decode().count('<tr id="event-') == 50
    add(140)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(AUDIT, {"page": 2})
    with django_assert_max_num_queries(AUDIT_PAGE_QUERIES):
        body = client.get(AUDIT, {"action": "test.kind3", "person": "王", "page": 1})
    assert body.content.decode().count('<tr id="event-') == 15


def test_verify_button_reports_an_intact_chain(login, auditor, trail) -> None:
    response = login(auditor).post(VERIFY, {"query": "action=rules.import"}, follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{AUDIT}?action=rules.import"
    assert "已校验 7 条审计记录，哈希链完整" in body  # the six and the auditor's login


def test_verify_button_reports_an_edited_and_a_deleted_row(login, auditor, trail) -> None:
    raw("UPDATE core_auditevent SET action = %s WHERE id = %s", ["x.forged", trail[1].id])
    raw("DELETE FROM core_auditevent WHERE id = %s", [trail[3].id])
    body = login(auditor).post(VERIFY, follow=True).content.decode()
    # The deleted row also leaves the sealed head's count short (issue 17): a third problem.
    # Six left: five of the trail and the auditor's login (audited since issue 17).
    assert "已校验 6 条审计记录，发现 3 处问题" in body
    assert "数据库中只核对到 6 条" in body
    assert f"第 {trail[1].id} 条记录的内容被改动" in body
    assert f"第 {trail[4].id} 条记录与前一条衔接不上" in body


def test_verify_button_keeps_only_a_well_formed_query(login, auditor, trail) -> None:
    """Issue 17 (no bad input breaks a channel): the filters come back from a hidden field; a
    line break in them was a broken Location header, now it is re-encoded."""
    response = login(auditor).post(VERIFY, {"query": "action=rules.import\r\nX-Evil: 1"})
    assert response.status_code == 302
    assert "\n" not in response["Location"] and "X-Evil" not in response.headers


def test_verify_button_needs_post(login, auditor) -> None:
    assert login(auditor).get(VERIFY).status_code == 405


# --- the calendar page ---------------------------------------------------------------------

SCHEDULE_2027 = """2027-01-01 休 元旦
2027-02-06 至 2027-02-13 休 春节
2027-02-14 班 春节调休
2027-02-20 班 春节调休
"""


def test_calendar_page_shows_the_package_schedule_of_2026(login, clerk) -> None:
    body = login(clerk).get(CALENDAR).content.decode()
    assert 'id="year-2026"' in body
    assert "10月1日至10月7日</span> 国庆节" in body
    assert "10月10日（星期六）</span> 国庆节调休" in body
    assert "2月15日至2月23日</span> 春节" in body


def test_calendar_page_warns_when_the_coming_year_has_no_schedule(login, clerk) -> None:
    """Today is late in the year and the package lacks the coming one (2027 in Nov 2026)."""
    today = timezone.localdate()
    missing = schedule_missing_years(today)
    body = login(clerk).get(CALENDAR).content.decode()
    for year in missing:
        assert f'id="missing-{year}"' in body
        assert f"{year} 年的节假日安排尚未录入" in body
    if today.month >= 10 and not package_knows(today.year + 1):
        assert today.year + 1 in missing


def test_secretariat_enters_the_2027_schedule(login, clerk) -> None:
    client = login(clerk)
    response = client.post(
        CALENDAR,
        {"year": 2027, "source": "国办发明电〔2026〕×号", "text": SCHEDULE_2027},
        follow=True,
    )
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{CALENDAR}?year=2027"
    assert "已保存 2027 年节假日安排，共 11 天" in body
    assert "2月6日至2月13日</span> 春节" in body
    assert "依据：国办发明电〔2026〕×号 · 王秘书" in body
    assert CalendarYear.objects.get().year == 2027
    assert CalendarDay.objects.count() == 11
    assert 'id="missing-2027"' not in body
    again = client.get(CALENDAR, {"year": 2027}).content.decode()
    assert 'value="国办发明电〔2026〕×号"' in again
    assert "2027-02-06 至 2027-02-13 休 春节" in again
    event = AuditEvent.objects.get(action="calendar.year_set")
    assert event.actor_name == "王秘书" and event.target_type == "core.calendaryear"


def test_calendar_form_is_prefilled_with_the_year_in_entry_format(login, clerk) -> None:
    body = login(clerk).get(CALENDAR, {"year": 2026}).content.decode()
    assert "2026-10-01 至 2026-10-07 休 国庆节" in body
    assert login(clerk).get(CALENDAR, {"year": "abc"}).status_code == 200


def test_bad_lines_are_named_and_nothing_is_saved(login, clerk) -> None:
    text = SCHEDULE_2027 + "2027-02-30 休 春节\n2027-03-01 春节\n"
    body = (
        login(clerk).post(CALENDAR, {"year": 2027, "source": "通知", "text": text}).content.decode()
    )
    assert "未保存任何内容" in body
    assert "第 5 行“2027-02-30 休 春节”：日期“2027-02-30”不存在" in body
    assert "第 6 行“2027-03-01 春节”：日期后应写“休”或“班”" in body
    assert not CalendarDay.objects.exists()
    assert not CalendarYear.objects.exists()
    assert not AuditEvent.objects.exclude(action="login").exists()  # the login is audited


def test_missing_fields_get_chinese_messages(login, clerk) -> None:
    body = login(clerk).post(CALENDAR, {"year": "", "source": "", "text": ""}).content.decode()
    assert "请填写年份" in body and "请填写依据" in body and "请填写放假与调休安排" in body


def test_a_line_outside_the_year_is_refused(login, clerk) -> None:
    body = (
        login(clerk)
        .post(CALENDAR, {"year": 2027, "source": "通知", "text": "2028-01-01 休 元旦"})
        .content.decode()
    )
    assert "不属于 2027 年的安排" in body
    assert not CalendarDay.objects.exists()


def test_calendar_page_query_count(login, clerk, django_assert_max_num_queries) -> None:
    client = login(clerk)
    client.post(CALENDAR, {"year": 2027, "source": "通知", "text": SCHEDULE_2027})
    # Measured 13: the header's own, the entered years, their days in one query, and the
    # two checks for a missing schedule.
    with django_assert_max_num_queries(14):
        assert client.get(CALENDAR).status_code == 200


# --- the home page's warning -----------------------------------------------------------------


def test_home_warns_the_secretariat_of_a_missing_schedule(login, clerk, other_liaison) -> None:
    missing = schedule_missing_years(timezone.localdate())
    body = login(clerk).get("/").content.decode()
    other = login(other_liaison).get("/").content.decode()
    assert 'id="panel-calendar"' not in other
    if not missing:
        assert 'id="panel-calendar"' not in body
        return
    assert 'id="panel-calendar"' in body
    for year in missing:
        assert f"{year} 年节假日安排尚未录入" in body
        assert f"/core/calendar/?year={year}#calendar-entry" in body


def test_home_warning_panel_follows_the_date(clerk, other_liaison, auditor) -> None:
    """In November 2026 (package lacks 2027) the secretariat is warned; no one else; and no more
    once 2027 is entered."""
    from lianxi.core.apps import calendar_warning_panel
    from lianxi.core.calendar import parse_schedule
    from lianxi.core.services import calendar_year_set

    november = date(2026, 11, 29)
    assert schedule_missing_years(november) == [2027]
    assert calendar_warning_panel(other_liaison) is None
    assert calendar_warning_panel(auditor) is None
    if schedule_missing_years(timezone.localdate()):
        panel = calendar_warning_panel(clerk)
        assert panel is not None and panel["items"][0]["level"] == "warning"
    calendar_year_set(
        year=2027, days=parse_schedule(SCHEDULE_2027, year=2027), source="通知", actor=clerk
    )
    assert schedule_missing_years(november) == []
    if timezone.localdate().year <= 2027:
        assert calendar_warning_panel(clerk) is None
