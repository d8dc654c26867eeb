"""A small record of every kind, made through the apps' own services, for the search tests.

Words planted on purpose: 尘肺 (in an item, reports, a duty, minutes, an incident, a meeting),
矽肺草案 only in draft minutes, 待核草稿 only in a draft progress report.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from lianxi.conftest import _person
from lianxi.incidents.models import Incident
from lianxi.incidents.services import IncidentInput, incident_notify, incident_register
from lianxi.incidents.tests.conftest import VALID_CODE
from lianxi.meetings import services as meetings
from lianxi.meetings.models import Meeting, Minutes
from lianxi.meetings.tests.fixtures import hold, soon
from lianxi.organization.models import Clause, Duty, Membership, RulesDocument, Unit
from lianxi.search.services import search_index_refresh
from lianxi.supervision.models import ActionItem, ProgressReport
from lianxi.supervision.services import action_item_create, progress_report_create


@dataclass
class Record:
    item_a: ActionItem
    item_b: ActionItem
    lead_report: ProgressReport
    support_report: ProgressReport
    draft_report: ProgressReport
    meeting: Meeting
    minutes: Minutes
    draft_minutes: Minutes
    incident: Incident
    duty: Duty
    clause: Clause


@pytest.fixture
def edu_liaison(unit_named: Callable[[str], Unit]) -> Any:
    return _person("edu", "教育联络", unit_named("市教育体育局"), Membership.Role.LIAISON)


def _minutes(
    meeting: Meeting, actor: Membership, *, intro: str, resolution: str, lead: Unit
) -> Minutes:
    minutes = meetings.minutes_draft(meeting=meeting, actor=actor)
    section = minutes.sections.order_by("order").first()
    assert section is not None
    meetings.minutes_update(
        minutes=minutes, intro=intro, sections={section.pk: (section.heading, "会议进行了讨论。")},
        actor=actor,
    )  # fmt: skip
    meetings.resolution_add(
        section=section, text=resolution, lead_unit=lead, deadline_workdays=20, actor=actor
    )
    minutes.refresh_from_db()
    return minutes


@pytest.fixture
def record(
    mechanism: Any,
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
    union_liaison: Any,
    unit_named: Callable[[str], Unit],
) -> Record:
    health, hrss, union = (
        unit_named("市卫生健康委"),
        unit_named("市人力资源和社会保障局"),
        unit_named("市总工会"),
    )
    safety, medical = unit_named("市应急管理局"), unit_named("市医保局")
    sec = clerk.membership
    item_a = action_item_create(
        mechanism=mechanism,
        title="开展尘肺病患者救治救助专项行动",
        description="对粉尘危害严重的矿山企业劳动者开展尘肺病筛查，落实救治救助。",
        source=ActionItem.Source.GOVERNMENT,
        source_label="市政府交办函",
        lead_unit=health,
        supporting_units=(hrss, union),
        deadline=None,
        deadline_workdays=30,
        actor=clerk,
    )
    item_b = action_item_create(
        mechanism=mechanism,
        title="非煤矿山企业粉尘危害专项治理",
        description="督促企业落实防尘降尘措施。",
        source=ActionItem.Source.OTHER,
        source_label="",
        lead_unit=safety,
        supporting_units=(),
        deadline=None,
        deadline_workdays=30,
        actor=clerk,
    )
    lead_report = progress_report_create(
        item=item_a, actor=health_liaison, text="已完成尘肺病筛查三千人次。", submit=True
    )
    support_report = progress_report_create(
        item=item_a, actor=other_liaison, text="开通尘肺病工伤认定绿色通道。", submit=True
    )
    draft_report = progress_report_create(
        item=item_a, actor=other_liaison, text="尘肺病待遇核查情况，待核草稿。", submit=False
    )

    meeting = meetings.meeting_schedule(
        kind=Meeting.Kind.PLENARY,
        title="2026年联席会议全体会议",
        starts_at=soon(10),
        ends_at=soon(10, hour=11),
        location="市卫生健康委三楼会议室",
        observer_units=(),
        actor=sec,
    )
    meetings.agenda_item_add(meeting=meeting, title="研究尘肺病防治攻坚行动", actor=sec)
    meetings.meeting_notify(meeting=meeting, actor=sec)
    hold(meeting, sec)
    minutes = _minutes(
        meeting, sec, intro="会议研究了尘肺病防治攻坚行动。",
        resolution="各成员单位按职责落实尘肺病患者救治救助。", lead=medical,
    )  # fmt: skip
    meetings.minutes_approve(minutes=minutes, actor=sec)
    meetings.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    meetings.minutes_issue(minutes=minutes, actor=sec)
    minutes.refresh_from_db()

    second = meetings.meeting_schedule(
        kind=Meeting.Kind.PLENARY,
        title="联席会议第二次全体会议",
        starts_at=soon(20),
        ends_at=soon(20, hour=11),
        location="市政府第二会议室",
        observer_units=(),
        actor=sec,
    )
    meetings.agenda_item_add(meeting=second, title="通报工作进展", actor=sec)
    meetings.meeting_notify(meeting=second, actor=sec)
    hold(second, sec)
    draft_minutes = _minutes(
        second, sec, intro="会议讨论了矽肺草案。", resolution="矽肺草案暂不印发。", lead=hrss
    )

    now = timezone.now()
    incident, _ = incident_register(
        mechanism=mechanism,
        data=IncidentInput(
            title="某石材厂尘肺病聚集性病例",
            occurred_at=now - timedelta(days=2),
            first_reported_at=now - timedelta(days=1),
            location="信阳市平桥区石材产业园",
            enterprise_name="信阳某石材有限公司",
            credit_code=VALID_CODE,
            industry="非金属矿物制品业",
            address="石材产业园 3 号",
            county="平桥区",
            hazard=Incident.Hazard.DUST,
            substance="矽尘",
            exposed_count=40,
            poisoned_count=0,
            death_count=0,
            onset="体检发现 6 名工人疑似尘肺病。",
            probable_cause="湿式作业未落实。",
            measures_taken="已停产整顿。",
            trend="",
        ),
        actor=sec,
    )
    incident_notify(incident=incident, units=[safety], actor=sec)

    document = RulesDocument.objects.get(mechanism=mechanism)
    clause = Clause.objects.create(
        document=document, anchor="四(二)", heading="督办落实",
        text="联席会议议定事项由牵头单位负责落实，联席会议办公室督促督办。", level=2, order=1,
    )  # fmt: skip
    duty = Duty.objects.create(
        unit=medical, number=2, label="（二）", text="将符合条件的尘肺病患者纳入医疗救助范围。",
        valid_from=now, source=document,
    )  # fmt: skip
    search_index_refresh()
    return Record(
        item_a=item_a,
        item_b=item_b,
        lead_report=lead_report,
        support_report=support_report,
        draft_report=draft_report,
        meeting=meeting,
        minutes=minutes,
        draft_minutes=draft_minutes,
        incident=incident,
        duty=duty,
        clause=clause,
    )
