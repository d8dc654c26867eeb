"""四(二) pages: the ledger (督办台账), its .xlsx export, an item's page and its forms, the unit
section and the home panels — with who may see what."""

import shutil
from collections.abc import Callable
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from lianxi.organization.models import Unit
from lianxi.supervision import services
from lianxi.supervision.models import ActionItem, ExtensionRequest, ProgressReport
from lianxi.testing.libreoffice import libreoffice_convert

from .fixtures import bulk_items

TODAY = timezone.localdate()


@pytest.fixture
def led_by_health(make_item: Callable[..., ActionItem], hrss: Unit) -> ActionItem:
    return make_item("卫健委牵头事项", supporting=(hrss,), deadline=TODAY + timedelta(days=60))


@pytest.fixture
def led_by_union(make_item: Callable[..., ActionItem], union: Unit) -> ActionItem:
    return make_item("总工会牵头事项", lead=union, deadline=TODAY + timedelta(days=60))


def assert_login_redirect(response: Any) -> None:
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


# --- the ledger ---------------------------------------------------------------------------


def test_ledger_access_and_scope(
    login: Callable[[Any], Client],
    clerk: Any,
    gov_reader: Any,
    health_liaison: Any,
    other_liaison: Any,
    auditor: Any,
    security_admin: Any,
    outsider: Any,
    observer_user: Any,
    led_by_health: ActionItem,
    led_by_union: ActionItem,
) -> None:
    """四(二): the secretariat and the government see all items; a unit sees what it leads or
    supports; observers, administrators and outsiders see none."""
    for user in (clerk, gov_reader):
        page = login(user).get("/supervision/").content.decode()
        assert "卫健委牵头事项" in page and "总工会牵头事项" in page
    page = login(health_liaison).get("/supervision/").content.decode()
    assert "卫健委牵头事项" in page and "总工会牵头事项" not in page
    page = login(other_liaison).get("/supervision/").content.decode()  # supports it
    assert "卫健委牵头事项" in page and "总工会牵头事项" not in page
    for user in (auditor, security_admin, outsider, observer_user):
        assert login(user).get("/supervision/").status_code == 403, user.username
    assert_login_redirect(Client().get("/supervision/"))


def test_ledger_filters_by_unit_source_status_and_light_with_counts(
    login: Callable[[Any], Client],
    clerk: Any,
    make_item: Callable[..., ActionItem],
    hrss: Unit,
    union: Unit,
) -> None:
    """四(二): the ledger filters by unit (lead or supporting), source, status and light."""
    make_item("逾期的来函事项", lead=union, source="letter", deadline=TODAY, today=TODAY)
    ActionItem.objects.filter(title="逾期的来函事项").update(deadline=TODAY - timedelta(days=3))
    make_item(
        "人社配合的计划事项",
        supporting=(hrss,),
        source="annual_plan",
        deadline=TODAY + timedelta(days=90),
    )
    closed = make_item("已办结事项", lead=hrss, deadline=TODAY + timedelta(days=90))
    services.action_item_close(item=closed, actor=clerk)
    client = login(clerk)

    def titles(query: str) -> set[str]:
        page = client.get(f"/supervision/?{query}").content.decode()
        return {t for t in ("逾期的来函事项", "人社配合的计划事项", "已办结事项") if t in page}

    assert titles(f"unit={hrss.pk}") == {"人社配合的计划事项", "已办结事项"}
    assert titles("source=letter") == {"逾期的来函事项"}
    assert titles("status=closed") == {"已办结事项"}
    assert titles("light=red") == {"逾期的来函事项"}
    assert titles("light=green") == {"人社配合的计划事项"}
    assert titles("light=done") == {"已办结事项"}
    page = client.get(f"/supervision/?unit={hrss.pk}&light=red").content.decode()
    # Counts at the top follow the other filters, not the light one.
    assert 'id="count-green"' in page
    counts = client.get(f"/supervision/?unit={hrss.pk}").context["light_stats"]
    assert {light: n for light, _, n in counts} == {"red": 0, "yellow": 0, "green": 1, "done": 1}
    assert client.get("/supervision/?light=purple").status_code == 200


