"""三(四)2: report up, notify across, acknowledge, escalate, follow-up/final, close."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent
from lianxi.core.ticks import run_tick
from lianxi.incidents.models import Incident, IncidentNotice, IncidentUpdate
from lianxi.incidents.report import REQUIRED_HEADINGS, report_pdf, report_text
from lianxi.incidents.services import (
    escalate_notices,
    incident_close,
    incident_notify,
    incident_propose_units,
    incident_update_add,
    notice_acknowledge,
    up_report_record,
)
from lianxi.notifications.models import Message
from lianxi.organization.models import Membership, Unit

pytestmark = pytest.mark.django_db


def names(proposals: list[tuple[Unit, str]]) -> list[str]:
    return [unit.name for unit, _ in proposals]


# --- proposals -------------------------------------------------------------------------


def test_victims_propose_union_medical_security_and_hrss(make_incident: Any) -> None:
    """三(四)2: poisonings → 市总工会 (workers' rights), 市医保局 (medical assistance),
    市人力资源和社会保障局 (work injury), with the chemical plant's regulator 市应急管理局;
    never the health commission itself."""
    proposals = incident_propose_units(incident=make_incident())
    assert names(proposals) == ["市人力资源和社会保障局", "市应急管理局", "市医保局", "市总工会"]
    assert all(reason for _, reason in proposals)


def test_radioactive_construction_and_mine_facts_propose_their_departments(
    make_incident: Any,
) -> None:
    """三(四)2 with the annex duties: radioactive → 市生态环境局; a construction site → 市住房
    和城乡建设局; a mine / key dust industry → 市应急管理局."""
    radiation = make_incident(
        hazard=Incident.Hazard.RADIOACTIVE, poisoned_count=0, title="某公司探伤放射事故",
        industry="无损检测服务", enterprise_name="信阳某检测有限公司",
    )  # fmt: skip
    assert names(incident_propose_units(incident=radiation)) == ["市生态环境局"]
    site = make_incident(
        title="某工地隧道施工粉尘事故", hazard=Incident.Hazard.DUST, poisoned_count=0,
        industry="建筑业",
    )  # fmt: skip
    assert names(incident_propose_units(incident=site)) == ["市住房和城乡建设局"]
    mine = make_incident(
        title="石材加工厂粉尘事故",
        hazard=Incident.Hazard.DUST,
        poisoned_count=0,
        industry="非金属矿采选业",
    )
    proposals = incident_propose_units(incident=mine)
    assert names(proposals) == ["市应急管理局"]
    assert "附件 十一" in proposals[0][1]


def test_a_unit_missing_in_this_city_is_skipped(make_incident: Any, unit: Any) -> None:
    """三(四)2: a city whose joint meeting has no 市医保局 simply skips it."""
    Unit.objects.filter(pk=unit("市医保局").pk).update(active=False)
    assert "市医保局" not in names(incident_propose_units(incident=make_incident()))


# --- notify ----------------------------------------------------------------------------


def test_notify_sends_one_notice_per_unit_and_never_twice(
    make_incident: Any, clerk: Any, unit: Any
) -> None:
    """三(四)2: each unit notified once, with an ack deadline 30 minutes on; running it again
    (a retry, a second click) notifies nobody twice."""
    incident = make_incident()
    units = [u for u, _ in incident_propose_units(incident=incident)]
    now = timezone.now()
    notices = incident_notify(incident=incident, units=units, actor=clerk.membership, now=now)
    assert len(notices) == 4
    assert all(n.ack_due_at == now + timedelta(minutes=30) for n in notices)
    again = incident_notify(
        incident=incident, units=[*units, unit("市财政局")], actor=clerk.membership
    )
    assert len(again) == 5
    assert IncidentNotice.objects.filter(incident=incident).count() == 5
    messages = Message.objects.filter(kind="incidents.notice")
    assert messages.count() == 5
    assert set(messages.values_list("key", flat=True)) == {
        f"incident:{incident.pk}:notice:{u.pk}" for u in [*units, unit("市财政局")]
    }
    assert incident.timeline.filter(kind="notice").count() == 5


def test_notify_needs_a_unit_and_an_open_incident(make_incident: Any, clerk: Any) -> None:
    """三(四)2: an empty list is refused in Chinese."""
    incident = make_incident()
    with pytest.raises(ApplicationError, match="至少选择一个"):
        incident_notify(incident=incident, units=[], actor=clerk.membership)


# --- acknowledge ---------------------------------------------------------------------------


def test_only_the_notified_unit_acknowledges(
    make_incident: Any, clerk: Any, unit: Any, other_liaison: Any, health_liaison: Any
) -> None:
    """三(四)2: the notified unit's member or liaison confirms; another unit cannot."""
    incident = make_incident()
    (notice,) = incident_notify(
        incident=incident, units=[unit("市人力资源和社会保障局")], actor=clerk.membership
    )
    with pytest.raises(ApplicationError):
        notice_acknowledge(notice=notice, actor=health_liaison)
    with pytest.raises(ApplicationError):
        notice_acknowledge(notice=notice, actor=clerk)
    at = notice.sent_at + timedelta(minutes=7)
    done = notice_acknowledge(notice=notice, actor=other_liaison, now=at)
    assert done.acknowledged_at == at and done.acknowledged_by == other_liaison
    assert notice_acknowledge(notice=notice, actor=other_liaison).acknowledged_at == at  # once
    entry = incident.timeline.get(kind="ack")
    assert "7分钟" in entry.text and entry.at == at
    assert AuditEvent.objects.filter(action="incident.acknowledge").count() == 1


# --- escalation ----------------------------------------------------------------------------


def test_unacknowledged_notice_escalates_liaison_member_red_alert(
    make_incident: Any, clerk: Any, unit: Any, person: Any
) -> None:
    """三(四)2: without an acknowledgement: again to the liaison, then the member, then a red
    alert to the secretariat — each after another window, each on the timeline with its time;
    a repeated tick changes nothing."""
    union = unit("市总工会")
    liaison = person("union_l", union, Membership.Role.LIAISON, "工会联络员")
    member = person("union_m", union, Membership.Role.MEMBER, "工会成员")
    incident = make_incident()
    t0 = timezone.now()
    (notice,) = incident_notify(incident=incident, units=[union], actor=clerk.membership, now=t0)

    assert escalate_notices(t0 + timedelta(minutes=29)) == {"escalated": 0}
    t1 = t0 + timedelta(minutes=30)
    assert escalate_notices(t1) == {"escalated": 1}
    assert escalate_notices(t1) == {"escalated": 0}  # idempotent
    notice.refresh_from_db()
    assert notice.level == IncidentNotice.Level.LIAISON_AGAIN
    assert notice.ack_due_at == t1 + timedelta(minutes=30)
    level1 = Message.objects.get(key=f"incident:{incident.pk}:notice:{union.pk}:level:1")
    assert sorted(set(level1.deliveries.values_list("user", flat=True))) == [liaison.pk]

    assert escalate_notices(t1 + timedelta(minutes=29)) == {"escalated": 0}
    t2 = t1 + timedelta(minutes=30)
    assert escalate_notices(t2) == {"escalated": 1}
    level2 = Message.objects.get(key=f"incident:{incident.pk}:notice:{union.pk}:level:2")
    assert sorted(set(level2.deliveries.values_list("user", flat=True))) == [member.pk]

    t3 = t2 + timedelta(minutes=30)
    assert escalate_notices(t3) == {"escalated": 1}
    level3 = Message.objects.get(key=f"incident:{incident.pk}:notice:{union.pk}:level:3")
    assert sorted(set(level3.deliveries.values_list("user", flat=True))) == [clerk.pk]
    notice.refresh_from_db()
    assert notice.level == IncidentNotice.Level.RED_ALERT
    assert escalate_notices(t3 + timedelta(hours=5)) == {"escalated": 0}  # the top step
    steps = list(incident.timeline.filter(kind="escalation").values_list("at", "text"))
    assert [at for at, _ in steps] == [t1, t2, t3]
    assert "再次提醒联络员" in steps[0][1]
    assert "联席会议成员" in steps[1][1]
    assert "红色警示" in steps[2][1]


def test_acknowledged_notice_does_not_escalate_and_the_tick_is_registered(
    make_incident: Any, clerk: Any, unit: Any, other_liaison: Any
) -> None:
    """三(四)2: an acknowledged notice stays put; the escalation runs in the worker's tick."""
    incident = make_incident()
    t0 = timezone.now()
    (notice,) = incident_notify(
        incident=incident, units=[unit("市人力资源和社会保障局")], actor=clerk.membership, now=t0
    )
    notice_acknowledge(notice=notice, actor=other_liaison, now=t0 + timedelta(minutes=5))
    results = run_tick(t0 + timedelta(hours=3))
    assert results["incidents.escalation"] == {"escalated": 0}
    notice.refresh_from_db()
    assert notice.level == 0


# --- reporting up ----------------------------------------------------------------------------


def test_report_up_on_time_stops_the_clock_after_every_recipient(
    make_incident: Any, clerk: Any
) -> None:
    """二(四): the report to 市人民政府 and 省卫生健康委 is recorded with its text; the clock
    stops when both have it."""
    incident = make_incident()
    at = incident.first_reported_at + timedelta(minutes=40)
    first = up_report_record(
        incident=incident, recipient="市人民政府", channel="电话", actor=clerk.membership, now=at
    )
    assert first.on_time and first.sent_by == clerk
    incident.refresh_from_db()
    assert incident.reported_at is None
    up_report_record(
        incident=incident, recipient="省卫生健康委", channel="传真", actor=clerk.membership, now=at
    )
    incident.refresh_from_db()
    assert incident.reported_at == at
    for heading in REQUIRED_HEADINGS:
        assert heading in first.text
    assert "市人民政府：" in first.text


def test_a_late_report_is_flagged(make_incident: Any, clerk: Any) -> None:
    """二(四): a report after the 2-hour clock is recorded as late."""
    incident = make_incident()
    report = up_report_record(
        incident=incident,
        recipient="市人民政府",
        channel="",
        actor=clerk.membership,
        now=incident.report_due_at + timedelta(minutes=1),
    )
    assert not report.on_time
    assert "已超过报告时限" in incident.timeline.get(kind="up_report").text


def test_report_text_and_pdf_carry_the_required_content(make_incident: Any) -> None:
    """二(四): 地点、时间、发病情况、死亡人数、可能发生原因、已采取措施、发展趋势 — text and PDF."""
    import io

    import pdfplumber

    incident = make_incident()
    text = report_text(incident)
    for heading in REQUIRED_HEADINGS:
        assert f"、{heading}：" in text
    assert "急性中毒12人" in text and "重大事故" in text
    pdf = report_pdf(incident)
    assert pdf.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        content = "".join(page.extract_text() or "" for page in document.pages)
    compact = content.replace(" ", "").replace("\n", "")
    for heading in REQUIRED_HEADINGS:
        assert heading in compact
    assert "硫化氢" in compact


# --- follow-up, final, close ---------------------------------------------------------------


def test_follow_up_regrades_and_final_once_then_close(
    make_incident: Any, clerk: Any, unit: Any
) -> None:
    """三(四)2: 续报 any number of times (new numbers re-grade: 55 poisonings → 特大), 终报
    once; nothing after it; closing needs the final report and records the investigation result;
    the notified units are told of each."""
    incident = make_incident()
    incident_notify(incident=incident, units=[unit("市总工会")], actor=clerk.membership)
    with pytest.raises(ApplicationError, match="先发布终报"):
        incident_close(incident=incident, investigation_result="x", actor=clerk.membership)
    incident_update_add(
        incident=incident, kind="follow_up", text="新增中毒 43 人。", poisoned_count=55,
        actor=clerk.membership,
    )  # fmt: skip
    incident.refresh_from_db()
    assert incident.grade == "extraordinary" and incident.poisoned_count == 55
    assert incident.timeline.filter(kind="regrade").exists()
    with pytest.raises(ApplicationError, match="不能多于"):
        incident_update_add(
            incident=incident, kind="follow_up", text="x", death_count=60, actor=clerk.membership
        )
    with pytest.raises(ApplicationError, match="负数"):
        incident_update_add(
            incident=incident, kind="follow_up", text="x", death_count=-1, actor=clerk.membership
        )
    incident_update_add(incident=incident, kind="final", text="全部出院。", actor=clerk.membership)
    with pytest.raises(ApplicationError, match="已终报"):
        incident_update_add(incident=incident, kind="final", text="再报", actor=clerk.membership)
    with pytest.raises(ApplicationError, match="已终报"):
        incident_update_add(
            incident=incident, kind="follow_up", text="再报", actor=clerk.membership
        )
    assert IncidentUpdate.objects.filter(incident=incident).count() == 2
    assert Message.objects.filter(kind__in=["incidents.follow_up", "incidents.final"]).count() == 2
    with pytest.raises(ApplicationError, match="调查处理结果"):
        incident_close(incident=incident, investigation_result=" ", actor=clerk.membership)
    closed = incident_close(
        incident=incident, investigation_result="企业未落实有限空间作业审批，已立案处罚。",
        actor=clerk.membership,
    )  # fmt: skip
    assert closed.status == Incident.Status.CLOSED and closed.closed_at is not None
    assert Message.objects.filter(kind="incidents.closed").count() == 1
    with pytest.raises(ApplicationError, match="已结案"):
        incident_notify(incident=closed, units=[unit("市医保局")], actor=clerk.membership)
