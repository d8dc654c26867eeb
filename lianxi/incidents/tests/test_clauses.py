"""Rules of 二(四) and 三(四)2 that the incident services implement and no other test pins down.

Each test cites its clause and fails if the rule breaks.
"""

from datetime import timedelta
from typing import Any

import pytest

from lianxi.core.exceptions import ApplicationError
from lianxi.incidents.models import IncidentNotice
from lianxi.incidents.services import (
    escalate_notices,
    incident_close,
    incident_notify,
    incident_update_add,
    up_report_record,
)

pytestmark = pytest.mark.django_db


def test_a_follow_up_that_makes_an_incident_major_brings_its_report_clock_forward_二_四(
    make_incident: Any, clerk: Any
) -> None:
    """二(四) 重大职业病危害事件: 重大 is reported within 2 hours, 一般 within 6. A 续报 whose
    numbers make a 一般 incident 重大 brings the running clock forward; a clock already stopped
    by the report up stays as it was, and a milder grade never lengthens the clock."""
    actor = clerk.membership
    general = make_incident(poisoned_count=3)
    first = general.first_reported_at
    assert general.grade == "general" and general.report_due_at == first + timedelta(hours=6)
    incident_update_add(
        incident=general, kind="follow_up", text="新增中毒 9 人。", poisoned_count=12, actor=actor
    )
    general.refresh_from_db()
    assert general.grade == "major" and general.report_due_at == first + timedelta(hours=2)
    assert "报告时限提前至" in general.timeline.get(kind="regrade").text

    reported = make_incident(poisoned_count=3)
    for recipient in ("市人民政府", "省卫生健康委"):
        up_report_record(incident=reported, recipient=recipient, channel="电话", actor=actor)
    incident_update_add(
        incident=reported, kind="follow_up", text="新增中毒 9 人。", poisoned_count=12, actor=actor
    )
    reported.refresh_from_db()
    assert reported.grade == "major"
    assert reported.report_due_at == reported.first_reported_at + timedelta(hours=6)

    major = make_incident(poisoned_count=12)
    incident_update_add(
        incident=major, kind="follow_up", text="核实后中毒 3 人。", poisoned_count=3, actor=actor
    )
    major.refresh_from_db()
    assert major.grade == "general"
    assert major.report_due_at == major.first_reported_at + timedelta(hours=2)


def test_a_closed_incident_takes_no_more_reports_and_its_notices_no_longer_escalate_三_四_2(
    make_incident: Any, clerk: Any, unit: Any
) -> None:
    """三(四)2: 续报 and 终报 lead to closing with the investigation result; after that the
    incident takes no more reports, and a notice nobody acknowledged is not escalated any more."""
    actor = clerk.membership
    incident = make_incident()
    (notice,) = incident_notify(incident=incident, units=[unit("市总工会")], actor=actor)
    incident_update_add(incident=incident, kind="final", text="全部出院。", actor=actor)
    incident_close(incident=incident, investigation_result="已立案处罚。", actor=actor)
    for kind in ("follow_up", "final"):
        with pytest.raises(ApplicationError, match="已结案"):
            incident_update_add(incident=incident, kind=kind, text="再报", actor=actor)
    with pytest.raises(ApplicationError, match="已结案"):
        incident_close(incident=incident, investigation_result="再次结案", actor=actor)
    assert escalate_notices(notice.ack_due_at + timedelta(hours=1)) == {"escalated": 0}
    notice.refresh_from_db()
    assert notice.level == IncidentNotice.Level.SENT and notice.acknowledged_at is None