def _count_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_ledger_query_count_is_the_same_at_100_and_1000_items(
    login: Callable[[Any], Client],
    clerk: Any,
    health_liaison: Any,
    mechanism: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """四(二): lights are computed in the database; the ledger's query count does not grow."""
    units = list(Unit.objects.filter(mechanism=mechanism, kind="member"))
    bulk_items(mechanism, units, 100)
    client = login(clerk)
    unit_client = login(health_liaison)
    paths = ["/supervision/", "/supervision/?light=red", f"/supervision/?unit={units[0].pk}&page=2"]
    few = [_count_queries(client, p) for p in paths] + [
        _count_queries(unit_client, "/supervision/")
    ]
    bulk_items(mechanism, units, 900, start=100)
    many = [_count_queries(client, p) for p in paths] + [
        _count_queries(unit_client, "/supervision/")
    ]
    assert few == many and min(few) > 5
    with django_assert_max_num_queries(16):
        response = client.get("/supervision/")
    assert response.context["page"].paginator.count == 1000
    assert len(response.context["page"].object_list) == 50
    assert sum(n for _, _, n in response.context["light_stats"]) == 1000


# --- export -------------------------------------------------------------------------------


def _export(client: Client, query: str = "") -> Any:
    response = client.get(f"/supervision/export.xlsx{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(BytesIO(response.content)).active


def test_export_opens_with_title_bold_header_widths_real_dates_and_lights_as_text(
    login: Callable[[Any], Client],
    clerk: Any,
    make_item: Callable[..., ActionItem],
    hrss: Unit,
    union: Unit,
) -> None:
    """四(二): the ledger exports to .xlsx that opens in WPS/Excel."""
    make_item("绿灯事项", supporting=(hrss, union), deadline=TODAY + timedelta(days=90))
    make_item("红灯事项", lead=union, deadline=TODAY)
    ActionItem.objects.filter(title="红灯事项").update(deadline=TODAY - timedelta(days=2))
    sheet = _export(login(clerk))
    assert "督办台账" in sheet["A1"].value and "截至" in sheet["A1"].value
    assert "A1:L1" in {str(r) for r in sheet.merged_cells.ranges}
    header = [c.value for c in sheet[2]]
    assert header[:7] == [
        "序号",
        "督办事项",
        "来源",
        "来源说明",
        "牵头单位",
        "配合单位",
        "办结时限",
    ]
    assert all(c.font.bold for c in sheet[2])
    assert sheet.column_dimensions["B"].width == len("督办事项") * 2 + 2  # as wide as its text
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=3)}
    assert set(rows) == {"绿灯事项", "红灯事项"}
    red = rows["红灯事项"]
    assert red[6].value.date() == TODAY - timedelta(days=2)  # a real date, not text
    assert red[6].number_format == 'yyyy"年"m"月"d"日"'
    assert red[9].value == "红" and rows["绿灯事项"][9].value == "绿"
    assert rows["绿灯事项"][5].value == "市人力资源和社会保障局、市总工会"
    # The export follows the filters.
    sheet = _export(login(clerk), "?light=red")
    assert [row[1].value for row in sheet.iter_rows(min_row=3)] == ["红灯事项"]


def test_export_access(
    login: Callable[[Any], Client],
    other_liaison: Any,
    auditor: Any,
    outsider: Any,
    led_by_health: ActionItem,
    led_by_union: ActionItem,
) -> None:
    """四(二): the export holds what the person may see — a unit, the items it leads or supports."""
    sheet = _export(login(other_liaison))
    assert [row[1].value for row in sheet.iter_rows(min_row=3)] == ["卫健委牵头事项"]
    assert "市人力资源和社会保障局" in sheet["A1"].value
    for user in (auditor, outsider):
        assert login(user).get("/supervision/export.xlsx").status_code == 403
    assert_login_redirect(Client().get("/supervision/export.xlsx"))


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_export_converts_with_libreoffice_headless(
    login: Callable[[Any], Client], clerk: Any, led_by_health: ActionItem, tmp_path: Path
) -> None:
    """四(二): the .xlsx is a real spreadsheet — LibreOffice reads it and writes it out as CSV."""
    response = login(clerk).get("/supervision/export.xlsx")
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(response.content)
    csv = libreoffice_convert(source, tmp_path, to="csv:Text - txt - csv (StarCalc):44,34,76")
    text = csv.read_text(encoding="utf-8")
    assert "督办台账" in text and "卫健委牵头事项" in text and "市卫生健康委" in text


