"""The loop closed at its ends (三(四)2; issue 18): the government office told, a unit's
处置情况, follow-up and final reports reported up with their file, overdue acknowledgements on
the secretariat's home at once, and what the incident page says."""

import re
import subprocess
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.core.exceptions import ApplicationError
from lianxi.incidents.models import Incident, IncidentNotice, UpReport
from lianxi.incidents.services import (
    incident_notify,
    incident_update_add,
    notice_acknowledge,
    notice_report_action,
    up_report_record,
)
from lianxi.notifications.models import Delivery

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path: Any) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


# --- 报告本级政府 reaches the government reader ------------------------------------------------


def test_reporting_up_to_the_city_government_reaches_its_reader_with_the_clock_三_四_2(
    make_incident: Any, clerk: Any, gov_reader: Any
) -> None:
    """三(四)2 "报告本级政府": recording the report to 市人民政府 puts it in the government
    reader's inbox, with the reporting clock (时限 and when it was reported)."""
    incident = make_incident()
    up_report_record(incident=incident, recipient="省卫生健康委", channel="", actor=clerk)
    assert not Delivery.objects.filter(user=gov_reader).exists()
    up_report_record(incident=incident, recipient="市人民政府", channel="传真", actor=clerk)
    delivery = Delivery.objects.select_related("message").get(user=gov_reader, channel="inbox")
    message = delivery.message
    assert message.kind == "incidents.up_report"
    assert incident.title in message.subject
    assert "报告时限" in message.body and "按时" in message.body
    assert message.url == f"/incidents/{incident.pk}/"


# --- 处置情况 ---------------------------------------------------------------------------------


def test_a_notified_unit_reports_what_it_did_三_四_2(
    notified: Incident, other_liaison: Any, clerk: Any, union_liaison: Any, login: Any
) -> None:
    """三(四)2 协调事故应急救援处置: the notified unit reports its 处置情况; it is recorded
    (timeline, audit), the secretariat is told and sees it on the page; nobody else may report
    for it."""
    notice = notified.notices.get()
    notice_acknowledge(notice=notice, actor=other_liaison)
    with pytest.raises(ApplicationError):
        notice_report_action(notice=notice, text="代报", actor=clerk)
    with pytest.raises(ApplicationError, match="处置情况"):
        notice_report_action(notice=notice, text="  ", actor=other_liaison)
    notice_report_action(
        notice=notice, text="已派员赴现场，启动工伤认定绿色通道。", actor=other_liaison
    )
    notice.refresh_from_db()
    assert notice.action_text == "已派员赴现场，启动工伤认定绿色通道。"
    assert notice.action_reported_at is not None
    assert notified.timeline.filter(kind="action", text__contains="报告本单位处置情况").exists()
    assert Delivery.objects.filter(user=clerk, message__kind="incidents.action").exists()
    page = login(clerk).get(f"/incidents/{notified.pk}/").content.decode()
    assert "已派员赴现场，启动工伤认定绿色通道。" in page
    data = login(clerk).get(f"/api/v1/incidents/{notified.pk}/notices").json()
    assert data["notices"][0]["action_text"] == "已派员赴现场，启动工伤认定绿色通道。"


