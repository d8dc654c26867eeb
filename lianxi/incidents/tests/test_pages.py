"""Pages of 三(四)2 with the privacy rule: who sees an incident, every view audited."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.core.models import AuditEvent
from lianxi.incidents.models import Incident, IncidentNotice, IncidentUpdate
from lianxi.incidents.services import (
    incident_notify,
    incident_update_add,
    notice_report_action,
    up_report_record,
)
from lianxi.organization.models import Membership

from .conftest import VALID_CODE

pytestmark = pytest.mark.django_db


def views_of(incident: Incident) -> int:
    return AuditEvent.objects.filter(
        action="incident.view", target_id=str(incident.pk), target_type="incidents.incident"
    ).count()


# --- privacy and access ----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "timeline/", "report.pdf"])
def test_incident_pages_privacy(
    login: Any,
    notified: Incident,
    clerk: Any,
    gov_reader: Any,
    other_liaison: Any,
    health_liaison: Any,
    auditor: Any,
    outsider: Any,
    unit: Any,
    person: Any,
    client: Any,
    suffix: str,
) -> None:
    """三(四)2 privacy: the secretariat, the government role and the notified unit see the
    incident (each view audited); another unit, the auditor and outsiders get 404, as for an
    incident that does not exist; anonymous visitors go to the login page."""
    url = f"/incidents/{notified.pk}/{suffix}"
    union_liaison = person("union_l", unit("市总工会"), "liaison")
    for user in (clerk, gov_reader, other_liaison):
        before = views_of(notified)
        response = login(user).get(url)
        assert response.status_code == 200, user
        assert views_of(notified) == before + 1
    for user in (union_liaison, auditor, outsider):
        assert login(user).get(url).status_code == 404, user
    assert login(clerk).get(f"/incidents/999999/{suffix}").status_code == 404
    response = client.get(url)
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_registering_unit_sees_its_incident(
    login: Any, mechanism: Any, other_liaison: Any, make_incident: Any, unit: Any, person: Any
) -> None:
    """三(四)2 privacy: a member unit that registered an incident sees it; another does not."""
    incident = make_incident(actor=other_liaison)
    assert login(other_liaison).get(f"/incidents/{incident.pk}/").status_code == 200
    union_liaison = person("union_l", unit("市总工会"), "liaison")
    assert login(union_liaison).get(f"/incidents/{incident.pk}/").status_code == 404


def test_list_scope_and_query_count(
    login: Any,
    make_incident: Any,
    clerk: Any,
    other_liaison: Any,
    gov_reader: Any,
    unit: Any,
    person: Any,
    client: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """三(四)2: the secretariat and government see all incidents; a unit those notified to it
    or registered by it; the list's queries do not grow with rows."""
    hrss = unit("市人力资源和社会保障局")
    mine = make_incident(title="通报给人社局的事故")
    incident_notify(incident=mine, units=[hrss], actor=clerk.membership)
    own = make_incident(title="人社局登记的事故", actor=other_liaison)
    hidden = make_incident(title="与人社局无关的事故")
    secretariat = login(clerk)
    with django_assert_max_num_queries(12):
        body = secretariat.get("/incidents/").content.decode()
    assert all(i.title in body for i in (mine, own, hidden))
    assert hidden.title in login(gov_reader).get("/incidents/").content.decode()
    body = login(other_liaison).get("/incidents/").content.decode()
    assert mine.title in body and own.title in body and hidden.title not in body
    for n in range(15):
        incident = make_incident(title=f"批量事故{n}")
        incident_notify(incident=incident, units=[hrss], actor=clerk.membership)
    with django_assert_max_num_queries(12):
        body = secretariat.get("/incidents/").content.decode()
    assert "批量事故14" in body
    observer = person("observer", unit("市委宣传部"), "observer")
    assert login(observer).get("/incidents/").status_code == 403
    response = client.get("/incidents/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


# --- register form ----------------------------------------------------------------------


def form_data(**changes: Any) -> dict[str, Any]:
    now = timezone.localtime()
    data = {
        "title": "某化工公司硫化氢中毒事故",
        "occurred_at": (now - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "first_reported_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "location": "信阳市浉河区工业园区",
        "enterprise_name": "信阳某某化工有限公司",
        "credit_code": VALID_CODE,
        "industry": "化工",
        "address": "",
        "county": "浉河区",
        "hazard": "chemical",
        "substance": "硫化氢",
        "exposed_count": "30",
        "poisoned_count": "12",
        "death_count": "0",
        "onset": "",
        "probable_cause": "",
        "measures_taken": "",
        "trend": "",
    }
    data.update(changes)
    return data


def test_register_form_access_and_bad_input(
    login: Any, clerk: Any, other_liaison: Any, gov_reader: Any, outsider: Any, client: Any
) -> None:
    """三(四)2 intake page: the secretariat and member units register; the government reader
    and outsiders cannot; bad input shows every Chinese error and creates nothing."""
    assert login(clerk).get("/incidents/new/").status_code == 200
    assert login(gov_reader).get("/incidents/new/").status_code == 403
    assert login(outsider).get("/incidents/new/").status_code == 403
    assert client.get("/incidents/new/").status_code == 302
    future = (timezone.localtime() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = login(other_liaison).post(
        "/incidents/new/",
        form_data(
            poisoned_count="-2", death_count="1", credit_code=VALID_CODE[:17] + "0",
            occurred_at=future,
        ),
    )  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    for words in ("不能为负数", "校验位不正确", "不能晚于现在", "不能多于急性中毒人数"):
        assert words in body
    assert not Incident.objects.exists()
    response = login(other_liaison).post("/incidents/new/", form_data())
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/incidents/{incident.pk}/"
    assert (
        incident.grade == "major"
        and incident.registering_unit is not None
        and incident.registering_unit.name == "市人力资源和社会保障局"
    )


# --- actions -----------------------------------------------------------------------------


def test_notify_page_preselects_proposals_and_only_the_secretariat_sends(
    login: Any, make_incident: Any, clerk: Any, gov_reader: Any, other_liaison: Any, unit: Any,
    client: Any,
) -> None:  # fmt: skip
    """三(四)2: the page proposes units (checked) and the secretariat confirms or changes the
    list; nobody else may send (a unit not notified does not see the incident: 404)."""
    incident = make_incident()
    page = login(clerk).get(f"/incidents/{incident.pk}/").content.decode()
    union = unit("市总工会")
    assert f'value="{union.pk}"' in page and "checked" in page
    url = f"/incidents/{incident.pk}/notify/"
    assert login(gov_reader).post(url, {"units": [union.pk]}).status_code == 403
    assert login(other_liaison).post(url, {"units": [union.pk]}).status_code == 404
    assert client.post(url, {"units": [union.pk]}).status_code == 302
    assert not IncidentNotice.objects.exists()
    response = login(clerk).post(url, {"units": [union.pk, unit("市财政局").pk]})
    assert response.status_code == 302
    assert set(incident.notices.values_list("unit__name", flat=True)) == {
        "市总工会",
        "市财政局",
    }
    assert incident.notices.get(unit=unit("市财政局")).reason == "联席会议办公室确定通报"
    assert login(clerk).post(url, {}).status_code == 400


def test_acknowledge_from_the_page(
    login: Any, notified: Incident, other_liaison: Any, clerk: Any, unit: Any, person: Any,
    client: Any,
) -> None:  # fmt: skip
    """三(四)2: the notified unit acknowledges on the incident's page (the inbox links there);
    another unit (which does not see the incident: 404) and the secretariat cannot acknowledge
    for it."""
    notice = notified.notices.get()
    url = f"/incidents/{notified.pk}/notices/{notice.pk}/ack/"
    page = login(other_liaison).get(f"/incidents/{notified.pk}/").content.decode()
    assert "确认收到" in page and url in page
    assert login(clerk).post(url).status_code == 403
    union_liaison = person("union_l", unit("市总工会"), "liaison")
    assert login(union_liaison).post(url).status_code == 404
    assert client.post(url).status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_at is None
    assert login(other_liaison).post(url).status_code == 302
    notice.refresh_from_db()
    assert notice.acknowledged_by == other_liaison


def test_report_update_and_close_pages(
    login: Any, notified: Incident, clerk: Any, other_liaison: Any, gov_reader: Any, client: Any
) -> None:
    """二(四), 三(四)2: recording the report up, follow-up/final and closing are the
    secretariat's; others get 403, anonymous the login page."""
    base = f"/incidents/{notified.pk}"
    posts = [
        (f"{base}/reports/", {"recipient": "市人民政府", "channel": "电话"}),
        (f"{base}/updates/", {"kind": "follow_up", "text": "续报内容"}),
    ]
    for url, data in posts:
        assert login(other_liaison).post(url, data).status_code == 403
        assert login(gov_reader).post(url, data).status_code == 403
        assert client.post(url, data).status_code == 302
    secretariat = login(clerk)
    for url, data in posts:
        assert secretariat.post(url, data).status_code == 302
    assert notified.up_reports.count() == 1 and notified.updates.count() == 1
    bad = secretariat.post(
        f"{base}/updates/", {"kind": "follow_up", "text": "x", "death_count": "-1"}
    )
    assert bad.status_code == 400 and "不能为负数" in bad.content.decode()
    close = {"investigation_result": "已处罚"}
    assert "请先发布终报" in secretariat.post(f"{base}/close/", close).content.decode()
    incident_update_add(incident=notified, kind="final", text="终报", actor=clerk.membership)
    assert login(other_liaison).post(f"{base}/close/", close).status_code == 403
    assert secretariat.post(f"{base}/close/", close).status_code == 302
    notified.refresh_from_db()
    assert notified.status == Incident.Status.CLOSED
    assert IncidentUpdate.objects.filter(kind="final").count() == 1


def test_home_panels_show_clocks_red_alerts_and_waiting_notices(
    login: Any, notified: Incident, clerk: Any, other_liaison: Any
) -> None:
    """三(四)2: the secretariat's home shows the running clock with time left and red alerts;
    the notified unit's home shows the notice waiting for its acknowledgement."""
    body = login(clerk).get("/").content.decode()
    assert "panel-incidents_secretariat" in body and notified.title in body and "剩余" in body
    IncidentNotice.objects.filter(incident=notified).update(level=3)
    assert "红色警示：市人力资源和社会保障局未确认通报" in login(clerk).get("/").content.decode()
    body = login(other_liaison).get("/").content.decode()
    assert "待确认的事故通报" in body and notified.title in body


def test_the_incident_page_costs_the_same_whatever_its_notices_and_reports_三_四_2(
    make_incident: Any,
    clerk: Any,
    unit: Any,
    person: Any,
    login: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """The incident page lists the notices (with each unit's 处置情况), the 续报 with whom each
    was reported to, and the reports up: one notice and one 续报, or six and four, in the same
    number of queries (measured: 34 both)."""
    incident = make_incident()
    names = [
        "市人力资源和社会保障局",
        "市医保局",
        "市总工会",
        "市应急管理局",
        "市教育体育局",
        "市民政局",
    ]
    incident_notify(incident=incident, units=[unit(names[0])], actor=clerk.membership)
    incident_update_add(incident=incident, kind="follow_up", text="续报一", actor=clerk.membership)
    up_report_record(incident=incident, recipient="市人民政府", channel="", actor=clerk)
    secretariat = login(clerk)
    with django_assert_max_num_queries(35):
        assert secretariat.get(f"/incidents/{incident.pk}/").status_code == 200
    incident_notify(incident=incident, units=[unit(n) for n in names[1:]], actor=clerk.membership)
    for n, name in enumerate(names[1:4]):
        liaison = person(f"cost_liaison{n}", unit(name), Membership.Role.LIAISON)
        notice = incident.notices.get(unit__name=name)
        notice_report_action(notice=notice, text=f"处置{n}", actor=liaison)
    for text in ("续报二", "续报三", "终报"):
        update = incident_update_add(
            incident=incident,
            kind="final" if text == "终报" else "follow_up",
            text=text,
            actor=clerk.membership,
        )
        up_report_record(
            incident=incident, recipient="市人民政府", channel="", actor=clerk, update=update
        )
    with django_assert_max_num_queries(35):
        body = secretariat.get(f"/incidents/{incident.pk}/").content.decode()
    assert "处置2" in body and "终报" in body