# --- an item's page -----------------------------------------------------------------------


def test_item_page_access(
    login: Callable[[Any], Client],
    clerk: Any,
    gov_reader: Any,
    health_liaison: Any,
    other_liaison: Any,
    auditor: Any,
    outsider: Any,
    observer_user: Any,
    led_by_health: ActionItem,
    led_by_union: ActionItem,
) -> None:
    """四(二): an item is seen by the secretariat, the government office and the lead and
    supporting units; not by another unit, an observer or an administrator."""
    url = f"/supervision/{led_by_health.pk}/"
    for user in (clerk, gov_reader, health_liaison, other_liaison):
        response = login(user).get(url)
        assert response.status_code == 200, user.username
        assert "卫健委牵头事项" in response.content.decode()
    # What one may not see is answered as what does not exist: 404 either way.
    for user in (auditor, outsider, observer_user):
        assert login(user).get(url).status_code == 404, user.username
    assert login(health_liaison).get(f"/supervision/{led_by_union.pk}/").status_code == 404
    assert login(clerk).get("/supervision/999999/").status_code == 404
    assert_login_redirect(Client().get(url))


def test_item_page_shows_drafts_only_to_their_own_unit(
    login: Callable[[Any], Client],
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
    led_by_health: ActionItem,
) -> None:
    """四(二): a unit cannot see another unit's unsent feedback."""
    client = login(other_liaison)
    response = client.post(
        f"/supervision/{led_by_health.pk}/reports/",
        {"text": "人社局尚未报送的草稿", "action": "draft"},
    )
    assert response.status_code == 302
    url = f"/supervision/{led_by_health.pk}/"
    assert "人社局尚未报送的草稿" in client.get(url).content.decode()
    for user in (health_liaison, clerk):
        assert "人社局尚未报送的草稿" not in login(user).get(url).content.decode()
    draft = ProgressReport.objects.get()
    # Another unit cannot send it either: to it, the draft is not there.
    assert login(health_liaison).post(f"{url}reports/{draft.pk}/submit/").status_code == 404
    assert client.post(f"{url}reports/999999/submit/").status_code == 404
    assert client.post(f"{url}reports/{draft.pk}/submit/").status_code == 302
    for user in (health_liaison, clerk):
        assert "人社局尚未报送的草稿" in login(user).get(url).content.decode()