def test_the_action_form_access_三_四_2(
    notified: Incident, other_liaison: Any, clerk: Any, union_liaison: Any, login: Any,
    client: Any, gov_reader: Any,
) -> None:  # fmt: skip
    """The 处置情况 form: the notified unit (302), the secretariat and the government reader (403),
    another unit (404, it does not see the incident), anonymous (to the login page)."""
    notice = notified.notices.get()
    url = f"/incidents/{notified.pk}/notices/{notice.pk}/action/"
    page = login(other_liaison).get(f"/incidents/{notified.pk}/").content.decode()
    assert url in page
    assert login(clerk).post(url, {"text": "代报"}).status_code == 403
    assert login(gov_reader).post(url, {"text": "代报"}).status_code == 403
    assert login(union_liaison).post(url, {"text": "代报"}).status_code == 404
    response = client.post(url, {"text": "代报"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert login(other_liaison).post(url, {"text": ""}).status_code == 400
    response = login(other_liaison).post(url, {"text": "已处置"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.action_text == "已处置"


# --- 续报 / 终报 reported up, with their file ------------------------------------------------


def test_a_follow_up_is_reported_up_and_has_its_own_file_三_四_2(
    notified: Incident, clerk: Any, login: Any, tmp_path: Any, other_liaison: Any,
    union_liaison: Any, client: Any,
) -> None:  # fmt: skip
    """三(四)2 "报告本级政府和上级部门" holds for 续报 and 终报 too: the report up records which
    report went (to whom, when), and the report has its file (PDF) saying it is a 续报."""
    update = incident_update_add(
        incident=notified, kind="follow_up", text="又有 2 人送医。", poisoned_count=14,
        actor=clerk.membership,
    )  # fmt: skip
    report = up_report_record(
        incident=notified, recipient="市人民政府", channel="传真", actor=clerk, update=update
    )
    assert report.update == update
    assert report.text.startswith("关于信阳某某化工有限公司发生职业病危害事故的续报")
    assert "又有2人送医" in report.text.replace(" ", "") or "又有 2 人送医" in report.text
    notified.refresh_from_db()
    assert notified.reported_at is None  # the first report's clock is not stopped by a 续报
    # On the page, by the form.
    response = login(clerk).post(
        f"/incidents/{notified.pk}/reports/",
        {"report": str(update.pk), "recipient": "省卫生健康委", "channel": "政务内网"},
    )
    assert response.status_code == 302
    assert UpReport.objects.filter(update=update).count() == 2
    page = login(clerk).get(f"/incidents/{notified.pk}/").content.decode()
    assert "续报" in page and "已报送：市人民政府、省卫生健康委" in page
    url = f"/incidents/{notified.pk}/updates/{update.pk}/report.pdf"
    assert url in page
    pdf = login(clerk).get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content, tmp_path)
    assert "续报" in text and "又有" in text
    # Who may fetch it: those who see the incident.
    assert login(other_liaison).get(url).status_code == 200
    assert login(union_liaison).get(url).status_code == 404
    assert "/login/" in client.get(url)["Location"]


# --- overdue at once -------------------------------------------------------------------------


def test_an_overdue_acknowledgement_is_on_the_secretariat_home_at_once_三_四_2(
    make_incident: Any, clerk: Any, unit: Any, login: Any, django_assert_max_num_queries: Any
) -> None:
    """三(四)2: a unit whose 30 minutes have passed is overdue on the secretariat's home before
    any tick has escalated it (computed when the page is read); the panel no longer says there
    is nothing to see."""
    incident = make_incident()
    sent = timezone.now() - timedelta(minutes=45)
    incident_notify(
        incident=incident, units=[unit("市总工会"), unit("市医保局")], actor=clerk.membership,
        now=sent,
    )  # fmt: skip
    assert not IncidentNotice.objects.exclude(level=0).exists()  # no tick ran
    client = login(clerk)
    client.get("/")
    # measured: 25 — documents adds two panels of one query each, decisions one, the annual
    # cycle one (its submissions; the plenary watch reads meetings only when it could warn),
    # bulletins one (the reports to review); in December the calendar also asks whether next
    # year's holidays are in
    with django_assert_max_num_queries(25):
        page = client.get("/").content.decode()
    assert "市总工会逾期未确认" in page and "市医保局逾期未确认" in page
    assert "没有正在计时的事故报告，也没有未确认的红色警示" not in page


# --- the incident page -----------------------------------------------------------------------


def test_the_checked_count_counts_only_units_not_yet_notified_三_四_2(
    make_incident: Any, clerk: Any, unit: Any, login: Any
) -> None:
    """ "已勾选 N 个单位" counted the units already notified; it counts the newly checked ones."""
    incident = make_incident()  # 4 proposed: 人社、应急、医保、工会
    incident_notify(
        incident=incident, units=[unit("市总工会"), unit("市医保局")], actor=clerk.membership
    )
    page = login(clerk).get(f"/incidents/{incident.pk}/").content.decode()
    checked = re.findall(r"<input[^>]*checked[^>]*>", page.split('id="notify-form"')[1])
    assert len(checked) == 2
    assert "已勾选的 2 个单位" in page


def test_the_report_up_form_proposes_a_recipient_not_yet_reported_to_三_四_2(
    make_incident: Any, clerk: Any, login: Any
) -> None:
    """After the report to 市人民政府 the form proposes 省卫生健康委, not 市人民政府 again."""
    incident = make_incident()
    up_report_record(incident=incident, recipient="市人民政府", channel="", actor=clerk)
    page = login(clerk).get(f"/incidents/{incident.pk}/").content.decode()
    form = page.split('id="up-report-form"')[1].split("</form>")[0]
    assert re.search(r'<option value="省卫生健康委"[^>]*selected', form)
    assert not re.search(r'<option value="市人民政府"[^>]*selected', form)


def test_the_ack_deadline_shows_its_date_and_dates_read_as_officials_write_them(
    notified: Incident, clerk: Any, login: Any
) -> None:
    """The ack deadline showed "时限 14:00" without its date: "12月3日 14:00"; dates on the
    page are "2026年12月3日", never ISO."""
    notice = notified.notices.get()
    due = timezone.localtime(notice.ack_due_at)
    page = login(clerk).get(f"/incidents/{notified.pk}/").content.decode()
    assert f"时限 {due.month}月{due.day}日 {due.hour}:{due.minute:02d}" in page
    occurred = timezone.localtime(notified.occurred_at)
    assert f"{occurred.year}年{occurred.month}月{occurred.day}日" in page
    assert not re.search(r"\d{4}-\d\d-\d\d", page.split("<main")[-1])


def test_the_timeline_says_hours_beyond_sixty_minutes(
    notified: Incident, other_liaison: Any
) -> None:
    """ "通报后 135 分钟" reads "通报后 2小时15分"."""
    notice = notified.notices.get()
    notice_acknowledge(
        notice=notice, actor=other_liaison, now=notice.sent_at + timedelta(minutes=135)
    )
    entry = notified.timeline.get(kind="ack")
    assert "通报后 2小时15分" in entry.text
    assert "135 分钟" not in entry.text


# --- the government reader's home -------------------------------------------------------------


def test_the_government_reader_home_has_the_incidents_panel_read_only_三_四_2(
    notified: Incident, make_incident: Any, clerk: Any, gov_reader: Any, other_liaison: Any,
    login: Any, django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    """三(四)2 报告本级政府: the government reader's home shows the open incidents city-wide
    (grade, numbers, clock, units still to acknowledge), read-only; a unit's liaison does not
    get this panel."""
    other = make_incident(title="某冶炼厂一氧化碳中毒事故")
    client = login(gov_reader)
    client.get("/")
    # measured: 17 (the briefs it has to sign included), whatever the number of incidents
    with django_assert_max_num_queries(17):
        page = client.get("/").content.decode()
    assert "职业病危害事故（全市，处置中）" in page
    assert notified.title in page and other.title in page
    assert "1 个单位未确认" in page
    panel = page.split("职业病危害事故（全市，处置中）")[1].split("</section>")[0]
    assert "<form" not in panel
    assert "职业病危害事故（全市，处置中）" not in login(other_liaison).get("/").content.decode()


def test_a_units_action_is_shown_to_the_secretariat_not_to_other_notified_units_三_四_2(
    notified: Incident, other_liaison: Any, union_liaison: Any, clerk: Any, gov_reader: Any,
    unit: Any, login: Any,
) -> None:  # fmt: skip
    """处置情况 is reported to the secretariat: the secretariat and the government office see it
    (page and API), the reporting unit sees its own; another notified unit does not."""
    incident_notify(incident=notified, units=[unit("市总工会")], actor=clerk.membership)
    notice = notified.notices.get(unit__name="市人力资源和社会保障局")
    notice_report_action(notice=notice, text="人社局已启动工伤认定", actor=other_liaison)
    url = f"/incidents/{notified.pk}/"
    api = f"/api/v1/incidents/{notified.pk}/notices"
    for user in (clerk, gov_reader, other_liaison):
        assert "人社局已启动工伤认定" in login(user).get(url).content.decode()
        assert "人社局已启动工伤认定" in login(user).get(api).content.decode()
    assert "人社局已启动工伤认定" not in login(union_liaison).get(url).content.decode()
    assert "人社局已启动工伤认定" not in login(union_liaison).get(api).content.decode()
