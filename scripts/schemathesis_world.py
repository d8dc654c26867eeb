"""The world the API contract run (scripts/schemathesis.sh) works on, in a fresh data directory.

Run with LIANXI_DATA_DIR pointing at an empty directory: sets the platform up (`lianxi setup`:
migrations, the default rules, the secretariat's account), adds a liaison of the health
commission and one record of each kind the API serves (a meeting with an agenda item, a held
meeting with its minutes in draft, an action item with a progress report, an incident notified
to the health commission), then issues one API token for the secretariat and one for the
liaison with `lianxi api_token create` and prints them as JSON:
{"secretariat": "...", "liaison": "..."}.

Not a test fixture: the records are made through the apps' services, as a person would.
"""

import io
import json
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

SECRETARIAT = "mishu"
LIAISON = "weijian"


def _token(username: str, name: str) -> str:
    out = io.StringIO()
    call_command("api_token", "create", "--user", username, "--name", name, stdout=out)
    return out.getvalue().strip().splitlines()[-1].strip()


def main() -> None:
    call_command("setup", "--username", SECRETARIAT, stdout=io.StringIO())

    from lianxi.incidents.services import incident_notify, incident_register
    from lianxi.incidents.tests.conftest import sample_input
    from lianxi.meetings import services as meetings
    from lianxi.meetings.models import Meeting
    from lianxi.meetings.tests.fixtures import hold
    from lianxi.organization.models import Membership, Unit
    from lianxi.organization.people_services import person_create
    from lianxi.supervision.models import ActionItem
    from lianxi.supervision.services import action_item_create, progress_report_create

    sec = Membership.objects.select_related("unit__mechanism").get(user__username=SECRETARIAT)
    mechanism = sec.unit.mechanism
    health = Unit.objects.get(mechanism=mechanism, name="市卫生健康委")
    hrss = Unit.objects.get(mechanism=mechanism, name="市人力资源和社会保障局")
    liaison, _ = person_create(
        actor=sec, username=LIAISON, name="卫联络", unit=health, role=Membership.Role.LIAISON
    )

    day = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    meeting = meetings.meeting_schedule(
        kind=Meeting.Kind.PLENARY,
        title="职业病防治工作联席会议全体会议",
        starts_at=day + timedelta(days=14),
        ends_at=day + timedelta(days=14, hours=2),
        location="市政府第一会议室",
        observer_units=(),
        actor=sec,
    )
    meetings.agenda_item_add(meeting=meeting, title="尘肺病防治攻坚行动进展", actor=sec)
    meetings.meeting_notify(meeting=meeting, actor=sec)

    # A meeting held this morning, its minutes in draft with one agreed matter.
    held = meetings.meeting_schedule(
        kind=Meeting.Kind.PLENARY,
        title="职业病防治工作联席会议第一次全体会议",
        starts_at=day + timedelta(days=1),
        ends_at=day + timedelta(days=1, hours=2),
        location="市政府第二会议室",
        observer_units=(),
        actor=sec,
    )
    meetings.agenda_item_add(meeting=held, title="年度工作计划", actor=sec)
    meetings.meeting_notify(meeting=held, actor=sec)
    hold(held, sec)
    minutes = meetings.minutes_draft(meeting=held, actor=sec)
    section = minutes.sections.order_by("order").first()
    assert section is not None
    meetings.resolution_add(
        section=section, text="制定年度工作计划", lead_unit=hrss, deadline_workdays=20, actor=sec
    )

    item = action_item_create(
        mechanism=mechanism,
        title="开展粉尘危害专项治理",
        description="对重点行业用人单位开展粉尘危害专项治理。",
        source=ActionItem.Source.GOVERNMENT,
        source_label="市政府交办函",
        lead_unit=health,
        supporting_units=(hrss,),
        deadline_workdays=30,
        actor=sec.user,
    )
    progress_report_create(
        item=item, actor=liaison.user, text="已完成摸底排查。", attachment=None, submit=True
    )

    incident, _ = incident_register(
        mechanism=mechanism,
        data=sample_input(),
        actor=sec,
    )
    incident_notify(incident=incident, units=[health], actor=sec)

    print(
        json.dumps(
            {
                "secretariat": _token(SECRETARIAT, "接口契约测试（联席会议办公室）"),
                "liaison": _token(LIAISON, "接口契约测试（卫生健康委联络员）"),
            }
        )
    )


if __name__ == "__main__":
    main()