def test_lead_reports_with_attachment_and_the_secretariat_closes(
    login: Callable[[Any], Client],
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
    gov_reader: Any,
    led_by_health: ActionItem,
) -> None:
    """四(二): the lead unit reports progress with an attachment and asks for closure; the
    secretariat closes the item (办结销号)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/supervision/{led_by_health.pk}/"
    client = login(health_liaison)
    response = client.post(
        f"{url}reports/",
        {
            "text": "专项治理已完成",
            "requests_closure": "on",
            "action": "submit",
            "attachment": SimpleUploadedFile("总结.txt", "总结".encode()),
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    attachment_url = f"{url}reports/{report.pk}/attachment/"
    # A lead unit's sent report: everyone who sees the item may download its attachment.
    for user in (clerk, gov_reader, other_liaison):
        download = login(user).get(attachment_url)
        assert download.status_code == 200, user.username
        assert download.content == "总结".encode()
    assert_login_redirect(Client().get(attachment_url))
    # Review: only the secretariat.
    assert client.post(f"{url}review/", {"decision": "close"}).status_code == 403
    assert_login_redirect(Client().post(f"{url}review/", {"decision": "close"}))
    response = login(clerk).post(f"{url}review/", {"decision": "return", "reason": ""})
    assert response.status_code == 400 and "退回时请写明理由" in response.content.decode()
    assert (
        login(clerk).post(f"{url}review/", {"decision": "close", "reason": "同意"}).status_code
        == 302
    )
    led_by_health.refresh_from_db()
    assert led_by_health.status == "closed" and led_by_health.closed_on_time is True
    page = login(health_liaison).get(url).content.decode()
    assert "已办结" in page and "按期办结" in page and 'id="report-form"' not in page


def test_report_and_extension_forms_refuse_other_units_and_anonymous(
    login: Callable[[Any], Client],
    clerk: Any,
    union: Unit,
    health_liaison: Any,
    led_by_union: ActionItem,
) -> None:
    """四(二): progress and extension requests come from the units the item is assigned to; to
    another unit the item is not there (404), the secretariat's role may not report (403)."""
    url = f"/supervision/{led_by_union.pk}/"
    client = login(health_liaison)
    assert client.post(f"{url}reports/", {"text": "x", "action": "submit"}).status_code == 404
    assert (
        client.post(f"{url}extensions/", {"reason": "x", "new_deadline": "2099-01-01"}).status_code
        == 404
    )
    assert login(clerk).post(f"{url}reports/", {"text": "x", "action": "submit"}).status_code == 403
    assert_login_redirect(Client().post(f"{url}reports/", {"text": "x"}))
    assert not ProgressReport.objects.exists() and not ExtensionRequest.objects.exists()


def test_extension_pages_before_and_after_the_deadline(
    login: Callable[[Any], Client],
    clerk: Any,
    health_liaison: Any,
    make_item: Callable[..., ActionItem],
) -> None:
    """四(二): the lead unit asks before the deadline; afterwards it is refused in Chinese; the
    secretariat grants and the original deadline stays on record."""
    late = make_item("已过时限的事项", deadline=TODAY)
    ActionItem.objects.filter(pk=late.pk).update(deadline=TODAY - timedelta(days=1))
    client = login(health_liaison)
    response = client.post(
        f"/supervision/{late.pk}/extensions/",
        {"reason": "来不及", "new_deadline": (TODAY + timedelta(days=30)).isoformat()},
    )
    assert response.status_code == 400
    assert "已过，不能再申请延期" in response.content.decode()
    item = make_item("可延期的事项", deadline=TODAY + timedelta(days=10))
    new = TODAY + timedelta(days=40)
    response = client.post(
        f"/supervision/{item.pk}/extensions/",
        {"reason": "需等待检测报告", "new_deadline": new.isoformat()},
    )
    assert response.status_code == 302
    extension = ExtensionRequest.objects.get()
    decide = f"/supervision/{item.pk}/extensions/{extension.pk}/decide/"
    assert client.post(decide, {"decision": "grant"}).status_code == 403
    assert login(clerk).post(decide, {"decision": "grant"}).status_code == 302
    item.refresh_from_db()
    assert item.deadline == new and item.original_deadline == TODAY + timedelta(days=10)
    assert "已同意延期" in login(health_liaison).get(f"/supervision/{item.pk}/").content.decode()


# --- creating ------------------------------------------------------------------------------


def test_create_page_access_and_creation(
    login: Callable[[Any], Client],
    clerk: Any,
    health_liaison: Any,
    gov_reader: Any,
    other_liaison: Any,
    hrss: Unit,
    union: Unit,
) -> None:
    """四(二): items also come from the city government, an annual plan or a letter."""
    for user in (health_liaison, gov_reader):
        assert login(user).get("/supervision/new/").status_code == 403
    assert_login_redirect(Client().get("/supervision/new/"))
    client = login(clerk)
    page = client.get("/supervision/new/").content.decode()
    assert "市政府交办" in page and 'value="meeting"' not in page
    response = client.post(
        "/supervision/new/",
        {
            "title": "落实工伤保险扩面",
            "source": "government",
            "source_label": "市政府督办通知",
            "lead_unit": hrss.pk,
            "supporting_units": [union.pk],
            "deadline_workdays": 10,
            "feedback_every_workdays": 5,
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert item.lead_unit == hrss and list(item.supporting_units.all()) == [union]
    assert item.feedback_every_workdays == 5 and item.deadline > TODAY
    assert "落实工伤保险扩面" in login(other_liaison).get(response["Location"]).content.decode()
    response = client.post(
        "/supervision/new/",
        {
            "title": "缺时限",
            "source": "letter",
            "lead_unit": hrss.pk,
            "feedback_every_workdays": 15,
        },
    )
    assert response.status_code == 400 and "二者选一" in response.content.decode()
    response = client.post(
        "/supervision/new/",
        {
            "title": "牵头也配合",
            "source": "letter",
            "lead_unit": hrss.pk,
            "supporting_units": [hrss.pk],
            "deadline_workdays": 5,
            "feedback_every_workdays": 15,
        },
    )
    assert response.status_code == 400 and "牵头单位不能同时是配合单位" in response.content.decode()
    assert ActionItem.objects.count() == 1


# --- unit page and home -------------------------------------------------------------------


def test_unit_page_shows_what_it_leads_and_supports_and_its_on_time_rate(
    login: Callable[[Any], Client],
    clerk: Any,
    health: Unit,
    health_liaison: Any,
    other_liaison: Any,
    make_item: Callable[..., ActionItem],
    hrss: Unit,
    union: Unit,
) -> None:
    """四(二): a unit's page shows what it leads and supports and its on-time rate."""
    make_item("牵头办理中", deadline=TODAY + timedelta(days=30))
    make_item("配合办理中", lead=union, supporting=(health,), deadline=TODAY + timedelta(days=30))
    on_time = make_item("按期办结的", deadline=TODAY + timedelta(days=30))
    late = make_item("逾期办结的", deadline=TODAY)
    services.action_item_close(item=on_time, actor=clerk)
    ActionItem.objects.filter(pk=late.pk).update(deadline=TODAY - timedelta(days=1))
    late.refresh_from_db()
    services.action_item_close(item=late, actor=clerk)
    url = f"/units/{health.pk}/"
    for user in (clerk, health_liaison):
        page = login(user).get(url).content.decode()
        assert 'id="section-supervision"' in page
        assert "牵头办理中" in page and "配合办理中" in page and "按期办结的" not in page
        assert ">50%<" in page
    assert 'id="section-supervision"' not in login(other_liaison).get(url).content.decode()


def test_home_panels_for_a_unit_and_for_the_secretariat(
    login: Callable[[Any], Client],
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
    auditor: Any,
    make_item: Callable[..., ActionItem],
) -> None:
    """四(二): a unit sees what is due, late or waiting; the secretariat its red and yellow counts
    and the requests waiting for review."""
    overdue = make_item("逾期未办", deadline=TODAY)
    ActionItem.objects.filter(pk=overdue.pk).update(deadline=TODAY - timedelta(days=2))
    soon = make_item("临近时限", deadline=TODAY)
    services.extension_request_create(
        item=soon,
        actor=health_liaison,
        reason="需要更多时间",
        new_deadline=TODAY + timedelta(days=20),
    )
    closing = make_item("申请办结的", deadline=TODAY + timedelta(days=60))
    services.progress_report_create(
        item=closing, actor=health_liaison, text="完成", requests_closure=True, submit=True
    )
    page = login(health_liaison).get("/").content.decode()
    assert "本单位督办事项" in page and "逾期未办" in page and "已逾期" in page
    assert "临近时限" in page and "待联席会议办公室审核" in page
    page = login(clerk).get("/").content.decode()
    assert "红灯（已逾期）1 项" in page
    assert "申请延期至" in page and "申请办结，待审核" in page
    page = login(auditor).get("/").content.decode()
    assert "本单位督办事项" not in page and "红灯（已逾期）" not in page


def test_nav_links_to_the_ledger_for_those_who_may_see_it(
    login: Callable[[Any], Client], health_liaison: Any, auditor: Any
) -> None:
    assert 'href="/supervision/"' in login(health_liaison).get("/").content.decode()
    assert 'href="/supervision/"' not in login(auditor).get("/").content.decode()
